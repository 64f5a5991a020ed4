"""The minutes and decisions pages: thin views over ``meetings.minutes``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison import history, permissions
from liaison.pages import (
    UNSET,
    call_or_flash,
    flash_form_errors,
    flash_service_error,
    paginate,
    query_without_page,
)
from liaison.views import directory_reader_required
from meetings import minutes as workflow
from meetings.minutes.forms import (
    CommentForm,
    CorrectionForm,
    DecisionFilterForm,
    DecisionForm,
    DecisionStatusForm,
    FollowUpForm,
    MinutesFactsForm,
    MinutesTextForm,
)
from meetings.minutes.word import MIME_TYPE as DOCX
from meetings.models import Decision, Meeting, MinutesVersion


def _version(request, pk: int) -> MinutesVersion:
    return get_object_or_404(MinutesVersion.objects.visible_to(request.user).with_related(), pk=pk)


@directory_reader_required
def meeting_minutes(request, pk: int):
    """The meeting's minutes: its newest version the user may read; the secretariat starts
    the minutes here."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if not workflow.may_open_minutes(request.user, meeting):
        raise Http404
    version = workflow.readable_version(request.user, meeting)
    if version is not None:
        return redirect("minutes-version", pk=version.pk)
    if request.method == "POST":
        try:
            minutes = workflow.draft_minutes(meeting, actor=request.user)
        except ValidationError as error:
            flash_service_error(request, error)
            return redirect("meeting-detail", pk=meeting.pk)
        messages.success(request, _("The minutes have been started from the check-in."))
        return redirect("minutes-version-edit", pk=workflow.current_version(minutes).pk)
    return render(request, "meetings/minutes_start.html", {"meeting": meeting})


@directory_reader_required
def minutes_version(request, pk: int):
    version = _version(request, pk)
    minutes = version.minutes
    user = request.user
    reviewer = permissions.can_review_minutes(user, minutes)
    secretariat = permissions.can_draft_minutes(user)
    versions = MinutesVersion.objects.visible_to(user).filter(minutes=minutes)
    decisions = Decision.objects.filter(minutes=minutes).with_related()
    approvals = {a.party_id: a for a in version.approvals.select_related("approver")}
    partnership = minutes.meeting.partnership
    parties = [
        (party, minutes.approver_for(party.pk), approvals.get(party.pk))
        for party in (partnership.party_a, partnership.party_b)
    ]
    return render(
        request,
        "meetings/minutes_version.html",
        {
            "version": version,
            "minutes": minutes,
            "meeting": minutes.meeting,
            "versions": versions,
            "decisions": decisions,
            "parties": parties,
            "today": timezone.localdate(),
            "comments": version.comments.select_related("author") if reviewer else None,
            "can_comment": reviewer and version.is_editable,
            "can_approve": permissions.can_approve_minutes(user, minutes)
            and version.status == MinutesVersion.Status.CIRCULATED
            and not any(a and a.approver_id == user.pk for a in approvals.values()),
            "secretariat": secretariat,
            "comment_form": CommentForm(),
            "decision_form": DecisionForm() if secretariat and version.is_editable else None,
            "correction_form": CorrectionForm() if secretariat else None,
            "history": history.history_for(user, version),
        },
    )


@login_required
def minutes_version_edit(request, pk: int):
    """The drafting form: basic facts and the text of a draft or circulated version."""
    if not permissions.can_draft_minutes(request.user):
        raise PermissionDenied
    version = get_object_or_404(MinutesVersion.objects.with_related(), pk=pk)
    if not version.is_editable:
        messages.error(request, _("This version cannot be changed."))
        return redirect("minutes-version", pk=version.pk)
    minutes = version.minutes
    facts = MinutesFactsForm(request.POST or None, instance=minutes, prefix="facts")
    text = MinutesTextForm(request.POST or None, content=version.content, prefix="text")
    if request.method == "POST" and facts.is_valid() and text.is_valid():
        try:
            workflow.save_minutes_facts(minutes, actor=request.user, **facts.cleaned_data)
            workflow.update_draft(version, actor=request.user, content=text.content())
        except ValidationError as error:
            flash_service_error(request, error)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("minutes-version", pk=version.pk)
    return render(
        request,
        "meetings/minutes_edit.html",
        {"version": version, "minutes": minutes, "facts": facts, "text": text},
    )


def _do(request, version, change, done: str):
    if call_or_flash(request, change) is not UNSET:
        messages.success(request, done)
    return redirect("minutes-version", pk=version.pk)


