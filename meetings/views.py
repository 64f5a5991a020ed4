from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison import history, permissions, uploads
from liaison.models import Mechanism, Partnership, Region, Sector
from liaison.views import directory_reader_required, reader_of_all_required, role_required
from liaison.xlsx import xlsx_response
from meetings import attendance, audience, excel, links, mail, minutes, services
from meetings.forms import (
    AgendaItemForm,
    AnswerForm,
    InvitationFilterForm,
    InviteForm,
    MailFilterForm,
    MaterialForm,
    PostponeForm,
    ReasonForm,
    RescheduleForm,
    ScheduleForm,
    attendee_formset,
    show_answer_errors,
    with_another_attendee,
)
from meetings.models import (
    AgendaItem,
    AgendaMaterial,
    Attendee,
    Invitation,
    Meeting,
    invitation_counts,
)

# Inviting, scheduling, the agenda and check-in: the secretariat.
secretariat_required = role_required(permissions.can_manage_invitations)
# The meetings whose page offers the minutes (and, to the secretariat, starting them).
MINUTES_STATUSES = (Meeting.Status.HELD, Meeting.Status.CLOSED)


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
            "agenda": agenda_of(meeting),
            "attendance": attendance.attendance_counts(meeting)
            if permissions.can_read_all(request.user)
            else None,
            "can_manage": permissions.can_manage_invitations(request.user),
            "my_invitations": _own_invitations(request.user, meeting),
            "may_open_minutes": meeting.status in MINUTES_STATUSES
            and minutes.may_open_minutes(request.user, meeting),
            "history": history.readable_history(meeting)
            if permissions.can_see_history(request.user)
            else None,
            **lifecycle_context(request, meeting),
        },
    )


# --- Invitations and answers -----------------------------------------------------------------


def _own_invitations(user, meeting: Meeting) -> list[Invitation]:
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
    page = Paginator(invitations, 30).get_page(request.GET.get("page"))
    return render(
        request, "meetings/my_invitations.html", {"page": page, "now": timezone.now(), "query": ""}
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
            "history": history.readable_history(invitation)
            if permissions.can_see_history(request.user)
            else None,
        },
    )


def _standing_answer(invitation: Invitation, status: str) -> AnswerForm:
    """The answer form filled in with the answer as it stands, with ``status`` chosen."""
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


