"""Pages drawn by code (liaison.pdf.Drawing, liaison.glyphs): WeasyPrint internals pinned to the
version they were written against, text drawn with the HTML's fonts and found by pdftotext."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import weasyprint

from liaison.glyphs import (
    PX_PER_PT,
    WEASYPRINT_VERSION,
    TextStyle,
    TextWriter,
    Typesetter,
    color,
    rules,
)
from liaison.pdf import render_pdf, rendering

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)
FONT = ("Noto Sans CJK SC", "sans-serif")


def test_weasyprint_is_the_version_the_drawing_internals_were_written_against():
    # liaison/glyphs.py uses WeasyPrint's Layout, draw_first_line and Stream, which are not
    # its public API: read them again before moving this pin.
    assert weasyprint.__version__ == WEASYPRINT_VERSION


def test_break_lines_keeps_each_line_within_the_width():
    with rendering() as font_config:
        typesetter = Typesetter(TextStyle(FONT, 12, "zh-CN"), font_config)
        text = "吐鲁番市高昌区湘吐合作现代农业产业园葡萄与哈密瓜精深加工项目"
        lines = typesetter.break_lines(text, 100)
        widths = [typesetter._measure(line)[0] for line in lines]
    assert len(lines) > 1 and "".join(lines) == text
    assert max(widths) <= 100


class Note:
    """A drawing: one line of text and a rule under it."""

    anchor = "note"

    def __init__(self, typesetter: Typesetter, text: str):
        self.typesetter, self.text = typesetter, text

    def paint(self, stream, x, y, *, number, pages):
        shaped = self.typesetter.shape(self.text, stream)
        with TextWriter(stream, color("#1f2933")) as writer:
            writer.write(shaped, x, y)
        bottom = y + self.typesetter.line_height
        rules(stream, [(x, bottom, x + shaped.width, bottom)], 0.5 * PX_PER_PT, color("#000"))


HTML = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<style>@page { @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页" } }
html { font-family: "Noto Sans CJK SC" }</style>
<p>前面的段落</p><div id="note" style="break-before: page; height: 20px"></div><p>后面的段落</p>"""


@needs_poppler
def test_a_drawing_is_painted_on_the_page_of_its_anchor_with_the_documents_fonts():
    with rendering() as font_config:
        note = Note(Typesetter(TextStyle(FONT, 16, "zh-CN"), font_config), "绘制的文字 Drawn 2025")
        pdf = render_pdf(HTML, drawings=[note])
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True
    ).stdout.decode()
    pages = text.split("\f")[:-1]
    assert len(pages) == 2
    assert "绘制的文字 Drawn 2025" in pages[1] and "后面的段落" in pages[1]
    assert "绘制的文字" not in pages[0]
    assert "第1页共2页" in pages[0] and "第2页共2页" in pages[1]


def test_a_drawing_without_its_block_in_the_html_is_refused():
    with rendering() as font_config:
        note = Note(Typesetter(TextStyle(FONT, 16, "zh-CN"), font_config), "文字")
        with pytest.raises(ValueError, match="note"):
            render_pdf("<p>no anchor</p>", drawings=[note])


class PageOfItsOwn(Note):
    anchor = "own"
    after = "note"
    origin = (50.0, 80.0)


@needs_poppler
def test_a_page_of_its_own_follows_its_anchor_and_decorate_numbers_every_page():
    numbered = []

    def decorate(stream, *, number, pages):
        numbered.append((number, pages))

    with rendering() as font_config:
        typesetter = Typesetter(TextStyle(FONT, 16, "zh-CN"), font_config)
        pages_laid_out = []
        pdf = render_pdf(
            HTML,
            drawings=[Note(typesetter, "锚定页"), PageOfItsOwn(typesetter, "独立页")],
            decorate=decorate,
            on_laid_out=pages_laid_out.append,
        )
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True
    ).stdout.decode()
    pages = text.split("\f")[:-1]
    assert len(pages) == 3 and pages_laid_out == [3]
    assert "锚定页" in pages[1] and "独立页" in pages[2] and "后面的段落" in pages[1]
    assert numbered == [(1, 3), (2, 3), (3, 3)]
