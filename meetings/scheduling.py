"""What the next meeting of a mechanism should be: its date, time, place, number and title.

Read-only: ``meetings.services.schedule_next_meeting`` creates the meeting from this plan
(changed by the secretariat's form where it wants), after checking it again under a lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import Mechanism, Organisation
from meetings.models import Meeting

BEIJING = ZoneInfo("Asia/Shanghai")
DEFAULT_START = time(9, 30)
DEFAULT_END = time(12, 0)
# When the cadence's date has already passed in its period, propose a date this far ahead.
LEAD_TIME = timedelta(days=30)
CHINESE_DIGITS = "零一二三四五六七八九"

MECHANISM_MEETING_KIND = {
    Mechanism.Kind.JOINT_MEETING: Meeting.Kind.JOINT_MEETING,
    Mechanism.Kind.EVENT: Meeting.Kind.EVENT,
    Mechanism.Kind.OTHER: Meeting.Kind.OTHER,
}
# Meetings that do not count towards a mechanism's numbering.
NOT_COUNTED = (Meeting.Status.CANCELLED,)


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (the numerals of meeting titles,
    as in 第三次联席会议); 100 and above stay in digits."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    text = ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" if tens else ""
    return text + (CHINESE_DIGITS[units] if units else "")


def meeting_title(mechanism: Mechanism, *, number: int, day: date) -> str:
    """第N次联席会议 for a joint meeting; the year before the name for an event
    (2027湖南民营企业进边疆·吐鲁番行); otherwise the name with its number."""
    if mechanism.kind == Mechanism.Kind.JOINT_MEETING:
        return f"第{chinese_number(number)}次联席会议"
    if mechanism.kind == Mechanism.Kind.EVENT:
        return f"{day.year}{mechanism.name}"
    return f"{mechanism.name}（第{chinese_number(number)}次）"


def beijing(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=BEIJING)


@dataclass
class MeetingPlan:
    """The proposal for the next meeting of a mechanism (Beijing times)."""

    mechanism: Mechanism
    expected_date: date
    title: str
    number: int
    kind: str
    start: datetime
    end: datetime
    venue: str = ""
    city: str = ""
    cohosts: list[Organisation] = field(default_factory=list)

    def initial(self) -> dict:
        """The plan as the schedule form's initial values."""
        return {
            "title": self.title,
            "start": timezone.localtime(self.start),
            "end": timezone.localtime(self.end),
            "venue": self.venue,
            "city": self.city,
            "cohosts": self.cohosts,
        }


def counted_meetings(mechanism: Mechanism):
    return mechanism.meetings.exclude(status__in=NOT_COUNTED)


def next_number(mechanism: Mechanism, before: datetime) -> int:
    """1 + the mechanism's meetings (not cancelled) that start before ``before``."""
    return counted_meetings(mechanism).filter(start__lt=before).count() + 1


def check_next_occurrence(mechanism: Mechanism, *, today: date | None = None):
    """The next occurrence the cadence expects, or ValidationError when a meeting already
    covers it (it is scheduled or postponed: hold, cancel or move that one first) or the
    cadence expects nothing more."""
    summary = mechanism.summary(today=today)
    occurrence = summary["next"]
    if occurrence is None:
        raise ValidationError(
            _("The cadence of “%(name)s” expects no further meeting.") % {"name": mechanism.name}
        )
    if occurrence.meeting is not None:
        raise ValidationError(
            _("The next meeting of “%(name)s” is already scheduled: %(title)s, %(date)s.")
            % {
                "name": mechanism.name,
                "title": occurrence.meeting.title,
                "date": timezone.localtime(occurrence.meeting.start).strftime("%Y-%m-%d"),
            }
        )
    return occurrence


def plan_next_meeting(mechanism: Mechanism, *, today: date | None = None) -> MeetingPlan:
    """The next meeting of the mechanism, prefilled from its cadence: the next due expected
    date (or a month ahead when that date has passed), 09:30–12:00 Beijing time, the place of
    the mechanism's previous meeting, numbered after the earlier ones, co-hosted by both
    parties of the partnership. ValidationError when it cannot be scheduled now."""
    today = today or timezone.localdate()
    occurrence = check_next_occurrence(mechanism, today=today)
    day = max(occurrence.date, today + LEAD_TIME)
    start = beijing(day, DEFAULT_START)
    previous = counted_meetings(mechanism).filter(start__lt=start).order_by("-start").first()
    partnership = mechanism.partnership
    number = next_number(mechanism, start)
    return MeetingPlan(
        mechanism=mechanism,
        expected_date=occurrence.date,
        title=meeting_title(mechanism, number=number, day=day),
        number=number,
        kind=MECHANISM_MEETING_KIND[mechanism.kind],
        start=start,
        end=beijing(day, DEFAULT_END),
        venue=previous.venue if previous else "",
        city=previous.city if previous else "",
        cohosts=[partnership.party_a, partnership.party_b],
    )
