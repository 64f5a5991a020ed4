"""Agreements out to ``.xlsx``: the filtered ledger with its totals row, and the template."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.excel.columns import (
    AMOUNT_FORMAT,
    COLUMNS,
    EXAMPLE_LABEL,
    EXPORT_EXTRA_COLUMNS,
    INSTRUCTIONS_SHEET_NAME,
    SHEET_NAME,
    SUMMARY_SHEET_NAME,
    TOTAL_LABEL,
    YI_PLACES,
    kind_label,
)
from agreements.models import Agreement, AgreementParty, SigningUnit
from agreements.statistics import (
    AgreementStatistics,
    KindStatistics,
    agreement_statistics,
    kind_statistics,
)
from liaison.models import Sector
from liaison.money import UNKNOWN, YI, money_column
from liaison.xlsx import bold_row, new_workbook, style_header, workbook_bytes
from meetings.models import Meeting

# --- Export ----------------------------------------------------------------------------------


def yi(amount: Decimal | None) -> Decimal | None:
    """Yuan as 亿元, exact: ten decimals keep every fen."""
    if amount is None:
        return None
    return (Decimal(amount) / YI).quantize(YI_PLACES)


def yi_cell(amount: Decimal | None) -> Decimal | str:
    """An amount for a 亿元 column: the number, or "—" when it is unknown (as on the pages;
    the import reads "—" back as no amount)."""
    return UNKNOWN if amount is None else yi(amount)


def _party_names(agreement: Agreement) -> dict[str, str]:
    return {party.role: party.organisation.name for party in agreement.parties.all()}


def export_agreements(
    agreements: QuerySet,
    *,
    stats: AgreementStatistics | None = None,
    kinds: KindStatistics | None = None,
) -> bytes:
    """``agreements`` (already permission-scoped and filtered, in the order wanted) as an
    ``.xlsx``: one row per agreement, then 合计 from the statistics service; a second sheet
    with the statistics by signing unit and by sector; a third with the figures by kind. Pass
    ``stats`` and ``kinds`` when the caller has them already (``agreement_statistics`` and
    ``kind_statistics`` of ``agreements``, or of the agreements its figures are about). A
    constant number of queries."""
    stats = stats or agreement_statistics(agreements)
    kinds = kinds or kind_statistics(agreements)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    headers = [
        COLUMNS[key]
        for key in (
            "number",
            "title",
            "kind",
            "unit",
            "party_a",
            "party_b",
            "amount",
            "sector",
            "signed_on",
            "meeting",
        )
    ] + list(EXPORT_EXTRA_COLUMNS)
    sheet.append(headers)
    rows = agreements.with_related().with_parties()
    for number, agreement in enumerate(rows, start=1):
        parties = _party_names(agreement)
        sheet.append(
            [
                number,
                agreement.title,
                agreement.get_kind_display(),
                agreement.signing_unit.name if agreement.signing_unit else None,
                parties.get(AgreementParty.Role.A),
                parties.get(AgreementParty.Role.B),
                yi_cell(agreement.amount),
                agreement.sector.name if agreement.sector else None,
                agreement.signed_on,
                agreement.signed_at_meeting.title if agreement.signed_at_meeting else None,
                agreement.get_status_display(),
                yi(agreement.funds_in_place),
                agreement.percent_complete,
            ]
        )
    total = [None] * len(headers)
    total[0] = TOTAL_LABEL
    total[1] = ngettext("%(count)s agreement", "%(count)s agreements", stats.count) % {
        "count": stats.count
    }
    total[6] = yi(stats.amount)
    total[11] = yi(stats.funds_in_place)
    sheet.append(total)
    bold_row(sheet, sheet.max_row)
    for column in ("G", "L"):
        for cell in sheet[column][1:]:
            cell.number_format = AMOUNT_FORMAT
    for cell in sheet["I"][1:]:
        cell.number_format = "yyyy-mm-dd"
    style_header(sheet, [6, 40, 12, 12, 30, 30, 16, 12, 12, 30, 10, 16, 10])
    _summary_sheet(workbook.create_sheet(SUMMARY_SHEET_NAME), stats)
    write_kind_figures(workbook.create_sheet(_("By kind")), kinds)
    return workbook_bytes(workbook)


def _summary_sheet(sheet, stats) -> None:
    write_breakdown(sheet, _("By signing unit"), stats.by_unit, stats)
    sheet.append([])
    write_breakdown(sheet, _("By industry sector"), stats.by_sector, stats)
    style_header(sheet, [24, 10, 16, 16])


def write_breakdown(sheet, heading: str, rows, stats, *, total_label: str = TOTAL_LABEL) -> None:
    """A breakdown of the statistics (``stats.by_unit`` or the like) at the foot of ``sheet``:
    a header row, a row a key with its count, signed amount and funds in 亿元, and the total
    in bold."""
    sheet.append([heading, _("agreements"), COLUMNS["amount"], EXPORT_EXTRA_COLUMNS[1]])
    for row in rows:
        sheet.append([row.label, row.count, yi(row.amount), yi(row.funds_in_place)])
    sheet.append([total_label, stats.count, yi(stats.amount), yi(stats.funds_in_place)])
    bold_row(sheet, sheet.max_row)
    for line in sheet.iter_rows(min_row=sheet.max_row - len(rows), min_col=3, max_col=4):
        for cell in line:
            cell.number_format = AMOUNT_FORMAT


# --- Figures by kind ----------------------------------------------------------------------------

QUANTITY_FORMAT = "#,##0.000"
RATE_FORMAT = "0.00%"
MONEY_FORMAT = "#,##0.00######"


def _money(amount: Decimal, like) -> tuple[Decimal, str]:
    """An amount in its own unit (亿元, 万元 or 元, as ``liaison.money`` chooses it; a zero in
    the unit of the projects' amounts, as on the pages), exact."""
    column = money_column([amount], like=like)
    return (Decimal(amount) / column.divisor).quantize(YI_PLACES), column.unit


def kind_figure_rows(kinds: KindStatistics) -> list[tuple[str, str, object, str, str]]:
    """The figures by kind as rows (kind, figure, value, unit, number format): the same
    figures, in the same order, as the pages' and the PDFs' ``kind_figures`` includes."""
    p, b, f, i = kinds.projects, kinds.purchases, kinds.frameworks, kinds.intentions
    count, rate, quantity = "0", RATE_FORMAT, QUANTITY_FORMAT

    projects_unit = money_column([p.amount, p.funds_in_place])

    def money(kind, label, amount):
        value, unit = _money(amount, projects_unit)
        return (kind, label, value, unit, MONEY_FORMAT)

    def ratio(kind, label, value):
        return (kind, label, UNKNOWN if value is None else value, "", rate)

    projects = _("Project cooperation agreements")
    purchases = _("Purchase agreements")
    frameworks = _("Framework and park-to-park agreements")
    intentions = _("Investment intentions")
    rows = [
        (projects, _("agreements"), p.count, "", count),
        money(projects, _("signed amount"), p.amount),
        (projects, _("landed (in operation or completed)"), p.landed_count, "", count),
        ratio(projects, _("landed rate"), p.landed_rate),
        money(projects, _("funds in place"), p.funds_in_place),
        ratio(projects, _("funds in place ratio"), p.funds_ratio),
        (purchases, _("agreements"), b.count, "", count),
        (purchases, _("delivered in full"), b.delivered_count, "", count),
        ratio(purchases, _("delivery rate"), b.delivered_rate),
        money(purchases, _("delivered value"), b.delivered_value),
    ]
    for goods in b.goods:
        rows += [
            (
                purchases,
                _("%(goods)s contracted") % {"goods": goods.commodity},
                goods.contracted,
                goods.unit,
                quantity,
            ),
            (
                purchases,
                _("%(goods)s delivered") % {"goods": goods.commodity},
                goods.delivered,
                goods.unit,
                quantity,
            ),
            ratio(
                purchases,
                _("%(goods)s delivered share") % {"goods": goods.commodity},
                goods.delivered_ratio,
            ),
            money(
                purchases,
                _("%(goods)s delivered value") % {"goods": goods.commodity},
                goods.delivered_value,
            ),
        ]
    rows += [
        (frameworks, _("agreements"), f.count, "", count),
        (frameworks, _("with a working mechanism"), f.mechanism_count, "", count),
        (frameworks, _("landed (projects introduced)"), f.landed_count, "", count),
        ratio(frameworks, _("landed rate"), f.landed_rate),
        (frameworks, _("projects introduced"), f.projects_introduced, "", count),
        money(frameworks, _("amount of the projects introduced"), f.introduced_amount),
        (intentions, _("agreements"), i.count, "", count),
        (intentions, _("under negotiation"), i.negotiating_count, "", count),
        (intentions, _("converted to a project"), i.converted_count, "", count),
        (intentions, _("lapsed"), i.lapsed_count, "", count),
        ratio(intentions, _("conversion rate"), i.conversion_rate),
        money(intentions, _("amount of the projects converted to"), i.converted_amount),
    ]
    return rows


def write_kind_figures(sheet, kinds: KindStatistics) -> None:
    """The figures by kind (``kind_statistics``) on ``sheet``: kind, figure, value, unit.
    Amounts in 亿元 or 万元 as on the pages (exact), quantities with three decimals in their
    unit, rates as percentages."""
    sheet.append([_("kind"), _("figure"), _("value"), _("unit")])
    for kind, label, value, unit, number_format in kind_figure_rows(kinds):
        sheet.append([kind, label, value, unit])
        sheet.cell(row=sheet.max_row, column=3).number_format = number_format
    style_header(sheet, [30, 30, 18, 10])


def import_template() -> bytes:
    """An empty 签约项目清单 with one example row (skipped on import) and a sheet saying how
    to fill it in: the columns, and the signing units, kinds, sectors and events allowed."""
    units = list(SigningUnit.objects.select_related("organisation"))
    sectors = list(Sector.objects.order_by("position", "name").values_list("name", flat=True))
    meetings = list(Meeting.objects.order_by("-start").values_list("title", flat=True)[:50])
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    keys = list(COLUMNS)
    sheet.append([COLUMNS[key] for key in keys])
    example = {
        "number": EXAMPLE_LABEL,
        "title": _("Example: a project cooperation agreement (this row is not imported)"),
        "kind": kind_label(Agreement.Kind.PROJECT),
        "unit": units[0].name if units else "高昌区",
        "party_a": units[0].organisation.name
        if units and units[0].organisation
        else "高昌区人民政府",
        "party_b": _("Full name or short name of the enterprise"),
        "amount": Decimal("12.50"),
        "sector": sectors[0] if sectors else "现代农业",
        "signed_on": datetime.date(2023, 12, 20),
        "meeting": meetings[0] if meetings else None,
    }
    sheet.append([example[key] for key in keys])
    sheet["G2"].number_format = AMOUNT_FORMAT
    sheet["I2"].number_format = "yyyy-mm-dd"
    style_header(sheet, [6, 40, 12, 12, 30, 30, 16, 12, 12, 30])

    notes = workbook.create_sheet(INSTRUCTIONS_SHEET_NAME)
    notes.append([_("Column"), _("How to fill it in")])
    explanations = {
        "number": _("Optional. Rows whose 序号 is “示例” or “合计” are not imported."),
        "title": _(
            "Required, at most 200 characters, unique: an existing title is skipped "
            "when the row says the same, and reported when it says something else."
        ),
        "kind": _("Optional, project cooperation when empty. One of the kinds below."),
        "unit": _("Required for project cooperation. One of the signing units below."),
        "party_a": _("Required. The full name or the short name of a registered organisation."),
        "party_b": _("Required. The full name or the short name of a registered organisation."),
        "amount": _(
            "In 100 million yuan (亿元), a number such as 78.75. Required for project "
            "cooperation; greater than zero; rounded to the fen."
        ),
        "sector": _("Required for project cooperation. One of the sectors below."),
        "signed_on": _("A date such as 2023-12-20; not in the future."),
        "meeting": _("Optional. The exact title of the meeting where it was signed."),
    }
    for key in keys:
        notes.append([COLUMNS[key], explanations[key]])
    notes.append([])
    for heading, values in (
        (_("Signing units"), [unit.name for unit in units]),
        (_("Kinds"), [kind_label(value) for value in Agreement.Kind.values]),
        (_("Industry sectors"), sectors),
        (_("Signing events"), meetings),
    ):
        notes.append([heading, "、".join(values) or "—"])
    style_header(notes, [16, 90])
    notes.freeze_panes = None
    return workbook_bytes(workbook)
