"""iCalendar feeds of meetings (RFC 5545 with the RFC 7986 calendar properties).

Every byte comes from the ``icalendar`` library, never from a template. The traps measured in
``shared/notes/calendars.md`` are guarded here, each where it arises:

- times carry ``TZID=Asia/Shanghai`` and the calendar holds one VTIMEZONE for it with a single
  STANDARD part at +0800 (no invented daylight-saving history) and no COMMENT;
- UIDs never change: a meeting's is its stored ``uid`` (the bare UUID, the same in every feed,
  download and invitation mail); a series' is derived from its mechanism's primary key;
- DTSTAMP is the meeting's last change, so a feed's bytes stay identical while nothing changed;
- feeds carry no METHOD, no ORGANIZER and no attendee but the subscriber himself.

Series. The annual joint meeting and the biennial event are published as one recurring event
per mechanism: DTSTART is the mechanism's ``first_date`` at 09:30–12:00 Beijing time, RRULE its
cadence (UNTIL turned into UTC). A concrete meeting of the mechanism replaces the occurrence
whose *period* (``Mechanism.period``, the same rule ``Mechanism.occurrences`` uses: for yearly
cadences the calendar years up to the next occurrence) contains its Beijing start date. It is
attached as an override: the series UID, ``RECURRENCE-ID`` equal to the occurrence's original
start, and the meeting's own time, place, status and SEQUENCE. When several meetings fall into
one period, a held (or closed) one wins over a scheduled or postponed one, which wins over a
cancelled one; among equals the earliest. The others, and meetings outside every period, appear
as single events with their own UID. So every occurrence is shown exactly once, a moved one at
its new time, and a cancelled one as STATUS:CANCELLED (hidden by Google, struck through by
Apple), never beside the generic occurrence it replaces.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vDuration, vRecur, vText

from liaison import permissions
from liaison.models import AuditEntry, Mechanism, Partnership, Person
from liaison.site import absolute_url
from meetings.models import AgendaItem, Invitation, Meeting

BEIJING = ZoneInfo("Asia/Shanghai")
TZID = "Asia/Shanghai"
PRODID = "-//Hunan FIC and Turpan//Liaison meetings//ZH"
# Clients poll at their own pace (Google every 8–24 h); this is the hint we give.
REFRESH = timedelta(hours=6)
# The times of an occurrence the series expects, before a meeting is scheduled for it.
SERIES_START = time(9, 30)
SERIES_END = time(12, 0)
# Series UIDs are derived from this fixed namespace and the mechanism's primary key.
SERIES_NAMESPACE = uuid.UUID("5b0f3c3e-3a8d-4c57-9a51-6f1c2a7d3e10")
LINE_OCTETS = 75
FOLDED = re.compile(rb"\r\n[ \t]")

STATUS = {
    Meeting.Status.DRAFT: "TENTATIVE",
    Meeting.Status.SCHEDULED: "CONFIRMED",
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CLOSED: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}
PARTSTAT = {
    Invitation.Status.PENDING: "NEEDS-ACTION",
    Invitation.Status.ACCEPTED: "ACCEPTED",
    Invitation.Status.DECLINED: "DECLINED",
    Invitation.Status.TENTATIVE: "TENTATIVE",
    Invitation.Status.WAITLISTED: "TENTATIVE",
    Invitation.Status.TO_CONFIRM: "NEEDS-ACTION",
}
# Which meeting of a period stands for the series occurrence (lower wins).
_RANK = {
    Meeting.Status.HELD: 0,
    Meeting.Status.CLOSED: 0,
    Meeting.Status.SCHEDULED: 1,
    Meeting.Status.POSTPONED: 1,
    Meeting.Status.CANCELLED: 2,
}


@dataclass(frozen=True)
class Feed:
    """A calendar's bytes, with what HTTP caching needs."""

    body: bytes
    last_modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:40] + '"'


# --- Values ----------------------------------------------------------------------------------


def beijing(value: datetime) -> datetime:
    """An aware datetime in Beijing time; naive ones are refused (they would become floating)."""
    if timezone.is_naive(value):
        raise ValueError("Calendar times must be timezone-aware.")
    return value.astimezone(BEIJING)


def utc(value: datetime) -> datetime:
    if timezone.is_naive(value):
        raise ValueError("Calendar times must be timezone-aware.")
    return value.astimezone(UTC)


def single_line(text: str) -> str:
    return " ".join(str(text).split())


def meeting_url(meeting: Meeting) -> str:
    return absolute_url(reverse("meeting-detail", args=[meeting.pk]))


def series_uid(mechanism: Mechanism) -> str:
    return str(uuid.uuid5(SERIES_NAMESPACE, f"mechanism/{mechanism.pk}"))


def series_start(mechanism: Mechanism, day: date) -> datetime:
    """The original start of the series occurrence expected on ``day`` (its RECURRENCE-ID)."""
    return datetime.combine(day, SERIES_START, tzinfo=BEIJING)


