"""Meetings themselves: their status, co-hosts, and the lifecycle changes that matter to the
invitees (cancel, postpone, reschedule, close), each validated, atomic and audited."""

from __future__ import annotations

import copy
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
# Changed only by the lifecycle actions (cancel, postpone, reschedule), which tell the invitees;
# editing the meeting (API PATCH/PUT, admin) leaves them alone.
LIFECYCLE_FIELDS = ("start", "end", "venue", "city", "status_reason")
# Statuses entered or left only through those actions. Publishing a draft, marking a meeting
# held and closing it concern no invitee's calendar answer, so editing may still do them.
LIFECYCLE_STATUSES = (Status.CANCELLED, Status.POSTPONED)


def check_status_transition(old: str, new: str) -> None:
    if old != new and new not in ALLOWED_TRANSITIONS.get(old, set()):
        raise ValidationError(
            {
                "status": _("A meeting cannot go from “%(old)s” to “%(new)s”.")
                % {"old": Status(old).label, "new": Status(new).label}
            }
        )


def check_direct_change(meeting: Meeting, before: dict) -> None:
    """Refuse an edit that changes the time, the place or the reason, or that cancels or
    postpones (or un-postpones) the meeting: those go through ``cancel_meeting``,
    ``postpone_meeting`` and ``reschedule_meeting``, which tell every invitee."""
    after = audit.snapshot(meeting)
    errors = {}
    for name in LIFECYCLE_FIELDS:
        if before[name][0] != after[name][0]:
            errors[name] = _(
                "Change the time or place with “Reschedule” or “Postpone” on the meeting page "
                "(API: POST …/reschedule/ or …/postpone/): the invitees are told."
            )
    old, new = before["status"][0], meeting.status
    if old != new and (old in LIFECYCLE_STATUSES or new in LIFECYCLE_STATUSES):
        errors["status"] = _(
            "Cancel, postpone or reschedule with the actions on the meeting page "
            "(API: POST …/cancel/, …/postpone/ or …/reschedule/): the invitees are told."
        )
    if errors:
        raise ValidationError(errors)


def edit_meeting(meeting: Meeting, *, actor, note: str = ""):
    """An edit of the meeting through a generic door (API PATCH/PUT, the admin): anything but
    the time, the place and a cancellation or postponement (``check_direct_change``)."""
    before = audit.stored_snapshot(meeting)
    if before:
        check_direct_change(meeting, before)
    return save_meeting(meeting, actor=actor, note=note)


def save_meeting(meeting: Meeting, *, actor, note: str = ""):
    """Create or change a meeting: checks the status transition and raises the calendar
    revision when its time, place, title or status changed. Doors call ``edit_meeting`` or
    the lifecycle actions below, never this directly."""
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
    """Publish a draft, mark a meeting held or close it (no invitee is told). Cancelling and
    postponing go through ``cancel_meeting`` and ``postpone_meeting``."""
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
# The one way to change a meeting's time, place or status, whatever the door (page, API, the
# ``change_meeting`` command; the admin links to the page). Each checks the transition, records
# the reason in the meeting's history, raises SEQUENCE once (``save_meeting``) and mails, after
# the commit, everyone who has not declined, once. A draft was never announced: no mail.
# ``notify=False`` corrects a typo without mail: explicit, noted in the history, and SEQUENCE
# still rises so subscribed calendars pick the correction up on their next poll.


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
    if end <= start:
        raise ValidationError({"end": _("A meeting must end after it starts.")})
    if meeting.rsvp_deadline and meeting.start:
        meeting.rsvp_deadline += start - meeting.start
    meeting.start, meeting.end = start, end


def _history_note(note: str, *, notify: bool, was: str) -> str:
    if notify or was == Status.DRAFT:
        return note
    return _("%(note)s (invitees not notified)") % {"note": note}


# Answers given for an earlier time or place: asked again after the time or place changed.
ASKED_AGAIN = (Answer.ACCEPTED, Answer.TENTATIVE, Answer.WAITLISTED, Answer.DECLINED)


