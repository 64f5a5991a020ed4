"""The reports: asked for on the reports page, made in the background with visible progress,
kept for downloading again; the same figures as the dashboard in the PDF (read back with
pdftotext) and in the .xlsx (read back with openpyxl); every report for an empty year and for
the demo; bad requests refused; only officials and the secretariat; query counts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as live_settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Agreement
from agreements.statistics import agreement_statistics
from agreements.tests.factories import agreement_with_party
from liaison.models import Mechanism
from liaison.tests.factories import UserFactory
from meetings.models import Attendee, Decision, Invitation, Meeting, Minutes
from meetings.tests.factories import InvitationFactory, MeetingFactory
from meetings.tests.test_concurrency import run_at_once
from reports import generation
from reports.models import GeneratedReport
from reports.tests.factories import GeneratedReportFactory
from reports.tests.test_dashboard import (
    ARTICLE_FIGURES,
    UNIT_FIGURES,
    needs_pdftotext,
    pdf_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _report_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def generate(client_for, django_capture_on_commit_callbacks):
    """Ask for a report as ``user`` on the reports page and let the background task run."""

    def run(user, **data) -> GeneratedReport:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(user).post("/reports/", data)
        assert response.status_code == 302, response.content.decode()[:500]
        pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
        return GeneratedReport.objects.get(pk=pk)

    return run


def download(client, report: GeneratedReport, fmt: str) -> bytes:
    response = client.get(f"/reports/{report.pk}/report.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def yi(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- The agreements ledger ---------------------------------------------------------------


@needs_pdftotext
def test_ledger_report_of_2023_shows_the_article_figures_of_the_signing_event(
    client_for, generate, demo_official
):
    # 2023's projects are the 33 signed at the event; the converted intention's came in 2024.
    report = generate(demo_official, kind="ledger", year="2023")

    assert report.status == GeneratedReport.Status.DONE and report.progress == 100
    assert report.title == "2023年签约项目台账" and report.data_as_of is not None
    client = client_for(demo_official)
    pdf = download(client, report, "pdf")
    pages = pdf_text(pdf)
    assert "签约项目台账" in pages and "数据截至" in pages
    assert "统计期间：2023" in pages
    # The charts are vector drawings: the PDF holds no raster image at all.
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True)
    assert len(images.stdout.decode().strip().splitlines()) == 2  # the header only
    for figure in ARTICLE_FIGURES:
        assert figure in pages, figure
    assert re.search(r"签约项目数：\s*33\s", pages)
    total = pages.count("\f")
    assert total > 1
    for number in (2, total):  # the cover has no page number
        assert re.search(rf"第\s*{number}\s*页\s*共\s*{total}\s*页", pages), number
    assert "<svg" not in pages  # the charts were drawn, not printed as text
    assert "各签约年度签约与落地情况" in pages
    # One unit a column, named in the header; the total row has the landed amount too.
    laid_out = pdf_layout(pdf)
    assert re.search(
        r"签约年度\s+已签约\s+签约金额（亿元）\s+已落地\s+已落地金额（亿元）", laid_out
    )
    assert re.search(r"合计\s+33\s+246\.18\s+\d+\s+60\.40\n", laid_out)
    assert re.search(r"高昌区\s+\d+\s+78\.75\s+\d+\.\d\d\n", laid_out)
    tables = laid_out.split("分类型落实情况")[0]  # the figures by kind have their own units
    assert "万元" not in tables and " 元" not in tables
    # The ledger table runs over several pages and its header row repeats on each.
    ledger_pages = [page for page in pages.split("\f") if "示例" in re.sub(r"\s", "", page)]
    assert len(ledger_pages) >= 2
    assert all("项目名称" in page for page in ledger_pages)

    book = workbook(download(client, report, "xlsx"))
    rows = list(book["签约项目清单"].iter_rows(values_only=True))
    assert rows[-1][0] == "合计" and len(rows) - 2 == 33  # header and totals row
    assert yi(rows[-1][6]) == Decimal("246.18")
    summary = {
        row[0]: yi(row[2])
        for row in book["分类汇总"].iter_rows(values_only=True)
        if row and row[0] in UNIT_FIGURES
    }
    assert summary == UNIT_FIGURES


def test_ledger_report_for_one_year_has_only_that_year(generate, official, enterprise_a):
    agreement_with_party(enterprise_a, amount=Decimal("100000000.00"), signed_on=date(2023, 5, 1))
    agreement_with_party(enterprise_a, amount=Decimal("250000000.00"), signed_on=date(2024, 5, 1))

    report = generate(official, kind="ledger", year="2024")

    assert report.parameters == {"year": 2024} and report.title == "2024年签约项目台账"
    rows = list(workbook(report.xlsx.read())["签约项目清单"].iter_rows(values_only=True))
    assert len(rows) - 2 == 1 and yi(rows[-1][6]) == Decimal("2.50")


# --- The annual work report -----------------------------------------------------------------


@needs_pdftotext
def test_annual_report_for_the_demo_year_counts_all_34_projects(
    client_for, generate, demo_official
):
    report = generate(demo_official, kind="annual", year="2024")

    assert report.status == GeneratedReport.Status.DONE, report.error
    assert report.title == "2024年度工作报告"
    pages = pdf_text(download(client_for(demo_official), report, "pdf"))
    assert "统计期间：2024年（1月1日至12月31日）" in pages
    assert re.search(r"湘吐联席会议\s+2024-\d\d-\d\d\s+已举办\s+第一次联席会议", pages)
    decisions = Decision.objects.filter(minutes__meeting__start__year=2024)
    assert re.search(rf"形成议定事项：\s*{decisions.count()}\s", pages)
    cumulative = agreement_statistics(Agreement.objects.projects())
    assert f"（{cumulative.landed_count}/{cumulative.project_count}）" in pages
    laid_out = pdf_layout(report.pdf.read())
    # Up to 2024's end: the event's 33 and the project the intention became in 2024.
    assert cumulative.count == 34
    assert re.search(rf"合计\s+34\s+246\.48\s+{cumulative.landed_count}\s+60\.40\n", laid_out)

    book = workbook(report.xlsx.read())
    compliance = list(book["机制执行情况"].iter_rows(values_only=True))
    assert ("湘吐联席会议", "已举办", "第一次联席会议") in [(r[0], r[2], r[3]) for r in compliance]
    meetings = list(book["会议"].iter_rows(values_only=True))[1:]
    assert [row[0] for row in meetings] == ["第一次联席会议"]


@needs_pdftotext
def test_annual_report_says_a_deleted_joint_meeting_was_not_held(
    client_for, generate, demo_official
):
    joint = Mechanism.objects.get(kind=Mechanism.Kind.JOINT_MEETING)
    meeting = joint.meetings.get(start__year=2024)
    Minutes.objects.filter(meeting=meeting).delete()
    meeting.delete()

    report = generate(demo_official, kind="annual", year="2024")

    pages = pdf_text(download(client_for(demo_official), report, "pdf"))
    assert re.search(rf"{joint.name}\s+2024-\d\d-\d\d\s+未举办", pages)
    assert "第一次联席会议" not in pages
    assert "本年度无会议。" in pages
    compliance = list(workbook(report.xlsx.read())["机制执行情况"].iter_rows(values_only=True))
    assert (joint.name, "未举办") in [(row[0], row[2]) for row in compliance]


# --- The decision follow-up (督办) report ----------------------------------------------------


@needs_pdftotext
def test_follow_up_report_lists_open_and_overdue_decisions_by_unit(
    client_for, generate, demo_official
):
    report = generate(demo_official, kind="follow_up")

    today = timezone.localdate()
    visible = Decision.objects.visible_to(demo_official)  # published minutes only
    unfinished = visible.unfinished()
    overdue = visible.overdue(today)
    assert overdue.exists()  # the demo has overdue decisions
    pages = pdf_text(download(client_for(demo_official), report, "pdf"))
    assert "议定事项督办报告" in pages and f"截至 {today:%Y-%m-%d}" in pages
    assert re.search(rf"未完成议定事项：\s*{unfinished.count()}\s", pages)
    assert re.search(rf"已逾期：\s*{overdue.count()}\s", pages)
    late = overdue.order_by("deadline").first()
    assert f"逾期 {(today - late.deadline).days} 天" in pages

    book = workbook(report.xlsx.read())
    by_unit = list(book["按责任单位"].iter_rows(values_only=True))
    assert by_unit[-1][1] == unfinished.count() and by_unit[-1][4] == overdue.count()
    for unit in late.responsible_units.all():
        row = next(r for r in by_unit if r[0] == unit.display_name)
        assert row[4] == overdue.filter(responsible_units=unit).count()
    listed = list(book["未完成议定事项"].iter_rows(values_only=True))[1:]
    assert {row[3] for row in listed} == set(unfinished.values_list("text", flat=True))


# --- The event report -------------------------------------------------------------------------


@needs_pdftotext
def test_event_report_for_the_demo_event(client_for, generate, demo_official):
    event = Meeting.objects.get(kind=Meeting.Kind.EVENT, start__year=2023)

    report = generate(demo_official, kind="event", meeting=str(event.pk))

    assert report.status == GeneratedReport.Status.DONE, report.error
    assert report.title == f"活动报告：{event.title}"
    pages = pdf_text(download(client_for(demo_official), report, "pdf"))
    assert re.search(r"已邀请：\s*98", pages)
    assert re.search(r"出席：\s*91\s*/\s*98（请假 4 · 缺席 3）", pages)
    for figure in ARTICLE_FIGURES:
        assert figure in pages, figure
    assert re.search(r"签约项目：\s*33\s*·\s*246.18 亿元（另有 4 份其他协议）", pages)

    book = workbook(report.xlsx.read())
    participants = list(book["参会单位"].iter_rows(values_only=True))
    assert participants[-1][3:] == (98, 91)
    by_unit = {
        row[0]: yi(row[2])
        for row in book["各单位签约"].iter_rows(values_only=True)
        if row and row[0] in UNIT_FIGURES
    }
    assert by_unit == UNIT_FIGURES


# --- Every report for an empty year ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data"),
    [("ledger", {}), ("ledger", {"year": "2026"}), ("annual", {"year": "2026"}), ("follow_up", {})],
)
def test_every_report_renders_with_no_data(generate, official, kind, data):
    report = generate(official, kind=kind, **data)

    assert report.status == GeneratedReport.Status.DONE, report.error
    assert report.pdf.read().startswith(b"%PDF")
    assert workbook(report.xlsx.read()).sheetnames


def test_event_report_renders_for_an_event_nobody_came_to(generate, official):
    event = MeetingFactory(kind=Meeting.Kind.EVENT, status=Meeting.Status.SCHEDULED)

    report = generate(official, kind="event", meeting=str(event.pk))

    assert report.status == GeneratedReport.Status.DONE, report.error
    assert report.pdf.read().startswith(b"%PDF")


# --- Progress, keeping, failures ------------------------------------------------------------


def test_progress_is_saved_while_the_report_is_made(generate, official, monkeypatch):
    seen = []
    original = generation.report_pdf

    def watching(*args, **kwargs):
        def step():
            row = GeneratedReport.objects.get()
            seen.append((row.status, row.progress, row.step))

        step()
        pdf = original(*args, **kwargs)
        step()
        return pdf

    monkeypatch.setattr(generation, "report_pdf", watching)

    report = generate(official, kind="follow_up")

    assert seen[0] == (GeneratedReport.Status.RUNNING, 30, "正在生成 PDF")
    assert seen[1][:2] == (GeneratedReport.Status.RUNNING, 60)
    laid_out = re.fullmatch(r"正在写入 PDF（共 (\d+) 页，每秒 (\d+\.\d) 页）", seen[1][2])
    assert laid_out and int(laid_out.group(1)) >= 2  # the cover and the content
    assert float(laid_out.group(2)) > 0
    assert report.status == GeneratedReport.Status.DONE and report.step == "已完成"


def test_pending_report_page_refreshes_and_shows_progress(client_for, official):
    report = GeneratedReportFactory(requested_by=official, progress=30, step="正在生成 PDF")

    response = client_for(official).get(f"/reports/{report.pk}/")

    content = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in content
    assert '<progress id="report-progress" max="100" value="30">' in content
    assert "正在生成 PDF" in content
    assert f"/reports/{report.pk}/report.pdf" not in content
    assert client_for(official).get(f"/reports/{report.pk}/report.pdf").status_code == 404


def test_finished_report_page_links_both_files_and_stops_refreshing(client_for, generate, official):
    report = generate(official, kind="follow_up")

    content = client_for(official).get(f"/reports/{report.pk}/").content.decode()

    assert "http-equiv" not in content
    assert f"/reports/{report.pk}/report.pdf" in content
    assert f"/reports/{report.pk}/report.xlsx" in content


def test_kept_report_downloads_again_with_the_same_bytes(client_for, generate, official):
    report = generate(official, kind="follow_up")
    client = client_for(official)

    first = download(client, report, "xlsx")
    again = download(client, report, "xlsx")

    assert first == again == report.xlsx.read()
    listing = client.get("/reports/").content.decode()
    assert f"/reports/{report.pk}/report.xlsx" in listing


def test_same_report_asked_for_twice_while_pending_is_made_once(client_for, official):
    client = client_for(official)

    first = client.post("/reports/", {"kind": "annual", "year": "2026"})
    second = client.post("/reports/", {"kind": "annual", "year": "2026"}, follow=True)

    assert GeneratedReport.objects.count() == 1
    assert first["Location"] == second.redirect_chain[0][0]
    assert "该报告正在生成中。" in second.content.decode()


def test_a_lost_report_shows_as_failed_and_can_be_asked_for_again(client_for, official):
    lost = GeneratedReportFactory(
        kind="follow_up",
        title="议定事项督办报告",
        requested_by=official,
        status=GeneratedReport.Status.RUNNING,
        requested_at=timezone.now() - timedelta(hours=1),
    )
    client = client_for(official)

    page = client.get(f"/reports/{lost.pk}/").content.decode()
    client.post("/reports/", {"kind": "follow_up"})

    assert "失败" in page and "http-equiv" not in page
    assert GeneratedReport.objects.count() == 2
    lost.refresh_from_db()
    assert lost.status == GeneratedReport.Status.FAILED
    assert lost.error == "报告未在规定时间内完成，请重新生成。"


def test_a_failing_report_is_recorded_as_failed_and_keeps_no_file(
    generate, official, monkeypatch, settings
):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(generation, "report_pdf", broken)

    report = generate(official, kind="ledger")

    assert report.status == GeneratedReport.Status.FAILED
    assert report.error == "报告未能生成，请稍后重试。"
    assert not report.pdf and not report.xlsx
    stored = settings.MEDIA_ROOT / "private" / "reports"
    assert not stored.exists() or not any(stored.iterdir())


def test_report_is_made_in_the_language_it_was_asked_in(
    client_for, official, django_capture_on_commit_callbacks
):
    client = client_for(official)
    client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/", {"kind": "annual", "year": "2026"})

    report = GeneratedReport.objects.get()
    assert report.language == "en" and report.title == "Annual work report 2026"
    assert report.status == GeneratedReport.Status.DONE and report.step == "Ready"
    assert "Meetings" in workbook(report.xlsx.read()).sheetnames
    if shutil.which("pdftotext"):
        pages = pdf_text(report.pdf.read())
        assert "Period: 2026 (1 January to 31 December)" in pages
        assert "：" not in pages and "（" not in pages  # English punctuation throughout


# --- Bad requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "annual"}, "请选择年度工作报告的年份。"),
        ({"kind": "annual", "year": "abc"}, "选择一个有效的选项"),
        ({"kind": "annual", "year": "1900"}, "选择一个有效的选项"),
        ({"kind": "event"}, "请选择活动。"),
        ({"kind": "bogus"}, "选择一个有效的选项"),
        ({}, "该字段是必填项。"),
    ],
)
def test_bad_report_requests_are_refused_with_a_message(client_for, official, data, message):
    response = client_for(official).post("/reports/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GeneratedReport.objects.exists()


def test_event_report_refuses_a_meeting_that_is_not_an_event(client_for, official):
    meeting = MeetingFactory(kind=Meeting.Kind.JOINT_MEETING, status=Meeting.Status.HELD)

    response = client_for(official).post("/reports/", {"kind": "event", "meeting": meeting.pk})

    assert response.status_code == 400
    assert not GeneratedReport.objects.exists()


def test_event_report_of_an_event_deleted_meanwhile_fails_with_a_reason(official):
    event = MeetingFactory(kind=Meeting.Kind.EVENT, status=Meeting.Status.HELD)
    report = GeneratedReportFactory(
        kind="event", title="活动报告", requested_by=official, parameters={"meeting": event.pk}
    )
    event.delete()

    generation.generate_report(report.pk)

    report.refresh_from_db()
    assert report.status == GeneratedReport.Status.FAILED
    assert report.error == "该活动已不存在或不是活动。"


# --- Permissions ------------------------------------------------------------------------------


@pytest.fixture
def kept_report(generate, secretariat):
    return generate(secretariat, kind="follow_up")


@pytest.mark.parametrize("name", ["member_a", "member_b"])
def test_members_cannot_reach_reports(client_for, persona, kept_report, name):
    client = client_for(persona[name])

    assert client.get("/reports/").status_code == 403
    assert client.post("/reports/", {"kind": "follow_up"}).status_code == 403
    assert client.get(f"/reports/{kept_report.pk}/").status_code == 403
    assert client.get(f"/reports/{kept_report.pk}/report.pdf").status_code == 403
    assert client.post(f"/reports/{kept_report.pk}/delete/").status_code == 403
    assert GeneratedReport.objects.count() == 1


def test_anonymous_go_to_login(client, kept_report):
    for url in (
        "/reports/",
        f"/reports/{kept_report.pk}/",
        f"/reports/{kept_report.pk}/report.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_official_downloads_but_cannot_remove_another_users_report(
    client_for, official, kept_report
):
    client = client_for(official)

    assert client.get(f"/reports/{kept_report.pk}/report.pdf").status_code == 200
    assert client.post(f"/reports/{kept_report.pk}/delete/").status_code == 403
    assert GeneratedReport.objects.filter(pk=kept_report.pk).exists()


def test_the_requester_removes_a_report_and_its_files(
    client_for, generate, official, django_capture_on_commit_callbacks
):
    report = generate(official, kind="follow_up")
    files = [Path(report.pdf.path), Path(report.xlsx.path)]
    assert all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(official).post(f"/reports/{report.pk}/delete/")

    assert response.status_code == 302
    assert not GeneratedReport.objects.exists()
    assert not any(path.exists() for path in files)


def test_unknown_format_is_not_found(client_for, official, kept_report):
    assert client_for(official).get(f"/reports/{kept_report.pk}/report.docx").status_code == 404


# --- Query counts -----------------------------------------------------------------------------


def _reports(size: int) -> None:
    for n in range(size):
        GeneratedReportFactory(
            requested_by=UserFactory(),
            status=GeneratedReport.Status.DONE if n % 2 else GeneratedReport.Status.FAILED,
        )


@pytest.mark.parametrize("url", ["/reports/", "/api/v1/reports/"])
def test_report_list_constant_query_count(client_for, api_for, official, url):
    client = (api_for if url.startswith("/api/") else client_for)(official)
    _reports(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _reports(15)

    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(large) == len(small)


# --- The API ----------------------------------------------------------------------------------


def test_api_asks_for_a_report_follows_it_and_downloads_it(
    api_for, official, django_capture_on_commit_callbacks
):
    client = api_for(official)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/reports/", {"kind": "annual", "year": 2026}, format="json")

    assert response.status_code == 202
    report_id = response.data["id"]
    report = client.get(f"/api/v1/reports/{report_id}/").data
    assert report["status"] == "done" and report["progress"] == 100
    assert report["title"] == "2026年度工作报告" and report["parameters"] == {"year": 2026}
    pdf = client.get(report["pdf_url"])
    xlsx = client.get(report["xlsx_url"])
    assert pdf.status_code == xlsx.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert (
        xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    listing = client.get("/api/v1/reports/").data
    assert [item["id"] for item in listing["results"]] == [report_id]


def test_api_pending_report_has_no_files_yet(api_for, official):
    client = api_for(official)

    response = client.post("/api/v1/reports/", {"kind": "follow_up"}, format="json")

    assert response.status_code == 202
    assert response.data["status"] == "queued" and response.data["pdf_url"] is None
    assert client.get(f"/api/v1/reports/{response.data['id']}/pdf/").status_code == 404
    removing = client.delete(f"/api/v1/reports/{response.data['id']}/")
    assert removing.status_code == 400
    assert removing.data["detail"] == "报告生成期间不能删除。"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "annual"}, "year", "请选择年度工作报告的年份。"),
        ({"kind": "event"}, "meeting", "请选择活动。"),
        ({"kind": "event", "meeting": 999999}, "meeting", "选择一个有效的选项"),
        ({"kind": "bogus"}, "kind", "不是合法选项"),
    ],
)
def test_api_refuses_bad_requests_in_the_common_error_shape(
    api_for, official, data, field, message
):
    response = api_for(official).post("/api/v1/reports/", data, format="json")

    assert response.status_code == 400
    assert message in response.data["errors"][field][0]
    assert not GeneratedReport.objects.exists()


def test_api_reports_are_closed_to_members(api_for, member_a, kept_report):
    client = api_for(member_a)

    assert client.get("/api/v1/reports/").status_code == 403
    assert client.get(f"/api/v1/reports/{kept_report.pk}/").status_code == 403
    assert client.get(f"/api/v1/reports/{kept_report.pk}/pdf/").status_code == 403
    assert client.post("/api/v1/reports/", {"kind": "follow_up"}).status_code == 403
    assert client.delete(f"/api/v1/reports/{kept_report.pk}/").status_code == 403


def test_api_only_requester_or_secretariat_removes(
    api_for, official, secretariat, kept_report, django_capture_on_commit_callbacks
):
    assert api_for(official).delete(f"/api/v1/reports/{kept_report.pk}/").status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(secretariat).delete(f"/api/v1/reports/{kept_report.pk}/")

    assert response.status_code == 204
    assert not GeneratedReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_for_the_same_report_make_one(monkeypatch):
    monkeypatch.setattr(generation, "submit", lambda *args: None)  # stays pending
    users = [UserFactory(role="official") for _n in range(8)]
    results = []

    def ask(user):
        return lambda: results.append(generation.request_report(user, "annual", {"year": 2025}))

    errors = run_at_once([ask(user) for user in users])

    assert errors == []
    assert GeneratedReport.objects.count() == 1
    (report,) = GeneratedReport.objects.all()
    assert {made.pk for made, _new in results} == {report.pk}
    assert sum(1 for _made, new in results if new) == 1


# --- Keeping reports --------------------------------------------------------------------------


def test_old_finished_reports_are_pruned_with_their_files(
    generate, official, settings, django_capture_on_commit_callbacks
):
    old = generate(official, kind="follow_up")
    recent = generate(official, kind="ledger")
    pending = GeneratedReportFactory(
        kind="annual", requested_by=official, parameters={"year": 2026}
    )
    long_ago = timezone.now() - timedelta(days=40)
    GeneratedReport.objects.filter(pk__in=[old.pk, pending.pk]).update(requested_at=long_ago)
    files = [Path(old.pdf.path), Path(old.xlsx.path)]

    settings.REPORTS_KEEP_DAYS = 0
    assert generation.prune_reports() == 0  # keeping every report is the default
    settings.REPORTS_KEEP_DAYS = 30
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_reports", stdout=out)

    assert out.getvalue().strip() == "2 reports removed."  # the old one, and the lost one
    assert list(GeneratedReport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not any(path.exists() for path in files)
    assert Path(recent.pdf.path).exists()


def test_the_beat_schedule_prunes_reports_daily(official, settings):
    entry = live_settings.CELERY_BEAT_SCHEDULE["prune-reports"]
    assert entry["task"] == generation.prune_reports_task.name
    assert entry["schedule"] == 24 * 60 * 60
    GeneratedReportFactory(
        kind="follow_up",
        requested_by=official,
        status=GeneratedReport.Status.FAILED,
        requested_at=timezone.now() - timedelta(days=9),
    )
    settings.REPORTS_KEEP_DAYS = 7

    assert generation.prune_reports_task.apply().get() == 1
    assert not GeneratedReport.objects.exists()


# --- The year asked for, the period, the attendance rate, the cover -------------------------


def pdf_layout(content: bytes, *, last_page: int | None = None) -> str:
    """The PDF's text laid out as on the page (table rows on one line each)."""
    pages = ["-l", str(last_page)] if last_page else []
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", *pages, "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


