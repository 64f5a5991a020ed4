"""The statistics service: exact Decimal figures on the demo and on small data."""

from datetime import date
from decimal import Decimal

import pytest

from agreements import kinds
from agreements.models import Agreement
from agreements.statistics import agreement_statistics, kind_statistics
from agreements.tests.factories import (
    AgreementFactory,
    SigningUnitFactory,
    WorkingMechanismFactory,
    purchase_with_party,
)
from liaison.tests.factories import SectorFactory

pytestmark = pytest.mark.django_db

SIGNING_EVENT = "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"

ARTICLE_UNITS = {
    "高昌区": Decimal("7875000000.00"),
    "鄯善县": Decimal("9195000000.00"),
    "托克逊县": Decimal("7338000000.00"),
    "市直单位": Decimal("210000000.00"),
}


def test_statistics_demo_signing_event_matches_the_article(demo):
    signed_there = Agreement.objects.filter(signed_at_meeting__title=SIGNING_EVENT)
    stats = agreement_statistics(signed_there.projects())

    assert stats.count == 33
    assert stats.amount == Decimal("24618000000.00")
    assert isinstance(stats.amount, Decimal)
    assert {row.label: row.amount for row in stats.by_unit} == ARTICLE_UNITS
    assert sum(row.count for row in stats.by_unit) == 33
    assert {row.label for row in stats.by_sector} == {
        "现代农业",
        "智能智造",
        "生物医药",
        "食品加工",
        "文旅康养",
    }
    assert sum(row.amount for row in stats.by_sector) == Decimal("24618000000.00")
    [event] = stats.by_meeting
    assert (event.count, event.amount) == (33, Decimal("24618000000.00"))
    assert stats.funds_in_place > 0
    assert stats.landed_count > 0
    assert stats.landed_rate == (Decimal(stats.landed_count) / 33).quantize(Decimal("0.0001"))


def test_statistics_demo_all_agreements_with_the_converted_intention(demo):
    stats = agreement_statistics()

    by_kind = {row.key: row.count for row in stats.by_kind}
    # The 33 projects of the signing event and the one an intention was converted into.
    assert by_kind == {"strategic": 1, "project": 34, "purchase": 1, "park": 3, "intention": 2}
    assert stats.amount == Decimal("24648000000.00")  # only the projects have amounts
    purchase = Agreement.objects.get(kind=Agreement.Kind.PURCHASE)
    assert [str(line) for line in purchase.goods_lines.all()] == ["肉苁蓉 20 吨", "黑桑葚 10 吨"]
    assert purchase.amount is None


def test_statistics_small_data_exact_and_grouped():
    farm, food = SectorFactory(name="现代农业"), SectorFactory(name="食品加工")
    unit_a, unit_b = (
        SigningUnitFactory(name="甲区", position=1),
        SigningUnitFactory(name="乙县", position=2),
    )
    AgreementFactory(
        signing_unit=unit_a,
        sector=farm,
        amount=Decimal("0.10"),
        status=Agreement.Status.IN_OPERATION,
        funds_in_place=Decimal("0.05"),
    )
    AgreementFactory(signing_unit=unit_a, sector=food, amount=Decimal("0.20"))
    AgreementFactory(
        signing_unit=unit_b,
        sector=food,
        amount=Decimal("123456789012.34"),
        status=Agreement.Status.COMPLETED,
    )
    AgreementFactory(kind=Agreement.Kind.PURCHASE, signing_unit=None, sector=None, amount=None)

    stats = agreement_statistics()

    assert stats.count == 4
    assert stats.amount == Decimal("123456789012.64")
    assert [(r.label, r.count, r.amount) for r in stats.by_unit] == [
        ("甲区", 2, Decimal("0.30")),
        ("乙县", 1, Decimal("123456789012.34")),
        ("—", 1, Decimal("0.00")),
    ]
    assert stats.project_count == 3
    assert stats.landed_count == 2
    assert stats.landed_rate == Decimal("0.6667")
    assert stats.funds_in_place == Decimal("0.05")
    assert [r.key for r in stats.by_status] == ["signed", "in_operation", "completed"]
    assert [(r.label, r.count) for r in stats.by_year] == [("2023", 4)]


def test_statistics_nothing_is_zero_not_none():
    stats = agreement_statistics()

    assert (stats.count, stats.amount, stats.landed_rate, stats.funds_ratio) == (
        0,
        Decimal("0.00"),
        None,
        None,
    )