@login_required
@require_POST
def minutes_version_action(request, pk: int, action: str):
    """Circulate, approve, publish, correct or comment on a version."""
    version = _version(request, pk)
    user = request.user
    if action == "circulate":
        return _do(
            request,
            version,
            lambda: workflow.circulate_minutes(version, actor=user),
            _("The draft has been circulated to both parties."),
        )
    if action == "approve":
        return _do(
            request,
            version,
            lambda: workflow.approve_minutes(version, actor=user),
            _("Your approval has been recorded."),
        )
    if action == "publish":
        return _do(
            request,
            version,
            lambda: workflow.publish_minutes(version, actor=user),
            _("The minutes have been published."),
        )
    if action == "comment":
        form = CommentForm(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect("minutes-version", pk=version.pk)
        return _do(
            request,
            version,
            lambda: workflow.comment_on_minutes(version, actor=user, **form.cleaned_data),
            _("Your comment has been recorded."),
        )
    if action == "correct":
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect("minutes-version", pk=version.pk)
        try:
            new = workflow.correct_minutes(version, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            flash_service_error(request, error)
            return redirect("minutes-version", pk=version.pk)
        messages.success(request, _("A corrected version has been started."))
        return redirect("minutes-version-edit", pk=new.pk)
    if action == "decision":
        form = DecisionForm(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect("minutes-version", pk=version.pk)
        return _do(
            request,
            version,
            lambda: workflow.add_decision(version.minutes, actor=user, **form.cleaned_data),
            _("The decision has been added."),
        )
    raise Http404


@directory_reader_required
def minutes_version_diff(request, pk: int):
    version = _version(request, pk)
    others = MinutesVersion.objects.visible_to(request.user).filter(minutes=version.minutes)
    against = others.exclude(pk=version.pk).filter(pk=request.GET.get("against") or 0).first()
    if against is None:
        against = others.filter(number__lt=version.number).order_by("-number").first()
    changes = workflow.diff_versions(against, version) if against else []
    return render(
        request,
        "meetings/minutes_diff.html",
        {
            "version": version,
            "against": against,
            "changes": changes,
            "versions": others,
            "minutes": version.minutes,
        },
    )


@directory_reader_required
def minutes_version_pdf(request, pk: int):
    """The version's PDF (drafts carry the watermark), or its PDF/A-3b copy (?archival=1)."""
    version = _version(request, pk)
    archival = request.GET.get("archival") == "1"
    try:
        pdf = workflow.minutes_pdf(version, archival=archival)
    except ValidationError as error:
        flash_service_error(request, error)
        return redirect("minutes-version", pk=version.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, workflow.pdf_filename(version, archival=archival)
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@directory_reader_required
def minutes_version_docx(request, pk: int):
    """The version as an editable Word copy, for whoever may read the version (as its PDF)."""
    version = _version(request, pk)
    response = HttpResponse(workflow.minutes_docx(version), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        True, workflow.docx_filename(version)
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Decisions -------------------------------------------------------------------------------


@directory_reader_required
def decision_list(request):
    """Every decision the user may see, across all meetings; by unit, status, overdue."""
    form = DecisionFilterForm(request.GET or None)
    decisions = Decision.objects.visible_to(request.user).with_related()
    if form.is_valid():
        data = form.cleaned_data
        if data["unit"]:
            decisions = decisions.for_unit(data["unit"].pk)
        if data["status"]:
            decisions = decisions.filter(status=data["status"])
        if data["overdue"]:
            decisions = decisions.overdue()
    decisions = decisions.order_by("-minutes__meeting__start", "number")
    return render(
        request,
        "meetings/decision_list.html",
        {
            "page": paginate(request, decisions, per_page=50),
            "form": form,
            "today": timezone.localdate(),
            "query": query_without_page(request),
        },
    )


@directory_reader_required
def decision_detail(request, pk: int):
    decision = get_object_or_404(Decision.objects.visible_to(request.user).with_related(), pk=pk)
    user = request.user
    status_form = DecisionStatusForm(initial={"status": decision.status}, prefix="status")
    follow_up_form = FollowUpForm(initial={"date": timezone.localdate()}, prefix="followup")
    if request.method == "POST":
        if "status-status" in request.POST:
            status_form = DecisionStatusForm(request.POST, prefix="status")
            if status_form.is_valid():
                return _decision_change(
                    request,
                    decision,
                    lambda: workflow.change_decision_status(
                        decision,
                        actor=user,
                        to=status_form.cleaned_data["status"],
                        reason=status_form.cleaned_data["reason"],
                    ),
                    _("The status has been changed."),
                )
        else:
            follow_up_form = FollowUpForm(request.POST, prefix="followup")
            if follow_up_form.is_valid():
                return _decision_change(
                    request,
                    decision,
                    lambda: workflow.add_follow_up(
                        decision, actor=user, **follow_up_form.cleaned_data
                    ),
                    _("The follow-up has been recorded."),
                )
    return render(
        request,
        "meetings/decision_detail.html",
        {
            "decision": decision,
            "today": timezone.localdate(),
            "status_form": status_form if permissions.can_manage_decisions(user) else None,
            "follow_up_form": follow_up_form
            if permissions.can_follow_up_decision(user, decision)
            else None,
            "history": history.history_for(user, decision),
        },
    )


def _decision_change(request, decision, change, done: str):
    try:
        change()
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, done)
    return redirect("decision-detail", pk=decision.pk)
