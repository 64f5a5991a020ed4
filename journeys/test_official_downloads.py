"""An official reads the dashboard, asks for the reports and downloads each as PDF and .xlsx,
then downloads the published minutes of a meeting."""

import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from agreements.tests.factories import agreement_with_party
from meetings import minutes as workflow
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory
from meetings.tests.minutes_setup import decision, published
from reports.models import GeneratedReport

# Each report: the section of the reports page, the year to choose, the report's kind. The
# phone asks for two and the desktop for the other two (the request and report pages are the
# same for every kind), which halves the journey's time: making the PDFs is most of it.
REPORTS = {
    "phone": [
        ("#kind-follow-up", None, GeneratedReport.Kind.FOLLOW_UP),
        ("#kind-event", None, GeneratedReport.Kind.EVENT),
    ],
    "desktop": [
        ("#kind-ledger", "", GeneratedReport.Kind.LEDGER),
        ("#kind-annual", "2024", GeneratedReport.Kind.ANNUAL),
    ],
}


@pytest.fixture
def cooperation(setting, minutes, secretariat, enterprise_a):
    """A held joint meeting with published minutes and a decision, an event, agreements."""
    partnership = setting.meeting.partnership
    decision(minutes, secretariat, units=[enterprise_a], deadline=date(2024, 9, 30))
    version = published(minutes, setting, secretariat)
    start = datetime(2024, 9, 12, 2, 0, tzinfo=UTC)
    event = MeetingFactory(
        partnership=partnership,
        kind=Meeting.Kind.EVENT,
        title="湖南民营企业进边疆·吐鲁番行",
        start=start,
        end=start + timedelta(days=2),
        status=Meeting.Status.HELD,
    )
    for title in ("葡萄干精深加工项目", "文旅康养综合体"):
        agreement_with_party(
            enterprise_a, partnership=partnership, title=title, signed_on=date(2024, 9, 12)
        )
    return version, event


def test_official_downloads_reports_and_minutes(journey, official, cooperation):
    minutes_version, event = cooperation
    person = journey.visitor("official")
    page = person.page
    person.sign_in(official.username)

    page.get_by_role("navigation").get_by_role("link", name="领导看板").click()
    person.step("dashboard")
    assert page.get_by_role("heading", level=1).is_visible()

    asked = REPORTS[journey.viewport]
    for section, year, kind in asked:
        page.get_by_role("navigation").get_by_role("link", name="报告").click()
        person.step(f"reports-{kind}")
        form = page.locator(f"section:has({section}) form")
        if year is not None:
            form.locator("select").select_option(year)
        form.get_by_role("button", name="生成").click()
        person.step(f"report-{kind}")
        # Made by a worker, the report's page reloads itself until its files are there.
        files = page.locator(".report-files")
        expect(files).to_be_visible(timeout=60_000)
        person.step(f"report-{kind}-ready", refreshed=True)
        pdf = person.download(files.get_by_role("link", name="PDF"))
        xlsx = person.download(files.get_by_role("link", name="Excel"))
        assert pdf.startswith(b"%PDF-")
        assert zipfile.is_zipfile(io.BytesIO(xlsx))
        assert load_workbook(io.BytesIO(xlsx)).sheetnames

    reports = GeneratedReport.objects.order_by("pk")
    assert [report.kind for report in reports] == [kind for _, _, kind in asked]
    assert all(report.is_ready and report.requested_by == official for report in reports)
    for report in reports:
        expected = {
            GeneratedReport.Kind.LEDGER: {},
            GeneratedReport.Kind.ANNUAL: {"year": 2024},
            GeneratedReport.Kind.FOLLOW_UP: {},
            GeneratedReport.Kind.EVENT: {"meeting": event.pk, "meeting_title": event.title},
        }[report.kind]
        assert report.parameters == expected

    meeting = minutes_version.minutes.meeting
    person.open(f"/meetings/{meeting.pk}/", "meeting")
    page.get_by_role("link", name="会议纪要和议定事项").click()
    person.step("minutes")
    downloaded = person.download(page.get_by_role("link", name="下载 PDF"))
    assert downloaded.startswith(b"%PDF-")
    assert downloaded == workflow.minutes_pdf(minutes_version)
