"""The one statistics service over agreements, used by the pages, the API and the reports.

Counts and signed amounts by signing unit, sector, kind, status, year and signing event; funds in
place and their ratio to the signed amount; the landed rate of project agreements. Amounts are
summed by the database as whole fen (integers), so the sums are exact on SQLite too, whose
DECIMAL columns hold non-integral values as REAL; from there they stay ``Decimal`` up to the
page: no float arithmetic anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, ExtractYear, Round

from agreements.models import Agreement, Delivery, GoodsLine

ZERO = Decimal("0.00")
RATIO = Decimal("0.0001")


def _money(field_name: str):
    """The sum of a money field in whole fen. Each value is rounded to the fen before summing
    (exact for a value SQLite keeps as REAL), and integers add up exactly on every database."""
    fen = Cast(Round(F(field_name) * 100), BigIntegerField())
    return Coalesce(Sum(fen), Value(0), output_field=BigIntegerField())


def cents(fen) -> Decimal:
    """A sum in fen as Decimal yuan with two decimals."""
    return (Decimal(int(fen)) / 100).quantize(ZERO)


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part / whole to four decimals (0.3251 is 32.51 %), or None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: its key (an id or a code; None for "not given"), label,
    count, signed amount and funds in place."""

    key: object
    label: str
    count: int
    amount: Decimal
    funds_in_place: Decimal

    @property
    def funds_ratio(self) -> Decimal | None:
        return ratio(self.funds_in_place, self.amount)


@dataclass(frozen=True)
class AgreementStatistics:
    count: int
    amount: Decimal
    funds_in_place: Decimal
    project_count: int
    landed_count: int
    by_unit: list[Row] = field(default_factory=list)
    by_sector: list[Row] = field(default_factory=list)
    by_kind: list[Row] = field(default_factory=list)
    by_status: list[Row] = field(default_factory=list)
    by_year: list[Row] = field(default_factory=list)
    by_meeting: list[Row] = field(default_factory=list)
    landed_by_year: list[Row] = field(default_factory=list)  # landed projects, by signing year

    @property
    def funds_ratio(self) -> Decimal | None:
        """Funds in place over the signed amount."""
        return ratio(self.funds_in_place, self.amount)

    @property
    def landed_rate(self) -> Decimal | None:
        """Project agreements in operation or completed, over all project agreements."""
        return ratio(self.landed_count, self.project_count)

    @property
    def landed_amount(self) -> Decimal:
        """The signed amount of the landed project agreements (each year's, added up)."""
        return sum((row.amount for row in self.landed_by_year), ZERO)

    def signed_and_landed_by_year(self) -> list[tuple[Row, Row | None]]:
        """Each signing year's row with the row of those of its agreements that have landed
        (None when none has)."""
        landed = {row.key: row for row in self.landed_by_year}
        return [(row, landed.get(row.key)) for row in self.by_year]


def _breakdown(agreements: QuerySet, key: str, order: list[str], label) -> list[Row]:
    rows = (
        agreements.order_by()
        .values(key, *order)
        .annotate(n=Count("pk"), total=_money("amount"), funds=_money("funds_in_place"))
        .order_by(*(F(name).asc(nulls_last=True) for name in order))
    )
    return [Row(r[key], label(r), r["n"], cents(r["total"]), cents(r["funds"])) for r in rows]


def _by_year(agreements: QuerySet) -> list[Row]:
    return _breakdown(
        agreements.annotate(year=ExtractYear("signed_on")),
        "year",
        ["year"],
        lambda r: str(r["year"]) if r["year"] is not None else "—",
    )


def _choice_rows(rows: list[Row], choices) -> list[Row]:
    """Rows in the order of the choices, labelled with their (translated) label."""
    by_key = {row.key: row for row in rows}
    return [
        Row(
            value,
            str(text),
            by_key[value].count,
            by_key[value].amount,
            by_key[value].funds_in_place,
        )
        for value, text in choices
        if value in by_key
    ]


def agreement_totals(agreements: QuerySet) -> dict:
    """Count, signed amount and funds in place of ``agreements`` in one query (ledger totals)."""
    totals = agreements.order_by().aggregate(
        count=Count("pk"), amount=_money("amount"), funds=_money("funds_in_place")
    )
    return {
        "count": totals["count"],
        "amount": cents(totals["amount"]),
        "funds_in_place": cents(totals["funds"]),
    }


