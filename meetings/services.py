"""Changes to meetings: one function per change, each validated, atomic and audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liaison import audit
from liaison.services import save_object
from meetings.models import Meeting

Status = Meeting.Status

# Which status may follow which. A postponed meeting is scheduled again once it has a new date.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SCHEDULED, Status.CANCELLED},
    Status.SCHEDULED: {Status.HELD, Status.CANCELLED, Status.POSTPONED},
    Status.POSTPONED: {Status.SCHEDULED, Status.CANCELLED},
    Status.HELD: set(),
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
    return save_object(meeting, actor=actor, note=note)


def change_meeting_status(meeting: Meeting, *, to: str, actor, reason: str = ""):
    meeting.status = to
    return save_meeting(meeting, actor=actor, note=reason)
