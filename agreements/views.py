"""Pages of the agreements: the ledger (签约项目台账), an agreement with its kind's lifecycle
and steps, the statistics, Excel in and out."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import excel, forms, lifecycles, services, steps
from agreements.excel import progress as progress_import
from agreements.filters import AgreementFilter
from agreements.models import (
    CENT,
    GRAM,
    MONEY,
    QUANTITY,
    Agreement,
    AgreementDocument,
    AgreementImport,
    Delivery,
    DeliveryReceipt,
    GoodsLine,
    NegotiationNote,
    ProgressReport,
    ProgressReportAttachment,
    WorkingMechanism,
)
from agreements.statistics import agreement_statistics, agreement_totals, kind_statistics
from liaison import history, permissions, uploads
from liaison.pages import (
    UNSET,
    call_on_form,
    call_or_flash,
    flash_form_errors,
    paginate,
    query_without_page,
)
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
        **_lifecycle_context(request, agreement),
    }

    def form(kind, **kwargs):
        return bound_form if isinstance(bound_form, kind) else kind(**kwargs)

    context["step_forms"] = [
        (step, form(step.form, agreement=agreement))
        for step in steps.offered_steps(user, agreement)
    ]
    own_progress = services.OWN_PROGRESS.get(agreement.lifecycle)
    if own_progress is not None:
        # A purchase reports a delivery, an intention a negotiation note: that step's form
        # stands in the progress section instead of the progress report.
        context["progress_reason"] = own_progress()
        context["progress_step"] = next(
            (pair for pair in context["step_forms"] if pair[0].name in ("delivery", "note")),
            None,
        )
        context["step_forms"] = [
            pair for pair in context["step_forms"] if pair is not context["progress_step"]
        ]
    if permissions.can_write(user):
        context["document_form"] = form(forms.DocumentUploadForm)
        status_form = form(forms.StatusChangeForm, agreement=agreement)
        if status_form.fields["to"].choices or status_form.is_bound:
            context["status_form"] = status_form
        for report in reports:
            if report.status == ProgressReport.Status.SUBMITTED:
                bound = isinstance(bound_form, forms.ReviewForm) and (
                    bound_form.report_id == report.pk
                )
                report.review_form = bound_form if bound else forms.ReviewForm(report_id=report.pk)
    if (
        own_progress is None
        and agreement.status != Agreement.Status.TERMINATED
        and permissions.can_report_progress(user, agreement)
    ):
        context["progress_form"] = form(forms.ProgressReportForm)
    return render(
        request,
        "agreements/agreement_detail.html",
        context,
        status=400 if bound_form is not None else 200,
    )


def _lifecycle_context(request, agreement: Agreement) -> dict:
    """The kind's lifecycle (its statuses, the current one, what counts as landed) and what
    the kind records on its way: deliveries per goods line, the working mechanism and the
    introduced projects, the negotiation notes and the conversion links."""
    life = agreement.lifecycle
    landed = Agreement.LANDED_BY_LIFECYCLE[life]
    context = {
        "lifecycle_statuses": [
            {
                "value": status,
                "label": Agreement.Status(status).label,
                "current": status == agreement.status,
                "landed": status in landed,
            }
            for status in lifecycles.statuses_of(life)
            if status not in steps.OWN_FORM_STATUSES or status == agreement.status
        ],
        "landed_rule": steps.LANDED[life],
    }
    visible = Agreement.objects.visible_to(request.user)
    if life == Agreement.Lifecycle.PURCHASE:
        context["goods_lines"] = _goods_lines_delivered(agreement)
        context["deliveries"] = list(
            Delivery.objects.filter(goods_line__agreement=agreement).with_related()
        )
    elif life == Agreement.Lifecycle.FRAMEWORK:
        context["mechanism"] = WorkingMechanism.objects.filter(agreement=agreement).first()
        context["introduced"] = list(
            visible.filter(introduced_under=agreement).order_by("title").only("pk", "title")
        )
    elif life == Agreement.Lifecycle.INTENTION:
        context["notes"] = list(
            NegotiationNote.objects.filter(agreement=agreement).select_related("author")
        )
        context["converted_to"] = (
            visible.filter(converted_from=agreement).only("pk", "title").first()
        )
    if agreement.converted_from_id:
        context["converted_from"] = (
            visible.filter(pk=agreement.converted_from_id).only("pk", "title").first()
        )
    if agreement.introduced_under_id:
        context["introduced_under"] = (
            visible.filter(pk=agreement.introduced_under_id).only("pk", "title").first()
        )
    return context


def _goods_lines_delivered(agreement: Agreement) -> list[GoodsLine]:
    """Each goods line with ``delivered`` (quantity), ``value`` (yuan) and ``percent``."""
    lines = list(
        GoodsLine.objects.filter(agreement=agreement).annotate(
            delivered=Coalesce(
                Sum("deliveries__quantity"),
                Value(Decimal("0.000")),
                output_field=DecimalField(**QUANTITY),
            ),
            value=Coalesce(
                Sum("deliveries__amount"),
                Value(Decimal("0.00")),
                output_field=DecimalField(**MONEY),
            ),
        )
    )
    for line in lines:
        # SQLite sums decimals as floats' text: back to the stored places.
        line.delivered = Decimal(line.delivered).quantize(GRAM)
        line.value = Decimal(line.value).quantize(CENT)
        line.percent = (
            (line.delivered * 100 / line.quantity).quantize(Decimal("0.1"))
            if line.quantity
            else None
        )
    return lines


@directory_reader_required
def agreement_statistics_page(request):
    """Project agreements unless another kind (or all: ``kind=``) is asked for."""
    data = request.GET.copy()
    data.setdefault("kind", Agreement.Kind.PROJECT)
    agreements_filter, agreements = _filtered(request, data)
    # The kinds side by side, whatever kind the filter asks for (the same other filters).
    every_kind = data.copy()
    every_kind["kind"] = ""
    _filter, of_every_kind = _filtered(request, every_kind)
    return render(
        request,
        "agreements/agreement_statistics.html",
        {
            "filter": agreements_filter,
            "kind": data["kind"],
            "kinds": Agreement.Kind.choices,
            "stats": agreement_statistics(agreements),
            "by_kind": kind_statistics(of_every_kind),
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
def agreement_step(request, pk: int, step: str):
    """One step of the agreement's lifecycle (``agreements.steps``): the secretariat takes
    them; a party's member writes its intention's negotiation notes. An agreement the user may
    not read is not found (404); a step the user may not take is forbidden (403)."""
    agreement = _visible_agreement(request, pk)
    chosen = steps.STEPS.get(step)
    if chosen is None:
        raise Http404
    if not chosen.permitted(request.user, agreement):
        raise PermissionDenied
    form = chosen.form(request.POST, request.FILES, agreement=agreement)
    if not chosen.offered(agreement):
        # The page does not show this step's form (another kind, another status): the
        # service's own refusal, or the form's, goes above the page as messages.
        if not form.is_valid():
            flash_form_errors(request, form)
        elif call_or_flash(request, chosen.take, agreement, form, actor=request.user) is not UNSET:
            messages.success(request, chosen.success)
        return redirect("agreement-detail", pk=pk)
    return _perform(
        request,
        pk,
        form,
        lambda _data: chosen.take(agreement, form, actor=request.user),
        chosen.success,
    )


@directory_reader_required
def delivery_receipt(request, pk: int):
    """A delivery's receipt, under the same rule as the signed document."""
    receipt = get_object_or_404(DeliveryReceipt.objects.visible_to(request.user), pk=pk)
    return uploads.file_response(receipt)


