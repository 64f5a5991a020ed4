"""A long table drawn page by page instead of laid out from HTML: the reports' table look
(ruled cells, a grey header row repeated on every page, numbers right-aligned, a bold totals
row with a heavy rule above it at the end) for thousands of rows.

WeasyPrint builds, styles and lays out a box for every cell; for the ledger's 2,000 rows that
cost about a quarter of a second a page and most of the memory. Here each row is measured once
(only the wrapping column's text is broken into lines, with Pango as WeasyPrint would) to cut
the table into pages, and each page is shaped and drawn when the PDF is written
(``liaison.glyphs``), so no more than one page's text is shaped at a time.

``DrawnTable.pages`` gives ``TablePage`` drawings (``liaison.pdf.Drawing``); the HTML holds for
each an empty block of the page's height (``anchor``, ``height``), one to a page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from weasyprint.text.fonts import FontConfiguration

from liaison.glyphs import (
    PX_PER_PT,
    Line,
    TextStyle,
    Typesetter,
    color,
    draw_line_of_text,
    fill_rectangle,
    rule,
)

# The look of reports/pdf/report_base.html's tables (class "small"), in CSS px.
TEXT = color("#1f2933")
RULE = color("#9aa5b1")
HEADER_FILL = color("#f1f3f5")
RULE_WIDTH = 0.5 * PX_PER_PT
TOTAL_RULE_WIDTH = 1.2 * PX_PER_PT
PADDING_X = 3 * PX_PER_PT
PADDING_Y = 2 * PX_PER_PT
# Shaped lines of the same text are drawn again rather than shaped again, up to this many.
SHAPED_KEPT = 512


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

    @property
    def height(self) -> float:
        height = self.table.header_height + sum(row.height for row in self.rows)
        return height + (self.table.total_height if self.total else 0) + RULE_WIDTH

    def paint(self, stream, x: float, y: float) -> None:
        self.table.paint_page(self, stream, x, y)


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
    ):
        self.columns = tuple(columns)
        self.total = total
        self._regular = Typesetter(font, font_config)
        self._bold = Typesetter(
            TextStyle(font.families, font.size, font.lang, bold=True), font_config
        )
        self._shaped: dict[tuple[str, bool], Line] = {}
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
            lines = (
                tuple(self._regular.break_lines(cells[wrap], self._text_width(self.columns[wrap])))
                if wrap is not None
                else ()
            )
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

    # Drawing

    def _line(self, text: str, *, bold: bool = False) -> Line:
        key = (text, bold)
        line = self._shaped.get(key)
        if line is None:
            if len(self._shaped) >= SHAPED_KEPT:
                self._shaped.clear()
            line = self._shaped[key] = (self._bold if bold else self._regular).line(text)
        return line

    def _cell_text(self, stream, lines, left, right, top, *, align_right, bold=False) -> None:
        line_height = self._bold.line_height if bold else self.line_height
        for index, text in enumerate(lines):
            if not text:
                continue
            line = self._line(text, bold=bold)
            x = right - line.width if align_right else left
            draw_line_of_text(stream, line, x, top + index * line_height, TEXT)

    def paint_page(self, page: TablePage, stream, x: float, y: float) -> None:
        edges = [x]
        for column in self.columns:
            edges.append(edges[-1] + column.width)
        inset = RULE_WIDTH / 2
        top = y + inset  # the first rule's middle
        bottoms = [top + self.header_height]
        for row in page.rows:
            bottoms.append(bottoms[-1] + row.height)
        total_top = bottoms[-1]
        bottom = total_top + (self.total_height if page.total else 0)

        fill_rectangle(stream, edges[0], top, edges[-1] - edges[0], self.header_height, HEADER_FILL)
        for column, lines, left in zip(self.columns, self._header, edges, strict=False):
            self._cell_text(
                stream,
                lines,
                left + inset + PADDING_X,
                left + column.width - inset - PADDING_X,
                top + inset + PADDING_Y,
                align_right=column.right,
                bold=True,
            )
        row_top = bottoms[0]
        wrap = next((n for n, column in enumerate(self.columns) if column.wrap), None)
        for row in page.rows:
            for n, (column, left) in enumerate(zip(self.columns, edges, strict=False)):
                lines = row.lines if n == wrap else (row.cells[n],)
                self._cell_text(
                    stream,
                    lines,
                    left + inset + PADDING_X,
                    left + column.width - inset - PADDING_X,
                    row_top + inset + PADDING_Y,
                    align_right=column.right,
                )
            row_top += row.height
        if page.total:
            self._paint_total(stream, edges, total_top)

        # The rules, over the text's edges as the collapsed borders of an HTML table are.
        for rule_y in [top, *bottoms[:-1]] + ([total_top] if not page.total else []):
            rule(stream, edges[0], rule_y, edges[-1], rule_y, RULE_WIDTH, RULE)
        for n, edge in enumerate(edges):
            inside_label = page.total and self.total and 0 < n < self.total.span
            end = total_top if inside_label else bottom
            rule(stream, edge, top, edge, end, RULE_WIDTH, RULE)
        if page.total:
            rule(stream, edges[0], total_top, edges[-1], total_top, TOTAL_RULE_WIDTH, TEXT)
            rule(stream, edges[0], bottom, edges[-1], bottom, RULE_WIDTH, RULE)

    def _paint_total(self, stream, edges, top: float) -> None:
        total = self.total
        text_top = top + TOTAL_RULE_WIDTH / 2 + PADDING_Y
        inset = RULE_WIDTH / 2
        self._cell_text(
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
                stream,
                [value],
                edges[n] + inset + PADDING_X,
                edges[n + 1] - inset - PADDING_X,
                text_top,
                align_right=self.columns[n].right,
                bold=True,
            )
