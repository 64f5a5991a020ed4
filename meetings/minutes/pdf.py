"""The minutes (会议纪要) as a PDF laid out after GB/T 9704-2012.

``render_minutes_pdf`` takes a ``MinutesDocument`` (the whole contract with the minutes
workflow) and returns PDF bytes; it reads no models. The layout lives in
``templates/pdf/minutes.html`` and ``static/pdf/minutes.css``; the fonts and the measured
numbers behind them are explained in the stylesheet.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from itertools import groupby

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

from liaison.numerals import chinese_number
from liaison.pdf import PDF_A_3B, PdfAttachment, PdfMetadata, render_pdf
from meetings.minutes.document import MinutesDocument, chinese_date, meeting_time
from meetings.minutes.lines import break_paragraph, fontconfig_file

# The body's measures, as in static/pdf/minutes.css: 16 pt FangSong with -0.21 pt
# letter-spacing (28 characters a line) in a text block 156 mm wide.
BODY_SIZE = 16.0
BODY_SPACING = -0.21
BLOCK_WIDTH = 156 / 25.4 * 72
# A paragraph's first line is indented by exactly two characters' advances, so that it holds
# 26 characters (a 2em indent would leave room for 25 only).
INDENT = 2 * (BODY_SIZE + BODY_SPACING)
# The attendance lists: names start after "出席：" (2 + 3 characters in).
ATTENDANCE_INDENT = 5 * BODY_SIZE


def typeset(text: str) -> SafeString:
    """Escaped text with Latin runs and rare characters in ``<span class="fallback">``.

    Such runs come from fonts with other ascent and descent than FangSong (Liberation Serif,
    Noto Serif CJK SC). On their own they make a line's box taller than its line-height,
    which breaks the 22-line grid; the stylesheet gives these spans ``line-height: 0``, so
    they keep their baseline and no longer push lines apart.
    """
    pieces = []
    for fallback, chars in groupby(text, key=needs_fallback):
        run = escape("".join(chars))
        pieces.append(f'<span class="fallback">{run}</span>' if fallback else run)
    return mark_safe("".join(pieces))  # every piece is escaped above


def needs_fallback(char: str) -> bool:
    """ASCII letters, digits and signs (Liberation Serif) and characters beyond GB 2312."""
    if "!" <= char <= "~":
        return True
    if char.isspace():
        return False
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def filled(text: str, *, width: float = BLOCK_WIDTH, indent: float = INDENT) -> SafeString:
    """A paragraph broken into lines that fill ``width`` (see ``meetings.minutes.lines``):
    each full line in a span with its own letter-spacing, the lines separated by newlines
    that the stylesheet keeps (``white-space: pre``), so nothing wraps them again. One
    element a line keeps long minutes fast to lay out."""
    lines = break_paragraph(text, width=width, indent=indent, size=BODY_SIZE, spacing=BODY_SPACING)
    pieces = []
    for line in lines:
        if line.spacing is None:
            pieces.append(typeset(line.text))
        else:
            pieces.append(
                f'<span style="letter-spacing: {line.spacing:.3f}pt">{typeset(line.text)}</span>'
            )
    return mark_safe("\n".join(pieces))  # typeset escapes the text; the rest is ours


def paragraphs(text: str) -> list[SafeString]:
    return [filled(line.strip()) for line in text.splitlines() if line.strip()]


@cache
def watermark_svg() -> SafeString:
    """草稿 as vector outlines (Noto Sans CJK SC's glyphs), not text: text extraction, search
    and screen readers never see it, so it cannot mix into the lines it crosses."""
    path, index = fontconfig_file("Noto Sans CJK SC")
    font = TTFont(path, fontNumber=index, lazy=True)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    shapes = []
    for position, char in enumerate("草稿"):
        pen = SVGPathPen(glyphs)
        glyphs[cmap[ord(char)]].draw(pen)
        shapes.append(f'<path transform="translate({position * 1300} 0)" d="{pen.getCommands()}"/>')
    return mark_safe(  # built from numbers and fixed markup only
        '<svg xmlns="http://www.w3.org/2000/svg" width="299pt" height="130pt" '
        'viewBox="0 -880 2300 1000" aria-hidden="true">'
        '<g transform="scale(1 -1)" fill="rgb(200, 0, 0)" fill-opacity="0.13">'
        + "".join(shapes)
        + "</g></svg>"
    )


def minutes_json(document: MinutesDocument) -> str:
    """The structured minutes attached to the archival PDF when the caller gives none."""
    return json.dumps(dataclasses.asdict(document), ensure_ascii=False, indent=2, default=str)


def minutes_context(document: MinutesDocument) -> dict:
    sections = []
    if document.agenda:
        sections.append("agenda")
    if document.decisions:
        sections.append("decisions")
    if document.agreements:
        sections.append("agreements")
    numbers = {name: chinese_number(index) for index, name in enumerate(sections, start=1)}
    bodies = document.issuing_body.split()
    widest = max((len(body) for body in bodies), default=0)
    return {
        "doc": document,
        "watermark": watermark_svg() if document.is_draft else "",
        "title": typeset(document.title),
        "document_number": typeset(document.document_number),
        # Jointly issuing bodies are stacked and spread to the same width (分散对齐); CJK text
        # is not stretched by text-align: justify, so the spacing is computed here.
        "issuing_bodies": [
            (typeset(body), (widest - len(body)) / (len(body) - 1) if len(body) > 1 else 0)
            for body in bodies
        ],
        "facts": [
            (label, typeset(value))
            for label, value in (
                ("时间", meeting_time(document.start, document.end)),
                ("地点", document.place),
                ("主持", "、".join(document.chairs)),
                ("记录", document.recorder),
            )
            if value
        ],
        "opening": paragraphs(document.opening),
        "numbers": numbers,
        "agenda": [
            {
                "number": chinese_number(index),
                "title": typeset(item.title),
                "paragraphs": paragraphs(item.summary),
            }
            for index, item in enumerate(document.agenda, start=1)
        ],
        "decisions": [
            {
                "number": line.number,
                "text": typeset(line.text),
                "units": typeset("、".join(line.responsible_units)),
                "deadline": typeset(chinese_date(line.deadline)),
            }
            for line in document.decisions
        ],
        "agreements": [
            filled(
                f"{index}.《{item.title}》，签约方：{'、'.join(item.parties)}"
                + (f"，金额{item.amount_label}" if item.amount_label else "")
                + "。"
            )
            for index, item in enumerate(document.agreements, start=1)
        ],
        "attendance": [
            (label, filled("，".join(names), width=BLOCK_WIDTH - ATTENDANCE_INDENT, indent=0))
            for label, names in (
                ("出席", document.present),
                ("请假", document.excused),
                ("列席", document.observers),
            )
            if names
        ],
        "published_on": typeset(chinese_date(document.published_on)),
    }


def render_minutes_pdf(
    document: MinutesDocument, *, archival: bool = False, attachment_json: str | None = None
) -> bytes:
    """The minutes as PDF bytes; ``archival`` gives PDF/A-3b with the minutes as JSON inside.

    ``attachment_json`` (the workflow's own serialisation) is attached when given, whatever the
    variant; an archival copy without it gets ``minutes_json(document)``.
    """
    html = render_to_string("pdf/minutes.html", minutes_context(document))
    if archival and attachment_json is None:
        attachment_json = minutes_json(document)
    attachments = []
    if attachment_json is not None:
        attachments.append(
            PdfAttachment(
                name="minutes.json",
                content=attachment_json,
                description=f"{document.title}（结构化数据）",
                relationship="Data",
            )
        )
    return render_pdf(
        html,
        metadata=PdfMetadata(title=document.title, author=document.author, lang=document.language),
        pdf_variant=PDF_A_3B if archival else None,
        attachments=attachments,
    )
