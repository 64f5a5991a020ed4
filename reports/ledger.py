"""The agreements ledger (签约项目台账): the project agreements by signing unit, sector, status
and signing year with their totals and charts, then every project. The ``.xlsx`` is the
agreements export (``agreements.excel``); both read ``agreement_statistics`` of the same
queryset as the dashboard, so their figures are the dashboard's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from agreements.excel import export_agreements
from agreements.models import Agreement
from agreements.statistics import (
    AgreementStatistics,
    KindStatistics,
    agreement_statistics,
    kind_statistics,
)
from reports.dashboard import AgreementCharts
from reports.layout import signing_period


def visible_agreements(user, year: int | None = None) -> QuerySet:
    """The agreements of every kind the user may see (signed in ``year`` when given)."""
    agreements = Agreement.objects.visible_to(user)
    return agreements.filter(signed_on__year=year) if year else agreements


def ledger_agreements(user, year: int | None = None) -> QuerySet:
    """The project agreements the user may see (signed in ``year`` when given), in ledger
    order: by signing unit, then the largest amount first."""
    agreements = visible_agreements(user, year).projects()
    return agreements.order_by(
        "signing_unit__position", "signing_unit__name", "-amount", "signed_on", "pk"
    )


@dataclass(frozen=True)
class LedgerFigures(AgreementCharts):
    year: int | None
    stats: AgreementStatistics
    agreements: QuerySet
    kinds: KindStatistics  # every kind the user may see (signed in the year), not only projects

    @property
    def period(self) -> str:
        """The year asked for; or all years, with the years the agreements were signed in."""
        if self.year:
            return str(self.year)
        if not self.stats.by_year:
            return _("all years")
        return _("all years (signed %(years)s)") % {"years": signing_period(self.stats)}


def title(parameters: dict) -> str:
    if parameters.get("year"):
        return _("Agreements ledger %(year)s") % {"year": parameters["year"]}
    return _("Agreements ledger")


def figures(user, parameters: dict, now: datetime) -> LedgerFigures:
    agreements = ledger_agreements(user, parameters.get("year"))
    return LedgerFigures(
        year=parameters.get("year"),
        stats=agreement_statistics(agreements),
        agreements=agreements.with_related(),
        kinds=kind_statistics(visible_agreements(user, parameters.get("year"))),
    )


def workbook(figures: LedgerFigures) -> bytes:
    return export_agreements(figures.agreements, stats=figures.stats, kinds=figures.kinds)
