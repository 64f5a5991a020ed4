"""The figures by kind agree on every medium: the dashboard, a report's PDF (read back with
pdftotext), the .xlsx files (read back with openpyxl) and the API, on the demo with its kinds;
and the article's figures of the 2023 signing event stay as the article gives them."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Agreement
from agreements.statistics import kind_statistics
from reports import annual, event, ledger
from reports.layout import report_pdf
from reports.tests.test_dashboard import (
    ARTICLE_FIGURES,
    UNIT_FIGURES,
    needs_pdftotext,
    pdf_text,
    text,
)

pytestmark = pytest.mark.django_db

SIGNING_EVENT = "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"
PROJECTS, PURCHASES = "项目合作协议", "采购协议"
FRAMEWORKS, INTENTIONS = "合作框架与园区共建协议", "投资意向"


def kind_sheet(content: bytes) -> dict[tuple[str, str], tuple]:
    """The 按类型 sheet of an .xlsx as {(kind, figure): (value, unit)}."""
    rows = load_workbook(io.BytesIO(content))["按类型"].iter_rows(min_row=2, values_only=True)
    return {
        (kind, label): (Decimal(str(value)) if isinstance(value, float) else value, unit)
        for kind, label, value, unit in rows
    }


def annual_report(user, year: int):
    figures = annual.figures(user, {"year": year}, timezone.now())
    pdf = report_pdf(
        "reports/pdf/report_annual.html",
        title=annual.title({"year": year}),
        period=figures.period,
        as_of=timezone.now(),
        figures=figures,
    )
    return pdf_text(pdf), annual.workbook(figures)


def squeeze(pages: str) -> str:
    return re.sub(r"\s+", " ", pages)


@needs_pdftotext
def test_kind_figures_agree_on_dashboard_pdf_xlsx_and_api(client_for, api_for, demo_official):
    # Everything signed up to 2024's end is the whole demo: the dashboard's "all years".
    dashboard = text(client_for(demo_official).get("/dashboard/"))
    pdf, xlsx = annual_report(demo_official, 2024)
    pdf = squeeze(pdf)
    sheet = kind_sheet(xlsx)
    api = api_for(demo_official).get("/api/v1/agreements/statistics/").json()["kinds"]

    # All projects: the event's 33 and the one the converted intention became.
    stats = kind_statistics()
    assert (stats.projects.count, stats.projects.amount) == (34, Decimal("24648000000.00"))
    assert re.search(r"分类型落实情况 项目合作协议 协议 34 签约金额 246\.48 亿元", dashboard)
    assert re.search(r"项目合作协议 协议：\s?34 · 签约金额：\s?246\.48 亿元", pdf)
    assert sheet[PROJECTS, "协议"] == (34, None)
    assert sheet[PROJECTS, "签约金额"] == (Decimal("246.48"), "亿元")
    assert (api["projects"]["count"], api["projects"]["amount"]) == (34, "24648000000.00")
    landed = f"{stats.projects.landed_count}/34"
    assert landed in dashboard and landed in pdf
    assert api["projects"]["landed_count"] == sheet[PROJECTS, "已落地（投产运营或已完成）"][0]

    # The purchase: 12.500 of 20 t 肉苁蓉 delivered, 62.5 %.
    for medium in (dashboard, pdf):
        assert re.search(r"肉苁蓉 20\.000 吨 12\.500 吨 62\.50% ", medium)
    assert sheet[PURCHASES, "肉苁蓉合同数量"] == (Decimal("20"), "吨")
    assert sheet[PURCHASES, "肉苁蓉已交货数量"] == (Decimal("12.5"), "吨")
    assert sheet[PURCHASES, "肉苁蓉交货比例"] == (Decimal("0.625"), None)
    goods = {g["commodity"]: g for g in api["purchases"]["goods"]}
    assert (goods["肉苁蓉"]["contracted"], goods["肉苁蓉"]["delivered"]) == ("20.000", "12.500")
    assert goods["肉苁蓉"]["delivered_ratio"] == "0.6250"

    # The park agreements: one project introduced under each.
    assert re.search(r"引进项目数 2 ", dashboard) and re.search(r"引进项目数：\s?2 ", pdf)
    assert sheet[FRAMEWORKS, "引进项目数"] == (2, None)
    assert api["frameworks"]["projects_introduced"] == 2

    # The intentions: one of two converted, into 3,000 万元.
    assert re.search(r"转化率 50\.00% \(1/2\)", dashboard)
    assert re.search(r"转化率：\s?50\.00%（1/2）", pdf)
    assert sheet[INTENTIONS, "转化率"] == (Decimal("0.5"), None)
    assert sheet[INTENTIONS, "转化项目金额"] == (Decimal("3000"), "万元")
    assert (api["intentions"]["conversion_rate"], api["intentions"]["converted_amount"]) == (
        "0.5000",
        "30000000.00",
    )

    # The ledger's and the statistics export's 按类型 sheets are the same sheet.
    ledger_xlsx = ledger.workbook(ledger.figures(demo_official, {}, timezone.now()))
    assert kind_sheet(ledger_xlsx) == sheet
    export = client_for(demo_official).get("/agreements/export/?kind=")
    assert kind_sheet(export.content) == sheet


@needs_pdftotext
def test_article_figures_of_the_signing_event_on_dashboard_pdf_xlsx_and_api(
    client_for, api_for, demo_official
):
    # 2023's projects are the 33 signed at the event; the converted intention's came in 2024.
    dashboard = text(client_for(demo_official).get("/dashboard/?year=2023"))
    pdf, _xlsx = annual_report(demo_official, 2023)
    pdf = squeeze(pdf)
    api = api_for(demo_official).get("/api/v1/agreements/statistics/?kind=project&year=2023")

    for medium in (dashboard, pdf):
        for figure in ARTICLE_FIGURES:
            assert figure in medium, figure
    assert re.search(r"项目合作协议 协议 33 签约金额 246\.18 亿元", dashboard)
    assert re.search(r"本年签约项目：\s?33 · 246\.18 亿元", pdf)
    body = api.json()
    assert (body["count"], body["amount"]) == (33, "24618000000.00")
    assert {row["label"]: Decimal(row["amount"]) / 10**8 for row in body["by_unit"]} == (
        UNIT_FIGURES
    )
    # The event report counts what was signed at the event, in its PDF's .xlsx too.
    meeting = event.event_choices(demo_official).get(title=SIGNING_EVENT)
    figures = event.figures(demo_official, {"meeting": meeting.pk}, timezone.now())
    sheet = kind_sheet(event.workbook(figures))
    assert sheet[PROJECTS, "协议"] == (33, None)
    assert sheet[PROJECTS, "签约金额"] == (Decimal("246.18"), "亿元")
    assert sheet[FRAMEWORKS, "协议"] == (4, None)  # the strategic and the three park agreements
    assert sheet[FRAMEWORKS, "引进项目数"] == (2, None)


def test_member_dashboard_shows_the_figures_by_kind_of_its_own_organisation(client_for, demo):
    member = demo.user("member")  # of an enterprise party to two of the projects

    response = client_for(member).get("/dashboard/")

    kinds = response.context["figures"].kinds
    assert kinds == kind_statistics(Agreement.objects.visible_to(member))
    assert kinds.projects.count == 2 and kinds.purchases.count == 0
    assert "肉苁蓉" not in text(response)  # the purchase is another organisation's