# Thirty large amounts whose sum, added up as binary floating point, is off by one fen.
LARGE_AMOUNTS = [
    "6409655322280.85",
    "711549243647.4",
    "1328628295998.04",
    "8568664990508.75",
    "5318017019250.27",
    "4275078790973.71",
    "2364897975782.62",
    "5493751806747",
    "4389891176928.5",
    "6840152710662.46",
    "8638426720300.85",
    "7835364035741.82",
    "2999593496609.73",
    "6656791794854.89",
    "1152005935049.3",
    "3574966902362.17",
    "252299850319",
    "7314213706482.49",
    "104660814341.42",
    "7730110669459.99",
    "8173353051578.77",
    "5941542313081.67",
    "8599491098503.65",
    "6225631497720.52",
    "3893238223555.13",
    "7621613338608.31",
    "8568481309615.77",
    "4686767293238.93",
    "1126910313306.43",
    "7086887979226.95",
]


def test_statistics_sums_are_exact_where_floating_point_would_be_off_by_a_fen():
    exact = sum(Decimal(amount) for amount in LARGE_AMOUNTS)
    assert exact == Decimal("153882637676737.39")
    as_float = sum(float(amount) for amount in LARGE_AMOUNTS)
    assert Decimal(repr(as_float)).quantize(Decimal("0.01")) != exact
    for amount in LARGE_AMOUNTS:
        AgreementFactory(amount=Decimal(amount), funds_in_place=Decimal(amount))

    stats = agreement_statistics()

    assert stats.amount == exact
    assert stats.funds_in_place == exact
    assert sum(row.amount for row in stats.by_sector) == exact


def test_kind_statistics_small_data(secretariat, enterprise_a, django_assert_num_queries):
    S = Agreement.Status
    AgreementFactory(amount=Decimal("100.00"), status=S.IN_OPERATION, funds_in_place=Decimal("40"))
    AgreementFactory(amount=Decimal("300.00"))
    purchase = purchase_with_party(enterprise_a)
    kinds.record_delivery(
        purchase,
        actor=secretariat,
        goods_line=purchase.goods_lines.get(commodity="肉苁蓉"),
        delivered_on=date(2024, 3, 1),
        quantity=Decimal("12.5"),
        amount=Decimal("1250000.10"),
    )
    park = AgreementFactory(kind=Agreement.Kind.PARK, amount=None)
    WorkingMechanismFactory(agreement=park)
    Agreement.objects.filter(pk=park.pk).update(status=S.MECHANISM_SET_UP)
    kinds.introduce_project(park, actor=secretariat, project=AgreementFactory(amount=Decimal("7")))
    AgreementFactory(kind=Agreement.Kind.STRATEGIC, amount=None)
    converted = AgreementFactory(kind=Agreement.Kind.INTENTION, amount=None)
    AgreementFactory(kind=Agreement.Kind.INTENTION, amount=None)
    kinds.record_negotiation_note(converted, actor=secretariat, note="洽谈", on=date(2024, 3, 1))
    kinds.convert_intention(
        converted, actor=secretariat, title="转化项目", amount=Decimal("50.25"), on=date(2024, 4, 1)
    )

    with django_assert_num_queries(4):
        stats = kind_statistics()

    projects = stats.projects
    assert (projects.count, projects.amount, projects.landed_count) == (4, Decimal("457.25"), 1)
    assert projects.landed_rate == Decimal("0.2500")
    assert projects.funds_in_place == Decimal("40.00")
    purchases = stats.purchases
    assert (purchases.count, purchases.delivered_count) == (1, 0)
    assert purchases.delivered_value == Decimal("1250000.10")
    assert [(g.commodity, g.unit, g.contracted, g.delivered) for g in purchases.goods] == [
        ("肉苁蓉", "吨", Decimal("20.000"), Decimal("12.500")),
        ("黑桑葚", "吨", Decimal("10.000"), Decimal("0.000")),
    ]
    assert purchases.goods[0].delivered_ratio == Decimal("0.6250")
    frameworks = stats.frameworks
    assert (frameworks.count, frameworks.mechanism_count, frameworks.landed_count) == (2, 1, 1)
    assert (frameworks.projects_introduced, frameworks.introduced_amount) == (1, Decimal("7.00"))
    intentions = stats.intentions
    assert (intentions.count, intentions.converted_count, intentions.negotiating_count) == (2, 1, 0)
    assert intentions.conversion_rate == Decimal("0.5000")
    assert intentions.converted_amount == Decimal("50.25")


def test_kind_statistics_nothing_is_zero_not_none():
    stats = kind_statistics()

    assert stats.projects.landed_rate is None and stats.intentions.conversion_rate is None
    assert stats.purchases.delivered_value == Decimal("0.00") and stats.purchases.goods == []
