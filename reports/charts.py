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
# The chart has no viewBox: it takes the width of its container and its text keeps its own size
# (FONT_SIZE CSS pixels on a 360 px phone as on a desktop), so nothing shrinks to an unreadable
# size on a phone. Each label sits on its own line above its bars; the bars are drawn in
# percentages of the width, leaving the right-hand VALUE_ROOM_PERCENT for the value after them.
FONT_SIZE = 14
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 10
TOP = 4
LEGEND_HEIGHT = 22
VALUE_ROOM_PERCENT = 32
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
    bar_room = 100 - VALUE_ROOM_PERCENT
    per_group = len(series)
    group_height = LABEL_HEIGHT + (BAR_HEIGHT + BAR_GAP) * per_group + GROUP_GAP
    legend = LEGEND_HEIGHT if per_group > 1 else 0
    height = TOP + legend + group_height * max(len(groups), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="100%" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="#1f2933">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    if legend:
        x = 0
        for one in series:
            parts += [
                f'<rect x="{x}" y="{TOP}" width="12" height="12" fill="{one.colour}"/>',
                f'<text x="{x + 17}" y="{TOP + 11}">{escape(one.name)}</text>',
            ]
            x += 40 + FONT_SIZE * len(one.name)
    top = TOP + legend
    for index, (label, group) in enumerate(groups):
        y = top + index * group_height
        parts.append(
            f'<text x="0" y="{y + LABEL_HEIGHT - 5}" font-weight="600">{escape(label)}</text>'
        )
        for offset, (one, value) in enumerate(zip(series, group, strict=True)):
            bar_y = y + LABEL_HEIGHT + offset * (BAR_HEIGHT + BAR_GAP)
            length = round(float(Decimal(value) / Decimal(largest)) * bar_room, 2)
            parts += [
                f'<rect x="0" y="{bar_y}" width="{length}%" height="{BAR_HEIGHT}" '
                f'fill="{one.colour}"/>',
                f'<text x="{length}%" dx="6" y="{bar_y + BAR_HEIGHT - 2}">'
                f"{escape(value_text(value))}</text>",
            ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
