"""The minutes PDF measured the way GB/T 9704-2012 states its layout, on a short (4 pages)
and a long (14 pages) document: the text block and margins, 22 lines of 28 characters on a
full page, first lines of 26 characters, no short line inside a paragraph, 避头尾, the header
distances and the page number measured on ink, and the pages filled down to the block's
bottom. Character positions come from pdfplumber; ink from the page rendered by pdftoppm.
"""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from meetings.minutes.document import DecisionLine
from meetings.minutes.lines import NO_LINE_END, NO_LINE_START
from meetings.minutes.pdf import render_minutes_pdf
from meetings.tests.test_minutes_pdf import make_document

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed"
)

MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (210 - 26) * MM
TOP, BOTTOM = 37 * MM, (297 - 35) * MM
TOLERANCE = 0.5 * MM
INDENT = 2 * (16 - 0.21)  # two characters' advances
LINE = 28.95
ATTENDANCE = 5 * 16  # names start after "出席：", five characters in
DPI = 300


@dataclass
class TextLine:
    page: int
    baseline: float
    chars: list[dict]

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @property
    def text(self) -> str:
        return "".join(char["text"] for char in self.chars)

    @property
    def is_body(self) -> bool:
        """Set in the body's 16 pt (not the title, the mark, the decisions table)."""
        return all(abs(char["size"] - 16) < 0.1 for char in self.chars)

    @property
    def is_plain_hanzi(self) -> bool:
        """Every character from FandolFang (no Latin run, no rare name, no Hei label)."""
        return all("FandolFang" in char["fontname"] for char in self.chars)


def near(value: float, target: float, tolerance: float = TOLERANCE) -> bool:
    return abs(value - target) <= tolerance


def text_lines(path: Path) -> list[TextLine]:
    """The lines of text inside the block, page by page, top to bottom (page numbers apart)."""
    lines = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = []
            for char in page.chars:
                baseline = page.height - char["matrix"][5]
                if baseline <= BOTTOM + TOLERANCE:
                    chars.append((baseline, char))
            chars.sort(key=lambda item: (item[0], item[1]["x0"]))
            for baseline, char in chars:
                if lines and lines[-1].page == number and baseline - lines[-1].baseline < 4:
                    lines[-1].chars.append(char)
                else:
                    lines.append(TextLine(number, baseline, [char]))
    for line in lines:
        line.chars.sort(key=lambda char: char["x0"])
    return lines


def continues(line: TextLine, following: TextLine | None) -> bool:
    """Whether ``following`` carries on the paragraph of ``line`` (so ``line`` is not its last
    line): a body line starting at the block's edge, or after the attendance labels."""
    if following is None or not following.is_body or not line.is_body:
        return False
    if near(following.x0, LEFT):
        return True
    return near(following.x0, LEFT + ATTENDANCE) and line.x0 < LEFT + ATTENDANCE + TOLERANCE


def inner_lines(lines: list[TextLine]) -> list[TextLine]:
    """Every line of a paragraph but its last."""
    return [line for line, following in itertools.pairwise(lines) if continues(line, following)]


def page_image(path: Path, page: int) -> Image.Image:
    png = subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def ink_box(image: Image.Image, box: tuple[int, int, int, int], colour: Callable) -> tuple:
    """The bounding box (pixels, in page coordinates) of the pixels of ``colour`` in ``box``."""
    crop = image.crop(box)
    mask = Image.new("1", crop.size)
    data = crop.tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    mask.putdata([1 if colour(pixel) else 0 for pixel in pixels])
    found = mask.getbbox()
    assert found, f"no ink in {box}"
    return (found[0] + box[0], found[1] + box[1], found[2] + box[0], found[3] + box[1])


def red(pixel) -> bool:
    return pixel[0] > 180 and pixel[1] < 100 and pixel[2] < 100


def black(pixel) -> bool:
    return max(pixel) < 120


def px(mm: float) -> int:
    return round(mm * DPI / 25.4)


def mm(pixels: float) -> float:
    return pixels * 25.4 / DPI


