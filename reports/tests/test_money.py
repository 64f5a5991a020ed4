"""Money in one unit a column on the dashboard and in the report PDFs: the unit chosen by the
column's largest amount, zero in the unit of the column beside it; and the landed total of the
signing-year table (``liaison.money`` decides, ``liaison/tests/test_money.py`` tests it alone)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from agreements.models import Agreement
from agreements.statistics import agreement_statistics
from agreements.tests.factories import agreement_with_party
from reports import ledger
from reports.layout import report_html

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def mixed(enterprise_a):
    """Project agreements of 78.75 亿 and 6500 万 and an intention of unknown amount; none has
    landed and no funds are in place."""
    big = agreement_with_party(enterprise_a, title="大项目", amount=Decimal("7875000000.00"))
    small = agreement_with_party(enterprise_a, title="小项目", amount=Decimal("65000000.00"))
    intention = agreement_with_party(
        enterprise_a, title="投资意向", kind=Agreement.Kind.INTENTION, amount=None
    )
    return big, small, intention


def test_dashboard_years_with_nothing_landed_show_the_landed_column_in_the_signed_unit(
    client_for, official, mixed
):
    page = text(client_for(official).get("/dashboard/").content.decode())

    assert "已落地金额（亿元）" in page and "（元）" not in page
    assert re.search(r"合计 2 79\.40 0 0\.00 ", page)


def test_statistics_and_dashboard_tables_use_one_unit_a_column(client_for, official, mixed):
    client = client_for(official)
    for url in ("/agreements/statistics/", "/dashboard/"):
        page = text(client.get(url).content.decode())
        assert "签约金额（亿元）" in page, url
        assert "6500.00 万元" not in page and "0.00 元" not in page, url


def test_signing_year_total_shows_the_landed_amount(client_for, official, enterprise_a):
    for amount, signed_on, landed in (
        ("100000000.00", date(2023, 5, 1), False),
        ("40000000.00", date(2023, 6, 1), True),
        ("250000000.00", date(2024, 5, 1), True),
    ):
        agreement = agreement_with_party(enterprise_a, amount=Decimal(amount), signed_on=signed_on)
        if landed:
            Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.LANDED_STATUSES[0])

    stats = agreement_statistics(Agreement.objects.projects())
    page = text(client_for(official).get("/dashboard/").content.decode())

    assert stats.landed_amount == Decimal("290000000.00")
    assert "已落地金额（亿元）" in page
    assert re.search(r"2023 2 1\.40 1 0\.40 ", page)
    assert re.search(r"合计 3 3\.90 2 2\.90 ", page)


def test_ledger_report_total_row_shows_the_landed_amount_of_the_2023_signing_event(
    demo_official,
):
    figures = ledger.figures(demo_official, {"year": 2023}, now=None)  # the event's year
    html = text(
        report_html(
            "reports/pdf/report_ledger.html",
            title="台账",
            period="2023",
            as_of=None,
            figures=figures,
        )
    )

    assert figures.stats.amount == Decimal("24618000000.00") and figures.stats.count == 33
    assert figures.stats.landed_amount == Decimal("6040000000.00")
    assert re.search(r"签约年度 已签约 签约金额（亿元） 已落地 已落地金额（亿元）", html)
    assert re.search(r"合计 33 246\.18 \d+ 60\.40 ", html)
