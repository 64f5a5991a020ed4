"""The decisions (议定事项) the minutes record, and their follow-up (督办).

While a version is drafted, decisions are added, changed and removed, and the version's text
keeps their snapshot. After publication their status and follow-ups change, audited;
``remind_decision_deadlines`` mails the responsible units before a deadline, and
``add_follow_up_item`` puts the open decisions on the next meeting's agenda.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison import audit, permissions
from liaison.models import Organisation
from liaison.services import save_object
from meetings.minutes import mail
from meetings.minutes.common import (
    audit_snapshot,
    check_can_draft_minutes,
    locked_version,
    record_change,
    withdraw_approvals,
)
from meetings.models import (
    AgendaItem,
    Decision,
    FollowUp,
    Meeting,
    Minutes,
    MinutesVersion,
)

DStatus = Decision.Status
FOLLOW_UP_TITLE = "上次会议议定事项落实情况"

# Which decision status may follow which.
DECISION_TRANSITIONS: dict[str, set[str]] = {
    DStatus.OPEN: {DStatus.IN_PROGRESS, DStatus.DONE, DStatus.DROPPED},
    DStatus.IN_PROGRESS: {DStatus.OPEN, DStatus.DONE, DStatus.DROPPED},
    DStatus.DONE: {DStatus.IN_PROGRESS},
    DStatus.DROPPED: {DStatus.OPEN},
}


# --- Decisions while drafting ---------------------------------------------------------------


def decision_snapshot(minutes: Minutes) -> list[dict]:
    decisions = minutes.decisions.prefetch_related("responsible_units").order_by("number")
    return [
        {
            "number": d.number,
            "text": d.text,
            "units": [unit.display_name for unit in d.responsible_units.all()],
            "deadline": d.deadline.isoformat() if d.deadline else "",
        }
        for d in decisions
    ]


def _refresh_decisions(version: MinutesVersion, *, actor) -> None:
    snapshot = decision_snapshot(version.minutes)
    if snapshot != version.content.get("decisions"):
        version.content = {**version.content, "decisions": snapshot}
        version.save(update_fields=["content"])
        withdraw_approvals(version, actor=actor)


def _open_version(minutes: Minutes) -> MinutesVersion:
    version = minutes.versions.filter(status__in=MinutesVersion.OPEN_STATUSES).first()
    if version is None or not version.is_editable:
        raise ValidationError(
            _("Decisions are changed while a version of the minutes is being drafted.")
        )
    return locked_version(version)


def _check_units(units) -> list[Organisation]:
    units = list(units or [])
    if not units:
        raise ValidationError({"responsible_units": _("A decision needs a responsible unit.")})
    return units


def add_decision(
    minutes: Minutes,
    *,
    actor,
    text: str,
    responsible_units: Iterable[Organisation],
    deadline: date | None = None,
) -> Decision:
    """Add the next numbered decision, from the version being drafted."""
    check_can_draft_minutes(actor)
    units = _check_units(responsible_units)
    with transaction.atomic():
        version = _open_version(minutes)
        last = minutes.decisions.aggregate(last=Max("number"))["last"]
        decision = Decision(
            minutes=minutes,
            number=(last or 0) + 1,
            text=(text or "").strip(),
            deadline=deadline,
            source_version=version,
        )
        save_object(decision, actor=actor, note=_("decision added"))
        decision.responsible_units.set(units)
        _refresh_decisions(version, actor=actor)
    return decision


def change_decision(
    decision: Decision,
    *,
    actor,
    text: str | None = None,
    responsible_units: Iterable[Organisation] | None = None,
    deadline: date | None = None,
) -> Decision:
    """Change a decision's wording, units or deadline while the minutes are being drafted."""
    check_can_draft_minutes(actor)
    with transaction.atomic():
        version = _open_version(decision.minutes)
        if text is not None:
            decision.text = text.strip()
        decision.deadline = deadline
        save_object(decision, actor=actor)
        if responsible_units is not None:
            units = _check_units(responsible_units)
            decision.responsible_units.set(units)
        _refresh_decisions(version, actor=actor)
    return decision


def remove_decision(decision: Decision, *, actor) -> None:
    """Remove a decision added by the version being drafted (not one already published)."""
    check_can_draft_minutes(actor)
    with transaction.atomic():
        version = _open_version(decision.minutes)
        if decision.source_version_id != version.pk:
            raise ValidationError(_("A published decision is dropped, not removed."))
        audit.delete_audited(decision, actor=actor)
        _refresh_decisions(version, actor=actor)


