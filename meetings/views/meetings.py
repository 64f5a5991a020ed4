"""Meetings: the list and the page of a meeting, scheduling (the next meeting of a mechanism,
an ad-hoc one) and the lifecycle (cancel, postpone, reschedule, close)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison import history, permissions
from liaison.models import Mechanism, Partnership
from liaison.pages import UNSET, call_on_form, call_or_flash, flash_form_errors, paginate
from liaison.views import directory_reader_required
from meetings import attendance, minutes, services
from meetings.forms import PostponeForm, ReasonForm, RescheduleForm, ScheduleForm
from meetings.models import Meeting
from meetings.views.access import secretariat_required
from meetings.views.agenda import agenda_of
from meetings.views.invitations import own_invitations

# The meetings whose page offers the minutes (and, to the secretariat, starting them).
MINUTES_STATUSES = (Meeting.Status.HELD, Meeting.Status.CLOSED)


@directory_reader_required
def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).with_related().order_by("-start")
    status = request.GET.get("status", "")
    if status in Meeting.Status.values:
        meetings = meetings.filter(status=status)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": paginate(request, meetings),
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
            "my_invitations": own_invitations(request.user, meeting),
            "may_open_minutes": meeting.status in MINUTES_STATUSES
            and minutes.may_open_minutes(request.user, meeting),
            "history": history.history_for(request.user, meeting),
            **lifecycle_context(request, meeting),
        },
    )


# --- Scheduling ------------------------------------------------------------------------------


def _scheduled(request, meeting: Meeting):
    messages.success(request, _("Scheduled: %(title)s.") % {"title": meeting.title})
    return redirect("meeting-detail", pk=meeting.pk)


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
    plan = call_or_flash(request, services.plan_next_meeting, mechanism)
    if plan is UNSET:
        return redirect("partnership-detail", pk=partnership.pk)
    form = ScheduleForm(
        request.POST or None,
        partnership=partnership,
        ad_hoc=False,
        kind=plan.kind,
        initial=plan.initial(),
    )
    if request.method == "POST" and form.is_valid():
        meeting = call_on_form(
            form, services.schedule_next_meeting, mechanism, actor=request.user, **form.values()
        )
        if meeting is not UNSET:
            return _scheduled(request, meeting)
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
        meeting = call_on_form(
            form, services.schedule_meeting, partnership, actor=request.user, **form.values()
        )
        if meeting is not UNSET:
            return _scheduled(request, meeting)
    return _schedule_page(request, form, partnership=partnership)


# --- Lifecycle ------------------------------------------------------------------------------


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
        flash_form_errors(request, form)
        return redirect("meeting-detail", pk=meeting.pk)
    data = form.cleaned_data if form is not None else {}
    if call_or_flash(request, change, meeting, data) is not UNSET:
        if data.get("do_not_notify"):
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
