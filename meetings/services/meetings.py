"""Meetings themselves: their status, co-hosts, and the lifecycle changes that matter to the
invitees (cancel, postpone, reschedule, close), each validated, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison import audit, permissions
from liaison.models import AuditEntry, Organisation
from liaison.services import save_object
from meetings import mail
from meetings.models import Invitation, MailDelivery, Meeting
from meetings.services.answers import promote_waiting
from meetings.services.locking import lock_meeting

Status = Meeting.Status
Answer = Invitation.Status

# Which status may follow which. A postponed meeting is scheduled again once it has a new date.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SCHEDULED, Status.CANCELLED},
    Status.SCHEDULED: {Status.HELD, Status.CANCELLED, Status.POSTPONED},
    Status.POSTPONED: {Status.SCHEDULED, Status.CANCELLED},
    Status.HELD: {Status.CLOSED},
    Status.CLOSED: set(),
    Status.CANCELLED: set(),
}

# A change to any of these makes calendar clients update their copy (SEQUENCE is raised).
CALENDAR_FIELDS = ("start", "end", "venue", "city", "status", "title")


def check_status_transition(old: str, new: str) -> None:
    if old != new and new not in ALLOWED_TRANSITIONS.get(old, set()):
        raise ValidationError(
            {
                "status": _("A meeting cannot go from “%(old)s” to “%(new)s”.")
                % {"old": Status(old).label, "new": Status(new).label}
            }
        )


def save_meeting(meeting: Meeting, *, actor, note: str = ""):
    """Create or change a meeting: checks the status transition and raises the calendar
    revision when its time, place, title or status changed."""
    before = audit.stored_snapshot(meeting)
    if before:
        check_status_transition(before["status"][0], meeting.status)
        if any(before[name][0] != audit.snapshot(meeting)[name][0] for name in CALENDAR_FIELDS):
            meeting.sequence = before["sequence"][0] + 1
    with transaction.atomic():
        entry = save_object(meeting, actor=actor, note=note)
        if before and before["capacity"][0] != meeting.capacity:
            # More seats (or none counted any more): the waiting list moves up.
            lock_meeting(meeting)
            promote_waiting(meeting, actor=actor)
    return entry


def change_meeting_status(meeting: Meeting, *, to: str, actor, reason: str = ""):
    meeting.status = to
    return save_meeting(meeting, actor=actor, note=reason)


def set_cohosts(meeting: Meeting, organisations: Iterable[Organisation], *, actor) -> None:
    """Replace the meeting's co-hosts, recording the change in the meeting's history."""
    wanted = {org.pk: org for org in organisations}
    with transaction.atomic():
        current = set(meeting.cohosts.values_list("pk", flat=True))
        if current == set(wanted):
            return
        meeting.cohosts.set(wanted.values())
        audit.record(
            meeting,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            note=_("Co-hosts: %(names)s") % {"names": "、".join(str(o) for o in wanted.values())},
        )


# --- Lifecycle: cancel, postpone, reschedule, close --------------------------------------------
# Each change that matters to the invitees (time, place, postponement, cancellation) mails
# everyone who has not declined, after the commit. A draft was never announced: no mail.


def _check_can_change_lifecycle(actor) -> None:
    if not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat changes a meeting's status."))


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the invitees are told it.")})
    return reason


def _check_transition(old: str, new: str) -> None:
    if old == new:
        raise ValidationError(
            {"status": _("The meeting is already “%(status)s”.") % {"status": Status(old).label}}
        )
    check_status_transition(old, new)


def _move(meeting: Meeting, start: datetime, end: datetime) -> None:
    """Set a new time; the RSVP deadline keeps its distance to the start."""
    if meeting.rsvp_deadline and meeting.start:
        meeting.rsvp_deadline += start - meeting.start
    meeting.start, meeting.end = start, end


def _notify(meeting: Meeting, *, kind: str, was: str) -> None:
    if was == Status.DRAFT:
        return
    invitations = meeting.invitations.exclude(status=Answer.DECLINED).select_related(
        "organisation", "person__organisation"
    )
    mail.queue(meeting, invitations, kind=kind)


def cancel_meeting(meeting: Meeting, *, reason: str, actor) -> Meeting:
    """Cancel the meeting, telling the invitees why (a cancellation mail to all who have not
    declined). Returns the meeting as saved."""
    _check_can_change_lifecycle(actor)
    reason = _required_reason(reason)
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        was = meeting.status
        _check_transition(was, Status.CANCELLED)
        meeting.status, meeting.status_reason = Status.CANCELLED, reason
        save_meeting(meeting, actor=actor, note=reason)
        _notify(meeting, kind=MailDelivery.Kind.CANCELLATION, was=was)
    return meeting


def postpone_meeting(
    meeting: Meeting,
    *,
    reason: str,
    actor,
    new_start: datetime | None = None,
    new_end: datetime | None = None,
) -> Meeting:
    """Postpone the meeting, with a reason and optionally a provisional new time (the end
    defaults to the same duration); the invitees get an update mail."""
    _check_can_change_lifecycle(actor)
    reason = _required_reason(reason)
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        was = meeting.status
        _check_transition(was, Status.POSTPONED)
        if new_start is not None:
            _move(meeting, new_start, new_end or new_start + (meeting.end - meeting.start))
        meeting.status, meeting.status_reason = Status.POSTPONED, reason
        save_meeting(meeting, actor=actor, note=reason)
        _notify(meeting, kind=MailDelivery.Kind.UPDATE, was=was)
    return meeting


RESCHEDULABLE = (Status.DRAFT, Status.SCHEDULED, Status.POSTPONED)


def reschedule_meeting(
    meeting: Meeting, *, start: datetime, end: datetime, venue: str, city: str, actor
) -> Meeting:
    """Give the meeting a new time and place. It stays the same meeting (pk, calendar UID;
    ``save_meeting`` raises SEQUENCE); a postponed meeting is scheduled again. The invitees
    who have not declined get an update mail."""
    _check_can_change_lifecycle(actor)
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        was = meeting.status
        if was not in RESCHEDULABLE:
            raise ValidationError(
                _("A “%(status)s” meeting cannot be rescheduled.") % {"status": Status(was).label}
            )
        unchanged = (meeting.start, meeting.end, meeting.venue, meeting.city) == (
            start,
            end,
            venue.strip(),
            city.strip(),
        )
        if unchanged and was != Status.POSTPONED:
            raise ValidationError(_("The new time and place are the same as before."))
        _move(meeting, start, end)
        meeting.venue, meeting.city = venue.strip(), city.strip()
        if was == Status.POSTPONED:
            meeting.status, meeting.status_reason = Status.SCHEDULED, ""
        save_meeting(meeting, actor=actor, note=_("rescheduled"))
        _notify(meeting, kind=MailDelivery.Kind.UPDATE, was=was)
    return meeting


def close_meeting(meeting: Meeting, *, actor) -> Meeting:
    """Close a meeting that was held (its records are complete)."""
    _check_can_change_lifecycle(actor)
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        _check_transition(meeting.status, Status.CLOSED)
        meeting.status = Status.CLOSED
        save_meeting(meeting, actor=actor, note=_("closed"))
    return meeting
