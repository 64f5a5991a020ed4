"""What every report shares: the PDF page counter, the period in words, the PDF rendering of a
report template, and the cover's fixed pieces. The templates extend
``reports/pdf/report_base.html`` (cover with title, period and "data as of"; "第 X 页 共 Y 页";
header rows repeated on every page)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from agreements.statistics import AgreementStatistics
from liaison.glyphs import PX_PER_MM, PX_PER_PT, TextStyle, TextWriter, Typesetter, color
from liaison.pdf import PdfMetadata, render_pdf, rendering

# The page of reports/pdf/report_base.html: A4, margins 22 mm 18 mm 24 mm 18 mm, and the body's
# margin of 8 px each side (WeasyPrint's default stylesheet). The room for content, in CSS px,
# for pages drawn by code (``liaison.pdf.Drawing``).
CONTENT_WIDTH = (210 - 18 - 18) * PX_PER_MM - 2 * 8
CONTENT_HEIGHT = (297 - 22 - 24) * PX_PER_MM
FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "sans-serif")


PAGE_WIDTH, PAGE_HEIGHT = 210 * PX_PER_MM, 297 * PX_PER_MM
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM = 22 * PX_PER_MM, 18 * PX_PER_MM, 24 * PX_PER_MM
# Where a page's content starts: the left margin and the body's.
CONTENT_LEFT = 18 * PX_PER_MM + 8


class PageMargins:
    """The running title (top right, 8 pt grey) and "第 X 页 共 Y 页" (bottom centre, 9 pt) of
    report_base.html's ``@page``, drawn by code: the title on pages whose content is drawn
    (the page named ``drawn`` and pages of their own leave it out), the number on every page
    but the cover of a report with drawn pages (CSS counters do not count pages of their
    own). Each text is centred in its margin as WeasyPrint centres a margin box's line."""

    def __init__(self, font_config, *, title: str, lang: str):
        self.title = " ".join(title.split())
        self._title = Typesetter(TextStyle(FONT_FAMILIES, 8 * PX_PER_PT, lang), font_config)
        self._counter = Typesetter(TextStyle(FONT_FAMILIES, 9 * PX_PER_PT, lang), font_config)

    def paint_title(self, stream) -> None:
        title = self._title.shape(self.title, stream)
        with TextWriter(stream, color("#777")) as writer:
            top = (MARGIN_TOP - self._title.line_height) / 2
            writer.write(title, PAGE_WIDTH - MARGIN_RIGHT - title.width, top)

    def paint_number(self, stream, *, number: int, pages: int) -> None:
        """The page's number, but on the cover (the first page)."""
        if number == 1:
            return
        counter = self._counter.shape(
            _("page %(page)s of %(pages)s") % {"page": number, "pages": pages}, stream
        )
        with TextWriter(stream, color("#555")) as writer:
            top = PAGE_HEIGHT - MARGIN_BOTTOM + (MARGIN_BOTTOM - self._counter.line_height) / 2
            writer.write(counter, (PAGE_WIDTH - counter.width) / 2, top)


def pdf_lang(language_code: str | None) -> str:
    """The document language of a PDF for a Django language code (zh-hans is zh-CN: without a
    region, CJK text would take Japanese or Traditional glyph shapes)."""
    if not language_code or language_code.lower() in ("zh-hans", "zh-cn", "zh"):
        return "zh-CN"
    return language_code


class ReportError(Exception):
    """A report that cannot be made from its parameters (its message is shown to the user)."""


def css_string(text: str) -> str:
    """Text as a quoted CSS string (for ``content``) that is safe inside a <style> element:
    line breaks become spaces, and < is escaped so no text can close the element."""
    text = re.sub(r"[\r\n]+", " ", text)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def page_counter_css(text: str) -> str:
    """A translated "page %(page)s of %(pages)s" as a CSS ``content`` value with counters."""
    pieces = re.split(r"(%\(pages?\)s)", text)
    values = []
    for piece in pieces:
        if piece == "%(page)s":
            values.append("counter(page)")
        elif piece == "%(pages)s":
            values.append("counter(pages)")
        elif piece:
            values.append(css_string(piece))
    return " ".join(values)


# Where a title may break: after a colon, a middle dot, a comma or a space, and before 暨
# ("and", joining two events' names). Never inside a name such as 吐鲁番行.
TITLE_BREAKS = re.compile(r"(?<=[：:·・，、\s])|(?=暨)")