def header_distances(path: Path) -> dict[str, float]:
    """Ink distances of the header on page 1, in mm (GB/T 9704 clauses 7.2 and 10.3)."""
    image = page_image(path, 1)
    top, left, right = px(37), px(28), px(184)
    rule = next(
        y
        for y in range(top, top + px(120))
        if all(red(image.getpixel((x, y))) for x in range(left + 60, right - 60, 25))
    )
    mark = ink_box(image, (left, top - px(5), right, rule - px(15)), red)
    number = ink_box(image, (left, mark[3] + 2, right, rule - 1), black)
    return {"mark": mm(mark[1] - top), "number": mm(rule - number[3])}


def page_number_ink(path: Path, page: int) -> dict[str, float]:
    """Where the dash of "— n —" is inked below the block, and how far the number's ink is
    from the block's outer edge, in mm."""
    image = page_image(path, page)
    bottom = px(297 - 35)
    footer = ink_box(image, (0, bottom + 1, image.width, image.height), black)
    dash = ink_box(image, (footer[0], bottom + 1, footer[0] + px(3), image.height), black)
    edge = mm(px(184) - footer[2]) if page % 2 else mm(footer[0] - px(28))
    return {"dash": mm(dash[1] - bottom), "edge": edge}


DOCUMENTS = {
    "short": {
        "agenda_items": 3,
        "decisions": [
            *make_document().decisions,
            DecisionLine(
                5, "年底前完成全部签约项目的复核。", ["吐鲁番市人民政府"], date(2026, 12, 31)
            ),
        ],
    },
    "long": {"agenda_items": 18},
    "one issuing body": {"agenda_items": 1, "issuing_body": "湘吐合作联席会议"},
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("layout")
    files = {}
    for name, changes in DOCUMENTS.items():
        files[name] = folder / f"{name}.pdf"
        files[name].write_bytes(render_minutes_pdf(make_document(is_draft=False, **changes)))
    return files


@pytest.fixture(scope="module")
def lines(pdfs) -> dict[str, list[TextLine]]:
    return {name: text_lines(path) for name, path in pdfs.items()}


@pytest.mark.parametrize("name", ["short", "long"])
def test_text_stays_in_the_block(lines, name):
    for line in lines[name]:
        assert line.x0 >= LEFT - TOLERANCE, line.text
        assert line.x1 <= RIGHT + TOLERANCE, line.text
        assert TOP - TOLERANCE <= line.baseline <= BOTTOM, line.text


@pytest.mark.parametrize("name", ["short", "long"])
def test_lines_inside_paragraphs_fill_the_block(lines, name):
    inner = inner_lines(lines[name])
    assert len(inner) > (20 if name == "short" else 200)
    short = [(line.page, line.text, round((RIGHT - line.x1) / MM, 2)) for line in inner]
    assert [entry for entry in short if abs(entry[2]) > 0.5] == []


@pytest.mark.parametrize("name", ["short", "long"])
def test_first_lines_hold_26_characters(lines, name):
    firsts = [
        line
        for line in inner_lines(lines[name])
        if near(line.x0, LEFT + INDENT) and line.is_plain_hanzi
    ]
    assert len(firsts) >= (3 if name == "short" else 18)
    assert {len(line.text) for line in firsts} == {26}
    assert all(near(line.x1, RIGHT) for line in firsts)


@pytest.mark.parametrize("name", ["short", "long"])
def test_full_lines_hold_28_characters(lines, name):
    full = [
        line for line in inner_lines(lines[name]) if near(line.x0, LEFT) and line.is_plain_hanzi
    ]
    counts = [len(line.text) for line in full]
    assert counts
    # 27 where 避头尾 carries a character to the next line.
    assert set(counts) <= {27, 28}
    assert counts.count(28) >= 0.8 * len(counts)


def test_a_full_page_holds_22_lines_at_the_body_pitch(lines):
    per_page: dict[int, list[TextLine]] = {}
    for line in lines["long"]:
        per_page.setdefault(line.page, []).append(line)
    # Pages of body text only (the decisions table is set in 14 pt).
    middle = [page for number, page in per_page.items() if 1 < number < max(per_page)]
    body = [page for page in middle if all(line.is_body for line in page)]
    assert len(body) >= 8
    assert all(len(page) <= 22 for page in body)
    # 21 where a heading is carried to the next page with its paragraph.
    assert sum(len(page) == 22 for page in body) >= len(body) // 2
    for page in body:
        pitches = {round(b.baseline - a.baseline, 1) for a, b in itertools.pairwise(page)}
        assert all(abs(pitch - LINE) < 3 for pitch in pitches), pitches


@pytest.mark.parametrize("name", ["short", "long"])
def test_pages_are_filled_down_to_the_bottom_of_the_block(lines, name):
    """No page ends half empty: every page but the last reaches into the last 3 lines of the
    block (a heading kept with its paragraph may leave a line or two)."""
    last_baseline: dict[int, float] = {}
    for line in lines[name]:
        last_baseline[line.page] = line.baseline
    pages = sorted(last_baseline)
    for page in pages[:-1]:
        assert last_baseline[page] > BOTTOM - 3.5 * LINE, (page, BOTTOM - last_baseline[page])
    # The closing date never stands alone on the last page.
    assert sum(line.page == pages[-1] for line in lines[name]) >= 3


@pytest.mark.parametrize("name", ["short", "long"])
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(lines, name):
    body = [line for line in lines[name] if line.is_body]
    assert [line.text for line in body if line.text[0] in NO_LINE_START] == []
    assert [line.text for line in body if line.text[-1] in NO_LINE_END] == []


def test_dates_in_the_decisions_table_never_break(lines):
    texts = [line.text for line in lines["short"]]
    for written in ("2025年3月31日", "2025年6月30日", "2025年12月1日", "2026年12月31日"):
        assert any(written in text for text in texts), written


def test_year_month_and_day_come_from_one_font(lines):
    """年, 月 and 日 of every date are FandolFang's own glyphs at the same size. (FandolFang
    draws 日 smaller than 年 and 月, as FangSong faces do: its ink is 747 units high against
    1,108 for 年 and 888 for 月, in the same 1,000-unit em. It is not a fallback face.)"""
    seen = {}
    for line in lines["short"]:
        for char in line.chars:
            if char["text"] in "年月日" and line.is_body:
                seen.setdefault(char["text"], set()).add(
                    (char["fontname"].split("+")[-1], round(char["size"], 1))
                )
    assert set(seen) == set("年月日")
    assert seen["年"] == seen["月"] == seen["日"] == {("FandolFang", 16.0)}


@pytest.mark.parametrize("name", ["short", "long", "one issuing body"])
def test_header_distances_on_ink(pdfs, name):
    distances = header_distances(pdfs[name])
    assert near(distances["mark"], 35, 0.5), distances  # mark's top 35 mm below the block top
    assert near(distances["number"], 4, 0.5), distances  # number 4 mm above the red rule


@pytest.mark.parametrize("page", [1, 2])
def test_page_number_seven_mm_below_the_block_on_the_outer_side(pdfs, page):
    ink = page_number_ink(pdfs["long"], page)
    assert near(ink["dash"], 7, 0.5), ink
    # One character (14 pt, 4.9 mm) in from the block's outer edge; the dash's ink starts a
    # little inside its advance.
    assert 4.4 <= ink["edge"] <= 5.9, ink


def test_page_numbers_are_14_pt_in_the_intended_faces(pdfs):
    with pdfplumber.open(pdfs["long"]) as pdf:
        for number, page in enumerate(pdf.pages[:3], start=1):
            footer = [c for c in page.chars if page.height - c["matrix"][5] > BOTTOM + 1]
            assert "".join(c["text"] for c in footer).replace(" ", "") == f"—{number}—"
            assert {round(c["size"]) for c in footer} == {14}
            faces = {c["fontname"].split("+")[-1] for c in footer}
            assert faces <= {"Liberation-Serif-Latin", "Noto-Serif-CJK-SC"}, faces
