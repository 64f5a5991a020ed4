"""Pages of the agreements: the ledger (签约项目台账), an agreement, the statistics."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import excel, forms, services
from agreements.filters import AgreementFilter
from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementImport,
    ProgressReport,
    ProgressReportAttachment,
)
from agreements.statistics import agreement_statistics, agreement_totals
from liaison import history, permissions, uploads
from liaison.pages import UNSET, call_on_form, paginate, query_without_page
from liaison.views import directory_reader_required, role_required
from liaison.xlsx import xlsx_response


def _filtered(request, data):
    visible = Agreement.objects.visible_to(request.user)
    agreements_filter = AgreementFilter(data, queryset=visible)
    if not agreements_filter.is_valid():
        return agreements_filter, visible.none()
    return agreements_filter, agreements_filter.qs


@directory_reader_required
def agreement_list(request):
    agreements_filter, agreements = _filtered(request, request.GET)
    page = paginate(request, agreements.with_related())
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "filter": agreements_filter,
            "page": page,
            "totals": agreement_totals(agreements),
            "query": query_without_page(request),
            "offset": page.start_index() - 1 if page.paginator.count else 0,
        },
    )


@directory_reader_required
def agreement_detail(request, pk: int):
    return _agreement_page(request, pk)


def _agreement_page(request, pk: int, *, bound_form=None):
    """The agreement's page with the forms the user may use; ``bound_form`` is a form just
    posted and refused, shown again with its errors in place of the empty one."""
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user).with_related().with_parties(), pk=pk
    )
    user = request.user
    reports = list(
        agreement.progress_reports.select_related("submitted_by", "reviewed_by").prefetch_related(
            "attachments"
        )
    )
    context = {
        "agreement": agreement,
        "status_changes": agreement.status_changes.select_related("actor"),
        "reports": reports,
        "document": AgreementDocument.objects.filter(agreement=agreement)
        .select_related("uploaded_by")
        .first(),
        "history": history.history_for(user, agreement),
    }

    def form(kind, **kwargs):
        return bound_form if isinstance(bound_form, kind) else kind(**kwargs)

    if permissions.can_write(user):
        context["document_form"] = form(forms.DocumentUploadForm)
        if services.ALLOWED_TRANSITIONS.get(agreement.status):
            context["status_form"] = form(forms.StatusChangeForm, agreement=agreement)
        for report in reports:
            if report.status == ProgressReport.Status.SUBMITTED:
                bound = isinstance(bound_form, forms.ReviewForm) and (
                    bound_form.report_id == report.pk
                )
                report.review_form = bound_form if bound else forms.ReviewForm(report_id=report.pk)
    if agreement.status != Agreement.Status.TERMINATED and permissions.can_report_progress(
        user, agreement
    ):
        context["progress_form"] = form(forms.ProgressReportForm)
    return render(
        request,
        "agreements/agreement_detail.html",
        context,
        status=400 if bound_form is not None else 200,
    )


@directory_reader_required
def agreement_statistics_page(request):
    """Project agreements unless another kind (or all: ``kind=``) is asked for."""
    data = request.GET.copy()
    data.setdefault("kind", Agreement.Kind.PROJECT)
    agreements_filter, agreements = _filtered(request, data)
    return render(
        request,
        "agreements/agreement_statistics.html",
        {
            "filter": agreements_filter,
            "kind": data["kind"],
            "kinds": Agreement.Kind.choices,
            "stats": agreement_statistics(agreements),
        },
    )


# --- The agreement page's forms and private files ---------------------------------------------


secretariat_required = role_required(permissions.can_write)


def _perform(request, pk: int, form, change, success: str):
    """Post/Redirect/Get: call ``change(cleaned_data)`` (a service) when the form is valid and
    go back to the agreement's page; otherwise show the page again with the form's errors,
    the service's own message included."""
    if form.is_valid() and call_on_form(form, change, form.cleaned_data) is not UNSET:
        messages.success(request, success)
        return redirect("agreement-detail", pk=pk)
    return _agreement_page(request, pk, bound_form=form)


def _visible_agreement(request, pk: int) -> Agreement:
    return get_object_or_404(Agreement.objects.visible_to(request.user), pk=pk)


@require_POST
@secretariat_required
def agreement_document_upload(request, pk: int):
    agreement = _visible_agreement(request, pk)
    return _perform(
        request,
        pk,
        forms.DocumentUploadForm(request.POST, request.FILES),
        lambda data: services.attach_agreement_document(
            agreement, actor=request.user, upload=data["file"]
        ),
        _("The signed document scan was saved."),
    )


