"""The officials' dashboard and the agreements ledger report: the same figures on the page, in
the PDF and in the .xlsx; compliance computed from the meetings; permissions; query counts."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, ProgressReport
from agreements.tests.factories import ProgressReportFactory, agreement_with_party
from liaison.models import Mechanism
from liaison.tests.factories import MechanismFactory, OrganisationFactory
from meetings.models import Meeting, Minutes
from meetings.tests.factories import InvitationFactory, MeetingFactory
from meetings.tests.minutes_setup import decision, published
from reports.dashboard import dashboard_figures

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


def test_dashboard_view_of_2023_shows_the_article_figures_of_the_signing_event(
    client_for, demo_official
):
    # 2023's projects are the 33 signed at the event; the converted intention's came in 2024.
    response = client_for(demo_official).get("/dashboard/?year=2023")

    page = text(response)
    assert response.status_code == 200
    assert response.context["figures"].projects.count == 33
    assert " 33 " in page
    for figure in ARTICLE_FIGURES:
        assert figure in page, figure
    # The charts are inline SVG with a text alternative and their own font; no script.
    content = response.content.decode()
    assert content.count("<svg") == 3  # by unit, by sector, signed and landed by year
    assert '<title id="chart-unit-title">' in content and '<desc id="chart-unit-desc">' in content
    assert "font-family=" in content
    assert "<script" not in content and "http://" not in content.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_dashboard_view_of_all_years_counts_all_34_projects_and_the_event_apart(
    client_for, demo_official
):
    response = client_for(demo_official).get("/dashboard/")

    page = text(response)
    assert response.context["figures"].projects.count == 34
    assert "246.48 亿元" in page  # the event's 246.18 and the converted intention's 0.30
    event = "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"
    assert re.search(rf"{event} 33 246\.18 ", page)


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


def test_dashboard_renders_for_an_empty_database(client_for, official):
    page = client_for(official).get("/dashboard/")

    assert page.status_code == 200
    assert page.context["figures"].projects.count == 0
    assert page.context["figures"].years == []


@pytest.mark.parametrize("name", ["secretariat", "official", "member_a", "member_b"])
def test_dashboard_opens_for_every_role(client_for, persona, name):
    assert client_for(persona[name]).get("/dashboard/").status_code == 200


def test_dashboard_anonymous_goes_to_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_nav_links_by_role(client_for, persona):
    for name in ("official", "secretariat"):
        page = client_for(persona[name]).get("/").content.decode()
        assert 'href="/dashboard/"' in page and 'href="/reports/"' in page
    member_page = client_for(persona["member_a"]).get("/").content.decode()
    assert 'href="/dashboard/"' in member_page  # "our figures"
    assert 'href="/reports/"' not in member_page


def test_member_dashboard_shows_only_its_own_organisation(
    client_for, member_a, enterprise_a, enterprise_b
):
    agreement_with_party(enterprise_a, amount=Decimal("300000000.00"))
    agreement_with_party(enterprise_b, amount=Decimal("700000000.00"))
    mechanism = MechanismFactory(first_date=date(2020, 6, 1))
    meeting = MeetingFactory(
        partnership=mechanism.partnership,
        mechanism=mechanism,
        start=datetime.now(UTC) + timedelta(days=5),
    )
    InvitationFactory(meeting=meeting, organisation=enterprise_b)

    response = client_for(member_a).get("/dashboard/")

    page = text(response)
    figures = response.context["figures"]
    assert figures.organisation == enterprise_a
    assert figures.projects.count == 1 and figures.projects.amount == Decimal("300000000.00")
    assert "3.00 亿元" in page and "7.00 亿元" not in page and "10.00 亿元" not in page
    # No partnership-wide figures: no compliance, no other organisations' answers.
    assert figures.compliance == [] and figures.upcoming == []
    assert 'id="compliance"' not in response.content.decode()
    assert meeting.title not in page
    assert "/reports/" not in response.content.decode()


@pytest.mark.usefixtures("fake_renderer")
def test_member_dashboard_lists_only_decisions_its_organisation_answers_for(
    client_for, member_a, official, enterprise_a, enterprise_b, minutes, setting, secretariat
):
    late = date(2025, 1, 1)
    mine = decision(minutes, secretariat, units=[enterprise_a], deadline=late, text="甲的事项")
    decision(minutes, secretariat, units=[enterprise_b], deadline=late, text="乙的事项")
    published(minutes, setting, secretariat)

    member_view = client_for(member_a).get("/dashboard/")
    official_view = client_for(official).get("/dashboard/").context["figures"]

    assert [d.pk for d in member_view.context["figures"].overdue_decisions] == [mine.pk]
    assert "甲的事项" in text(member_view) and "乙的事项" not in text(member_view)
    assert len(official_view.overdue_decisions) == 2


def test_dashboard_period_filter_narrows_the_agreement_figures(client_for, official, enterprise_a):
    agreement_with_party(enterprise_a, amount=Decimal("100000000.00"), signed_on=date(2023, 5, 1))
    agreement_with_party(enterprise_a, amount=Decimal("250000000.00"), signed_on=date(2024, 5, 1))
    client = client_for(official)

    everything = client.get("/dashboard/").context["figures"]
    only_2024 = client.get("/dashboard/?year=2024")
    unknown = client.get("/dashboard/?year=1999").context["figures"]
    garbage = client.get("/dashboard/?year=abc").context["figures"]

    assert everything.projects.amount == Decimal("350000000.00")
    assert everything.years == [2024, 2023]
    figures = only_2024.context["figures"]
    assert figures.year == 2024 and figures.projects.amount == Decimal("250000000.00")
    assert "2.50 亿元" in text(only_2024) and "3.50 亿元" not in text(only_2024)
    assert '<option value="2024" selected>' in only_2024.content.decode()
    assert unknown.year is None and unknown.projects.amount == Decimal("350000000.00")
    assert garbage.year is None


def test_dashboard_signed_and_landed_chart_by_signing_year(client_for, official, enterprise_a):
    agreement_with_party(enterprise_a, amount=Decimal("100000000.00"), signed_on=date(2023, 5, 1))
    landed = agreement_with_party(
        enterprise_a, amount=Decimal("40000000.00"), signed_on=date(2023, 6, 1)
    )
    Agreement.objects.filter(pk=landed.pk).update(status=Agreement.LANDED_STATUSES[0])
    agreement_with_party(enterprise_a, amount=Decimal("200000000.00"), signed_on=date(2024, 5, 1))

    response = client_for(official).get("/dashboard/")

    content = response.content.decode()
    description = re.search(r'<desc id="chart-years-desc">([^<]*)</desc>', content).group(1)
    assert description == (
        "2023年：签约 1.40 亿元，已落地 0.40 亿元；2024年：签约 2.00 亿元，已落地 0.00 亿元"
    )
    assert "已签约" in content and "已落地" in content  # the legend


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


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_dashboard_performance_constant_query_count(client_for, persona, enterprise_a, name):
    client = client_for(persona[name])
    _data(1, enterprise_a)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/dashboard/").status_code == 200
    _data(4, enterprise_a)

    with CaptureQueriesContext(connection) as large:
        assert client.get("/dashboard/").status_code == 200

    assert len(large) == len(small)


def test_charts_keep_their_text_size_at_any_width(demo_official):
    figures = dashboard_figures(demo_official)
    for chart in (figures.unit_chart, figures.sector_chart, figures.year_chart):
        svg = chart[: chart.index(">")]
        # No viewBox: the drawing is not scaled down to a phone's width, so its 14 px text
        # stays 14 px; the bars are drawn in percentages of whatever width there is.
        assert "viewBox" not in svg and 'width="100%"' in svg
        assert int(re.search(r'font-size="(\d+)"', svg).group(1)) >= 13
        bars = re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)%"', chart)
        assert bars and max(float(b) for b in bars) <= 70
