"""Meetings as iCalendar (RFC 5545 with the RFC 7986 calendar properties): the events of
meetings and of mechanism series, and their serialisation. ``feeds`` assembles them into the
subscribed and downloaded calendars, ``imip`` into invitation mail.

Every value is written by the ``icalendar`` library's types, never by a template; the feeds'
events (``feed_event``) skip the library's objects for speed and are tested equal, byte for
byte, to its serialisation of ``meeting_event``. The traps measured in
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
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Component, Event, vCalAddress, vDuration, vRecur, vText

from liaison.models import Mechanism
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
SERIES_RANK = {
    Meeting.Status.HELD: 0,
    Meeting.Status.CLOSED: 0,
    Meeting.Status.SCHEDULED: 1,
    Meeting.Status.POSTPONED: 1,
    Meeting.Status.CANCELLED: 2,
}


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


# A primary key no row has, to find where the key goes in a reversed URL.
_PK_MARK = 918273645


@functools.lru_cache(maxsize=32)
def _url_pattern(name: str, site: str, prefix: str, urlconf) -> str:
    path = reverse(name, args=[_PK_MARK], urlconf=urlconf)
    return (site + path).replace(str(_PK_MARK), "{}", 1)


def object_url(name: str, pk: int) -> str:
    """The absolute URL of a ``<int:pk>`` route: ``reverse()`` once per route (it costs more
    than the rest of an event), then the key formatted in. The site, script prefix and URL
    configuration are part of the cache key, so a changed setting is never missed."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _url_pattern(name, settings.SITE_URL, get_script_prefix(), urlconf).format(pk)


def meeting_url(meeting: Meeting) -> str:
    return object_url("meeting-detail", meeting.pk)


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
    values = {"start": start.strftime("%Y-%m-%d %H:%M"), "zone": _("Beijing time (UTC+8)")}
    if start.date() == end.date():
        return _("Time: %(start)s–%(end)s, %(zone)s") % {**values, "end": end.strftime("%H:%M")}
    # Two full date-times read as two ends only with spaces around the dash, as on the pages.
    return _("Time: %(start)s – %(end)s, %(zone)s") % {
        **values,
        "end": end.strftime("%Y-%m-%d %H:%M"),
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


def _text(value: str) -> str:
    return vText(value).to_ical().decode()


def _local(value: datetime) -> str:
    return beijing(value).strftime("%Y%m%dT%H%M%S")


def feed_event(
    meeting: Meeting,
    *,
    uid: str | None = None,
    recurrence_id: datetime | None = None,
    answer: str = "",
    attendee: tuple[str, str, str] | None = None,
    alarm_minutes: int | None = None,
) -> str:
    """The content lines ``meeting_event`` gives (plus an ATTENDEE (address, name, PARTSTAT)
    and a reminder), unfolded, in the library's order: a feed writes hundreds of events, and
    the library's objects cost twice a plain build. Values are escaped by the library's own
    types; ``to_bytes`` folds. A test holds the lines equal to the library's, byte for byte."""
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + _text(single_line(meeting.title)),
        f"DTSTART;TZID={TZID}:{_local(meeting.start)}",
        f"DTEND;TZID={TZID}:{_local(meeting.end)}",
        "DTSTAMP:" + utc(meeting.updated_at).strftime("%Y%m%dT%H%M%SZ"),
        "UID:" + (uid or str(meeting.uid)),
    ]
    if recurrence_id is not None:
        lines.append(f"RECURRENCE-ID;TZID={TZID}:{_local(recurrence_id)}")
    lines.append(f"SEQUENCE:{meeting.sequence}")
    if attendee is not None:
        address, name, partstat = attendee
        value = vCalAddress.new(address, cn=single_line(name).replace('"', ""), partstat=partstat)
        lines.append("ATTENDEE;" + value.params.to_ical().decode() + ":" + value.to_ical().decode())
    lines.append(
        "DESCRIPTION:" + _text(description(meeting, meeting.agenda_items.all(), answer=answer))
    )
    if location(meeting):
        lines.append("LOCATION:" + _text(location(meeting)))
    lines += [f"STATUS:{STATUS[meeting.status]}", "URL:" + meeting_url(meeting)]
    if alarm_minutes:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:" + _text(single_line(meeting.title)),
            "TRIGGER:" + vDuration(timedelta(minutes=-alarm_minutes)).to_ical().decode(),
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


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
    url = object_url("partnership-detail", mechanism.partnership_id)
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


def unfolded(component: Component) -> bytes:
    """The library's serialisation, its content lines not yet folded: ``to_ical()`` folds
    each line (a third of its time) only for ``fold`` to undo and redo it safely."""
    lines = component.content_lines()
    return ("\r\n".join(line for line in lines if line) + "\r\n").encode()


@functools.cache
def beijing_zone() -> bytes:
    """The VTIMEZONE of Asia/Shanghai, serialised once per process (the library takes ~20 ms
    to compute it): one STANDARD part at +0800, as China has had no DST since 1991 (the
    default range adds the 1986–1991 history Outlook mishandles), without the COMMENT
    libical's iTIP check rejects. It depends on nothing but the TZID."""
    probe = Calendar()
    probe.add_component(Event.new(start=datetime(2026, 1, 1, tzinfo=BEIJING)))
    probe.add_missing_timezones(first_date=date(2000, 1, 1))
    (zone,) = probe.walk("VTIMEZONE")
    zone.pop("COMMENT", None)
    return zone.to_ical()


def to_bytes(calendar: Calendar, events: Iterable[Event | str] = ()) -> bytes:
    """Serialise the calendar with ``events`` after its own components (the library's events,
    or ``feed_event``'s lines), and the VTIMEZONE every event's TZID needs before the first
    event (all times here are Asia/Shanghai; a calendar that brings its own zone keeps it)."""
    body = unfolded(calendar)
    end = body.rindex(b"END:VCALENDAR")
    added = "".join(e if isinstance(e, str) else unfolded(e).decode() for e in events).encode()
    body = body[:end] + added + body[end:]
    first_event = body.find(b"BEGIN:VEVENT\r\n")
    if first_event >= 0 and b"BEGIN:VTIMEZONE\r\n" not in body:
        body = body[:first_event] + beijing_zone() + body[first_event:]
    return fold(body)
