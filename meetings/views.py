from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison import audit, permissions
from liaison.views import directory_reader_required
from meetings import audience, links, services
from meetings.forms import AnswerForm, InvitationFilterForm, InviteForm, attendee_formset
from meetings.models import Invitation, Meeting, invitation_counts


@directory_reader_required
def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).with_related().order_by("-start")
    status = request.GET.get("status", "")
    if status in Meeting.Status.values:
        meetings = meetings.filter(status=status)
    page = Paginator(meetings, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Meeting.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


@directory_reader_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).with_related(), pk=pk)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "history": audit.history(meeting)[:50]
            if permissions.can_see_history(request.user)
            else None,
        },
    )


# --- Invitations and answers -----------------------------------------------------------------


@directory_reader_required
def my_invitations(request):
    """A member's invitations: its organisation's and those addressed to its own person."""
    invitations = (
        Invitation.objects.visible_to(request.user)
        .select_related("meeting", "organisation", "person__organisation")
        .order_by("-meeting__start", "pk")
    )
    if not permissions.is_member(request.user):
        # The secretariat and officials work from each meeting's list; here only their own.
        invitations = invitations.filter(person__user=request.user)
    page = Paginator(invitations, 30).get_page(request.GET.get("page"))
    return render(
        request, "meetings/my_invitations.html", {"page": page, "now": timezone.now(), "query": ""}
    )


def _answer_page(request, invitation: Invitation, *, channel: str, actor):
    """The answer form (回执), the same for a signed-in member, a link and the secretariat."""
    meeting = invitation.meeting
    may_answer = channel == Invitation.Channel.LINK or permissions.can_answer_invitation(
        request.user, invitation
    )
    if request.method == "POST" and may_answer:
        form = AnswerForm(request.POST)
        attendees = attendee_formset(meeting, invitation, request.POST)
        if form.is_valid() and attendees.is_valid():
            try:
                result = services.record_rsvp(
                    invitation,
                    status=form.cleaned_data["status"],
                    attendees=[f.answer() for f in attendees.forms if f.cleaned_data],
                    delegate=form.delegate(),
                    note=form.cleaned_data["note"],
                    actor=actor,
                    channel=channel,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                answered = result.invitation
                if answered.status == Invitation.Status.WAITLISTED:
                    messages.warning(
                        request,
                        _("The meeting is full: your answer is on the waiting list."),
                    )
                else:
                    messages.success(
                        request,
                        _("Your answer is recorded: %(answer)s.")
                        % {"answer": answered.get_status_display()},
                    )
                return redirect(request.get_full_path())
    else:
        preset = request.GET.get("answer", "")
        form = AnswerForm(
            initial={
                "status": preset if preset in services.ANSWERS else invitation.status,
                "note": invitation.note,
                "delegate_name": invitation.delegate_name,
                "delegate_title": invitation.delegate_title,
                "delegate_phone": invitation.delegate_phone,
            }
        )
        attendees = attendee_formset(meeting, invitation)
    waiting_rank = (
        meeting.invitations.waiting()
        .filter(waitlist_position__lte=invitation.waitlist_position)
        .count()
        if invitation.status == Invitation.Status.WAITLISTED
        else None
    )
    return render(
        request,
        "meetings/invitation_answer.html",
        {
            "invitation": invitation,
            "meeting": meeting,
            "form": form,
            "attendees": attendees,
            "may_answer": may_answer,
            "answers_open": meeting.answers_open(),
            "by_phone": channel == Invitation.Channel.PHONE,
            "waiting_rank": waiting_rank,
            "history": audit.history(invitation)[:30]
            if permissions.can_see_history(request.user)
            else None,
        },
    )


@directory_reader_required
def invitation_answer(request, pk: int):
    invitation = get_object_or_404(
        Invitation.objects.visible_to(request.user).select_related(
            "meeting", "organisation", "person__organisation"
        ),
        pk=pk,
    )
    channel = (
        Invitation.Channel.PHONE
        if permissions.can_manage_invitations(request.user)
        else Invitation.Channel.PAGE
    )
    return _answer_page(request, invitation, channel=channel, actor=request.user)


def invitation_link(request, token: str):
    """The page a link in the invitation mail opens, without signing in."""
    try:
        invitation = links.read_token(token)
    except links.LinkError as error:
        return render(
            request, "meetings/link_error.html", {"message": error.message}, status=error.status
        )
    actor = request.user if request.user.is_authenticated else None
    return _answer_page(request, invitation, channel=Invitation.Channel.LINK, actor=actor)


def _secretariat_or_official(request) -> None:
    if not permissions.can_read_all(request.user):
        raise PermissionDenied


@login_required
def meeting_invitations(request, pk: int):
    """The secretariat's view of a meeting's invitations: live counts and a filterable list."""
    _secretariat_or_official(request)
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    filters = InvitationFilterForm(request.GET or None)
    invitations = filters.filter(
        meeting.invitations.with_related().order_by("status", "waitlist_position", "pk")
    )
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_invitations.html",
        {
            "meeting": meeting,
            "counts": invitation_counts(meeting),
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "invite_form": InviteForm()
            if permissions.can_manage_invitations(request.user)
            else None,
        },
    )


@login_required
@require_POST
def meeting_invite(request, pk: int):
    if not permissions.can_manage_invitations(request.user):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting, pk=pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors() or [_("Choose whom to invite.")]:
            messages.error(request, message)
        return redirect("meeting-invitations", pk=meeting.pk)
    data = form.cleaned_data
    organisations = list(data["organisations"])
    if data["association_members"]:
        organisations += audience.association_members(meeting.partnership)
    if data["parties"]:
        organisations += audience.parties(meeting.partnership)
    if data["region"]:
        organisations += audience.in_region(data["region"])
    if data["sector"]:
        organisations += audience.in_sector(data["sector"])
    try:
        created = services.invite_organisations(meeting, organisations, actor=request.user)
        created += services.invite_people(meeting, data["people"], actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)s new invitations.") % {"count": len(created)})
    return redirect("meeting-invitations", pk=meeting.pk)
