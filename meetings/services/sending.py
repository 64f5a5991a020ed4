"""Mail about meetings: invitations, resending, and reminders to those who have not answered."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison import audit, permissions
from liaison.channels import sending as channel_sending
from liaison.models import AuditEntry, ChannelDelivery
from meetings import mail
from meetings.models import (
    Invitation,
    MailDelivery,
    Meeting,
)
from meetings.services.invitations import check_can_invite, invite_audience
from meetings.services.locking import lock_meeting

# --- Mail: invitations, resending, reminders -------------------------------------------------

Status = Meeting.Status
Answer = Invitation.Status
Delivery = MailDelivery.Status


def send_invitations(
    meeting: Meeting, *, actor, invitations: Iterable[Invitation] | None = None
) -> int:
    """Mail the invitation to ``invitations``, by default to every invitation of the meeting
    that has not been mailed yet. Returns how many deliveries were recorded (one batch)."""
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    if meeting.status not in (Status.SCHEDULED, Status.POSTPONED):
        raise ValidationError(_("Invitations are mailed for scheduled meetings only."))
    if invitations is None:
        invitations = meeting.invitations.not_mailed()
    invitations = list(
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).select_related(
            "organisation", "person__organisation"
        )
    )
    if not invitations:
        return 0
    with transaction.atomic():
        mail.queue(meeting, invitations, kind=MailDelivery.Kind.INVITATION)
        audit.record(
            meeting,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            note=_("invitation mails: %(count)s") % {"count": len(invitations)},
        )
    return len(invitations)


def resend_mail(meeting: Meeting, *, actor, invitation: Invitation | None = None) -> int:
    """Send the meeting's failed mail and group-robot and SMS messages again (mail to the
    current addresses), or only the given invitation's mail; an invitation with no failed
    mail is sent its invitation again. Returns how many were sent again."""
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    failed = meeting.mail_deliveries.filter(status=Delivery.FAILED).select_related(
        "invitation__organisation", "invitation__person__organisation"
    )
    with transaction.atomic():
        if invitation is None:
            return mail.requeue(failed) + channel_sending.requeue(failed_messages(meeting))
        failed = list(failed.filter(invitation=invitation))
        if failed:
            return mail.requeue(failed)
        check_can_invite(meeting, actor)
        return send_invitations(meeting, actor=actor, invitations=[invitation])


def failed_messages(meeting: Meeting):
    """The meeting's group-robot and SMS messages that failed."""
    return ChannelDelivery.objects.filter(
        meeting_ref=meeting.pk, status=ChannelDelivery.Status.FAILED
    )


def remind_pending(*, days: int = 3, now: datetime | None = None) -> int:
    """Remind every invitation still unanswered (or to be confirmed after a change) of the meetings whose RSVP deadline falls in
    the next ``days`` days, unless it was reminded in the last 24 hours (so running this twice
    a day sends nothing twice). Returns how many reminders were recorded."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        status__in=(Status.SCHEDULED, Status.POSTPONED),
        rsvp_deadline__gte=now,
        rsvp_deadline__lte=now + timedelta(days=days),
    )
    sent = 0
    for meeting in meetings:
        with transaction.atomic():
            meeting = lock_meeting(meeting)
            pending = list(
                meeting.invitations.filter(status__in=(Answer.PENDING, Answer.TO_CONFIRM))
                .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - timedelta(hours=24)))
                .select_related("organisation", "person__organisation")
            )
            if not pending:
                continue
            mail.queue(meeting, pending, kind=MailDelivery.Kind.REMINDER)
            Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(reminded_at=now)
            sent += len(pending)
    return sent


def invite_and_mail(meeting: Meeting, audience, *, actor) -> list[Invitation]:
    """Invite a resolved audience (``invite_audience``) and, for a meeting already announced
    (scheduled or postponed), mail the new invitations at once: the page and the API alike."""
    with transaction.atomic():
        created = invite_audience(meeting, audience, actor=actor)
        if created and meeting.status in (Status.SCHEDULED, Status.POSTPONED):
            send_invitations(meeting, actor=actor, invitations=created)
    return created
