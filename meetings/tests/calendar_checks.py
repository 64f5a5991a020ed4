"""Checks of calendar bytes shared by the calendar tests: the raw lines (which no parser checks)
and a parse with icalendar and with an independent parser (recurring-ical-events)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import recurring_ical_events
from icalendar import Calendar

FOLD_IN_ESCAPE = re.compile(rb"(?<!\\)\\(\\\\)*\r\n[ \t]")


def check_raw(body: bytes) -> list[bytes]:
    """CRLF only, no line over 75 octets, no fold inside an escape or a UTF-8 character,
    UNTIL in UTC, no TZID but Asia/Shanghai, one VTIMEZONE without DAYLIGHT or COMMENT,
    no floating time. Returns the unfolded content lines."""
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # a fold never splits a character
    assert not FOLD_IN_ESCAPE.search(body)
    unfolded = re.sub(rb"\r\n[ \t]", b"", body).split(b"\r\n")[:-1]
    for until in re.findall(rb"UNTIL=([^;\r\n]+)", body):
        assert re.fullmatch(rb"\d{8}T\d{6}Z", until), until
    assert set(re.findall(rb"TZID[=:]([^;:\r\n]+)", re.sub(rb"\r\n[ \t]", b"", body))) <= {
        b"Asia/Shanghai"
    }
    assert body.count(b"BEGIN:VTIMEZONE") == (1 if b"BEGIN:VEVENT" in body else 0)
    assert b"BEGIN:DAYLIGHT" not in body
    zone = re.search(rb"BEGIN:VTIMEZONE.*?END:VTIMEZONE", body, re.S)
    if zone:
        assert b"COMMENT" not in zone.group(0)
        assert b"TZOFFSETTO:+0800" in zone.group(0)
        assert zone.group(0).count(b"BEGIN:STANDARD") == 1
    inside_zone = False
    for line in unfolded:
        inside_zone = {b"BEGIN:VTIMEZONE": True, b"END:VTIMEZONE": False}.get(line, inside_zone)
        if not inside_zone and re.match(rb"(DTSTART|DTEND|RECURRENCE-ID|EXDATE)[;:]", line):
            assert b"TZID=Asia/Shanghai" in line or b"VALUE=DATE" in line or line.endswith(b"Z")
    return unfolded


def check_feed(body: bytes) -> Calendar:
    """Raw checks, and a feed's rules: no METHOD, no ORGANIZER. Parsed by icalendar without
    errors and with every TZID defined."""
    lines = check_raw(body)
    assert not any(line.startswith(b"METHOD") for line in lines)
    assert not any(line.startswith(b"ORGANIZER") for line in lines)
    calendar = Calendar.from_ical(body)
    assert all(not component.errors for component in calendar.walk())
    assert calendar.get_missing_tzids() == set()
    # A parse and a write give the same content back.
    assert re.sub(rb"\r\n[ \t]", b"", calendar.to_ical()) == re.sub(rb"\r\n[ \t]", b"", body)
    return calendar


def occurrences(body: bytes, start=date(2020, 1, 1), end=date(2031, 1, 1)):
    """The expanded occurrences, by the independent parser."""
    return recurring_ical_events.of(Calendar.from_ical(body)).between(start, end)


def per_year(events, uid: str) -> Counter:
    return Counter(e["DTSTART"].dt.year for e in events if str(e["UID"]) == uid)
