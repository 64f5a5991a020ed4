"""The agreements ledger (签约项目台账): the project agreements by signing unit, sector, status
and signing year with their totals and charts, then every project. The ``.xlsx`` is the
agreements export (``agreements.excel``); both read ``agreement_statistics`` of the same
queryset as the dashboard, so their figures are the dashboard's.

The list of every project is the long part (thousands of rows, a hundred pages). Its table has
fixed column widths worked out here from the figures (``LedgerTable``). It is drawn, not laid
out from HTML (``reports.drawn_table``): WeasyPrint's box for every cell cost about a quarter
of a second a page. The summary before it and the figures by kind after it stay HTML; the list
starts on a new page, and each of its pages is an empty block of the table's height in the
HTML, so pages are headed, numbered ("第 X 页 共 Y 页") and counted by WeasyPrint as before. The
agreements are read with ``iterator()``; only their text is kept until the PDF is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from agreements.excel import export_agreements
from agreements.models import Agreement
from agreements.statistics import (
    AgreementStatistics,
    KindStatistics,
    agreement_statistics,
    kind_statistics,
)
from liaison.glyphs import PX_PER_MM, PX_PER_PT, TextStyle, Typesetter
from liaison.money import UNKNOWN, MoneyColumn, money_column
from reports.dashboard import AgreementCharts
from reports.drawn_table import RULE_WIDTH, Column, DrawnTable, TablePage, Total
from reports.layout import (
    CONTENT_HEIGHT,
    CONTENT_LEFT,
    CONTENT_WIDTH,
    FONT_FAMILIES,
    MARGIN_TOP,
    PageMargins,
    column_width,
    pdf_lang,
    signing_period,
)

# Agreements read from the database at a time.
ROW_CHUNK = 500
# The list's text: 9 pt (class "small" in report_base.html).
FONT_SIZE = 9 * PX_PER_PT
# What the heading "Project agreements" (h2: 14 pt, 8 mm above and 4 mm below) takes of the
# list's first page, with a little room to spare.
HEADING_SIZE = 14 * PX_PER_PT
HEADING_MARGINS = 13 * PX_PER_MM
# Room left unused at the foot of each page, so rounding never pushes a block to the next.
SLACK = 2.0


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

    def drawings(self, font_config, *, margins: PageMargins) -> list[TablePage]:
        """The list of projects as drawn pages (see ``reports.drawn_table``); none when there
        is no project (the template then says so in a table of its own)."""
        if not self.stats.count:
            return []
        table = self.table
        font = TextStyle(FONT_FAMILIES, FONT_SIZE, pdf_lang(translation.get_language()))
        widths = [
            float(width.removesuffix("em")) * FONT_SIZE if width else 0 for width in table.widths
        ]
        widths[1] = CONTENT_WIDTH - RULE_WIDTH - sum(widths)  # rule to rule
        heading = TextStyle(FONT_FAMILIES, HEADING_SIZE, font.lang, bold=True)
        heading_height = Typesetter(heading, font_config).line_height + HEADING_MARGINS
        return DrawnTable(
            columns=[
                Column(widths[0], right=True),
                Column(widths[1], wrap=True),
                *(Column(width) for width in widths[2:6]),
                Column(widths[6], right=True),
                Column(widths[7], right=True),
            ],
            header=[
                _("No."),
                pgettext("agreement", "title"),
                _("signing unit"),
                _("industry sector"),
                _("signed on"),
                _("status"),
                f"{_('signed amount')}\n{table.signed.suffix}",
                f"{_('funds in place')}\n{table.funds.suffix}",
            ],
            rows=self._rows(table),
            total=Total(
                _("total"),
                span=6,
                values=(
                    table.signed.number(self.stats.amount),
                    table.funds.number(self.stats.funds_in_place),
                ),
            ),
            font=font,
            font_config=font_config,
            page_height=CONTENT_HEIGHT - SLACK,
            first_page_height=CONTENT_HEIGHT - heading_height - SLACK,
            anchor="ledger-projects",
            origin=(CONTENT_LEFT, MARGIN_TOP),
            margins=margins,
        ).pages

    def _rows(self, table: LedgerTable) -> Iterator[tuple[str, ...]]:
        """Every project as the text of a row of the list, numbered from 1 (read as values:
        no model instance is needed for text)."""
        statuses = {value: str(label) for value, label in Agreement.Status.choices}
        rows = self.agreements.values_list(
            "title",
            "signing_unit__name",
            "sector__name",
            "signed_on",
            "status",
            "amount",
            "funds_in_place",
        ).iterator(chunk_size=ROW_CHUNK)
        for number, (title, unit, sector, signed_on, status, amount, funds) in enumerate(
            rows, start=1
        ):
            yield (
                str(number),
                title,
                unit or UNKNOWN,
                sector or UNKNOWN,
                signed_on.isoformat() if signed_on else UNKNOWN,
                statuses.get(status, status),
                table.signed.number(amount),
                table.funds.number(funds),
            )


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