def series_rule(mechanism: Mechanism) -> vRecur:
    """The mechanism's RRULE; an UNTIL is written in UTC, as RFC 5545 wants with a zoned
    DTSTART (a date or a local time is read as the end of that Beijing day or that moment)."""
    text = mechanism.rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    rule = vRecur.from_ical(text)
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        if not isinstance(until, datetime):
            until = datetime.combine(until, time(23, 59, 59), tzinfo=BEIJING)
        elif timezone.is_naive(until):
            until = until.replace(tzinfo=BEIJING)
        rule["UNTIL"] = [utc(until)]
    return rule


def location(meeting: Meeting) -> str:
    return single_line(" · ".join(part for part in (meeting.city, meeting.venue) if part))


def _time_line(meeting: Meeting) -> str:
    start, end = beijing(meeting.start), beijing(meeting.end)
    end_format = "%H:%M" if start.date() == end.date() else "%Y-%m-%d %H:%M"
    return _("Time: %(start)s–%(end)s, %(zone)s") % {
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "end": end.strftime(end_format),
        "zone": _("Beijing time (UTC+8)"),
    }


def description(meeting: Meeting, agenda: Iterable[AgendaItem], *, answer: str = "") -> str:
    """The meeting's text: status reason, time in Beijing time, the agenda, the page's URL."""
    lines = []
    if meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.POSTPONED):
        lines.append(
            _("This meeting is %(status)s.") % {"status": meeting.get_status_display()}
            + (f" {meeting.status_reason}" if meeting.status_reason else "")
        )
    lines.append(_time_line(meeting))
    if answer:
        lines.append(_("Your answer: %(answer)s") % {"answer": answer})
    if meeting.description:
        lines += ["", meeting.description.strip()]
    agenda = list(agenda)
    if agenda:
        lines += ["", _("Agenda:")]
        for number, item in enumerate(agenda, 1):
            extra = "，".join(
                part
                for part in (
                    item.presenter,
                    _("%(minutes)s min") % {"minutes": item.duration_minutes}
                    if item.duration_minutes
                    else "",
                )
                if part
            )
            lines.append(f"{number}. {single_line(item.title)}" + (f"（{extra}）" if extra else ""))
    lines += ["", meeting_url(meeting)]
    return "\n".join(lines)


# --- Components ------------------------------------------------------------------------------


def meeting_event(
    meeting: Meeting,
    *,
    uid: str | None = None,
    recurrence_id: datetime | None = None,
    answer: str = "",
    stamp: datetime | None = None,
) -> Event:
    """One meeting as a VEVENT (its own UID, or its series' with ``recurrence_id``). DTSTAMP is
    the meeting's last change (feeds), or ``stamp`` (an iTIP message's creation time).

    ``meeting.agenda_items`` should be prefetched by the caller when it builds many events."""
    event = Event.new(
        uid=uid or str(meeting.uid),
        stamp=utc(stamp or meeting.updated_at),
        sequence=meeting.sequence,
        start=beijing(meeting.start),
        end=beijing(meeting.end),
        summary=single_line(meeting.title),
        url=meeting_url(meeting),
        description=description(meeting, meeting.agenda_items.all(), answer=answer),
    )
    if recurrence_id is not None:
        event.add("recurrence-id", beijing(recurrence_id))
    if location(meeting):
        event.add("location", location(meeting))
    event.add("status", STATUS[meeting.status])
    return event


def series_event(mechanism: Mechanism, *, stamp: datetime) -> Event:
    """A mechanism as a recurring event: the occurrences its cadence expects."""
    first = series_start(mechanism, mechanism.first_date)
    lines = [
        _("Expected dates of “%(name)s”; each scheduled meeting replaces its date.")
        % {"name": mechanism.name},
        _("Time: %(start)s–%(end)s, %(zone)s")
        % {"start": "09:30", "end": "12:00", "zone": _("Beijing time (UTC+8)")},
    ]
    if mechanism.description:
        lines += ["", mechanism.description.strip()]
    url = absolute_url(reverse("partnership-detail", args=[mechanism.partnership_id]))
    lines += ["", url]
    event = Event.new(
        uid=series_uid(mechanism),
        stamp=utc(stamp),
        sequence=0,
        start=first,
        end=datetime.combine(mechanism.first_date, SERIES_END, tzinfo=BEIJING),
        summary=single_line(mechanism.name),
        url=url,
        description="\n".join(lines),
    )
    event.add("rrule", series_rule(mechanism))
    event.add("status", "TENTATIVE")
    return event


def reminder(minutes: int, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(minutes=-minutes))
    alarm.add("description", single_line(summary))
    return alarm


