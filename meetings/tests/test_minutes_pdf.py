"""The minutes PDF (GB/T 9704-2012 layout), checked on the rendered file with poppler's tools.

Documents are built directly as ``MinutesDocument`` objects: the PDF layer needs no models.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import shutil
import subprocess
import unicodedata
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import weasyprint.text.ffi
from PIL import Image

from liaison.pdf import (
    RefusedResource,
    StaticOnlyURLFetcher,
    check_pdf_environment,
    harfbuzz_subsetting_available,
    render_pdf,
)
from meetings.minutes.document import AgendaSummary, AgreementLine, DecisionLine, MinutesDocument
from meetings.minutes.pdf import chinese_date, chinese_number, render_minutes_pdf

POPPLER = ("pdftotext", "pdffonts", "pdfinfo", "pdfdetach")
needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in POPPLER),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo, pdfdetach) is not installed; "
    "scripts/setup.sh installs it",
)

RARE_NAMES = ["王堃", "李喆", "张赟", "刘玥"]
SUMMARY = (
    "会议听取了双方秘书处关于上一年度合作情况的汇报。与会同志认为，湘吐两地产业互补性强，"
    "合作基础扎实，“湖南民营企业进边疆·吐鲁番行”活动成效明显，签约项目落地率稳步提高。"
    "会议强调，要坚持政府搭台、企业唱戏，围绕葡萄、哈密瓜等特色农产品精深加工、新能源、"
    "文化旅游等重点领域，进一步完善联络机制，推动更多项目落实落地。"
)


def make_document(*, agenda_items: int = 3, is_draft: bool = True, **changes) -> MinutesDocument:
    """Realistic minutes of a joint meeting; each agenda item adds about two thirds of a page."""
    values = {
        "issuing_body": "湖南省工商联 吐鲁番市人民政府",
        "document_number": "〔2025〕1号",
        "title": "湘吐合作2025年联席会议纪要",
        "meeting_title": "湘吐合作2025年联席会议",
        "start": datetime(2025, 3, 5, 1, 30, tzinfo=UTC),
        "end": datetime(2025, 3, 5, 4, 0, tzinfo=UTC),
        "place": "吐鲁番市人民政府第一会议室",
        "chairs": ["刘事青", "张健"],
        "recorder": "李喆",
        "present": [
            "刘事青（湖南省工商联党组书记）",
            "张健（吐鲁番市人民政府副市长）",
            "王堃（湖南省工商联经济服务部部长）",
            "张赟（吐鲁番市工商联主席）",
            "陈立新（湖南省工商联联络部副部长）",
            "买买提·艾力（吐鲁番市发展和改革委员会主任）",
        ],
        "excused": ["刘玥（吐鲁番市商务局局长）"],
        "observers": ["周文（湖南某食品有限公司董事长）", "赵明（吐鲁番某葡萄酒业有限公司总经理）"],
        "opening": "2025年3月5日，湘吐合作2025年联席会议在吐鲁番市召开。会议由刘事青、张健共同主持，"
        "双方有关部门负责同志和会员企业代表参加会议。现将会议议定事项纪要如下：",
        "agenda": [
            AgendaSummary(title=f"关于第{chinese_number(i)}项合作事项的汇报", summary=SUMMARY * 2)
            for i in range(1, agenda_items + 1)
        ],
        "decisions": [
            DecisionLine(
                1,
                "建立双方秘书处季度会商制度，每季度末通报合作项目进展。",
                ["湖南省工商联", "吐鲁番市工商联"],
                date(2025, 3, 31),
            ),
            DecisionLine(
                2,
                "组织湖南民营企业赴吐鲁番考察特色农产品精深加工项目。",
                ["湖南省工商联经济服务部"],
                date(2025, 6, 30),
            ),
            DecisionLine(
                3,
                "梳理已签约项目落地情况，形成专题报告提交下次联席会议。",
                ["吐鲁番市发展和改革委员会"],
                date(2025, 12, 1),
            ),
            DecisionLine(
                4, "持续推进互助联谊会会员发展工作。", ["湖南省工商联", "吐鲁番市人民政府"], None
            ),
        ],
        "agreements": [
            AgreementLine(
                "葡萄干精深加工项目合作协议",
                ["湖南某食品有限公司", "吐鲁番市高昌区人民政府"],
                "3.2 亿元",
            ),
            AgreementLine("文化旅游合作框架协议", ["湖南省工商联", "吐鲁番市人民政府"]),
        ],
        "is_draft": is_draft,
        "published_on": None if is_draft else date(2025, 3, 10),
        "author": "湘吐合作联席会议秘书处",
    }
    values["present"] = values["present"] + ["李喆（吐鲁番市工商联秘书长）"]
    values.update(changes)
    return MinutesDocument(**values)


def poppler(*args: str | Path) -> str:
    return subprocess.run(
        [str(arg) for arg in args], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


def pdf_text(path: Path, *options: str) -> str:
    return poppler("pdftotext", "-enc", "UTF-8", *options, path, "-")


def squeeze(text: str) -> str:
    """The text without whitespace and page numbers, so wrapped and split lines join up."""
    return re.sub(r"\s+", "", re.sub(r"—\s*\d+\s*—", "", text))


def pdf_objects(path: Path) -> str:
    """The PDF's objects as text, compressed object streams included (for dictionary keys)."""
    data = path.read_bytes()
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, flags=re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return b"\n".join(parts).decode("latin-1")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """Draft, published and archival PDFs of the same minutes, rendered once for the module."""
    folder = tmp_path_factory.mktemp("minutes")
    files = {}
    for name, document, options in [
        ("draft", make_document(), {}),
        ("published", make_document(is_draft=False), {}),
        ("archival", make_document(is_draft=False), {"archival": True}),
    ]:
        files[name] = folder / f"{name}.pdf"
        files[name].write_bytes(render_minutes_pdf(document, **options))
    return files


