"""The editable Word copy of the minutes (.docx): read back by independent readers (python-docx,
the raw XML of the package, LibreOffice), and served beside the PDF on the page and in the API
to the same people."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from meetings import minutes as workflow
from meetings.minutes.document import DecisionLine
from meetings.minutes.word import MIME_TYPE, render_minutes_docx
from meetings.tests.minutes_setup import published
from meetings.tests.test_minutes_pdf import make_document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LONG_DATE = DecisionLine(
    5, "年底前完成全部签约项目的复核。", ["吐鲁番市人民政府"], date(2026, 12, 31)
)


@pytest.fixture(scope="module")
def published_docx() -> bytes:
    document = make_document(is_draft=False)
    return render_minutes_docx(
        make_document(is_draft=False, decisions=[*document.decisions, LONG_DATE])
    )


def libreoffice_pdf(data: bytes, folder: Path) -> Path:
    """The .docx ``data`` converted to PDF by LibreOffice (an independent reader), in ``folder``."""
    source = folder / "minutes.docx"
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder / "minutes.pdf"


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name).decode("utf-8")


def test_docx_has_the_page_and_margins_of_the_standard(published_docx):
    section = Document(io.BytesIO(published_docx)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]
    # The same in the raw XML, in twentieths of a point.
    xml = part(published_docx, "word/document.xml")
    assert re.search(r'<w:pgSz w:w="1190[56]" w:h="1683[78]"', xml)
    assert re.search(r'w:top="209[78]"', xml) and re.search(r'w:left="158[78]"', xml)


def test_docx_has_the_structure_of_the_minutes(published_docx):
    document = Document(io.BytesIO(published_docx))
    source = make_document(is_draft=False)
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    texts = [text for _style, text in paragraphs]
    assert "〔2025〕1号" in texts
    assert ("Title", source.title) in paragraphs
    assert [text for style, text in paragraphs if style == "Heading 1"] == [
        "一、会议议题及讨论情况",
        "二、议定事项",
        "三、签约项目",
    ]
    level_two = [text for style, text in paragraphs if style == "Heading 2"]
    assert level_two == [
        f"（{n}）{item.title}" for n, item in zip("一二三", source.agenda, strict=True)
    ]
    assert any(text.startswith("时间：2025年3月5日 9:30—12:00") for text in texts)
    attendance = [text for text in texts if text[:3] in ("出席：", "请假：", "列席：")]
    assert [text[:3] for text in attendance] == ["出席：", "请假：", "列席："]
    assert all(name in attendance[0] for name in ("王堃", "张赟", "李喆"))
    assert texts[-1] == "2025年3月10日"
    closing = next(p for p in document.paragraphs if p.text == "2025年3月10日")
    assert closing.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # The red header: the joint issuing bodies and 纪要, red.
    mark = document.tables[0]
    assert mark.cell(0, 0).text.split("\n") == ["湖南省工商联", "吐鲁番市人民政府"]
    assert mark.cell(0, 1).text == "纪要"
    assert mark.cell(0, 1).paragraphs[0].runs[0].font.color.rgb == (0xFF, 0x00, 0x00)


def test_docx_decisions_table_with_a_repeated_heading_and_unbroken_dates(published_docx):
    document = Document(io.BytesIO(published_docx))
    table = document.tables[1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "议定事项", "责任单位", "完成时限"]
    assert [row[3] for row in rows[1:]] == [
        "2025年3月31日",
        "2025年6月30日",
        "2025年12月1日",
        "—",
        "2026年12月31日",
    ]
    assert rows[1][2] == "湖南省工商联、吐鲁番市工商联"
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert all(row.cells[3]._tc.find(f"{W}tcPr/{W}noWrap") is not None for row in table.rows[1:])


def test_docx_names_the_standard_faces_with_their_alternatives(published_docx):
    styles = part(published_docx, "word/styles.xml")
    normal = styles[styles.index('w:styleId="Normal"') :]
    normal = normal[: normal.index("</w:style>")]
    assert 'w:eastAsia="仿宋_GB2312"' in normal and 'w:ascii="Times New Roman"' in normal
    assert re.search(r'w:sz w:val="32"', normal)  # 16 pt, in half-points
    assert re.search(r'<w:spacing w:lineRule="exact"[^>]* w:line="579"', normal)  # 28.95 pt
    heading_1 = styles[styles.index('w:styleId="Heading1"') :]
    assert 'w:eastAsia="黑体"' in heading_1[: heading_1.index("</w:style>")]
    heading_2 = styles[styles.index('w:styleId="Heading2"') :]
    assert 'w:eastAsia="楷体_GB2312"' in heading_2[: heading_2.index("</w:style>")]
    fonts = part(published_docx, "word/fontTable.xml")
    for name, alternative in (("仿宋_GB2312", "FangSong"), ("楷体_GB2312", "KaiTi")):
        assert re.search(rf'w:name="{name}"><w:altName w:val="{alternative}"/>', fonts)
    # Nothing embedded: the copy names its faces.
    with zipfile.ZipFile(io.BytesIO(published_docx)) as package:
        assert not [name for name in package.namelist() if name.startswith("word/fonts/")]


def test_docx_page_numbers_on_the_outer_side(published_docx):
    document = Document(io.BytesIO(published_docx))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    assert round(odd.paragraph_format.right_indent.pt) == 14
    assert round(even.paragraph_format.left_indent.pt) == 14
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert " PAGE " in footer._p.xml and 'w:fldCharType="begin"' in footer._p.xml


def test_draft_docx_says_it_is_a_draft():
    draft = Document(io.BytesIO(render_minutes_docx(make_document())))
    assert draft.sections[0].header.paragraphs[0].text == "草稿 第1版"
    assert not [p for p in draft.paragraphs if re.fullmatch(r"\d{4}年\d+月\d+日", p.text)]


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (libreoffice-writer-nogui) is not installed; scripts/setup.sh installs it",
)
def test_libreoffice_opens_the_docx_and_converts_it_to_pdf(published_docx, tmp_path):
    pdf = libreoffice_pdf(published_docx, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) >= 3
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for expected in ("湘吐合作2025年联席会议纪要", "议定事项", "出席：", "—1—", "—2—"):
        assert expected in flat


@pytest.mark.django_db
def test_docx_page_for_the_readers_of_the_version(
    setting, minutes, secretariat, official, member_a, member_b, client_for
):
    version = workflow.current_version(minutes)
    url = reverse("minutes-version-docx", args=[version.pk])
    response = client_for(setting.approver_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == MIME_TYPE
    assert ".docx" in response["Content-Disposition"]
    copy = Document(io.BytesIO(response.content))
    assert copy.sections[0].header.paragraphs[0].text == "草稿 第1版"
    assert client_for(official).get(url).status_code == 404  # drafts: reviewers only
    page = client_for(secretariat).get(reverse("minutes-version", args=[version.pk]))
    assert url in page.content.decode()
    published(minutes, setting, secretariat)
    assert client_for(member_a).get(url).status_code == 200
    assert client_for(member_b).get(url).status_code == 404  # enterprise B was not invited


@pytest.mark.django_db
def test_docx_api_action_for_the_readers_of_the_version(
    setting, minutes, secretariat, member_b, api_for
):
    version = published(minutes, setting, secretariat)
    url = f"/api/v1/minutes-versions/{version.pk}/docx/"
    response = api_for(setting.approver_b).get(url)
    assert response.status_code == 200 and response["Content-Type"] == MIME_TYPE
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "第一次联席会议纪要" in texts
    assert version.published_at is not None
    assert api_for(member_b).get(url).status_code == 404


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (libreoffice-writer-nogui) is not installed; scripts/setup.sh installs it",
)
def test_libreoffice_keeps_each_issuing_body_of_the_mark_on_one_line(tmp_path):
    """Nine 26 pt characters (湖南省工商业联合会) need about 83 mm; the mark's table gives the
    bodies the block but the 纪要 column, so no reader wraps a name."""
    data = render_minutes_docx(
        make_document(is_draft=False, issuing_body="湖南省工商业联合会 吐鲁番市人民政府")
    )
    table = Document(io.BytesIO(data)).tables[0]
    assert [round(cell.width.mm) for cell in table.rows[0].cells] == [120, 36]
    pdf = libreoffice_pdf(data, tmp_path)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [re.sub(r"\s+", "", line) for line in text.splitlines()]
    assert any(line.startswith("湖南省工商业联合会") for line in lines), lines[:8]
    assert any(line.startswith("吐鲁番市人民政府") for line in lines), lines[:8]
