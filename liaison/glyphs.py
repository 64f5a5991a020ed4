"""Text shaped and drawn on a PDF page with WeasyPrint's own text machinery, for pages whose
content is drawn rather than laid out from HTML (``liaison.pdf.Drawing``): the same fonts, the
same Pango line breaking and the same font subsets as the HTML around it, without building a
box for every cell of a long table.

This relies on WeasyPrint 70 internals that are not its public API: ``split_first_line``
(line breaking), ``draw_first_line`` (glyph runs into a page's content stream), the computed
style dictionary their SVG text uses, and the ``Stream`` a page paints into. Upgrading
WeasyPrint means checking them again: ``liaison/tests/test_glyphs.py`` pins the version and
draws with them.

Lengths are CSS pixels (96 per inch, 4/3 per point), y going down from the top of the page, as
in WeasyPrint's own painting."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import weasyprint
from tinycss2.color4 import parse_color
from weasyprint.css.properties import INITIAL_VALUES
from weasyprint.draw.text import draw_first_line
from weasyprint.matrix import Matrix
from weasyprint.text.ffi import FROM_UNITS, pango
from weasyprint.text.fonts import FontConfiguration
from weasyprint.text.line_break import create_layout, line_size, split_first_line

# The WeasyPrint whose internals this module was written against.
WEASYPRINT_VERSION = "70.0"

PX_PER_PT = 4 / 3
PX_PER_MM = 96 / 25.4


class _Style(dict):
    """A computed style as WeasyPrint's text functions read it (a dict with ``font_config``)."""


@dataclass(frozen=True)
class TextStyle:
    """A font as CSS names it: families, size in px, weight, language (for CJK glyph shapes)."""

    families: tuple[str, ...]
    size: float
    lang: str
    bold: bool = False

    def computed(self, font_config: FontConfiguration) -> _Style:
        style = _Style(INITIAL_VALUES)
        style.font_config = font_config
        style.update(
            font_family=list(self.families),
            font_size=self.size,
            font_weight=700 if self.bold else 400,
            lang=self.lang,
            white_space="normal",
        )
        return style


@dataclass
class Line:
    """One shaped line of text, ready to draw (keep it no longer than the page that draws it:
    it holds Pango objects)."""

    text: str
    width: float
    height: float
    baseline: float
    _layout: object
    _style: _Style


class Typesetter:
    """Shapes text in one ``TextStyle`` with a document's ``FontConfiguration``."""

    def __init__(self, style: TextStyle, font_config: FontConfiguration):
        self.style = style
        self._computed = style.computed(font_config)

    def line(self, text: str) -> Line:
        """``text`` on one line, however long, shaped and ready to draw (``split_first_line``
        would shape it, then let it go: drawing would shape it again)."""
        layout = create_layout(text, self._computed, None, None, 0)
        first_line, _ = layout.get_first_line()
        width, height = line_size(first_line, self._computed)
        baseline = pango.pango_layout_get_baseline(layout.layout) * FROM_UNITS
        return Line(text, width, height, baseline, layout, self._computed)

    def break_lines(self, text: str, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` where Pango (as WeasyPrint in a
        table cell) would break them; a word wider than ``width`` keeps its own line."""
        lines = []
        while text:
            _, length, resume, *_ = split_first_line(text, self._computed, None, width, 0)
            encoded = text.encode()
            if resume is None:
                lines.append(text.strip())
                break
            lines.append(encoded[:length].decode().strip())
            text = encoded[resume:].decode()
        return lines or [""]

    @cached_property
    def line_height(self) -> float:
        """The height of a line (CSS ``line-height: normal``), as WeasyPrint lays it out."""
        return self.line("中Ag").height


def color(css: str):
    return parse_color(css)


def draw_line_of_text(stream, line: Line, x: float, top: float, fill) -> None:
    """``line`` drawn with its top-left corner at (x, top)."""
    stream.set_color(fill)
    box = _TextBox(line)
    stream.begin_text()
    draw_first_line(stream, box, "none", "none", Matrix(d=-1, e=x, f=top + line.baseline))
    stream.end_text()


class _TextBox:
    """What ``draw_first_line`` reads of a text box (as WeasyPrint's SVG text gives it)."""

    def __init__(self, line: Line):
        self.pango_layout = line._layout
        self.style = line._style
        self.text = line.text
        self.baseline = line.baseline


def fill_rectangle(stream, x: float, y: float, width: float, height: float, fill) -> None:
    stream.set_color(fill)
    stream.rectangle(x, y, width, height)
    stream.fill()


def rule(stream, x0: float, y0: float, x1: float, y1: float, width: float, stroke) -> None:
    """A straight line (a table's rule) ``width`` px thick."""
    stream.set_color(stroke, stroke=True)
    stream.set_line_width(width)
    stream.move_to(x0, y0)
    stream.line_to(x1, y1)
    stream.stroke()


def weasyprint_version() -> str:
    return weasyprint.__version__
