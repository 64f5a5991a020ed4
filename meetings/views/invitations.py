"""Invitations and answers: a member's invitations, the answer page (回执) for a member, an
answer link and the secretariat on the phone, and the secretariat's list of a meeting's
invitations with the invite picker."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison import history, permissions
from liaison.models import Region, Sector
from liaison.pages import UNSET, call_or_flash, paginate, query_without_page
from liaison.views import directory_reader_required, reader_of_all_required
from meetings import audience, links, services
from meetings.forms import (
    AnswerForm,
    InvitationFilterForm,
    InviteForm,
    attendee_formset,
    show_answer_errors,
    with_another_attendee,
)
from meetings.models import Invitation, Meeting, invitation_counts
from meetings.views.access import secretariat_required


def own_invitations(user, meeting: Meeting) -> list[Invitation]:
    """A member's invitations to the meeting (its organisation's and its own person's), for
    the status and the answer button on the meeting page."""
    if not permissions.is_member(user):
        return []
    return list(
        Invitation.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("organisation", "person__organisation")
        .order_by("pk")
    )


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
    return render(
        request,
        "meetings/my_invitations.html",
        {"page": paginate(request, invitations), "now": timezone.now(), "query": ""},
    )


def _answer_page(request, invitation: Invitation, *, channel: str, actor):
    """The answer form (回执), the same for a signed-in member, a link and the secretariat.

    ``?answer=`` (the mail's one-tap links) only preselects: opening the page never records
    anything (mail scanners open links). It puts a confirm box above the form, whose one
    button records that answer and keeps the rest of the answer as it stands."""
    meeting = invitation.meeting
    may_answer = channel == Invitation.Channel.LINK or permissions.can_answer_invitation(
        request.user, invitation
    )
    quick = None
    if request.method == "POST" and may_answer and "add_attendee" in request.POST:
        form, attendees = with_another_attendee(meeting, invitation, request.POST)
    elif request.method == "POST" and may_answer and "quick_answer" in request.POST:
        status = request.POST["quick_answer"]
        try:
            services.confirm_answer(invitation, status=status, actor=actor, channel=channel)
        except ValidationError as error:
            # Nothing recorded: say why above the full form, preset to the chosen answer.
            quick = _quick_answer(invitation, status, errors=error.messages)
            form = _standing_answer(invitation, status)
            attendees = attendee_formset(meeting, invitation)
        else:
            return _answered(request)
    elif request.method == "POST" and may_answer:
        form = AnswerForm(request.POST)
        attendees = attendee_formset(meeting, invitation, request.POST)
        if form.is_valid() and attendees.is_valid():
            try:
                services.record_rsvp(
                    invitation,
                    status=form.cleaned_data["status"],
                    attendees=[f.answer() for f in attendees.forms if f.cleaned_data],
                    delegate=form.delegate(),
                    note=form.cleaned_data["note"],
                    actor=actor,
                    channel=channel,
                )
            except ValidationError as error:
                show_answer_errors(form, attendees, error)
            else:
                return _answered(request)
    else:
        # The form and the one-tap box both show the attendees: read them once.
        prefetch_related_objects([invitation], "attendees")
        preset = request.GET.get("answer", "")
        preset = preset if preset in services.ANSWERS else ""
        form = _standing_answer(invitation, preset or invitation.status)
        attendees = attendee_formset(meeting, invitation)
        if (
            preset
            and may_answer
            and channel != Invitation.Channel.PHONE
            and meeting.answers_open()
            and not _already_answered(invitation, preset)
        ):
            quick = _quick_answer(invitation, preset)
    # What is recorded, shown after saving (PRG) or when a link asks for the answer given.
    recorded = (
        request.method == "GET"
        and invitation.status != Invitation.Status.PENDING
        and (
            request.GET.get("recorded") == "1"
            or (quick is None and _already_answered(invitation, request.GET.get("answer", "")))
        )
    )
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
            "quick": quick,
            "recorded": recorded,
            "history": history.history_for(request.user, invitation),
        },
    )


def _standing_answer(invitation: Invitation, status: str) -> AnswerForm:
    """The answer form filled in with the answer as it stands, with ``status`` chosen (a
    waiting acceptance shows as the acceptance it is)."""
    if status == Invitation.Status.WAITLISTED:
        status = Invitation.Status.ACCEPTED
    return AnswerForm(
        initial={
            "status": status,
            "note": invitation.note,
            "delegate_name": invitation.delegate_name,
            "delegate_title": invitation.delegate_title,
            "delegate_phone": invitation.delegate_phone,
        }
    )


def _already_answered(invitation: Invitation, status: str) -> bool:
    """The invitation's answer already is ``status`` (a waiting acceptance counts)."""
    if status == Invitation.Status.ACCEPTED:
        return invitation.status in (Invitation.Status.ACCEPTED, Invitation.Status.WAITLISTED)
    return status in services.ANSWERS and invitation.status == status


def _quick_answer(invitation: Invitation, status: str, *, errors=()) -> dict:
    """The one-tap confirm box: the answer, whom it records as attending (``None``: nobody
    can be named, the full form must be used), and why it was not recorded."""
    return {
        "status": status,
        "label": Invitation.Status(status).label if status in services.ANSWERS else "",
        "attendees": None if errors else services.one_tap_attendees(invitation, status),
        "errors": list(errors),
    }


def _answered(request):
    """After an answer is recorded: the page again (PRG), saying what was recorded. The page
    reads it from the invitation, not from a message kept in a cookie."""
    return redirect(f"{request.path}?recorded=1")


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


def invitation_short_link(request, code: str):
    """The short link of an SMS: on to the invitation's signed answer page."""
    try:
        invitation = links.read_short_code(code)
    except links.LinkError as error:
        return render(
            request, "meetings/link_error.html", {"message": error.message}, status=error.status
        )
    return redirect(links.rsvp_url(invitation))


@reader_of_all_required
def meeting_invitations(request, pk: int):
    """The secretariat's view of a meeting's invitations: live counts, a filterable list and
    the invite picker (first and open while nobody is invited)."""
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    filters = InvitationFilterForm(request.GET or None)
    invitations = filters.filter(
        meeting.invitations.with_related().order_by("status", "waitlist_position", "pk")
    )
    context = {
        "meeting": meeting,
        "counts": invitation_counts(meeting),
        "filters": filters,
        "page": paginate(request, invitations, per_page=50),
        "query": query_without_page(request),
    }
    if permissions.can_manage_invitations(request.user):
        context.update(_invite_picker(meeting, InviteForm()))
    return render(request, "meetings/meeting_invitations.html", context)


def _invite_picker(meeting: Meeting, form: InviteForm, *, query: str = "") -> dict:
    """The invite picker: organisations with their people to tick (``query`` narrows them),
    the one-click audiences, who is invited already and what was ticked."""
    invited = list(meeting.invitations.values_list("organisation_id", "person_id"))

    def ticked(name: str) -> set[int]:
        values = form.data.getlist(name) if form.is_bound else []
        return {int(value) for value in values if str(value).isdigit()}

    return {
        "invite_form": form,
        "invitee_query": query,
        "directory": audience.directory(query),
        "association_count": audience.association_members(meeting.partnership).count(),
        "regions": Region.objects.order_by("code", "name"),
        "sectors": Sector.objects.all(),
        "invited_organisations": {org for org, person in invited if person is None},
        "invited_people": {person for _org, person in invited if person is not None},
        "ticked_organisations": ticked("organisations"),
        "ticked_people": ticked("people"),
    }


@secretariat_required
def meeting_invite(request, pk: int):
    """Invite in bulk, in two steps: pick (GET, ``?q=`` narrows the list without
    JavaScript), review the count (POST), confirm (POST with ``confirm``): only then are the
    invitations created, and mailed at once for a scheduled meeting."""
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    form = InviteForm(request.POST if request.method == "POST" else None)
    query = request.GET.get("q", "").strip()
    context = {"meeting": meeting}
    if request.method != "POST" or not form.is_valid():
        context.update(_invite_picker(meeting, form, query=query))
        return render(request, "meetings/meeting_invite.html", context)
    chosen = form.audience(meeting.partnership)
    if "confirm" not in request.POST:
        already = chosen.already_invited(meeting)
        context.update(
            review=chosen,
            chosen=form.chosen(),
            already=already,
            to_invite=len(chosen.organisations) + len(chosen.people) - already,
        )
        return render(request, "meetings/meeting_invite.html", context)
    created = call_or_flash(request, services.invite_and_mail, meeting, chosen, actor=request.user)
    if created is UNSET:
        return redirect("meeting-invitations", pk=meeting.pk)
    messages.success(request, _("%(count)s new invitations.") % {"count": len(created)})
    if created and meeting.status in (Meeting.Status.SCHEDULED, Meeting.Status.POSTPONED):
        # Mailed at once by the service; the mail log shows the batch's progress.
        return redirect("meeting-mail", pk=meeting.pk)
    return redirect("meeting-invitations", pk=meeting.pk)