def agreement_statistics(agreements: QuerySet | None = None) -> AgreementStatistics:
    """Statistics of ``agreements`` (every agreement when None) in eight queries: one for the
    totals, one per breakdown. Pass an already permission-scoped and filtered queryset."""
    if agreements is None:
        agreements = Agreement.objects.all()
    agreements = agreements.order_by()
    landed = Q(kind=Agreement.Kind.PROJECT, status__in=Agreement.LANDED_STATUSES)
    totals = agreements.aggregate(
        count=Count("pk"),
        amount=_money("amount"),
        funds=_money("funds_in_place"),
        project_count=Count("pk", filter=Q(kind=Agreement.Kind.PROJECT)),
        landed_count=Count("pk", filter=landed),
    )
    not_given = "—"
    return AgreementStatistics(
        count=totals["count"],
        amount=cents(totals["amount"]),
        funds_in_place=cents(totals["funds"]),
        project_count=totals["project_count"],
        landed_count=totals["landed_count"],
        by_unit=_breakdown(
            agreements,
            "signing_unit",
            ["signing_unit__position", "signing_unit__name"],
            lambda r: r["signing_unit__name"] or not_given,
        ),
        by_sector=_breakdown(
            agreements,
            "sector",
            ["sector__position", "sector__name"],
            lambda r: r["sector__name"] or not_given,
        ),
        by_kind=_choice_rows(
            _breakdown(agreements, "kind", [], lambda r: r["kind"]), Agreement.Kind.choices
        ),
        by_status=_choice_rows(
            _breakdown(agreements, "status", [], lambda r: r["status"]),
            Agreement.Status.choices,
        ),
        by_year=_by_year(agreements),
        landed_by_year=_by_year(agreements.projects().landed()),
        by_meeting=_breakdown(
            agreements,
            "signed_at_meeting",
            ["signed_at_meeting__start", "signed_at_meeting__title"],
            lambda r: r["signed_at_meeting__title"] or not_given,
        ),
    )


# --- Figures by kind: what 落实落地 means for each ------------------------------------------------

MILLI = Decimal("0.001")


def _thousandths(field_name: str):
    """The sum of a quantity field in thousandths, exact on every database like ``_money``."""
    milli = Cast(Round(F(field_name) * 1000), BigIntegerField())
    return Coalesce(Sum(milli), Value(0), output_field=BigIntegerField())


def quantity(thousandths) -> Decimal:
    return (Decimal(int(thousandths)) / 1000).quantize(MILLI)


@dataclass(frozen=True)
class ProjectFigures:
    """Project agreements: landed once in operation (or completed), as the article counts."""

    count: int
    amount: Decimal
    funds_in_place: Decimal
    landed_count: int

    @property
    def landed_rate(self) -> Decimal | None:
        return ratio(self.landed_count, self.count)

    @property
    def funds_ratio(self) -> Decimal | None:
        return ratio(self.funds_in_place, self.amount)


@dataclass(frozen=True)
class GoodsFigures:
    """One commodity (in one unit) over the purchase agreements: contracted and delivered."""

    commodity: str
    unit: str
    contracted: Decimal
    delivered: Decimal
    delivered_value: Decimal

    @property
    def delivered_ratio(self) -> Decimal | None:
        return ratio(self.delivered, self.contracted)


@dataclass(frozen=True)
class PurchaseFigures:
    """Purchase agreements: landed once delivered; the goods delivered against contracted."""

    count: int
    delivered_count: int
    delivered_value: Decimal
    goods: list[GoodsFigures] = field(default_factory=list)

    @property
    def delivered_rate(self) -> Decimal | None:
        return ratio(self.delivered_count, self.count)


@dataclass(frozen=True)
class FrameworkFigures:
    """Framework and park-to-park agreements: landed once a project is introduced under them."""

    count: int
    mechanism_count: int
    landed_count: int
    projects_introduced: int
    introduced_amount: Decimal

    @property
    def landed_rate(self) -> Decimal | None:
        return ratio(self.landed_count, self.count)


@dataclass(frozen=True)
class IntentionFigures:
    """Investment intentions: landed once converted into a project agreement."""

    count: int
    negotiating_count: int
    converted_count: int
    lapsed_count: int
    converted_amount: Decimal  # the signed amount of the project agreements they became

    @property
    def conversion_rate(self) -> Decimal | None:
        return ratio(self.converted_count, self.count)