# --- Decisions after the meeting: status, follow-ups, overdue, reminders ---------------------


def check_can_manage_decisions(actor) -> None:
    if not permissions.can_manage_decisions(actor):
        raise PermissionDenied(_("Only the secretariat changes the status of a decision."))


def check_can_follow_up(decision: Decision, actor) -> None:
    if not permissions.can_follow_up_decision(actor, decision):
        raise PermissionDenied(_("Only the secretariat and the responsible units follow up."))


def change_decision_status(decision: Decision, *, actor, to: str, reason: str = "") -> Decision:
    """Move a decision between open, in progress, done and dropped (dropped needs a reason)."""
    check_can_manage_decisions(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if to not in DStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        if to not in DECISION_TRANSITIONS.get(decision.status, set()):
            raise ValidationError(
                {
                    "status": _("A decision cannot go from “%(old)s” to “%(new)s”.")
                    % {"old": DStatus(decision.status).label, "new": DStatus(to).label}
                }
            )
        if to == DStatus.DROPPED and not reason:
            raise ValidationError({"reason": _("A dropped decision needs a reason.")})
        before = audit_snapshot(decision)
        decision.status = to
        decision.status_reason = reason[:200]
        decision.save(update_fields=["status", "status_reason"])
        record_change(decision, actor=actor, before=before, note=reason[:200])
    return decision


def add_follow_up(
    decision: Decision, *, actor, date: date, text: str, reported_by: str = ""
) -> FollowUp:
    """Record what happened about a decision (督办): the secretariat, or a member of one of
    its responsible units."""
    check_can_follow_up(decision, actor)
    follow_up = FollowUp(
        decision=decision,
        date=date,
        text=(text or "").strip(),
        reported_by=(reported_by or str(actor))[:128],
        recorded_by=actor,
    )
    save_object(follow_up, actor=actor, note=str(decision)[:100])
    return follow_up


def remind_decision_deadlines(*, days: int = 7, today: date | None = None) -> int:
    """Mail the responsible units of every unfinished decision of published minutes whose
    deadline falls in the next ``days`` days, unless reminded in the last 24 hours. Returns how
    many decisions were reminded."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = (
        Decision.objects.unfinished()
        .filter(deadline__gte=today, deadline__lte=today + timedelta(days=days))
        .filter(minutes__versions__status__in=MinutesVersion.PUBLIC_STATUSES)
        .exclude(reminded_at__gt=now - timedelta(hours=24))
        .distinct()
        .select_related("minutes__meeting")
        .prefetch_related("responsible_units")
    )
    count = 0
    for decision in due:
        with transaction.atomic():
            mail.queue_deadline_reminder(decision)
            Decision.objects.filter(pk=decision.pk).update(reminded_at=now)
            count += 1
    return count


# --- The next meeting's agenda --------------------------------------------------------------


def follow_up_lines(decisions: Iterable[Decision]) -> list[str]:
    lines = []
    for decision in decisions:
        latest = decision.latest_follow_up
        units = "、".join(u.display_name for u in decision.responsible_units.all())
        line = (
            f"{decision.minutes.document_number}第{decision.number}项：{decision.text}"
            f"（责任单位：{units}；完成时限：{decision.deadline or '—'}；"
            f"状态：{decision.get_status_display()}）"
        )
        if latest is not None:
            line += f" 最新落实情况（{latest.date}）：{latest.text}"
        lines.append(line)
    return lines


def add_follow_up_item(meeting: Meeting, *, actor) -> AgendaItem | None:
    """Put "上次会议议定事项落实情况" first on a new meeting's agenda, listing every decision of
    the earlier meetings of its mechanism that is still open or in progress, with its latest
    follow-up. Nothing is added when there is no such decision."""
    if meeting.mechanism_id is None:
        return None
    decisions = list(
        Decision.objects.unfinished()
        .filter(
            minutes__meeting__mechanism_id=meeting.mechanism_id,
            minutes__meeting__start__lt=meeting.start,
        )
        .with_related()
        .order_by("minutes__meeting__start", "number")
    )
    if not decisions:
        return None
    with transaction.atomic():
        AgendaItem.objects.filter(meeting=meeting).update(position=F("position") + 1)
        item = AgendaItem(
            meeting=meeting,
            position=0,
            title=FOLLOW_UP_TITLE,
            presenter=_("secretariat"),
            description="\n".join(follow_up_lines(decisions)),
        )
        save_object(item, actor=actor, note=str(meeting)[:100])
    return item
