"""The meeting's mail log and its actions: send the invitations not mailed yet, resend what
failed. The secretariat's only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison import permissions
from liaison.models import ChannelDelivery
from liaison.pages import UNSET, call_or_flash, paginate, query_without_page
from meetings import mail, services
from meetings.forms import MailFilterForm
from meetings.models import MailDelivery, Meeting

# The latest messages to group robots and phones shown beside the mail.
CHANNEL_ROWS = 100


@login_required
def meeting_mail(request, pk: int):
    """The meeting's mail log: the latest batch's progress, every delivery with its status
    and error (filter by kind and status), and resending; then the latest messages to group
    robots and SMS. The secretariat's only."""
    if not permissions.can_manage_invitations(request.user):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    filters = MailFilterForm(request.GET or None)
    deliveries = filters.filter(
        meeting.mail_deliveries.select_related("invitation__organisation", "invitation__person")
        .select_related("invitation__person__organisation")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "meetings/meeting_mail.html",
        {
            "meeting": meeting,
            "progress": mail.batch_progress(meeting),
            "not_mailed": meeting.invitations.not_mailed().count(),
            # What "resend all failed" would send again: offered only when there is some.
            "failed": meeting.mail_deliveries.filter(status=MailDelivery.Status.FAILED).count()
            + services.failed_messages(meeting).count(),
            "invited": meeting.invitations.exists(),
            "filters": filters,
            "page": paginate(request, deliveries, per_page=50),
            "query": query_without_page(request),
            "channel_deliveries": ChannelDelivery.objects.filter(meeting_ref=meeting.pk)
            .select_related("channel")
            .order_by("-created_at", "-pk")[:CHANNEL_ROWS],
        },
    )


@login_required
@require_POST
def meeting_send_invitations(request, pk: int):
    """Mail the invitation to every invitee not mailed yet."""
    meeting = get_object_or_404(Meeting, pk=pk)
    count = call_or_flash(request, services.send_invitations, meeting, actor=request.user)
    if count is not UNSET:
        messages.success(request, _("%(count)s invitation mails queued.") % {"count": count})
    return redirect("meeting-mail", pk=meeting.pk)


@login_required
@require_POST
def meeting_resend(request, pk: int):
    """Resend the failed mail of one invitation (``invitation`` in the form) or of all."""
    meeting = get_object_or_404(Meeting, pk=pk)
    invitation = None
    if request.POST.get("invitation"):
        invitation = get_object_or_404(meeting.invitations, pk=request.POST["invitation"])
    count = call_or_flash(
        request, services.resend_mail, meeting, actor=request.user, invitation=invitation
    )
    if count is not UNSET:
        messages.success(request, _("%(count)s mails queued again.") % {"count": count})
    return redirect("meeting-mail", pk=meeting.pk)