def unbroken_title(title: str) -> SafeString:
    """The title as HTML whose segments (see ``TITLE_BREAKS``) each stay on one line, unless a
    segment is wider than the whole line."""
    segments = [segment for segment in TITLE_BREAKS.split(title) if segment]
    return format_html_join("", '<span class="unbroken">{}</span>', ((s,) for s in segments))


# Widths of text in em for the report's font (Noto Sans CJK SC, advance widths read from the
# font and rounded up): a wide (CJK) character is 1 em, digits 0.56 em, and so on; an
# unlisted narrow character counts as the widest Latin letters but M and W (0.65 em).
WIDE_EM = 1.0
NARROW_EM = {**dict.fromkeys("0123456789", 0.56), ".": 0.28, ",": 0.28, "-": 0.35, " ": 0.23}
NARROW_EM.update(dict.fromkeys("fijlrt", 0.39) | dict.fromkeys("mwMW—", 0.93))
OTHER_NARROW_EM = 0.65
# A cell's padding and borders (3 pt and 0.5 pt each side at 9 pt) and a little room.
CELL_EXTRA_EM = 0.9


def text_em(text: str) -> float:
    """The width of ``text`` on one line, in em (see ``WIDE_EM``)."""
    return sum(
        WIDE_EM if unicodedata.east_asian_width(c) in "WF" else NARROW_EM.get(c, OTHER_NARROW_EM)
        for c in text
    )


def column_width(values, header: str = "") -> str:
    """A CSS width for a table column of one-line ``values`` under ``header``, in em of the
    table's font: as wide as its widest value, and as wide as its header's longest word (a
    Latin header may wrap between words, a Chinese one stays on one line)."""
    widest = max((text_em(str(value)) for value in values), default=0.0)
    header_words = header.split() or [""]
    widest = max(widest, *(text_em(word) for word in header_words))
    return f"{widest + CELL_EXTRA_EM:.2f}em"


def signing_period(stats: AgreementStatistics) -> str:
    """The years the agreements were signed in, such as 2023 or 2023–2025."""
    years = [int(row.key) for row in stats.by_year if row.key is not None]
    if not years:
        return "—"
    first, last = min(years), max(years)
    return str(first) if first == last else f"{first}–{last}"


def publisher() -> str:
    return _("Hunan–Turpan Liaison")


def report_html(
    template: str, *, title: str, period: str, as_of: datetime, figures, drawings=()
) -> str:
    """The report template with the cover's title, period and time, as HTML (``drawings``:
    the pages the figures draw, each an empty block in the template)."""
    return render_to_string(
        template,
        {
            "drawings": drawings,
            "title": title,
            "cover_title": unbroken_title(title),
            "period": period,
            "as_of": as_of,
            "figures": figures,
            "publisher": publisher(),
            "page_counter": page_counter_css(_("page %(page)s of %(pages)s")),
            "running_title": css_string(title),
            # Punctuation that differs by language: "：" and "（…）" in Chinese.
            "colon": pgettext("label separator", ": "),
            "lp": pgettext("opening bracket", " ("),
            "rp": pgettext("closing bracket", ")"),
        },
    )


def report_pdf(
    template: str,
    *,
    title: str,
    period: str,
    as_of: datetime,
    figures,
    on_laid_out: Callable[[int], None] | None = None,
) -> bytes:
    """The report rendered to PDF (see ``report_html``); ``on_laid_out(pages)`` as in
    ``render_pdf``. Figures with a ``drawings(font_config, margins=)`` method draw some pages themselves
    (the ledger's list of projects); they are laid out in the same turn at WeasyPrint as the
    rest, with its fonts."""
    with rendering() as font_config:
        draw = getattr(figures, "drawings", None)
        margins = PageMargins(font_config, title=title, lang=pdf_lang(translation.get_language()))
        drawings = draw(font_config, margins=margins) if draw else []
        html = report_html(
            template, title=title, period=period, as_of=as_of, figures=figures, drawings=drawings
        )
        return render_pdf(
            html,
            metadata=PdfMetadata(title=title, author=publisher()),
            on_laid_out=on_laid_out,
            drawings=drawings,
            decorate=margins.paint_number if drawings else None,
        )
