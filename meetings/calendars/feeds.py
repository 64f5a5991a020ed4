"""The calendars people subscribe to or download: a partnership's, the officials', one
meeting's and a person's own (with their answer and an optional reminder), each as bytes with
what HTTP caching needs. The rules they follow are in ``meetings.calendars.ics``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event, vCalAddress

from liaison import permissions
from liaison.models import AuditEntry, Mechanism, Partnership, Person
from liaison.site import absolute_url
from meetings.calendars.ics import (
    PARTSTAT,
    SERIES_RANK,
    beijing,
    meeting_event,
    meeting_url,
    new_calendar,
    reminder,
    series_event,
    series_start,
    series_uid,
    single_line,
    to_bytes,
)
from meetings.models import AgendaItem, Invitation, Meeting


@dataclass(frozen=True)
class Feed:
    """A calendar's bytes, with what HTTP caching needs."""

    body: bytes
    last_modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:40] + '"'


def with_agenda(meetings):
    return meetings.select_related("partnership", "mechanism").prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk"))
    )


def last_change(meetings: Iterable[Meeting], *models) -> datetime:
    """When the feed last changed, at the latest: its meetings' own changes, and the newest
    audit entry of the given models (agenda edits do not touch the meeting row). Coarse on
    purpose: a change elsewhere costs a client one full download, never a wrong 304."""
    moments = [m.updated_at for m in meetings]
    if models:
        types = ContentType.objects.get_for_models(*models, for_concrete_models=False).values()
        latest = AuditEntry.objects.filter(content_type__in=types).aggregate(at=Max("at"))["at"]
        if latest:
            moments.append(latest)
    return max(moments, default=datetime(2000, 1, 1, tzinfo=UTC))


def _series_components(
    mechanism: Mechanism, meetings: list[Meeting], *, stamp: datetime
) -> list[Event]:
    """The series event, its overrides and the mechanism's meetings outside the series."""
    events = [series_event(mechanism, stamp=stamp)]
    last = max(
        [timezone.localdate()] + [beijing(m.start).date() for m in meetings],
    )
    horizon = date(last.year + 2, 12, 31)
    placed: set[int] = set()
    for day in mechanism.expected_dates(mechanism.first_date, horizon):
        first, until = mechanism.period(day)
        candidates = [
            m
            for m in meetings
            if m.pk not in placed
            and m.status in SERIES_RANK
            and first <= beijing(m.start).date() < until
        ]
        if not candidates:
            continue
        chosen = min(candidates, key=lambda m: (SERIES_RANK[m.status], m.start, m.pk))
        placed.add(chosen.pk)
        events.append(
            meeting_event(
                chosen,
                uid=series_uid(mechanism),
                recurrence_id=series_start(mechanism, day),
            )
        )
    events += [meeting_event(m) for m in meetings if m.pk not in placed]
    return events


def published_calendar(partnerships: Iterable[Partnership], *, name: str, url: str = "") -> Feed:
    """Every published (not draft) meeting of the partnerships, with their mechanisms as series."""
    partnerships = list(partnerships)
    meetings = list(
        with_agenda(
            Meeting.objects.filter(partnership__in=partnerships).exclude(
                status=Meeting.Status.DRAFT
            )
        ).order_by("start", "pk")
    )
    mechanisms = list(
        Mechanism.objects.filter(partnership__in=partnerships).order_by("partnership", "pk")
    )
    modified = last_change(meetings, Meeting, AgendaItem, Mechanism, Partnership)
    with translation.override(settings.LANGUAGE_CODE):
        calendar = new_calendar(name, url=url)
        for mechanism in mechanisms:
            own = [m for m in meetings if m.mechanism_id == mechanism.pk]
            for event in _series_components(mechanism, own, stamp=modified):
                calendar.add_component(event)
        for meeting in meetings:
            if meeting.mechanism_id is None:
                calendar.add_component(meeting_event(meeting))
        return Feed(to_bytes(calendar), modified)


def partnership_calendar(partnership: Partnership) -> Feed:
    with translation.override(settings.LANGUAGE_CODE):
        name = _("%(name)s · meetings") % {"name": partnership.name}
    url = absolute_url(reverse("partnership-detail", args=[partnership.pk]))
    return published_calendar([partnership], name=name, url=url)


def officials_calendar() -> Feed:
    with translation.override(settings.LANGUAGE_CODE):
        name = _("All meetings of the partnerships")
    return published_calendar(
        Partnership.objects.order_by("pk"), name=name, url=absolute_url(reverse("meeting-list"))
    )


def meeting_calendar(meeting: Meeting) -> Feed:
    """One meeting, to download and import (its own UID: the same as in the invitation mail)."""
    meeting = with_agenda(Meeting.objects.filter(pk=meeting.pk)).get()
    modified = last_change([meeting])
    with translation.override(settings.LANGUAGE_CODE):
        calendar = new_calendar(meeting.title, url=meeting_url(meeting))
        calendar.add_component(meeting_event(meeting))
        return Feed(to_bytes(calendar), modified)


def own_address(user) -> str:
    """The subscriber's e-mail: the account's, or else its person's (one query at most)."""
    if user.email:
        return user.email
    return (
        Person.objects.filter(user=user).exclude(email="").values_list("email", flat=True).first()
        or ""
    )


def personal_invitations(user):
    """The invitations the user's own feed shows: a member's organisation's and its own
    person's; for the secretariat and officials, those addressed to their own person."""
    invitations = Invitation.objects.visible_to(user).exclude(meeting__status=Meeting.Status.DRAFT)
    if not permissions.is_member(user):
        invitations = invitations.filter(person__user=user)
    return invitations.select_related("person").order_by("meeting__start", "pk")


def personal_calendar(token) -> Feed:
    """The meetings the token's user is invited to, with the user's own answer (PARTSTAT)
    and, when switched on, a reminder. Nothing of anyone else's answers."""
    user = token.user
    invitations = list(personal_invitations(user))
    # One event per meeting: an invitation of the user's own person wins over the organisation's.
    chosen: dict[int, Invitation] = {}
    for invitation in invitations:
        if invitation.meeting_id not in chosen or invitation.person_id:
            chosen[invitation.meeting_id] = invitation
    meetings = {
        m.pk: m for m in with_agenda(Meeting.objects.filter(pk__in=chosen)).order_by("start", "pk")
    }
    modified = max(
        last_change(meetings.values(), Meeting, AgendaItem, Invitation), token.updated_at
    )
    own = own_address(user)
    with translation.override(settings.LANGUAGE_CODE):
        calendar = new_calendar(_("My meetings · %(name)s") % {"name": user})
        for meeting in meetings.values():
            invitation = chosen[meeting.pk]
            event = meeting_event(meeting, answer=invitation.get_status_display())
            address = own or (invitation.person.email if invitation.person_id else "")
            if address:
                event.add(
                    "attendee",
                    vCalAddress.new(
                        address,
                        cn=single_line(str(user)).replace('"', ""),
                        partstat=PARTSTAT[invitation.status],
                    ),
                )
            if token.reminder_minutes and meeting.status != Meeting.Status.CANCELLED:
                event.add_component(reminder(token.reminder_minutes, meeting.title))
            calendar.add_component(event)
        return Feed(to_bytes(calendar), modified)
