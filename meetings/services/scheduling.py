"""Scheduling meetings: ad hoc ones, and the next occurrence of a mechanism.

The plan of a mechanism's next meeting (its date, time, place, number and title) is read-only:
``plan_next_meeting`` proposes it for the schedule form, and ``schedule_next_meeting`` creates
the meeting from it (changed by the secretariat's form where it wants), after checking it again
under a lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison import permissions
from liaison.models import Mechanism, Organisation
from liaison.numerals import chinese_number
from meetings.minutes import add_follow_up_item
from meetings.models import Meeting
from meetings.services.meetings import save_meeting, set_cohosts

# --- The plan of the next meeting (read-only) ----------------------------------------------

BEIJING = ZoneInfo("Asia/Shanghai")
DEFAULT_START = time(9, 30)
DEFAULT_END = time(12, 0)
# When the cadence's date has already passed in its period, propose a date this far ahead.
LEAD_TIME = timedelta(days=30)

MECHANISM_MEETING_KIND = {
    Mechanism.Kind.JOINT_MEETING: Meeting.Kind.JOINT_MEETING,
    Mechanism.Kind.EVENT: Meeting.Kind.EVENT,
    Mechanism.Kind.OTHER: Meeting.Kind.OTHER,
}
# Meetings that do not count towards a mechanism's numbering.
NOT_COUNTED = (Meeting.Status.CANCELLED,)


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


# --- Scheduling ------------------------------------------------------------------------------

# The fields of a meeting the schedule forms and the API may set.
SCHEDULE_FIELDS = (
    "title",
    "kind",
    "start",
    "end",
    "venue",
    "city",
    "description",
    "rsvp_deadline",
    "capacity",
    "online_url",
    "answer_fields",
)
AD_HOC_KINDS = (
    Meeting.Kind.SIGNING,
    Meeting.Kind.PROMOTION,
    Meeting.Kind.VISIT,
    Meeting.Kind.ASSOCIATION,
    Meeting.Kind.OTHER,
)

_ASK = Meeting.AnswerField
# What the answer form asks of each attendee, by kind of meeting, unless the secretariat
# chooses otherwise. Whoever travels (the event in Turpan, a visit) is asked for the journey,
# a bed and meals (Xinjiang caters halal); meetings at home ask for a title and a phone.
DEFAULT_ANSWER_FIELDS: dict[str, tuple[str, ...]] = {
    Meeting.Kind.JOINT_MEETING: (_ASK.TITLE, _ASK.PHONE),
    Meeting.Kind.EVENT: (_ASK.TITLE, _ASK.PHONE, _ASK.TRAVEL, _ASK.ACCOMMODATION, _ASK.DIETARY),
    Meeting.Kind.SIGNING: (_ASK.TITLE, _ASK.PHONE),
    Meeting.Kind.PROMOTION: (_ASK.TITLE, _ASK.PHONE),
    Meeting.Kind.VISIT: (_ASK.TITLE, _ASK.PHONE, _ASK.TRAVEL, _ASK.ACCOMMODATION, _ASK.DIETARY),
    Meeting.Kind.ASSOCIATION: (_ASK.PHONE,),
    Meeting.Kind.OTHER: (_ASK.PHONE,),
}


def default_answer_fields(kind: str) -> list[str]:
    """What a new meeting of ``kind`` asks of each attendee besides the name."""
    return [str(field) for field in DEFAULT_ANSWER_FIELDS.get(kind, ())]


def _in_form_order(answer_fields) -> list[str]:
    """The chosen answer fields once each, in the order the answer form shows them;
    unknown ones are kept for ``Meeting.clean`` to refuse."""
    chosen = list(dict.fromkeys(str(field) for field in answer_fields))
    known = [field for field in Meeting.AnswerField.values if field in chosen]
    return known + [field for field in chosen if field not in known]


def _check_can_schedule(actor) -> None:
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied(_("Only the secretariat schedules meetings."))


def schedule_meeting(
    partnership,
    *,
    actor,
    cohosts: Iterable[Organisation] | None = None,
    mechanism=None,
    number: int | None = None,
    status: str = Meeting.Status.SCHEDULED,
    **values,
) -> Meeting:
    """Create a meeting of the partnership (an ad-hoc one, or one of a mechanism through
    ``schedule_next_meeting``), validated and audited, co-hosted by ``cohosts`` (by default
    both parties of the partnership). Without ``answer_fields`` the answer form asks what
    ``DEFAULT_ANSWER_FIELDS`` gives for the kind; an empty list asks for names only."""
    _check_can_schedule(actor)
    unknown = set(values) - set(SCHEDULE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown meeting fields: {sorted(unknown)}")
    if status not in (Meeting.Status.DRAFT, Meeting.Status.SCHEDULED):
        raise ValidationError({"status": _("A new meeting is a draft or scheduled.")})
    if values.get("answer_fields") is None:
        values["answer_fields"] = default_answer_fields(values.get("kind", ""))
    else:
        values["answer_fields"] = _in_form_order(values["answer_fields"])
    meeting = Meeting(
        partnership=partnership, mechanism=mechanism, number=number, status=status, **values
    )
    if cohosts is None:
        cohosts = [partnership.party_a, partnership.party_b]
    with transaction.atomic():
        save_meeting(meeting, actor=actor, note=_("scheduled"))
        set_cohosts(meeting, [org for org in cohosts if org is not None], actor=actor)
    return meeting


def schedule_next_meeting(mechanism, *, actor, today=None, **overrides) -> Meeting:
    """Schedule the next meeting of a mechanism in one step, from its plan
    (``plan_next_meeting``): the date the cadence expects, 09:30–12:00,
    the previous meeting's place, numbered (第N次联席会议, 2027湖南民营企业进边疆·吐鲁番行) and
    co-hosted by both parties. ``overrides`` (the secretariat's changes to the plan) win.

    Refused (ValidationError) when a meeting already covers the next occurrence. The mechanism
    row is locked, so two clicks on "schedule next" create one meeting."""
    _check_can_schedule(actor)
    with transaction.atomic():
        mechanism = (
            Mechanism.objects.select_for_update()
            .select_related("partnership__party_a", "partnership__party_b")
            .get(pk=mechanism.pk)
        )
        plan = plan_next_meeting(mechanism, today=today)
        cohosts = overrides.pop("cohosts", None) or plan.cohosts
        values = {
            "title": plan.title,
            "kind": plan.kind,
            "start": plan.start,
            "end": plan.end,
            "venue": plan.venue,
            "city": plan.city,
        }
        values.update({name: value for name, value in overrides.items() if value is not None})
        number = next_number(mechanism, values["start"])
        if "title" not in overrides or not overrides["title"]:
            values["title"] = meeting_title(
                mechanism, number=number, day=timezone.localtime(values["start"]).date()
            )
        meeting = schedule_meeting(
            mechanism.partnership,
            actor=actor,
            mechanism=mechanism,
            number=number,
            cohosts=cohosts,
            **values,
        )
        # The agenda starts with the follow-up of the earlier meetings' open decisions.
        add_follow_up_item(meeting, actor=actor)
        return meeting
