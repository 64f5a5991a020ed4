"""A long table drawn page by page instead of laid out from HTML: the reports' table look
(ruled cells, a grey header row repeated on every page, numbers right-aligned, a bold totals
row with a heavy rule above it at the end) for thousands of rows.

WeasyPrint builds, styles and lays out a box for every cell; for the ledger's 2,000 rows that
cost about a quarter of a second a page and most of the memory. Here each row is measured once
(only the wrapping column's text is broken into lines, with Pango as WeasyPrint would) to cut
the table into pages, and each page is shaped and drawn when the PDF is written
(``liaison.glyphs``), so no more than one page's text is shaped at a time.

``DrawnTable.pages`` gives ``TablePage`` drawings (``liaison.pdf.Drawing``); the HTML holds an
empty block of the page's height (``anchor``, ``height``) for the first and the last, each on a
page of its own; the pages between are pages of their own that WeasyPrint does not lay out."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from weasyprint.text.fonts import FontConfiguration

from liaison.glyphs import (
    PX_PER_PT,
    TextStyle,
    TextWriter,
    Typesetter,
    color,
    fill_rectangle,
    rules,
)

# The look of reports/pdf/report_base.html's tables (class "small"), in CSS px.
TEXT = color("#1f2933")
RULE = color("#9aa5b1")
HEADER_FILL = color("#f1f3f5")
RULE_WIDTH = 0.5 * PX_PER_PT
TOTAL_RULE_WIDTH = 1.2 * PX_PER_PT
PADDING_X = 3 * PX_PER_PT
PADDING_Y = 2 * PX_PER_PT


# Advance widths in em that are upper bounds in the table's font (Noto Sans CJK SC): a wide
# (CJK) character 1 em, a digit 0.555 em. Text made of these alone that surely fits its cell
# is not broken by Pango (most of a ledger's titles).
WIDE_EM = 1.0
DIGIT_EM = 0.56


def surely_fits(text: str, width: float, font_size: float) -> bool:
    """True when ``text`` is certainly no wider than ``width`` px on one line; False when it
    may be, or when it holds characters whose width is not known here."""
    em = 0.0
    for character in text:
        if "0" <= character <= "9":
            em += DIGIT_EM
        elif unicodedata.east_asian_width(character) in "WF":
            em += WIDE_EM
        else:
            return False
    return em * font_size <= width - 1


@dataclass(frozen=True)
class Column:
    width: float  # px, rule to rule
    right: bool = False  # numbers
    wrap: bool = False  # the one column whose text breaks into lines


@dataclass(frozen=True)
class Total:
    """The totals row: ``label`` across the first ``span`` columns, then ``values``."""

    label: str
    span: int
    values: tuple[str, ...]


@dataclass
class _Row:
    cells: tuple[str, ...]
    lines: tuple[str, ...]  # the wrapping column's lines
    height: float


@dataclass
class TablePage:
    """One page of the table: a ``liaison.pdf.Drawing``."""

    table: DrawnTable
    anchor: str
    rows: list[_Row] = field(default_factory=list)
    total: bool = False
    # Draws the page's running title (``reports.layout.PageMargins``); None when the HTML
    # page's own margin box does (the last page, which the HTML after it shares).
    margins: object | None = None
    # A page of its own, after the page of the drawing anchored so (``liaison.pdf.Drawing``),
    # its table's top-left corner at ``origin``.
    after: str | None = None
    origin: tuple[float, float] | None = None

    @property
    def height(self) -> float:
        height = self.table.header_height + sum(row.height for row in self.rows)
        return height + (self.table.total_height if self.total else 0) + RULE_WIDTH

    def paint(self, stream, x: float, y: float, *, number: int, pages: int) -> None:
        self.table.paint_page(self, stream, x, y)
        if self.margins is not None:
            self.margins.paint_title(stream)


class DrawnTable:
    """``rows`` of text under ``header`` (a "\\n" in a header breaks it) in ``columns``,
    cut into pages of at most ``page_height`` px (``first_page_height`` on the first), with
    ``total`` at the end."""

    def __init__(
        self,
        *,
        columns: Sequence[Column],
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        total: Total | None,
        font: TextStyle,
        font_config: FontConfiguration,
        page_height: float,
        first_page_height: float,
        anchor: str,
        origin: tuple[float, float],
        margins=None,
    ):
        self.columns = tuple(columns)
        self.total = total
        self._regular = Typesetter(font, font_config)
        self._bold = Typesetter(
            TextStyle(font.families, font.size, font.lang, bold=True), font_config
        )
        self.line_height = self._regular.line_height
        self._header = [
            [
                line
                for part in text.split("\n")
                for line in self._bold.break_lines(part, self._text_width(column))
            ]
            for text, column in zip(header, self.columns, strict=True)
        ]
        self.header_height = self._height(max(len(lines) for lines in self._header), bold=True)
        self.total_height = self._height(1, bold=True) + TOTAL_RULE_WIDTH - RULE_WIDTH
        self.pages = self._paginate(rows, page_height, first_page_height, anchor)
        # The first and last pages are blocks in the HTML (a heading before the first, more
        # after the last); the others are pages of their own, as many as it takes.
        for page in self.pages[1:-1]:
            page.after, page.origin = self.pages[0].anchor, origin
        for page in self.pages[:-1]:
            page.margins = margins

    def _text_width(self, column: Column) -> float:
        return column.width - RULE_WIDTH - 2 * PADDING_X

    def _height(self, lines: int, *, bold: bool = False) -> float:
        line_height = self._bold.line_height if bold else self.line_height
        return lines * line_height + 2 * PADDING_Y + RULE_WIDTH

    def _paginate(self, rows, page_height, first_page_height, anchor) -> list[TablePage]:
        wrap = next((n for n, column in enumerate(self.columns) if column.wrap), None)
        pages = [TablePage(self, f"{anchor}-1")]
        room = first_page_height - self.header_height - RULE_WIDTH
        for cells in rows:
            cells = tuple(cells)
            lines = self._lines(cells[wrap], self.columns[wrap]) if wrap is not None else ()
            row = _Row(cells, lines, self._height(max(len(lines), 1)))
            if row.height > room and pages[-1].rows:
                pages.append(TablePage(self, f"{anchor}-{len(pages) + 1}"))
                room = page_height - self.header_height - RULE_WIDTH
            pages[-1].rows.append(row)
            room -= row.height
        if self.total is not None:
            if self.total_height > room and pages[-1].rows:
                # The totals do not stand alone on a page: the last row goes over with them.
                carried = pages[-1].rows.pop()
                pages.append(TablePage(self, f"{anchor}-{len(pages) + 1}", [carried]))
            pages[-1].total = True
        return pages

    def _lines(self, text: str, column: Column) -> tuple[str, ...]:
        width = self._text_width(column)
        if surely_fits(text, width, self._regular.style.size):
            return (text,)
        return tuple(self._regular.break_lines(text, width))

    # Drawing

    def _cell_text(self, writer, stream, lines, left, right, top, *, align_right, bold=False):
        typesetter = self._bold if bold else self._regular
        for index, text in enumerate(lines):
            if not text:
                continue
            shaped = typesetter.shape(text, stream)
            x = right - shaped.width if align_right else left
            writer.write(shaped, x, top + index * typesetter.line_height)

    def paint_page(self, page: TablePage, stream, x: float, y: float) -> None:
        edges = [x + RULE_WIDTH / 2]  # the outer rules half inside the block, as in HTML
        for column in self.columns:
            edges.append(edges[-1] + column.width)
        inset = RULE_WIDTH / 2
        top = y + inset  # the first rule's middle
        bottoms = [top + self.header_height]
        for row in page.rows:
            bottoms.append(bottoms[-1] + row.height)
        total_top = bottoms[-1]
        bottom = total_top + (self.total_height if page.total else 0)
        cells = [
            (left + inset + PADDING_X, left + column.width - inset - PADDING_X, column.right)
            for column, left in zip(self.columns, edges, strict=False)
        ]
        wrap = next((n for n, column in enumerate(self.columns) if column.wrap), None)

        fill_rectangle(stream, edges[0], top, edges[-1] - edges[0], self.header_height, HEADER_FILL)
        with TextWriter(stream, TEXT) as writer:
            for (left, right, align_right), lines in zip(cells, self._header, strict=True):
                text_top = top + inset + PADDING_Y
                self._cell_text(
                    writer, stream, lines, left, right, text_top, align_right=align_right, bold=True
                )
            row_top = bottoms[0]
            for row in page.rows:
                text_top = row_top + inset + PADDING_Y
                for n, (left, right, align_right) in enumerate(cells):
                    lines = row.lines if n == wrap else (row.cells[n],)
                    self._cell_text(
                        writer, stream, lines, left, right, text_top, align_right=align_right
                    )
                row_top += row.height
            if page.total:
                self._paint_total(writer, stream, edges, total_top)

        # The rules, over the cells' edges as the collapsed borders of an HTML table are.
        across = [top, *bottoms[:-1]] + ([total_top] if not page.total else [bottom])
        down = [
            (edge, total_top if page.total and 0 < n < self.total.span else bottom)
            for n, edge in enumerate(edges)
        ]
        rules(
            stream,
            [(edges[0], y, edges[-1], y) for y in across] + [(e, top, e, end) for e, end in down],
            RULE_WIDTH,
            RULE,
        )
        if page.total:
            rules(stream, [(edges[0], total_top, edges[-1], total_top)], TOTAL_RULE_WIDTH, TEXT)

    def _paint_total(self, writer, stream, edges, top: float) -> None:
        total = self.total
        text_top = top + TOTAL_RULE_WIDTH / 2 + PADDING_Y
        inset = RULE_WIDTH / 2
        self._cell_text(
            writer,
            stream,
            [total.label],
            edges[0] + inset + PADDING_X,
            edges[total.span] - inset - PADDING_X,
            text_top,
            align_right=False,
            bold=True,
        )
        for n, value in enumerate(total.values, start=total.span):
            self._cell_text(
                writer,
                stream,
                [value],
                edges[n] + inset + PADDING_X,
                edges[n + 1] - inset - PADDING_X,
                text_top,
                align_right=self.columns[n].right,
                bold=True,
            )