@require_POST
@directory_reader_required
def progress_report_submit(request, pk: int):
    """A member of a party (or the secretariat) reports progress on the agreement."""
    agreement = _visible_agreement(request, pk)
    if not permissions.can_report_progress(request.user, agreement):
        raise PermissionDenied
    own_progress = services.OWN_PROGRESS.get(agreement.lifecycle)
    if own_progress is not None:  # the page offers a delivery or a negotiation note instead
        messages.error(request, own_progress())
        return redirect("agreement-detail", pk=pk)
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


# --- Progress in from Excel -----------------------------------------------------------------


@secretariat_required
def progress_import_page(request):
    """The secretariat uploads a 进展报送表: every row is recorded as what fits its agreement's
    kind, or none is and the refused rows are listed by number."""
    form, result = forms.ProgressImportForm(), None
    if request.method == "POST":
        form = forms.ProgressImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = call_on_form(
                form, progress_import.import_progress, form.cleaned_data["file"], actor=request.user
            )
        if form.errors:
            result = None
        else:
            messages.success(request, _("The progress workbook was imported."))
    return render(
        request,
        "agreements/progress_import.html",
        {"form": form, "result": result, "columns": progress_import.COLUMNS.values()},
        status=400 if form.errors else 200,
    )


@secretariat_required
def progress_import_template(request):
    return xlsx_response(progress_import.template(), "进展报送表模板")
