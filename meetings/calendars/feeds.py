"""The calendars people subscribe to or download: a partnership's, the officials', one
meeting's and a person's own (with their answer and an optional reminder), each as bytes with
what HTTP caching needs. The rules they follow are in ``meetings.calendars.ics``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event

from liaison import audit, permissions
from liaison.models import Mechanism, Partnership, Person
from liaison.site import absolute_url
from meetings.calendars.ics import (
    PARTSTAT,
    SERIES_RANK,
    beijing,
    feed_event,
    meeting_event,
    meeting_url,
    new_calendar,
    series_event,
    series_start,
    series_uid,
    to_bytes,
)
from meetings.models import AgendaItem, Invitation, Meeting

# Raise when the bytes built from the same rows change (a new property, another layout): every
# subscriber then downloads the feed once more instead of keeping a stale copy behind a 304.
FORMAT = "3"
# A built feed stays in the cache this long, under a key that changes with every change.
CACHE_SECONDS = 24 * 60 * 60
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Version:
    """What a feed's bytes depend on, known before building it: the feed (``identity``, with
    everything of the subscriber the feed shows or filters by) and the last change of anything
    in it. The ETag is derived from that, never from the body, so a 304 costs a query or two.

    Read it *before* the feed's rows: a change committed in between then costs one more
    download, never a body cached under a version older than its rows."""

    identity: str
    last_modified: datetime

    @property
    def etag(self) -> str:
        material = "|".join(
            (
                FORMAT,
                settings.SITE_URL,
                settings.LANGUAGE_CODE,
                # A series reaches two years past the later of today and its last meeting.
                str(timezone.localdate().year),
                self.identity,
                self.last_modified.isoformat(),
            )
        )
        return '"' + hashlib.sha256(material.encode()).hexdigest()[:40] + '"'


@dataclass(frozen=True)
class Feed:
    """A calendar's bytes, with what HTTP caching needs."""

    body: bytes
    version: Version

    @property
    def etag(self) -> str:
        return self.version.etag

    @property
    def last_modified(self) -> datetime:
        return self.version.last_modified


def cached(version: Version, build: Callable[[], bytes]) -> Feed:
    """The feed of this version from the cache (Redis when configured, else this process's
    memory), built and stored on a miss. The key is the ETag: a change moves the version, so
    an old body is never served; it just expires."""
    key = "calendar-feed:" + version.etag.strip('"')
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, CACHE_SECONDS)
    return Feed(body, version)


# What an event shows of a meeting (the rest of the row is left in the database).
EVENT_FIELDS = (
    "uid",
    "updated_at",
    "sequence",
    "start",
    "end",
    "title",
    "status",
    "status_reason",
    "description",
    "city",
    "venue",
)
AGENDA = Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk"))


def with_agenda(meetings):
    return meetings.select_related("partnership", "mechanism").prefetch_related(AGENDA)


def last_change(*kinds, objects=(), meetings: tuple = ()) -> datetime:
    """When the feed last changed, at the latest, in one query: the newest audit entry of the
    kinds of object it shows (agenda edits do not touch the meeting row, deletions leave only
    their entry), of the subscriber's own objects, and the newest ``updated_at`` of the
    meetings matching ``meetings`` (field, value pairs; edits not made through the audited
    services still move it). Coarse on purpose: a change elsewhere costs a client one full
    download, never a wrong 304."""
    newest = audit.Newest(Meeting, "updated_at", meetings)
    return audit.latest_change(*kinds, objects=objects, also=(newest,)) or NEVER


def _series_components(
    mechanism: Mechanism, meetings: list[Meeting], *, stamp: datetime
) -> list[Event | str]:
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
            feed_event(
                chosen,
                uid=series_uid(mechanism),
                recurrence_id=series_start(mechanism, day),
            )
        )
    events += [feed_event(m) for m in meetings if m.pk not in placed]
    return events


def published_version(*, identity: str, meetings: tuple = ()) -> Version:
    """The version of a published calendar (its meetings: field, value pairs)."""
    return Version(
        identity, last_change(Meeting, AgendaItem, Mechanism, Partnership, meetings=meetings)
    )


