"""The agreements ledger's list of projects over many pages, read back with pdftotext: every
row once and in order, the header row on every page, the totals of the figures; the nowrap
columns wide enough for their longest value."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from agreements.models import Agreement
from agreements.statistics import agreement_statistics
from agreements.tests.factories import SigningUnitFactory, agreement_with_party
from liaison.tests.factories import PartnershipFactory, SectorFactory
from reports.models import GeneratedReport
from reports.tests.test_dashboard import needs_pdftotext
from reports.tests.test_reports import generate, pdf_layout  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LONG_UNIT = "吐鲁番市鄯善县招商引资服务中心"
ROWS = 120
# Asking for the ledger and making it (page, task, figures, rows, PDF, .xlsx, storing, the
# requester's inbox notice).
QUERIES = 56
# On PostgreSQL the report is made under an advisory lock, taken and released: two more.
LOCK_QUERIES = {"postgresql": 2}


@pytest.fixture(autouse=True)
def _report_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def long_ledger(enterprise_a):
    """120 projects of 0.01 to 1.20 亿元 (so each printed amount is exact), half of them
    under a signing unit with a long name."""
    partnership = PartnershipFactory()
    units = [SigningUnitFactory(name="高昌区"), SigningUnitFactory(name=LONG_UNIT)]
    sectors = [SectorFactory(name="现代农业"), SectorFactory(name="文旅康养")]
    for n in range(ROWS):
        agreement_with_party(
            enterprise_a,
            title=f"台账测试项目{n:03d}",
            partnership=partnership,
            signing_unit=units[n % 2],
            sector=sectors[n % 2],
            signed_on=date(2024, 1 + n % 12, 1),
            amount=Decimal(1_000_000 * (n + 1)),
            funds_in_place=Decimal(1_000_000 * (n // 2)),
        )


ROW = re.compile(
    r"^\s*(\d+)\s+(台账测试项目\d{3})\s+(\S+)\s+(\S+)\s+\d{4}-\d\d-\d\d\s+\S+"
    r"\s+([\d,]+\.\d\d)\s+([\d,]+\.\d\d)\s*$",
    re.MULTILINE,
)


@needs_pdftotext
def test_long_ledger_lists_every_project_under_a_header_on_every_page(
    generate,  # noqa: F811 (the fixture imported above)
    official,
    long_ledger,
):
    report = generate(official, kind="ledger")

    assert report.status == GeneratedReport.Status.DONE
    pdf = report.pdf.read()
    pages = pdf_layout(pdf).split("\f")
    rows_by_page = [ROW.findall(page) for page in pages]
    ledger_pages = [(page, rows) for page, rows in zip(pages, rows_by_page, strict=True) if rows]
    assert len(ledger_pages) >= 3
    for page, rows in ledger_pages:
        header = re.search(
            r"序号\s+项目名称\s+签约单位\s+产业类别\s+签约日期\s+状态\s+签约金额", page
        )
        assert header and header.start() < page.index(rows[0][1])
    rows = [row for _, page_rows in ledger_pages for row in page_rows]
    assert [int(row[0]) for row in rows] == list(range(1, ROWS + 1))
    assert sorted(row[1] for row in rows) == [f"台账测试项目{n:03d}" for n in range(ROWS)]
    assert sum(row[2] == LONG_UNIT for row in rows) == ROWS // 2  # never wrapped

    stats = agreement_statistics(Agreement.objects.projects())
    assert (stats.count, stats.amount, stats.funds_in_place) == (
        ROWS,
        Decimal("7260000000.00"),
        Decimal("3540000000.00"),
    )
    printed = [Decimal(row[4]) for row in rows], [Decimal(row[5]) for row in rows]
    assert (sum(printed[0]), sum(printed[1])) == (Decimal("72.60"), Decimal("35.40"))
    last_page = ledger_pages[-1][0]
    assert re.search(r"合计\s+72\.60\s+35\.40\s*$", last_page, re.MULTILINE)
    assert "签约项目数：120" in re.sub(r"\s", "", "".join(pages))


@needs_pdftotext
def test_long_ledger_columns_hold_their_longest_value(
    generate,  # noqa: F811 (the fixture imported above)
    official,
    long_ledger,
):
    pdf = generate(official, kind="ledger").pdf
    with pdfplumber.open(pdf.open("rb")) as document:
        page = next(p for p in document.pages if "项目名称" in (p.extract_text() or ""))
        words = page.extract_words(keep_blank_chars=False)
    unit = next(word for word in words if word["text"] == LONG_UNIT)
    header = {word["text"]: word for word in words if word["top"] < unit["top"]}
    # The unit's name ends before the next column (产业类别) begins.
    assert unit["x1"] < header["产业类别"]["x0"]


@needs_pdftotext
def test_long_ledger_in_english_leaves_the_title_its_room(
    client_for, official, long_ledger, django_capture_on_commit_callbacks
):
    client = client_for(official)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/", {"kind": "ledger"})

    report = GeneratedReport.objects.get()
    assert report.language == "en" and report.status == GeneratedReport.Status.DONE
    text = pdf_layout(report.pdf.read())
    # Each title on one line of its row (the units "(100 million yuan)" wrap under their
    # headers instead of squeezing the title column to a character a line).
    titles = re.findall(r"^\s*\d+\s+(台账测试项目\d{3})\s", text, re.MULTILINE)
    assert sorted(titles) == [f"台账测试项目{n:03d}" for n in range(ROWS)]
    with pdfplumber.open(report.pdf.open("rb")) as document:
        page = next(p for p in document.pages if "台账测试项目" in (p.extract_text() or ""))
        words = {word["text"]: word for word in page.extract_words()}
    # The wrapped money headers stay inside their columns.
    assert words["amount"]["x1"] < words["funds"]["x0"]
    assert words["funds"]["x1"] <= page.width


def _projects(enterprise, count: int) -> None:
    partnership = PartnershipFactory()
    unit, sector = SigningUnitFactory(name="高昌区"), SectorFactory(name="现代农业")
    for n in range(count):
        agreement_with_party(
            enterprise,
            title=f"查询计数项目{n:03d}",
            partnership=partnership,
            signing_unit=unit,
            sector=sector,
            signed_on=date(2025, 1 + n % 12, 1),
            amount=Decimal(1_000_000 * (n + 1)),
        )


@pytest.mark.parametrize("count", [2, 12])
def test_ledger_generation_reads_a_fixed_number_of_queries(
    generate,  # noqa: F811 (the fixture imported above)
    official,
    enterprise_a,
    django_assert_num_queries,
    count,
):
    _projects(enterprise_a, count)
    ContentType.objects.clear_cache()  # the same start whichever test ran before
    with django_assert_num_queries(QUERIES + LOCK_QUERIES.get(connection.vendor, 0)):
        report = generate(official, kind="ledger")
    assert report.status == GeneratedReport.Status.DONE


def _pdffonts(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "ledger.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return output.stdout.splitlines()[2:]


@needs_pdftotext
def test_long_ledger_pages_are_numbered_through_its_drawn_list(
    generate,  # noqa: F811 (the fixture imported above)
    official,
    long_ledger,
    tmp_path,
):
    """The list of projects is drawn (reports/drawn_table.py) between HTML pages: every page
    but the cover still says "第 X 页 共 Y 页", counting on without a gap and Y the real count;
    the list starts on a page of its own and the figures by kind follow it; the fonts are the
    HTML's, embedded as subsets (no Type 3 glyphs)."""
    pdf = generate(official, kind="ledger").pdf.read()
    pages = pdf_layout(pdf).split("\f")[:-1]  # pdftotext ends each page with a form feed
    total = len(pages)
    numbers = [re.search(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", page) for page in pages]
    assert numbers[0] is None  # the cover
    assert [(int(m[1]), int(m[2])) for m in numbers[1:]] == [
        (n, total) for n in range(2, total + 1)
    ]
    list_pages = [n for n, page in enumerate(pages) if ROW.search(page)]
    assert len(list_pages) >= 3 and list_pages == list(range(list_pages[0], list_pages[-1] + 1))
    first = pages[list_pages[0]]
    assert "签约项目明细" in first and "按签约单位" not in first  # a page of its own
    assert "分类型落实情况" in "".join(pages[list_pages[-1] :])

    fonts = _pdffonts(pdf, tmp_path)
    assert fonts
    for row in fonts:
        assert re.match(r"^[A-Z]{6}\+Noto-Sans-CJK-SC", row), row
        assert "Type 3" not in row
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], f"not emb/sub/uni: {row}"


LONG_TITLE = "吐鲁番市高昌区湘吐合作现代农业产业园葡萄与哈密瓜精深加工及冷链物流一体化建设项目"


@needs_pdftotext
def test_long_title_wraps_inside_its_cell(
    generate,  # noqa: F811 (the fixture imported above)
    official,
    enterprise_a,
):
    agreement_with_party(
        enterprise_a,
        title=LONG_TITLE,
        partnership=PartnershipFactory(),
        signing_unit=SigningUnitFactory(name="高昌区"),
        sector=SectorFactory(name="现代农业"),
        signed_on=date(2025, 5, 1),
        amount=Decimal(300_000_000),
    )

    pdf = generate(official, kind="ledger").pdf
    with pdfplumber.open(pdf.open("rb")) as document:
        page = next(p for p in document.pages if "项目名称" in (p.extract_text() or ""))
        words = {w["text"]: w for w in page.extract_words()}
        chars = page.chars
    column = words["项目名称"]["x0"], words["签约单位"]["x0"]
    row = [c for c in chars if words["项目名称"]["bottom"] < c["top"] < words["合计"]["top"] - 1]
    in_column = [c for c in row if column[0] - 1 <= c["x0"] and c["x1"] < column[1]]
    lines = sorted({round(c["top"]) for c in in_column})
    # The title on several lines, all inside its column, in order; nothing else overflows
    # into the next column.
    assert len(lines) >= 2
    in_reading_order = sorted(in_column, key=lambda c: (round(c["top"]), c["x0"]))
    assert "".join(c["text"] for c in in_reading_order) == LONG_TITLE
    unit = [c for c in row if column[1] <= c["x0"] < words["产业类别"]["x0"]]
    assert "".join(c["text"] for c in unit) == "高昌区"


@needs_pdftotext
def test_empty_ledger_says_so_and_draws_no_list(
    generate,  # noqa: F811 (the fixture imported above)
    official,
):
    report = generate(official, kind="ledger")

    assert report.status == GeneratedReport.Status.DONE
    text = pdf_layout(report.pdf.read())
    assert "签约项目明细" in text and "暂无协议。" in text
    assert "合计" not in text
    pages = text.split("\f")[:-1]
    assert re.search(rf"共\s*{len(pages)}\s*页", pages[-1])
