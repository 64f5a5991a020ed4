"""Pages of the agreements: the ledger (签约项目台账), an agreement, the statistics."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from agreements.filters import AgreementFilter
from agreements.models import Agreement
from agreements.statistics import agreement_statistics, agreement_totals
from liaison import audit, permissions
from liaison.views import directory_reader_required


def _filtered(request, data):
    visible = Agreement.objects.visible_to(request.user)
    agreements_filter = AgreementFilter(data, queryset=visible)
    if not agreements_filter.is_valid():
        return agreements_filter, visible.none()
    return agreements_filter, agreements_filter.qs


@directory_reader_required
def agreement_list(request):
    agreements_filter, agreements = _filtered(request, request.GET)
    page = Paginator(agreements.with_related(), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "filter": agreements_filter,
            "page": page,
            "totals": agreement_totals(agreements),
            "query": query.urlencode(),
            "offset": page.start_index() - 1 if page.paginator.count else 0,
        },
    )


@directory_reader_required
def agreement_detail(request, pk: int):
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user).with_related().with_parties(), pk=pk
    )
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "status_changes": agreement.status_changes.select_related("actor"),
            "reports": agreement.progress_reports.select_related("submitted_by", "reviewed_by"),
            "history": audit.history(agreement)[:50]
            if permissions.can_see_history(request.user)
            else None,
        },
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