@directory_reader_required
def agreement_document(request, pk: int):
    """The signed document scan, for whoever may read the agreement (404 for anyone else)."""
    document = get_object_or_404(
        AgreementDocument.objects.visible_to(request.user), agreement_id=pk
    )
    return uploads.file_response(document)


@require_POST
@secretariat_required
def agreement_status_change(request, pk: int):
    agreement = _visible_agreement(request, pk)
    return _perform(
        request,
        pk,
        forms.StatusChangeForm(request.POST, agreement=agreement),
        lambda data: services.change_agreement_status(agreement, actor=request.user, **data),
        _("The status was changed."),
    )


@require_POST
@directory_reader_required
def progress_report_submit(request, pk: int):
    """A member of a party (or the secretariat) reports progress on the agreement."""
    agreement = _visible_agreement(request, pk)
    if not permissions.can_report_progress(request.user, agreement):
        raise PermissionDenied
    form = forms.ProgressReportForm(request.POST, request.FILES)
    return _perform(
        request,
        pk,
        form,
        lambda data: services.submit_progress_report(
            agreement, actor=request.user, **form.report_data()
        ),
        _("The progress report was submitted."),
    )


@require_POST
@secretariat_required
def progress_report_review(request, pk: int):
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)
    form = forms.ReviewForm(request.POST, report_id=report.pk)

    def review(data):
        if data["decision"] == forms.ReviewForm.APPROVE:
            services.approve_progress_report(report, actor=request.user, comment=data["comment"])
        else:
            services.return_progress_report(report, actor=request.user, comment=data["comment"])

    approved = request.POST.get("decision") == forms.ReviewForm.APPROVE
    return _perform(
        request,
        report.agreement_id,
        form,
        review,
        _("The progress report was approved.")
        if approved
        else _("The progress report was returned."),
    )


@directory_reader_required
def progress_attachment(request, pk: int):
    """An attachment of a progress report, under the same rule as the signed document."""
    attachment = get_object_or_404(ProgressReportAttachment.objects.visible_to(request.user), pk=pk)
    return uploads.file_response(attachment)


# --- Excel in and out ------------------------------------------------------------------------


@directory_reader_required
def agreement_export(request):
    """The ledger as filtered (the same filters, the same user scope), with its totals row."""
    agreements_filter, agreements = _filtered(request, request.GET)
    if agreements_filter.errors:  # the ledger page says what is wrong with the filters
        response = agreement_list(request)
        response.status_code = 400
        return response
    return xlsx_response(excel.export_agreements(agreements), "签约项目台账")


@directory_reader_required
def agreement_import_template(request):
    return xlsx_response(excel.import_template(), "签约项目清单模板")


IMPORT_REFRESH_SECONDS = 2


RECENT_IMPORTS = 10


def _import_page(request, *, agreement_import=None, errors=(), status=200):
    pending = agreement_import is not None and agreement_import.is_pending
    recent = (
        AgreementImport.objects.filter(requested_by=request.user)
        .defer("rows")
        .order_by("-requested_at", "-pk")[:RECENT_IMPORTS]
        if agreement_import is None
        else None
    )
    return render(
        request,
        "agreements/agreement_import.html",
        {
            "agreement_import": agreement_import,
            "recent": recent,
            "refresh": IMPORT_REFRESH_SECONDS if pending else None,
            "errors": list(errors),
            "max_mb": excel.MAX_BYTES // (1024 * 1024),
            "max_rows": excel.MAX_ROWS,
        },
        status=status,
    )


def _own_import(request, pk: int) -> AgreementImport:
    """One of the user's own imports (another user's is not found)."""
    return get_object_or_404(AgreementImport, pk=pk, requested_by=request.user)


@secretariat_required
def agreement_import(request):
    """The import wizard: upload a 签约项目清单; its rows are checked in the background on the
    import's own page."""
    if request.method != "POST":
        return _import_page(request)
    try:
        agreement_import = excel.start_import(request.FILES.get("file"), actor=request.user)
    except ValidationError as error:
        return _import_page(request, errors=error.messages, status=400)
    return redirect("agreement-import-detail", agreement_import.pk)


@secretariat_required
def agreement_import_detail(request, pk: int):
    """An import's progress (the page refreshes itself), then its preview to confirm, or its
    result."""
    return _import_page(request, agreement_import=_own_import(request, pk))


@require_POST
@secretariat_required
def agreement_import_commit(request, pk: int):
    agreement_import = _own_import(request, pk)
    try:
        excel.confirm_import(agreement_import, actor=request.user)
    except ValidationError as error:
        return _import_page(
            request, agreement_import=agreement_import, errors=error.messages, status=400
        )
    return redirect("agreement-import-detail", agreement_import.pk)
