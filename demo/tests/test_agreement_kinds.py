"""The demo's agreements of each kind on their way to landing: ``seed_demo`` loads them."""

from decimal import Decimal

import pytest

from agreements.models import Agreement, Delivery, NegotiationNote, StatusChange
from agreements.statistics import agreement_statistics, kind_statistics
from demo.agreement_kinds import (
    CONVERTED_INTENTION,
    CONVERTED_PROJECT,
    OPEN_INTENTION,
    PARKS,
    PURCHASE,
    add_agreement_kinds,
)

pytestmark = pytest.mark.django_db

S = Agreement.Status
EVENT = "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"


def test_demo_purchase_has_two_deliveries(demo):
    purchase = Agreement.objects.get(title=PURCHASE)

    assert purchase.status == S.PARTLY_DELIVERED
    assert Delivery.objects.filter(goods_line__agreement=purchase).count() == 2
    goods = {g.commodity: g for g in kind_statistics().purchases.goods}
    assert (goods["肉苁蓉"].contracted, goods["肉苁蓉"].delivered) == (
        Decimal("20.000"),
        Decimal("12.500"),
    )
    assert goods["肉苁蓉"].delivered_ratio == Decimal("0.6250")
    assert goods["黑桑葚"].contracted == Decimal("10.000")


def test_demo_parks_have_a_mechanism_and_an_introduced_project(demo):
    for title, (_mechanism, project_title, _on) in PARKS.items():
        park = Agreement.objects.get(title=title)
        assert park.status == S.PROJECTS_INTRODUCED and park.has_landed
        assert park.working_mechanism.our_contact
        assert [p.title for p in park.introduced_projects.all()] == [project_title]
        assert list(park.status_changes.values_list("to_status", flat=True)) == [
            S.MECHANISM_SET_UP,
            S.PROJECTS_INTRODUCED,
        ]
    frameworks = kind_statistics().frameworks
    assert (frameworks.count, frameworks.landed_count, frameworks.projects_introduced) == (4, 2, 2)


def test_demo_intentions_one_converted(demo):
    converted = Agreement.objects.get(title=CONVERTED_INTENTION)
    negotiating = Agreement.objects.get(title=OPEN_INTENTION)

    assert converted.status == S.CONVERTED
    assert converted.converted_to.title == CONVERTED_PROJECT["title"]
    assert converted.converted_to.is_illustrative
    assert negotiating.status == S.NEGOTIATING
    assert NegotiationNote.objects.filter(agreement=negotiating).exists()
    intentions = kind_statistics().intentions
    assert (intentions.count, intentions.converted_count) == (2, 1)
    assert intentions.conversion_rate == Decimal("0.5000")
    assert intentions.converted_amount == CONVERTED_PROJECT["amount"]


def test_demo_kinds_keep_the_article_figures_of_the_signing_event(demo):
    event_projects = Agreement.objects.projects().filter(signed_at_meeting__title=EVENT)
    stats = agreement_statistics(event_projects)

    assert (stats.count, stats.amount) == (33, Decimal("24618000000.00"))
    assert {row.label: row.amount for row in stats.by_unit} == {
        "高昌区": Decimal("7875000000.00"),
        "鄯善县": Decimal("9195000000.00"),
        "托克逊县": Decimal("7338000000.00"),
        "市直单位": Decimal("210000000.00"),
    }


def test_demo_kinds_run_twice_changes_nothing(demo):
    changes = StatusChange.objects.count()
    deliveries = Delivery.objects.count()

    add_agreement_kinds()

    assert StatusChange.objects.count() == changes
    assert Delivery.objects.count() == deliveries
    assert Agreement.objects.filter(title=CONVERTED_PROJECT["title"]).count() == 1