def build_published(partnerships, *, name: str, url: str, stamp: datetime) -> bytes:
    """Every published (not draft) meeting of the partnerships, with their mechanisms as series."""
    partnerships = list(partnerships)
    meetings = list(
        Meeting.objects.filter(partnership__in=partnerships)
        .exclude(status=Meeting.Status.DRAFT)
        .only(*EVENT_FIELDS, "mechanism")
        .prefetch_related(AGENDA)
        .order_by("start", "pk")
    )
    mechanisms = list(
        Mechanism.objects.filter(partnership__in=partnerships).order_by("partnership", "pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        events: list[Event | str] = []
        for mechanism in mechanisms:
            own = [m for m in meetings if m.mechanism_id == mechanism.pk]
            events += _series_components(mechanism, own, stamp=stamp)
        events += [feed_event(m) for m in meetings if m.mechanism_id is None]
        return to_bytes(new_calendar(name, url=url), events)


def partnership_version(partnership: Partnership) -> Version:
    return published_version(
        identity=f"partnership/{partnership.pk}/{partnership.name}",
        meetings=(("partnership", partnership.pk),),
    )


def partnership_calendar(partnership: Partnership, version: Version | None = None) -> Feed:
    version = version or partnership_version(partnership)
    with translation.override(settings.LANGUAGE_CODE):
        name = _("%(name)s · meetings") % {"name": partnership.name}
    url = absolute_url(reverse("partnership-detail", args=[partnership.pk]))
    return cached(
        version,
        lambda: build_published([partnership], name=name, url=url, stamp=version.last_modified),
    )


def officials_version() -> Version:
    return published_version(identity="officials")


def officials_calendar(version: Version | None = None) -> Feed:
    version = version or officials_version()
    with translation.override(settings.LANGUAGE_CODE):
        name = _("All meetings of the partnerships")
    return cached(
        version,
        lambda: build_published(
            Partnership.objects.order_by("pk"),
            name=name,
            url=absolute_url(reverse("meeting-list")),
            stamp=version.last_modified,
        ),
    )


def meeting_version(meeting_pk: int) -> Version:
    """A meeting's own changes and its agenda's (agenda edits leave the meeting row alone).
    Needs only the meeting's pk: read it before the meeting's row (see ``Version``)."""
    return Version(
        f"meeting/{meeting_pk}",
        last_change(AgendaItem, objects=[Meeting(pk=meeting_pk)], meetings=(("pk", meeting_pk),)),
    )


def meeting_calendar(meeting: Meeting, version: Version | None = None, *, read=False) -> Feed:
    """One meeting, to download and import (its own UID: the same as in the invitation mail).

    ``read``: the caller read ``meeting`` after ``version``, with its partnership and
    mechanism (``Meeting.objects.with_related()``); only its agenda is then read. Otherwise
    the meeting is read again, as it is in the database."""
    version = version or meeting_version(meeting.pk)

    def build() -> bytes:
        if read:
            item = meeting
            prefetch_related_objects([item], AGENDA)
        else:
            item = with_agenda(Meeting.objects.filter(pk=meeting.pk)).get()
        with translation.override(settings.LANGUAGE_CODE):
            calendar = new_calendar(item.title, url=meeting_url(item))
            calendar.add_component(meeting_event(item))
            return to_bytes(calendar)

    return cached(version, build)


def own_address(user) -> str:
    """The subscriber's e-mail: the account's, or else its person's (read with the token, or
    one query)."""
    if user.email:
        return user.email
    try:
        return user.person.email
    except Person.DoesNotExist:
        return ""


def personal_invitations(user):
    """The invitations the user's own feed shows: a member's organisation's and its own
    person's; for the secretariat and officials, those addressed to their own person."""
    invitations = Invitation.objects.visible_to(user).exclude(meeting__status=Meeting.Status.DRAFT)
    if not permissions.is_member(user):
        invitations = invitations.filter(person__user=user)
    return invitations.select_related("person").order_by("meeting__start", "pk")


def own_person_id(user) -> int | None:
    """The pk of the user's own person (none for an account without one)."""
    try:
        return user.person.pk
    except Person.DoesNotExist:
        return None


def personal_version(token) -> Version:
    """The personal feed's version: besides the meetings and agendas, the subscriber's own
    invitations (answers included: the newest ``changed_at`` of its organisation's and of its
    person's, so that another member's answer leaves this feed's ETag alone), the deletion of
    any invitation, and everything of the subscriber the feed shows or is filtered by: the
    link and its reminder, the account's role, organisation, person, name and address, and
    their audited changes."""
    user = token.user
    person_id = own_person_id(user)
    identity = "/".join(
        str(part)
        for part in (
            "personal",
            token.pk,
            token.key,
            token.reminder_minutes,
            user.pk,
            user.role,
            user.organisation_id,
            user.is_active,
            user.email,
            person_id,
            user,
        )
    )
    mine = [audit.Newest(Meeting, "updated_at"), audit.newest_deletion_of_type(Invitation)]
    if person_id is not None:
        mine.append(audit.Newest(Invitation, "changed_at", (("person", person_id),)))
    if permissions.is_member(user) and user.organisation_id:
        mine.append(
            audit.Newest(Invitation, "changed_at", (("organisation", user.organisation_id),))
        )
    changed = audit.latest_change(Meeting, AgendaItem, Person, objects=[user], also=tuple(mine))
    return Version(identity, max(changed or NEVER, token.updated_at))


def personal_calendar(token, version: Version | None = None) -> Feed:
    """The meetings the token's user is invited to, with the user's own answer (PARTSTAT)
    and, when switched on, a reminder. Nothing of anyone else's answers."""
    version = version or personal_version(token)
    return cached(version, lambda: build_personal(token))


def build_personal(token) -> bytes:
    user = token.user
    # The invitations with their meetings in one query, the agendas in a second.
    invitations = (
        personal_invitations(user)
        .select_related("meeting")
        .only(
            "meeting_id",
            "person_id",
            "status",
            "person__email",
            *(f"meeting__{name}" for name in EVENT_FIELDS),
        )
    )
    # One event per meeting: an invitation of the user's own person wins over the organisation's.
    chosen: dict[int, Invitation] = {}
    for invitation in invitations:
        if invitation.meeting_id not in chosen or invitation.person_id:
            chosen[invitation.meeting_id] = invitation
    meetings = sorted(
        (invitation.meeting for invitation in chosen.values()), key=lambda m: (m.start, m.pk)
    )
    prefetch_related_objects(meetings, AGENDA)
    own = own_address(user)
    with translation.override(settings.LANGUAGE_CODE):
        calendar = new_calendar(_("My meetings · %(name)s") % {"name": user})
        events = []
        for meeting in meetings:
            invitation = chosen[meeting.pk]
            address = own or (invitation.person.email if invitation.person_id else "")
            events.append(
                feed_event(
                    meeting,
                    answer=invitation.get_status_display(),
                    attendee=(address, str(user), PARTSTAT[invitation.status]) if address else None,
                    alarm_minutes=token.reminder_minutes
                    if meeting.status != Meeting.Status.CANCELLED
                    else None,
                )
            )
        return to_bytes(calendar, events)