def new_calendar(name: str, *, url: str = "") -> Calendar:
    """An empty calendar with its name and refresh hints. Not ``Calendar.new()``: that adds a
    random UID, and the bytes must not change between two requests."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    # vText, single line: the plain setters neither escape nor survive a newline.
    calendar.add("name", vText(single_line(name)))
    calendar.add("x-wr-calname", vText(single_line(name)))
    if url:
        calendar.add("url", url)
    # Without VALUE=DURATION some clients ignore the hint; a bare timedelta TTL is "06:00:00".
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


def fold(body: bytes) -> bytes:
    """Fold the library's lines again at 75 octets, never inside a UTF-8 character and never
    between a backslash and the character it escapes: icalendar 7.3 may split ``\\;`` or
    ``\\\\`` across a fold, and Google then drops the event."""
    folded = []
    for line in FOLDED.sub(b"", body).split(b"\r\n"):
        width = LINE_OCTETS
        while len(line) > width:
            cut = width
            while cut > 1 and (
                0x80 <= line[cut] < 0xC0 or (len(line[:cut]) - len(line[:cut].rstrip(b"\\"))) % 2
            ):
                cut -= 1
            folded.append(line[:cut])
            line = b" " + line[cut:]
        folded.append(line)
    return b"\r\n".join(folded)


def to_bytes(calendar: Calendar) -> bytes:
    """Add the VTIMEZONE (one STANDARD part at +0800, as China has had no DST since 1991)
    and serialise."""
    if calendar.walk("VEVENT"):
        calendar.add_missing_timezones(first_date=date(2000, 1, 1))
        for zone in calendar.walk("VTIMEZONE"):
            zone.pop("COMMENT", None)
    return fold(calendar.to_ical())


# --- Calendars -------------------------------------------------------------------------------


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
            if m.pk not in placed and m.status in _RANK and first <= beijing(m.start).date() < until
        ]
        if not candidates:
            continue
        chosen = min(candidates, key=lambda m: (_RANK[m.status], m.start, m.pk))
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


# --- Invitations by e-mail (iTIP over iMIP) --------------------------------------------------

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def organizer_address() -> str:
    """The secretariat's mailbox: ORGANIZER of every invitation, and the mail's From."""
    return settings.CALENDAR_ORGANIZER_EMAIL


def organizer_name() -> str:
    """ORGANIZER's CN: the name in DEFAULT_FROM_EMAIL (Chinese), else the secretariat's."""
    name = parseaddr(settings.DEFAULT_FROM_EMAIL)[0]
    return single_line(name or _("The Secretariat, Hunan–Turpan Liaison")).replace('"', "")


@functools.cache
def _beijing_zone() -> bytes:
    """The VTIMEZONE ``to_bytes`` adds, computed once (it takes the library ~30 ms, and every
    invitation mail needs it); the same bytes, as it depends on nothing but the TZID."""
    probe = Calendar()
    probe.add_component(Event.new(start=datetime(2026, 1, 1, tzinfo=BEIJING)))
    probe.add_missing_timezones(first_date=date(2000, 1, 1))
    (zone,) = probe.walk("VTIMEZONE")
    zone.pop("COMMENT", None)
    return zone.to_ical()


def invitation_method(meeting: Meeting, *, cancellation: bool = False) -> str:
    """CANCEL for a cancellation (or a meeting cancelled meanwhile), else REQUEST."""
    if cancellation or meeting.status == Meeting.Status.CANCELLED:
        return CANCEL
    return REQUEST


def invitation_calendar(
    meeting: Meeting,
    invitation: Invitation,
    *,
    address: str,
    name: str,
    method: str,
    stamp: datetime | None = None,
) -> bytes:
    """The iTIP message of one invitation mail (RFC 5546): METHOD REQUEST or CANCEL, the
    meeting's stored UID and current SEQUENCE (``save_meeting`` raised it on every change of
    time, place, title or status), DTSTAMP the message's creation, the secretariat as ORGANIZER
    and the invitee (``address``) as the one ATTENDEE with their current answer as PARTSTAT.
    No feed hints (NAME, REFRESH-INTERVAL): this is a message, not a subscription. The caller
    chooses the language (the DESCRIPTION is translated).

    Mail goes out by the thousand: the caller loads the meeting once for all its recipients,
    with its agenda prefetched (``with_agenda``), and nothing here queries the database."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"Unsupported iTIP method {method!r}.")
    event = meeting_event(meeting, stamp=stamp or timezone.now())
    if method == CANCEL:
        # RFC 5546 3.2.5: a cancelled event says so, whatever the meeting row holds.
        event.pop("STATUS", None)
        event.add("status", "CANCELLED")
    event.add(
        "organizer",
        vCalAddress.new(organizer_address(), cn=organizer_name()),
    )
    event.add(
        "attendee",
        vCalAddress.new(
            address,
            cn=single_line(name).replace('"', "") or None,
            role="REQ-PARTICIPANT",
            partstat=PARTSTAT[invitation.status],
            rsvp=True if method == REQUEST else None,
        ),
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(Timezone.from_ical(_beijing_zone()))
    calendar.add_component(event)
    return to_bytes(calendar)
