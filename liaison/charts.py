"""Bar charts drawn on the server as inline SVG, for the dashboard page and the PDF reports.

No JavaScript and nothing fetched: the SVG carries its own font stack (a PDF renderer and a
browser alike find the system's Chinese fonts) and a <title>/<desc> text alternative; the pages
show the same figures in a table next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
LEGEND_HEIGHT = 24
BAR_COLOUR = "#c8102e"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


SIGNED = BAR_COLOUR
LANDED = "#2f855a"


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
    return grouped_bar_chart(
        [(label, [value]) for label, value in items],
        series=[Series("", BAR_COLOUR)],
        chart_id=chart_id,
        title=title,
        description=description,
        value_text=value_text,
    )


def grouped_bar_chart(
    groups: Sequence[tuple[str, Sequence[Decimal | int]]],
    *,
    series: Sequence[Series],
    chart_id: str,
    title: str,
    description: str,
    value_text: Callable[[Decimal | int], str] = str,
) -> SafeString:
    """Horizontal bars in groups: one group per (label, values), one bar per series in each,
    all scaled to the largest value. With more than one series a legend names them."""
    values = [value for _, group in groups for value in group]
    largest = max(values, default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    per_group = len(series)
    group_height = BAR_HEIGHT * per_group + (ROW_HEIGHT - BAR_HEIGHT)
    legend = LEGEND_HEIGHT if per_group > 1 else 0
    height = TOP * 2 + legend + group_height * max(len(groups), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    if legend:
        x = LABEL_WIDTH
        for one in series:
            parts += [
                f'<rect x="{x}" y="{TOP}" width="12" height="12" fill="{one.colour}"/>',
                f'<text x="{x + 17}" y="{TOP + 11}" fill="#1f2933">{escape(one.name)}</text>',
            ]
            x += 40 + 14 * len(one.name)
    top = TOP + legend
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{top - TOP / 2}" x2="{LABEL_WIDTH}" '
        f'y2="{height - TOP / 2}" stroke="#6b7280" stroke-width="1"/>'
    )
    for index, (label, group) in enumerate(groups):
        y = top + index * group_height
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * per_group / 2 + 4}" '
            f'text-anchor="end" fill="#1f2933">{escape(label)}</text>'
        )
        for offset, (one, value) in enumerate(zip(series, group, strict=True)):
            bar_y = y + offset * BAR_HEIGHT
            length = round(float(Decimal(value) / Decimal(largest)) * bar_room, 1)
            parts += [
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length}" '
                f'height="{BAR_HEIGHT - (2 if per_group > 1 else 0)}" fill="{one.colour}"/>',
                f'<text x="{LABEL_WIDTH + length + 6}" y="{bar_y + BAR_HEIGHT / 2 + 4}" '
                f'fill="#1f2933">{escape(value_text(value))}</text>',
            ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
