"""Text shaped and drawn on a PDF page with WeasyPrint's own text machinery, for pages whose
content is drawn rather than laid out from HTML (``liaison.pdf.Drawing``): the same fonts, the
same Pango line breaking and the same font subsets as the HTML around it, without building a
box for every cell of a long table.

This relies on WeasyPrint 70 internals that are not its public API: its Pango ``Layout`` and
bindings (``weasyprint.text``), ``draw_first_line`` (a line's glyph runs as PDF text operators,
recording the glyphs in the document's font subsets), the computed style dictionary its SVG
text uses, and the ``Stream`` a page paints into (a pydyf stream with WeasyPrint's font and
colour state). Upgrading
WeasyPrint means checking them again: ``liaison/tests/test_glyphs.py`` pins the version and
draws with them.

Lengths are CSS pixels (96 per inch, 4/3 per point), y going down from the top of the page, as
in WeasyPrint's own painting."""

from __future__ import annotations

from dataclasses import dataclass

import pydyf
from tinycss2.color4 import parse_color
from weasyprint.css.properties import INITIAL_VALUES
from weasyprint.draw.text import draw_first_line
from weasyprint.matrix import Matrix
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango
from weasyprint.text.fonts import FontConfiguration
from weasyprint.text.line_break import Layout, line_size

# The WeasyPrint whose internals this module was written against.
WEASYPRINT_VERSION = "70.0"

PX_PER_PT = 4 / 3
PX_PER_MM = 96 / 25.4
# Shaped texts kept per typesetter for drawing again (a table's names, dates, amounts).
SHAPED_KEPT = 4096
# Characters that neither kern nor join with their neighbours in the CJK fonts: a text of
# these alone (numbers, amounts, dates) is written from its characters shaped one by one.
COMPOSABLE = frozenset("0123456789.,-:/ ")


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


@dataclass(frozen=True)
class Shaped:
    """A line of text as PDF text operators, drawn anywhere with ``TextWriter.write``: pydyf
    bytes, ``None`` where the line's position goes, and (font, size) selections."""

    text: str
    width: float
    baseline: float
    operators: tuple


_POSITION = None


class Typesetter:
    """Breaks and shapes text in one ``TextStyle`` with a document's ``FontConfiguration``.
    One Pango layout serves every text, so no context is made per line."""

    def __init__(self, style: TextStyle, font_config: FontConfiguration):
        self.style = style
        self._computed = style.computed(font_config)
        self._layout = Layout(self._computed)
        self._shaped: dict[str, Shaped] = {}
        self.line_height = self._measure("中Ag")[1]

    def _set(self, text: str, width: float | None) -> None:
        pango.pango_layout_set_width(
            self._layout.layout, -1 if width is None else int(max(0, width) * TO_UNITS)
        )
        self._layout.set_text(text)

    def _measure(self, text: str) -> tuple[float, float, float]:
        """Width, height and baseline of ``text`` on one line."""
        self._set(text, None)
        first_line, _ = self._layout.get_first_line()
        width, height = line_size(first_line, self._computed)
        baseline = pango.pango_layout_get_baseline(self._layout.layout) * FROM_UNITS
        return width, height, baseline

    def break_lines(self, text: str, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` where Pango breaks them (as
        WeasyPrint does in a table cell); a word wider than ``width`` keeps its own line."""
        text = " ".join(text.split())
        if not text:
            return [""]
        self._set(text, width)
        encoded = self._layout.text.encode()
        lines = []
        index = 0
        while (
            line := pango.pango_layout_get_line_readonly(self._layout.layout, index)
        ) != ffi.NULL:
            lines.append(
                encoded[line.start_index : line.start_index + line.length].decode().strip()
            )
            index += 1
        return lines

    def shape(self, text: str, stream) -> Shaped:
        """``text`` on one line as text operators for pages of ``stream``'s document (its
        glyphs go into that document's font subsets); the same text is shaped once."""
        shaped = self._shaped.get(text)
        if shaped is None and len(text) > 1 and COMPOSABLE.issuperset(text):
            return self._composed(text, stream)
        if shaped is None:
            if len(self._shaped) >= SHAPED_KEPT:
                self._shaped.clear()
            width, _, baseline = self._measure(text)
            recorder = _Recorder(stream)
            draw_first_line(
                recorder, _TextBox(self._layout, self._computed, text), "none", "none", Matrix()
            )
            shaped = self._shaped[text] = Shaped(text, width, baseline, tuple(recorder.operators))
        return shaped

    def _composed(self, text: str, stream) -> Shaped:
        """``text`` as its characters' text operators one after the other: the PDF advances
        by each glyph's width as a single shaping would, with no Pango for the whole."""
        parts = [self.shape(character, stream) for character in text]
        operators = [_POSITION]
        for part in parts:
            operators.extend(op for op in part.operators if op is not _POSITION)
        width = sum(part.width for part in parts)
        return Shaped(text, width, parts[0].baseline, tuple(operators))


class _TextBox:
    """What ``draw_first_line`` reads of a text box (as WeasyPrint's SVG text gives it)."""

    def __init__(self, layout: Layout, style: _Style, text: str):
        self.pango_layout = layout
        self.style = style
        self.text = text


class _Recorder:
    """A page's stream as ``draw_first_line`` writes to it: fonts are added to the document
    as usual, the text operators are kept instead of written."""

    def __init__(self, stream):
        self._stream = stream
        self.operators = []

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def set_text_matrix(self, *values):
        self.operators.append(_POSITION)

    def set_font_size(self, font, size):
        self.operators.append((font, size))

    def show_text(self, text):
        self._keep("show_text", text)

    def set_text_rise(self, rise):
        self._keep("set_text_rise", rise)

    def _keep(self, name: str, *arguments) -> None:
        scratch = pydyf.Stream()
        getattr(scratch, name)(*arguments)
        self.operators.extend(scratch.stream)


class TextWriter:
    """Writes shaped lines onto a page's stream in one text object, in one colour::

    with TextWriter(stream, color("#1f2933")) as writer:
        writer.write(shaped, x, top)
    """

    def __init__(self, stream, fill):
        self._stream = stream
        self._fill = fill

    def __enter__(self) -> TextWriter:
        self._stream.set_color(self._fill)
        self._stream.begin_text()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stream.end_text()

    def write(self, shaped: Shaped, x: float, top: float) -> None:
        """``shaped`` with its top-left corner at (x, top)."""
        stream = self._stream
        # The text matrix flips y back up (the page is painted y-down), as WeasyPrint's own.
        position = b"1 0 0 -1 %s %s Tm" % (_number(x), _number(top + shaped.baseline))
        for operator in shaped.operators:
            if operator is _POSITION:
                stream.stream.append(position)
            elif isinstance(operator, tuple):
                stream.set_font_size(*operator)
            else:
                stream.stream.append(operator)


def _number(value: float) -> bytes:
    return (f"{value:.3f}".rstrip("0").rstrip(".") or "0").encode()


def color(css: str):
    return parse_color(css)


def fill_rectangle(stream, x: float, y: float, width: float, height: float, fill) -> None:
    stream.set_color(fill)
    stream.rectangle(x, y, width, height)
    stream.fill()


def rules(stream, lines, width: float, stroke) -> None:
    """Straight lines (a table's rules) ``width`` px thick, each (x0, y0, x1, y1), as one
    path."""
    stream.set_color(stroke, stroke=True)
    stream.set_line_width(width)
    for x0, y0, x1, y1 in lines:
        stream.move_to(x0, y0)
        stream.line_to(x1, y1)
    stream.stroke()