@dataclass(frozen=True)
class KindStatistics:
    projects: ProjectFigures
    purchases: PurchaseFigures
    frameworks: FrameworkFigures
    intentions: IntentionFigures


def kind_statistics(agreements: QuerySet | None = None) -> KindStatistics:
    """What each kind of ``agreements`` (every agreement when None) has achieved, in four
    queries: the counts and amounts, the goods contracted, the goods delivered, the projects
    introduced under the frameworks. Pass an already permission-scoped, filtered queryset."""
    if agreements is None:
        agreements = Agreement.objects.all()
    agreements = agreements.order_by()
    Kind, Status = Agreement.Kind, Agreement.Status
    project = Q(kind=Kind.PROJECT)
    purchase = Q(kind=Kind.PURCHASE)
    framework = Q(kind__in=[Kind.STRATEGIC, Kind.PARK])
    intention = Q(kind=Kind.INTENTION)

    def fen_sum(field_name: str, condition: Q):
        fen = Cast(Round(F(field_name) * 100), BigIntegerField())
        return Coalesce(Sum(fen, filter=condition), Value(0), output_field=BigIntegerField())

    totals = agreements.aggregate(
        projects=Count("pk", filter=project),
        project_amount=fen_sum("amount", project),
        project_funds=fen_sum("funds_in_place", project),
        projects_landed=Count("pk", filter=project & Q(status__in=Agreement.LANDED_STATUSES)),
        purchases=Count("pk", filter=purchase),
        purchases_delivered=Count("pk", filter=purchase & Q(status=Status.DELIVERED)),
        frameworks=Count("pk", filter=framework),
        frameworks_with_mechanism=Count("working_mechanism", filter=framework),
        frameworks_landed=Count("pk", filter=framework & Q(status=Status.PROJECTS_INTRODUCED)),
        intentions=Count("pk", filter=intention),
        negotiating=Count("pk", filter=intention & Q(status=Status.NEGOTIATING)),
        converted=Count("pk", filter=intention & Q(status=Status.CONVERTED)),
        lapsed=Count("pk", filter=intention & Q(status=Status.LAPSED)),
        converted_amount=fen_sum("converted_to__amount", intention),
    )
    lines = GoodsLine.objects.filter(agreement__in=agreements.filter(purchase))
    contracted = (
        lines.order_by()
        .values("commodity", "unit")
        .annotate(total=_thousandths("quantity"))
        .order_by("commodity", "unit")
    )
    delivered = {
        (row["goods_line__commodity"], row["goods_line__unit"]): row
        for row in Delivery.objects.filter(goods_line__in=lines)
        .order_by()
        .values("goods_line__commodity", "goods_line__unit")
        .annotate(total=_thousandths("quantity"), value=_money("amount"))
    }
    goods = [
        GoodsFigures(
            commodity=row["commodity"],
            unit=row["unit"],
            contracted=quantity(row["total"]),
            delivered=quantity(delivered.get((row["commodity"], row["unit"]), {}).get("total", 0)),
            delivered_value=cents(
                delivered.get((row["commodity"], row["unit"]), {}).get("value", 0)
            ),
        )
        for row in contracted
    ]
    introduced = (
        Agreement.objects.filter(introduced_under__in=agreements.filter(framework))
        .order_by()
        .aggregate(count=Count("pk"), amount=_money("amount"))
    )
    return KindStatistics(
        projects=ProjectFigures(
            count=totals["projects"],
            amount=cents(totals["project_amount"]),
            funds_in_place=cents(totals["project_funds"]),
            landed_count=totals["projects_landed"],
        ),
        purchases=PurchaseFigures(
            count=totals["purchases"],
            delivered_count=totals["purchases_delivered"],
            delivered_value=sum((g.delivered_value for g in goods), ZERO),
            goods=goods,
        ),
        frameworks=FrameworkFigures(
            count=totals["frameworks"],
            mechanism_count=totals["frameworks_with_mechanism"],
            landed_count=totals["frameworks_landed"],
            projects_introduced=introduced["count"],
            introduced_amount=cents(introduced["amount"]),
        ),
        intentions=IntentionFigures(
            count=totals["intentions"],
            negotiating_count=totals["negotiating"],
            converted_count=totals["converted"],
            lapsed_count=totals["lapsed"],
            converted_amount=cents(totals["converted_amount"]),
        ),
    )
