"""Bar charts drawn on the server as inline SVG, for the dashboard page and the PDF reports.

No JavaScript and nothing fetched: the SVG carries its own font stack (a PDF renderer and a
browser alike find the system's Chinese fonts) and a <title>/<desc> text alternative; the pages
show the same figures in a table next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
WIDTH = 640
LABEL_WIDTH = 150
VALUE_WIDTH = 130
BAR_HEIGHT = 18
ROW_HEIGHT = 28
TOP = 8
BAR_COLOUR = "#c8102e"


def bar_chart(
    items: Sequence[tuple[str, Decimal | int]],
    *,
    chart_id: str,
    title: str,
    description: str,
    value_text: Callable[[Decimal | int], str] = str,
) -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value; each bar is
    labelled with ``value_text(value)``. Empty or all-zero data draws the axis only."""
    largest = max((value for _, value in items), default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + ROW_HEIGHT * max(len(items), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line x1="{LABEL_WIDTH}" y1="{TOP / 2}" x2="{LABEL_WIDTH}" y2="{height - TOP / 2}" '
        f'stroke="#6b7280" stroke-width="1"/>',
    ]
    for index, (label, value) in enumerate(items):
        y = TOP + index * ROW_HEIGHT
        length = round(float(Decimal(value) / Decimal(largest)) * bar_room, 1)
        middle = y + BAR_HEIGHT / 2 + 4
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" fill="#1f2933">'
            f"{escape(label)}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"/>',
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" fill="#1f2933">'
            f"{escape(value_text(value))}</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