def test_pdf_environment_has_harfbuzz_subsetting():
    assert weasyprint.text.ffi.harfbuzz_subset is not None
    assert harfbuzz_subsetting_available()
    assert check_pdf_environment() == []


def test_url_fetcher_serves_static_files_only():
    fetcher = StaticOnlyURLFetcher()
    assert fetcher.local_path("file:///static/pdf/minutes.css").name == "minutes.css"
    for url in [
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/pdf/missing.css",
        "https://example.com/x.css",
        "http://127.0.0.1:8000/static/pdf/minutes.css",
        "data:text/css,body{}",
        "file:///usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/../../../../../../etc/passwd",
    ]:
        with pytest.raises(RefusedResource):
            fetcher.local_path(url)


def test_render_pdf_does_not_fetch_outside_resources(tmp_path, caplog):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the pdf")
    html = f'<html lang="zh-CN"><body><img src="{secret.as_uri()}"><p>正文</p></body></html>'
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert any("secret.png" in record.getMessage() for record in caplog.records)


def test_chinese_dates_and_numbers_are_unpadded():
    assert chinese_date(date(2025, 3, 5)) == "2025年3月5日"
    assert chinese_date(datetime(2025, 12, 31, 17, 0, tzinfo=UTC)) == "2026年1月1日"  # Beijing
    assert [chinese_number(n) for n in (1, 10, 12, 20, 35)] == [
        "一",
        "十",
        "十二",
        "二十",
        "三十五",
    ]


@needs_poppler
def test_minutes_pdf_text_has_title_attendees_and_decisions(rendered):
    document = make_document()
    text = pdf_text(rendered["published"])
    flat = squeeze(text)
    assert squeeze(document.title) in flat
    assert "〔2025〕1号" in flat
    assert "纪要" in flat
    for name in RARE_NAMES:
        assert name in flat
    for entry in document.present + document.excused + document.observers:
        assert squeeze(entry) in flat
    for label in ("出席：", "请假：", "列席：", "议定事项", "责任单位", "完成时限"):
        assert label in flat
    # The decisions table: -raw keeps each cell's lines together.
    cells = squeeze(pdf_text(rendered["published"], "-raw"))
    for decision in document.decisions:
        assert squeeze(decision.text) in cells
        assert squeeze("、".join(decision.responsible_units)) in cells
    for dated in ("2025年3月31日", "2025年6月30日", "2025年12月1日", "2025年3月5日"):
        assert dated in flat
    assert "2025年03月" not in flat


@needs_poppler
def test_minutes_pdf_text_has_no_replacement_or_private_use_characters(rendered):
    text = pdf_text(rendered["draft"])
    assert "\ufffd" not in text
    assert not [char for char in text if unicodedata.category(char) == "Co"]


