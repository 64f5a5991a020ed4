"""The secretariat records two deliveries of the 衡岳 purchase on its agreement page, reopening
the page between them; the database holds both with their exact quantities."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement, Delivery
from agreements.tests.factories import purchase_with_party
from liaison.tests.factories import OrganisationFactory


@pytest.fixture
def hengyue(db) -> Agreement:
    """The purchase of the source article: 20 t 肉苁蓉 and 10 t 黑桑葚."""
    buyer = OrganisationFactory(name="湖南衡岳中药饮片有限公司")
    return purchase_with_party(
        buyer, title="湖南衡岳中药饮片有限公司中药材采购协议", signed_on=date(2023, 12, 20)
    )


def record_delivery(staff, commodity: str, on: str, quantity: str, amount_wan: str) -> None:
    page = staff.page
    form = page.locator("#step-delivery")
    form.locator("summary").click()
    form.locator("#id_delivery_goods_line").select_option(label=commodity)
    form.locator("#id_delivery_delivered_on").fill(on)
    form.locator("#id_delivery_quantity").fill(quantity)
    form.locator("#id_delivery_amount_wan").fill(amount_wan)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    staff.step(f"delivery-recorded-{quantity}")
    expect(page.locator(".messages")).to_contain_text("交货已登记")


def test_secretariat_records_two_deliveries_of_the_purchase(journey, secretariat, hengyue):
    staff = journey.visitor(secretariat.username)
    staff.enter_as(secretariat)
    staff.open(f"/agreements/{hengyue.pk}/", "purchase-page")
    page = staff.page
    expect(page.locator("#lifecycle")).to_contain_text("已签约")

    record_delivery(staff, "肉苁蓉（20 吨）", "2024-03-01", "12.5", "125")
    expect(page.locator("#deliveries")).to_contain_text("62.5%")

    staff.open(f"/agreements/{hengyue.pk}/", "purchase-page-reopened")
    expect(page.locator("#lifecycle .current")).to_contain_text("部分交货")
    record_delivery(staff, "黑桑葚（10 吨）", "2024-04-15", "3.125", "31.25")

    rows = list(
        Delivery.objects.filter(goods_line__agreement=hengyue)
        .order_by("delivered_on")
        .values_list("goods_line__commodity", "delivered_on", "quantity", "amount")
    )
    assert rows == [
        ("肉苁蓉", date(2024, 3, 1), Decimal("12.500"), Decimal("1250000.00")),
        ("黑桑葚", date(2024, 4, 15), Decimal("3.125"), Decimal("312500.00")),
    ]
    hengyue.refresh_from_db()
    assert hengyue.status == Agreement.Status.PARTLY_DELIVERED
