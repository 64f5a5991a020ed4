"""Money in one unit a column, on the pages, in the report PDFs, in the workbooks and in the
minutes: the unit chosen by the column's largest amount, "—" for an unknown amount, zero as a
number in the column's unit; and the landed total of the signing-year table."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from agreements import excel
from agreements.models import Agreement
from agreements.statistics import agreement_statistics
from agreements.tests.factories import agreement_with_party
from liaison.money import money_column, yuan
from liaison.reports import ledger
from liaison.reports.layout import report_html

pytestmark = pytest.mark.django_db

YI = Decimal(100_000_000)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("values", "unit", "shown"),
    [
        (
            [Decimal("7875000000"), Decimal("65000000"), None, Decimal(0)],
            "亿元",
            ["78.75", "0.65", "—", "0.00"],
        ),
        (
            [Decimal("65000000"), Decimal("12345.678"), Decimal(0)],
            "万元",
            ["6500.00", "1.23", "0.00"],
        ),
        ([Decimal("9999.99"), None], "元", ["9999.99", "—"]),
        ([None, None], "元", ["—", "—"]),
        ([Decimal("-250000000"), Decimal("1")], "亿元", ["-2.50", "0.00"]),  # by absolute value
    ],
)
def test_money_column_takes_the_unit_of_its_largest_amount(values, unit, shown):
    column = money_column(values)

    assert column.unit == unit and column.suffix == f"（{unit}）"
    assert [column.number(value) for value in values] == shown


def test_a_column_of_zeros_takes_the_unit_of_its_neighbour():
    signed = money_column([Decimal("7875000000")])

    assert money_column([Decimal(0), None], like=signed).unit == "亿元"
    assert money_column([Decimal(5)], like=signed).unit == "元"  # not zero: its own unit
    assert money_column([Decimal(0)]).unit == "元"


def test_dashboard_years_with_nothing_landed_show_the_landed_column_in_the_signed_unit(
    client_for, official, mixed
):
    page = text(client_for(official).get("/dashboard/").content.decode())

    assert "已落地金额（亿元）" in page and "（元）" not in page
    assert re.search(r"合计 2 79\.40 0 0\.00 ", page)


def test_an_amount_on_its_own_keeps_its_own_unit():
    assert yuan(Decimal("7875000000")) == "78.75 亿元"
    assert yuan(Decimal("65000000")) == "6500.00 万元"
    assert yuan(None) == "—"
    with translation.override("en"):
        assert money_column([Decimal("7875000000")]).suffix == " (100 million yuan)"


@pytest.fixture
def mixed(enterprise_a):
    """A ledger whose amounts mix 亿, 万 and unknown, and whose funds are all zero."""
    big = agreement_with_party(enterprise_a, title="大项目", amount=Decimal("7875000000.00"))
    small = agreement_with_party(enterprise_a, title="小项目", amount=Decimal("65000000.00"))
    intention = agreement_with_party(
        enterprise_a, title="投资意向", kind=Agreement.Kind.INTENTION, amount=None
    )
    return big, small, intention


def test_ledger_page_shows_each_money_column_in_one_unit(client_for, official, mixed):
    page = text(client_for(official).get("/agreements/").content.decode())

    # Funds are all zero: the column takes the unit of the signed amounts beside it.
    assert (
        "签约金额（亿元）" in page and "到位资金（亿元）" in page and "到位资金（元）" not in page
    )
    assert re.search(r"大项目 .*? 78\.75 .*? 0\.00 ", page)
    assert re.search(r"小项目 .*? 0\.65 .*? 0\.00 ", page)
    assert re.search(r"投资意向 .*? — ", page)
    assert "万元" not in page and "0.00 元" not in page
    assert re.search(r"合计：3 项 79\.40 0\.00", page)


def test_statistics_and_dashboard_tables_use_one_unit_a_column(client_for, official, mixed):
    client = client_for(official)
    for url in ("/agreements/statistics/", "/dashboard/"):
        page = text(client.get(url).content.decode())
        assert "签约金额（亿元）" in page, url
        assert "6500.00 万元" not in page and "0.00 元" not in page, url


def test_agreement_page_shows_amount_and_funds_in_one_unit(client_for, official, mixed):
    big = mixed[0]

    page = text(client_for(official).get(f"/agreements/{big.pk}/").content.decode())

    assert "78.75 亿元" in page and "0.00 亿元" in page and "0.00 元" not in page


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


def test_ledger_report_total_row_shows_the_landed_amount_of_the_demo(demo_official):
    figures = ledger.figures(demo_official, {}, now=None)
    html = text(
        report_html(
            "pdf/report_ledger.html", title="台账", period="2023", as_of=None, figures=figures
        )
    )

    assert figures.stats.amount == Decimal("24618000000.00") and figures.stats.count == 33
    assert figures.stats.landed_amount == Decimal("6040000000.00")
    assert re.search(r"签约年度 已签约 签约金额（亿元） 已落地 已落地金额（亿元）", html)
    assert re.search(r"合计 33 246\.18 \d+ 60\.40 ", html)


def test_workbooks_write_an_unknown_amount_as_a_dash_and_read_it_back(
    client_for, official, secretariat, mixed
):
    content = client_for(official).get("/agreements/export/").content
    sheet = load_workbook(io.BytesIO(content))["签约项目清单"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert sheet["G1"].value == "签约金额(亿元)" and sheet["L1"].value == "到位资金(亿元)"
    assert rows["投资意向"][6] == "—" and Decimal(str(rows["小项目"][6])) == Decimal("0.65")
    assert rows["大项目"][11] == 0
    checked = excel.start_import(
        SimpleUploadedFile("ledger.xlsx", content, content_type=excel.XLSX_CONTENT_TYPE),
        actor=secretariat,
    )
    excel.check_import(checked.pk)
    checked.refresh_from_db()
    assert excel.parse_amount("—") is None
    problems = {row["cells"]["title"]: row["problems"] for row in checked.rows}
    assert not [p for p in problems["投资意向"] if "金额" in p]