def _selected_annual_year(client) -> str:
    page = client.get("/reports/").content.decode()
    select = re.search(r'<select name="year" id="annual-year"[^>]*>(.*?)</select>', page, re.S)
    return re.search(r'<option value="(\d+)" selected>', select.group(1)).group(1)


def test_annual_report_defaults_to_the_latest_year_with_data(client_for, official, enterprise_a):
    agreement_with_party(enterprise_a, signed_on=date(2023, 12, 20))
    MeetingFactory(start=timezone.now().replace(year=2024), status=Meeting.Status.HELD)
    client = client_for(official)
    assert _selected_annual_year(client) == "2024"

    # Scheduling next year's meeting does not move it.
    MeetingFactory(start=timezone.now() + timedelta(days=400))

    assert _selected_annual_year(client) == "2024"


def test_annual_report_default_year_is_counted_in_beijing_time(client_for, official):
    # 2025-01-01 01:00 in Beijing is still 2024 in UTC.
    MeetingFactory(start=datetime(2024, 12, 31, 17, 0, tzinfo=UTC), status=Meeting.Status.HELD)

    assert _selected_annual_year(client_for(official)) == "2025"


def test_annual_report_defaults_to_this_year_without_data(client_for, official):
    assert _selected_annual_year(client_for(official)) == str(timezone.localdate().year)


