"""The agreements ledger (签约项目台账): the project agreements by signing unit, sector, status
and signing year with their totals and charts, then every project. The ``.xlsx`` is the
agreements export (``agreements.excel``); both read ``agreement_statistics`` of the same
queryset as the dashboard, so their figures are the dashboard's.

The list of every project is the long part (thousands of rows, a hundred pages). Its table has
fixed column widths worked out here from the figures (``LedgerTable``): WeasyPrint's automatic
table layout measures every row of a table again on each page it breaks the table onto, which
made the time grow with the square of the pages. The rows are rendered in chunks read with
``iterator()``, so no more than a chunk of agreements is held at a time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import islice

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agreements.excel import export_agreements
from agreements.models import Agreement
from agreements.statistics import (
    AgreementStatistics,
    KindStatistics,
    agreement_statistics,
    kind_statistics,
)
from liaison.money import MoneyColumn, money_column
from reports.dashboard import AgreementCharts
from reports.layout import column_width, signing_period

# Agreements read and rendered at a time.
ROW_CHUNK = 500


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
class LedgerTable:
    """The units of the two money columns and the width of every column of the list of
    projects, from the statistics alone (no row is read for them). Amounts cannot be negative
    (a database constraint), so a column's total is its largest amount and sets its unit and
    its width. The title column takes what the others leave."""

    signed: MoneyColumn
    funds: MoneyColumn
    widths: tuple[str, ...]

    @classmethod
    def of(cls, stats: AgreementStatistics) -> LedgerTable:
        signed = money_column([stats.amount])
        funds = money_column([stats.funds_in_place], like=signed)
        dash = "—"
        widths = (
            column_width([str(stats.count)], header=_("No.")),
            "",  # the title: the rest of the line
            column_width([row.label for row in stats.by_unit] + [dash], _("signing unit")),
            column_width([row.label for row in stats.by_sector] + [dash], _("industry sector")),
            column_width(["0000-00-00", dash], header=_("signed on")),
            column_width([row.label for row in stats.by_status], header=_("status")),
            # The unit under a money header may wrap between its words, as the header does:
            # "(100 million yuan)" whole would leave the title no room in English.
            column_width([signed.number(stats.amount)], f"{_('signed amount')} {signed.suffix}"),
            column_width(
                [funds.number(stats.funds_in_place)], f"{_('funds in place')} {funds.suffix}"
            ),
        )
        return cls(signed=signed, funds=funds, widths=widths)


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

    @cached_property
    def table(self) -> LedgerTable:
        return LedgerTable.of(self.stats)

    def table_rows(self) -> SafeString:
        """Every project as a row of the ledger's table, numbered from 1."""
        return mark_safe("".join(self._row_chunks(self.table)))

    def _row_chunks(self, table: LedgerTable) -> Iterator[str]:
        rows = self.agreements.iterator(chunk_size=ROW_CHUNK)
        start = 0
        while chunk := list(islice(rows, ROW_CHUNK)):
            yield render_to_string(
                "reports/pdf/report_ledger_rows.html",
                {"agreements": chunk, "start": start, "table": table},
            )
            start += len(chunk)


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
