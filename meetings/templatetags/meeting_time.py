"""A meeting's time on a page: the date written once for a same-day meeting, and no line break
inside a date and its time."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

BEIJING = ZoneInfo("Asia/Shanghai")
DATE_TIME = "Y-m-d H:i"


def _moment(value: datetime, fmt: str) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), date_format(value, fmt))


@register.simple_tag
def time_range(start: datetime, end: datetime) -> SafeString:
    """``2026-12-18 09:00–17:00`` for a same-day meeting, ``2026-12-17 09:00 – 2026-12-19
    18:00`` across days, in Beijing time; a line may break only between the two ends."""
    start, end = timezone.localtime(start, BEIJING), timezone.localtime(end, BEIJING)
    if start.date() == end.date():
        return format_html(
            '<span class="nowrap">{}–{}</span>', _moment(start, DATE_TIME), _moment(end, "H:i")
        )
    return format_html(
        '<span class="nowrap">{}</span> – <span class="nowrap">{}</span>',
        _moment(start, DATE_TIME),
        _moment(end, DATE_TIME),
    )