@needs_poppler
def test_minutes_pdf_fonts_are_the_intended_families_embedded_and_subset(rendered):
    intended = (
        "FandolFang",
        "Noto-Serif-CJK-SC",
        "Noto-Sans-CJK-SC",
        "AR-PL-UKai-CN",
        "Liberation-Serif-Latin",
    )
    rows = poppler("pdffonts", rendered["published"]).splitlines()[2:]
    assert rows
    families = set()
    for row in rows:
        name = row.split()[0]
        assert re.match(r"^[A-Z]{6}\+", name), f"not subset: {row}"
        assert any(family in name for family in intended), f"unexpected font: {row}"
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], f"not emb/sub/uni: {row}"
        families.add(name.split("+", 1)[1])
    joined = " ".join(families)
    for family in (*intended, "Noto-Serif-CJK-SC-Bold"):
        assert family in joined


@needs_poppler
def test_minutes_pdf_is_a4(rendered):
    info = poppler("pdfinfo", rendered["draft"])
    assert re.search(r"Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info), info


def watermark_pixels(path: Path, page: int) -> int:
    """How many pixels of the page (at 20 dpi) have the watermark's pale red (the red mark's
    anti-aliased edges on page 1 have some too)."""
    png = subprocess.run(
        ["pdftoppm", "-r", "20", "-f", str(page), "-l", str(page), "-png", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 240 and 190 < g < 245 and abs(g - b) < 12)


@needs_poppler
def test_draft_watermark_is_drawn_on_every_draft_page_and_never_extracted(rendered):
    pages = pdf_text(rendered["draft"], "-raw").split("\f")[:-1]
    assert len(pages) >= 2
    for number in range(1, len(pages) + 1):
        drawn = watermark_pixels(rendered["draft"], number)
        assert drawn > watermark_pixels(rendered["published"], number) + 300
    # A vector drawing: neither word of it comes out of text extraction, so it never mixes
    # into the body lines it crosses ("企业唱戏", not "草企业唱戏").
    for options in ((), ("-raw",), ("-layout",)):
        text = squeeze(pdf_text(rendered["draft"], *options))
        assert "草" not in text and "稿" not in text
        assert "企业唱戏" in text


@needs_poppler
def test_page_numbers_in_official_form(rendered):
    pages = pdf_text(rendered["published"]).split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"—\s*{number}\s*—", page), page[-200:]


@needs_poppler
def test_no_line_starts_with_closing_punctuation(rendered):
    closing = "，。、；：？！）」』》〉】〕”’…—·"
    lines = [line.strip() for line in pdf_text(rendered["published"], "-layout").splitlines()]
    body_lines = [line for line in lines if line and not re.fullmatch(r"—\s*\d+\s*—", line)]
    assert len(body_lines) > 40
    offenders = [line for line in body_lines if line[0] in closing]
    assert offenders == []


@needs_poppler
def test_archival_copy_is_pdf_a_3b_with_json_and_metadata(rendered, tmp_path):
    meta = poppler("pdfinfo", "-meta", rendered["archival"])
    assert re.search(r"pdfaid:part(>|=\")3", meta), meta
    assert re.search(r"pdfaid:conformance(>|=\")B", meta), meta
    info = poppler("pdfinfo", rendered["archival"])
    assert "湘吐合作2025年联席会议纪要" in info
    assert "湘吐合作联席会议秘书处" in info
    listing = poppler("pdfdetach", "-list", rendered["archival"])
    assert "minutes.json" in listing
    poppler("pdfdetach", "-save", "1", "-o", tmp_path / "m.json", rendered["archival"])
    attached = (tmp_path / "m.json").read_text(encoding="utf-8")
    assert '"document_number": "〔2025〕1号"' in attached
    objects = pdf_objects(rendered["archival"])
    assert re.search(r"/AFRelationship\s*/Data", objects)
    assert re.search(r"/Lang\s*\(zh-CN\)", objects)
    assert "minutes.json" not in poppler("pdfdetach", "-list", rendered["published"])


@needs_poppler
def test_long_minutes_use_harfbuzz_not_fonttools(tmp_path, caplog):
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        pdf = render_minutes_pdf(make_document(agenda_items=18))
    assert not [r for r in caplog.records if "Using fontTools" in r.getMessage()]
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    pages = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", path))[1])
    assert pages >= 13
