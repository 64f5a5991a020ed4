"""Attendance (签到): the secretariat marks each expected attendee present, absent or excused,
by a tap on the check-in page or by scanning the attendee's QR code. Every mark is audited.
The reads (expected attendees, counts, rates) are in ``meetings.attendance``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison import audit, permissions
from meetings.models import Attendee, Invitation, Meeting

Attendance = Attendee.Attendance
MARKS = (Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED, Attendance.UNKNOWN)


def check_can_check_in(actor) -> None:
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied(_("Only the secretariat records attendance."))


def mark_attendance(attendee: Attendee, *, attendance: str, actor, via: str = "") -> Attendee:
    """Record whether an expected attendee came (出席/缺席/请假), audited. Only attendees of an
    accepted invitation of a meeting that was not cancelled can be marked."""
    check_can_check_in(actor)
    if attendance not in MARKS:
        raise ValidationError({"attendance": _("Unknown attendance.")})
    with transaction.atomic():
        attendee = (
            Attendee.objects.select_for_update()
            .select_related("invitation__meeting")
            .get(pk=attendee.pk)
        )
        invitation = attendee.invitation
        if invitation.status != Invitation.Status.ACCEPTED:
            raise ValidationError(_("Only attendees of an accepted invitation are checked in."))
        if invitation.meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("This meeting has been cancelled."))
        if attendee.attendance == attendance:
            return attendee
        audit.update_audited(
            attendee,
            {"attendance": attendance},
            actor=actor,
            note=" · ".join(filter(None, [str(invitation.meeting)[:100], via])),
        )
    return attendee