def _ask_again(meeting: Meeting) -> int:
    """Every answer becomes "to be confirmed" (NEEDS-ACTION in the calendar), declined ones
    included: the new time may suit those who could not come. Seats and the waiting list are
    given again in the order of the new answers (``record_rsvp``). Returns how many."""
    return meeting.invitations.filter(status__in=ASKED_AGAIN).update(
        status=Answer.TO_CONFIRM, waitlist_position=None
    )


def _notify(
    meeting: Meeting, *, kind: str, was: str, notify: bool, changes: dict | None = None
) -> None:
    if was == Status.DRAFT or not notify:
        return
    invitations = meeting.invitations.exclude(status=Answer.DECLINED).select_related(
        "organisation", "person__organisation"
    )
    mail.queue(meeting, invitations, kind=kind, changes=changes)


def _moved(meeting: Meeting, before: Meeting, *, actor, was: str, notify: bool) -> dict:
    """After a change of time or place that the invitees are told of, earlier answers are asked
    again (noted in the history). Returns what changed, for the update mail."""
    changes = mail.describe_change(before, meeting)
    if changes and notify and was != Status.DRAFT:
        meeting.answers_from_sequence = meeting.sequence
        meeting.save(update_fields=["answers_from_sequence"])
        count = _ask_again(meeting)
        if count:
            audit.record(
                meeting,
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                note=_("%(count)s answers to be confirmed again") % {"count": count},
            )
    return changes


def cancel_meeting(meeting: Meeting, *, reason: str, actor, notify: bool = True) -> Meeting:
    """Cancel the meeting, telling the invitees why (a cancellation mail to all who have not
    declined). Returns the meeting as saved."""
    _check_can_change_lifecycle(actor)
    reason = _required_reason(reason)
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        was = meeting.status
        _check_transition(was, Status.CANCELLED)
        meeting.status, meeting.status_reason = Status.CANCELLED, reason
        note = _history_note(reason, notify=notify, was=was)
        save_meeting(meeting, actor=actor, note=note)
        _notify(meeting, kind=MailDelivery.Kind.CANCELLATION, was=was, notify=notify)
    return meeting


def postpone_meeting(
    meeting: Meeting,
    *,
    reason: str,
    actor,
    new_start: datetime | None = None,
    new_end: datetime | None = None,
    notify: bool = True,
) -> Meeting:
    """Postpone the meeting, with a reason and optionally a provisional new time (the end
    defaults to the same duration); the invitees get an update mail."""
    _check_can_change_lifecycle(actor)
    reason = _required_reason(reason)
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        was = meeting.status
        _check_transition(was, Status.POSTPONED)
        before = copy.copy(meeting)
        if new_start is not None:
            _move(meeting, new_start, new_end or new_start + (meeting.end - meeting.start))
        meeting.status, meeting.status_reason = Status.POSTPONED, reason
        note = _history_note(reason, notify=notify, was=was)
        save_meeting(meeting, actor=actor, note=note)
        changes = _moved(meeting, before, actor=actor, was=was, notify=notify)
        _notify(meeting, kind=MailDelivery.Kind.UPDATE, was=was, notify=notify, changes=changes)
    return meeting


RESCHEDULABLE = (Status.DRAFT, Status.SCHEDULED, Status.POSTPONED)


def reschedule_meeting(
    meeting: Meeting,
    *,
    start: datetime,
    end: datetime,
    venue: str,
    city: str,
    actor,
    reason: str = "",
    notify: bool = True,
) -> Meeting:
    """Give the meeting a new time and place (moving only the place keeps the time). It stays
    the same meeting (pk, calendar UID; ``save_meeting`` raises SEQUENCE); a postponed meeting
    is scheduled again. The invitees who have not declined get an update mail."""
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
        before = copy.copy(meeting)
        _move(meeting, start, end)
        meeting.venue, meeting.city = venue.strip(), city.strip()
        if was == Status.POSTPONED:
            meeting.status, meeting.status_reason = Status.SCHEDULED, ""
        reason = (reason or "").strip()
        note = _("rescheduled") + (f"：{reason}" if reason else "")
        note = _history_note(note, notify=notify, was=was)
        save_meeting(meeting, actor=actor, note=note)
        changes = _moved(meeting, before, actor=actor, was=was, notify=notify)
        _notify(meeting, kind=MailDelivery.Kind.UPDATE, was=was, notify=notify, changes=changes)
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
