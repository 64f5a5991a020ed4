"""The officials' dashboard and the agreements ledger report: the same figures on the page, in
the PDF and in the .xlsx; compliance computed from the meetings; permissions; query counts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import ProgressReport
from agreements.tests.factories import ProgressReportFactory, agreement_with_party
from liaison.dashboard import dashboard_figures
from liaison.models import Mechanism, User
from liaison.tests.factories import MechanismFactory, OrganisationFactory
from meetings.models import Meeting, Minutes
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ARTICLE_FIGURES = ("246.18 亿元", "78.75 亿元", "91.95 亿元", "73.38 亿元", "2.10 亿元")
UNIT_FIGURES = {
    "高昌区": Decimal("78.75"),
    "鄯善县": Decimal("91.95"),
    "托克逊县": Decimal("73.38"),
    "市直单位": Decimal("2.10"),
}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return re.sub(r"[ \t]+", " ", result.stdout.decode())


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


@pytest.fixture
def demo_official():
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(username="official")


def test_dashboard_view_shows_the_article_figures(client_for, demo_official):
    response = client_for(demo_official).get("/dashboard/")

    page = text(response)
    assert response.status_code == 200
    assert response.context["figures"].projects.count == 33
    assert " 33 " in page
    for figure in ARTICLE_FIGURES:
        assert figure in page, figure
    # The charts are inline SVG with a text alternative and their own font; no script.
    content = response.content.decode()
    assert content.count("<svg") == 2
    assert '<title id="chart-unit-title">' in content and '<desc id="chart-unit-desc">' in content
    assert "font-family=" in content
    assert "<script" not in content and "http://" not in content.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


@needs_pdftotext
def test_ledger_pdf_shows_the_article_figures(client_for, demo_official):
    response = client_for(demo_official).get("/dashboard/ledger.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pages = pdf_text(response.content)
    assert "签约项目台账" in pages and "数据截至" in pages
    for figure in ARTICLE_FIGURES:
        assert figure in pages, figure
    assert re.search(r"签约项目数：\s*33\s", pages)
    total = pages.count("\f")
    assert total > 1
    for number in (2, total):  # the cover has no page number
        assert re.search(rf"第\s*{number}\s*页\s*共\s*{total}\s*页", pages), number
    assert "<svg" not in pages  # the charts were drawn, not printed as text


def test_ledger_xlsx_shows_the_article_figures(client_for, demo_official):
    from openpyxl import load_workbook

    response = client_for(demo_official).get("/dashboard/ledger.xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    ledger = list(workbook["签约项目清单"].iter_rows(values_only=True))
    total = ledger[-1]
    assert total[0] == "合计"
    assert len(ledger) - 2 == 33  # header and totals row
    assert Decimal(str(total[6])).quantize(Decimal("0.01")) == Decimal("246.18")
    summary = {
        row[0]: Decimal(str(row[2])).quantize(Decimal("0.01"))
        for row in workbook["分类汇总"].iter_rows(values_only=True)
        if row and row[0] in UNIT_FIGURES
    }
    assert summary == UNIT_FIGURES


def test_dashboard_compliance_says_a_deleted_joint_meeting_was_not_held(client_for, demo_official):
    joint = Mechanism.objects.get(kind=Mechanism.Kind.JOINT_MEETING)
    meeting = joint.meetings.get(start__year=2024)
    assert meeting.title == "第一次联席会议"

    def state_2024():
        figures = dashboard_figures(demo_official)
        line = next(c for c in figures.compliance if c.mechanism == joint)
        return next(o for o in line.occurrences if o.year == 2024)

    assert state_2024().state == Mechanism.HELD
    Minutes.objects.filter(meeting=meeting).delete()  # its decisions go with it
    meeting.delete()

    occurrence = state_2024()
    page = text(client_for(demo_official).get("/dashboard/"))
    assert occurrence.state == Mechanism.MISSED and occurrence.meeting is None
    assert f"2024 {Mechanism.OCCURRENCE_STATES[Mechanism.MISSED]}" in page
    assert "第一次联席会议" not in page


def test_dashboard_compliance_cancelled_meeting_is_not_held(official):
    mechanism = MechanismFactory(first_date=date(2024, 6, 1))
    MeetingFactory(
        partnership=mechanism.partnership,
        mechanism=mechanism,
        start=datetime(2024, 6, 10, 1, tzinfo=UTC),
        status=Meeting.Status.CANCELLED,
    )

    figures = dashboard_figures(official, now=datetime(2025, 3, 1, tzinfo=UTC))

    (line,) = figures.compliance
    assert [(o.year, o.state) for o in line.occurrences] == [
        (2024, Mechanism.MISSED),
        (2025, Mechanism.DUE),
    ]


def test_dashboard_and_reports_render_for_an_empty_database(client_for, official):
    client = client_for(official)

    page = client.get("/dashboard/")
    pdf = client.get("/dashboard/ledger.pdf")
    xlsx = client.get("/dashboard/ledger.xlsx")

    assert page.status_code == pdf.status_code == xlsx.status_code == 200
    assert page.context["figures"].projects.count == 0
    assert pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        assert "签约项目台账" in pdf_text(pdf.content)


@pytest.mark.parametrize(
    ("name", "status"),
    [("secretariat", 200), ("official", 200), ("member_a", 403), ("member_b", 403)],
)
def test_dashboard_permissions(client_for, persona, name, status):
    client = client_for(persona[name])

    assert client.get("/dashboard/").status_code == status
    assert client.get("/dashboard/ledger.xlsx").status_code == status


def test_dashboard_and_reports_anonymous_go_to_login(client):
    for url in ("/dashboard/", "/dashboard/ledger.pdf", "/dashboard/ledger.xlsx"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_nav_link_only_for_officials_and_secretariat(client_for, persona):
    assert "/dashboard/" in client_for(persona["official"]).get("/").content.decode()
    assert "/dashboard/" in client_for(persona["secretariat"]).get("/").content.decode()
    assert "/dashboard/" not in client_for(persona["member_a"]).get("/").content.decode()


def _data(size: int, enterprise) -> None:
    mechanism = MechanismFactory(first_date=date(2024, 6, 1))
    start = datetime.now(UTC) + timedelta(days=30)
    for n in range(size):
        agreement = agreement_with_party(enterprise, amount=Decimal("100000000.00") * (n + 1))
        ProgressReportFactory(agreement=agreement, status=ProgressReport.Status.APPROVED)
        meeting = MeetingFactory(
            partnership=mechanism.partnership,
            mechanism=mechanism,
            start=start + timedelta(days=n),
        )
        for _ in range(size):
            InvitationFactory(meeting=meeting, organisation=OrganisationFactory())


def test_dashboard_performance_constant_query_count(client_for, official, enterprise_a):
    client = client_for(official)
    _data(1, enterprise_a)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/dashboard/").status_code == 200
    _data(4, enterprise_a)

    with CaptureQueriesContext(connection) as large:
        assert client.get("/dashboard/").status_code == 200

    assert len(large) == len(small)