@needs_pdftotext
def test_ledger_of_all_years_says_so(generate, official, enterprise_a):
    agreement_with_party(enterprise_a, signed_on=date(2023, 5, 1))
    agreement_with_party(enterprise_a, signed_on=date(2024, 5, 1))

    pages = pdf_text(generate(official, kind="ledger").pdf.read())

    assert "统计期间：全部年份（签约年度 2023–2024）" in pages
    assert "统计期间：2023" not in pages


@needs_pdftotext
def test_annual_report_shows_no_attendance_rate_before_a_meeting_is_held(
    generate, official, enterprise_a
):
    year = timezone.localdate().year + 1
    ahead = MeetingFactory(title="明年的联席会议", start=timezone.now().replace(year=year))
    invitation = InvitationFactory(
        meeting=ahead,
        organisation=enterprise_a,
        status=Invitation.Status.ACCEPTED,
        answered_at=timezone.now(),
    )
    Attendee.objects.create(invitation=invitation, name="王喆")

    report = generate(official, kind="annual", year=str(year))

    pages = pdf_layout(report.pdf.read())
    assert re.search(r"明年的联席会议\s+\d{4}-\d\d-\d\d\s+已安排\s+1\s+1\s+0\s+0\s+0\s+—\n", pages)
    assert "0%" not in pages
    meetings = list(workbook(report.xlsx.read())["会议"].iter_rows(values_only=True))
    assert meetings[1][0] == "明年的联席会议" and meetings[1][-1] == "—"


@needs_pdftotext
def test_event_report_cover_keeps_the_event_name_whole(generate, official):
    title = "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"
    event = MeetingFactory(kind=Meeting.Kind.EVENT, title=title, status=Meeting.Status.HELD)

    pdf = generate(official, kind="event", meeting=str(event.pk)).pdf.read()

    cover = pdf_layout(pdf, last_page=1)
    lines = [line.strip() for line in cover.splitlines() if line.strip()]
    assert lines[0] == "活动报告：2023湖南民营企业进边疆·"
    assert lines[1] == "吐鲁番行招商推介会暨项目签约仪式"
    assert "出席率 —" in pdf_text(pdf)  # nobody expected: no rate
