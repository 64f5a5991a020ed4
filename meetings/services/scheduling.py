"""Scheduling meetings: ad hoc ones, and the next occurrence of a mechanism."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison import permissions
from liaison.models import Mechanism, Organisation
from meetings import scheduling
from meetings.models import (
    Meeting,
)
from meetings.services.meetings import save_meeting, set_cohosts

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
    (``meetings.scheduling.plan_next_meeting``): the date the cadence expects, 09:30–12:00,
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
        plan = scheduling.plan_next_meeting(mechanism, today=today)
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
        number = scheduling.next_number(mechanism, values["start"])
        if "title" not in overrides or not overrides["title"]:
            values["title"] = scheduling.meeting_title(
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
        from meetings.minutes import add_follow_up_item

        add_follow_up_item(meeting, actor=actor)
        return meeting