@reader_of_all_required
def meeting_invitations(request, pk: int):
    """The secretariat's view of a meeting's invitations: live counts, a filterable list and
    the invite picker (first and open while nobody is invited)."""
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    filters = InvitationFilterForm(request.GET or None)
    invitations = filters.filter(
        meeting.invitations.with_related().order_by("status", "waitlist_position", "pk")
    )
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "meeting": meeting,
        "counts": invitation_counts(meeting),
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
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
    try:
        created = services.invite_and_mail(meeting, chosen, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("meeting-invitations", pk=meeting.pk)
    messages.success(request, _("%(count)s new invitations.") % {"count": len(created)})
    if created and meeting.status in (Meeting.Status.SCHEDULED, Meeting.Status.POSTPONED):
        # Mailed at once by the service; the mail log shows the batch's progress.
        return redirect("meeting-mail", pk=meeting.pk)
    return redirect("meeting-invitations", pk=meeting.pk)


# --- Scheduling ------------------------------------------------------------------------------


def _schedule_page(request, form, *, partnership, mechanism=None, plan=None):
    return render(
        request,
        "meetings/schedule.html",
        {"form": form, "partnership": partnership, "mechanism": mechanism, "plan": plan},
    )


@secretariat_required
def mechanism_schedule_next(request, pk: int):
    """Schedule the next meeting of a mechanism: a form prefilled from its cadence."""
    mechanism = get_object_or_404(
        Mechanism.objects.select_related("partnership__party_a", "partnership__party_b"), pk=pk
    )
    partnership = mechanism.partnership
    try:
        plan = services.plan_next_meeting(mechanism)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("partnership-detail", pk=partnership.pk)
    form = ScheduleForm(
        request.POST or None,
        partnership=partnership,
        ad_hoc=False,
        kind=plan.kind,
        initial=plan.initial(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_next_meeting(mechanism, actor=request.user, **form.values())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Scheduled: %(title)s.") % {"title": meeting.title})
            return redirect("meeting-detail", pk=meeting.pk)
    return _schedule_page(request, form, partnership=partnership, mechanism=mechanism, plan=plan)


@secretariat_required
def partnership_schedule(request, pk: int):
    """Schedule an ad-hoc meeting of the partnership (signing ceremony, promotion, visit)."""
    partnership = get_object_or_404(Partnership.objects.select_related("party_a", "party_b"), pk=pk)
    form = ScheduleForm(
        request.POST or None,
        partnership=partnership,
        ad_hoc=True,
        initial={"cohosts": [partnership.party_a, partnership.party_b]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(partnership, actor=request.user, **form.values())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Scheduled: %(title)s.") % {"title": meeting.title})
            return redirect("meeting-detail", pk=meeting.pk)
    return _schedule_page(request, form, partnership=partnership)


# --- Agenda ----------------------------------------------------------------------------------


def agenda_of(meeting: Meeting):
    return meeting.agenda_items.prefetch_related("materials")


@secretariat_required
def meeting_agenda(request, pk: int):
    """The secretariat's agenda editor: add, change, move, remove items and their materials."""
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    form = AgendaItemForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            services.add_agenda_item(meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Agenda item added."))
            return redirect("meeting-agenda", pk=meeting.pk)
    items = [
        (item, AgendaItemForm(instance=item, prefix=f"item{item.pk}"))
        for item in agenda_of(meeting)
    ]
    return render(
        request,
        "meetings/agenda_edit.html",
        {"meeting": meeting, "form": form, "items": items, "material_form": MaterialForm()},
    )


def _agenda_item(request, pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)


@secretariat_required
@require_POST
def agenda_item_change(request, pk: int):
    item = _agenda_item(request, pk)
    form = AgendaItemForm(request.POST, instance=item, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            services.change_agenda_item(item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("meeting-agenda", pk=item.meeting_id)


@secretariat_required
@require_POST
def agenda_item_move(request, pk: int):
    item = _agenda_item(request, pk)
    services.move_agenda_item(item, actor=request.user, offset=-1 if request.POST.get("up") else 1)
    return redirect("meeting-agenda", pk=item.meeting_id)


@secretariat_required
@require_POST
def agenda_item_remove(request, pk: int):
    item = _agenda_item(request, pk)
    services.remove_agenda_item(item, actor=request.user)
    messages.success(request, _("Agenda item removed."))
    return redirect("meeting-agenda", pk=item.meeting_id)


@secretariat_required
@require_POST
def agenda_material_upload(request, pk: int):
    item = _agenda_item(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.attach_agenda_material(
                item, actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Material uploaded."))
    return redirect("meeting-agenda", pk=item.meeting_id)


@secretariat_required
@require_POST
def agenda_material_remove(request, pk: int):
    material = get_object_or_404(AgendaMaterial.objects.select_related("item"), pk=pk)
    services.remove_agenda_material(material, actor=request.user)
    return redirect("meeting-agenda", pk=material.item.meeting_id)


@directory_reader_required
def agenda_material_download(request, pk: int):
    """A material, for whoever can see its meeting (404 for the others, drafts included)."""
    material = get_object_or_404(
        AgendaMaterial.objects.filter(item__meeting__in=Meeting.objects.visible_to(request.user)),
        pk=pk,
    )
    return uploads.file_response(material)


# --- Attendance ------------------------------------------------------------------------------


@secretariat_required
def meeting_check_in(request, pk: int):
    """The secretariat's check-in page: every expected attendee, one tap to mark
    present, absent or excused; a search box to find a name at the door."""
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    if request.method == "POST":
        attendee = get_object_or_404(
            attendance.expected_attendees(meeting), pk=request.POST.get("attendee")
        )
        try:
            services.mark_attendance(
                attendee, attendance=request.POST.get("attendance", ""), actor=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        query = request.POST.get("q", "")
        url = reverse("meeting-check-in", args=[meeting.pk])
        return redirect(
            f"{url}?{urlencode({'q': query})}#a{attendee.pk}" if query else f"{url}#a{attendee.pk}"
        )
    query = request.GET.get("q", "").strip()
    attendees = attendance.expected_attendees(meeting)
    if query:
        attendees = attendees.filter(
            Q(name__icontains=query)
            | Q(phone__icontains=query)
            | Q(invitation__organisation__name__icontains=query)
        )
    return render(
        request,
        "meetings/checkin.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "query": query,
            "counts": attendance.attendance_counts(meeting),
            "marks": [
                (mark, Attendee.Attendance(mark).label)
                for mark in (
                    Attendee.Attendance.PRESENT,
                    Attendee.Attendance.ABSENT,
                    Attendee.Attendance.EXCUSED,
                )
            ],
        },
    )


@secretariat_required
def attendee_check_in(request, code):
    """Where an attendee's QR code leads: the secretariat confirms, and the attendee is
    marked present (GET only shows; a phone camera's preview changes nothing)."""
    attendee = get_object_or_404(
        Attendee.objects.select_related(
            "invitation__meeting", "invitation__organisation", "invitation__person"
        ),
        check_in_code=code,
    )
    if request.method == "POST":
        try:
            services.mark_attendance(
                attendee,
                attendance=Attendee.Attendance.PRESENT,
                actor=request.user,
                via=_("QR check-in"),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": attendee.name})
        return redirect("attendee-check-in", code=code)
    return render(
        request,
        "meetings/checkin_confirm.html",
        {
            "attendee": attendee,
            "invitation": attendee.invitation,
            "meeting": attendee.invitation.meeting,
        },
    )


@reader_of_all_required
def meeting_attendees_xlsx(request, pk: int):
    """The attendee list for the venue and the hosts (secretariat and officials)."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return xlsx_response(
        excel.export_attendees(meeting), excel.attendee_list_name(meeting), dated=False
    )


# --- Lifecycle and mail (secretariat) ----------------------------------------------------------


def lifecycle_context(request, meeting: Meeting) -> dict:
    """The secretariat's lifecycle forms on the meeting page (empty for everyone else)."""
    if not permissions.can_write(request.user):
        return {}
    return {
        "cancel_form": ReasonForm(prefix="cancel"),
        "postpone_form": PostponeForm(prefix="postpone"),
        "reschedule_form": RescheduleForm.for_meeting(meeting),
    }


def _lifecycle_change(request, pk: int, form_class, change, done: str, prefix=None):
    """Parse the form, call the service, tell the outcome, and go back to the meeting (PRG)."""
    if not permissions.can_write(request.user):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting, pk=pk)
    form = form_class(request.POST, prefix=prefix) if form_class else None
    if form is not None and not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}：{message}" if label else message)
        return redirect("meeting-detail", pk=meeting.pk)
    try:
        change(meeting, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if form is not None and form.cleaned_data.get("do_not_notify"):
            done = _("The change is saved; the invitees were not notified.")
        messages.success(request, done)
    return redirect("meeting-detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    return _lifecycle_change(
        request,
        pk,
        ReasonForm,
        lambda meeting, data: services.cancel_meeting(
            meeting,
            reason=data["reason"],
            actor=request.user,
            notify=not data["do_not_notify"],
        ),
        _("The meeting is cancelled; the invitees are being told."),
        prefix="cancel",
    )


@login_required
@require_POST
def meeting_postpone(request, pk: int):
    return _lifecycle_change(
        request,
        pk,
        PostponeForm,
        lambda meeting, data: services.postpone_meeting(
            meeting,
            reason=data["reason"],
            new_start=data["new_start"],
            new_end=data["new_end"],
            actor=request.user,
            notify=not data["do_not_notify"],
        ),
        _("The meeting is postponed; the invitees are being told."),
        prefix="postpone",
    )


@login_required
@require_POST
def meeting_reschedule(request, pk: int):
    return _lifecycle_change(
        request,
        pk,
        RescheduleForm,
        lambda meeting, data: services.reschedule_meeting(
            meeting,
            start=data["start"],
            end=data["end"],
            venue=data["venue"],
            city=data["city"],
            reason=data["reason"],
            actor=request.user,
            notify=not data["do_not_notify"],
        ),
        _("The meeting is rescheduled; the invitees are being told."),
    )


@login_required
@require_POST
def meeting_close(request, pk: int):
    return _lifecycle_change(
        request,
        pk,
        None,
        lambda meeting, data: services.close_meeting(meeting, actor=request.user),
        _("The meeting is closed."),
    )


@login_required
def meeting_mail(request, pk: int):
    """The meeting's mail log: the latest batch's progress, every delivery with its status
    and error (filter by kind and status), and resending. The secretariat's only."""
    if not permissions.can_manage_invitations(request.user):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    filters = MailFilterForm(request.GET or None)
    deliveries = filters.filter(
        meeting.mail_deliveries.select_related("invitation__organisation", "invitation__person")
        .select_related("invitation__person__organisation")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_mail.html",
        {
            "meeting": meeting,
            "progress": mail.batch_progress(meeting),
            "not_mailed": meeting.invitations.not_mailed().count(),
            "invited": meeting.invitations.exists(),
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def meeting_send_invitations(request, pk: int):
    """Mail the invitation to every invitee not mailed yet."""
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        count = services.send_invitations(meeting, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
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
    try:
        count = services.resend_mail(meeting, actor=request.user, invitation=invitation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)s mails queued again.") % {"count": count})
    return redirect("meeting-mail", pk=meeting.pk)
