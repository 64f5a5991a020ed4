"""Display helpers: money in 万元/亿元, Beijing time."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

YI = Decimal(100_000_000)
WAN = Decimal(10_000)


@register.filter
def yuan(amount) -> str:
    """A Decimal amount of yuan as 亿元 (from 1 亿) or 万元, exact to two decimals."""
    if amount is None or amount == "":
        return "—"
    amount = Decimal(amount)
    if abs(amount) >= YI:
        value, unit = amount / YI, _("100 million yuan")
    elif abs(amount) >= WAN:
        value, unit = amount / WAN, _("10 thousand yuan")
    else:
        value, unit = amount, _("yuan")
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{number_format(value, 2, force_grouping=True)} {unit}"


@register.filter
def beijing(value, fmt="Y-m-d H:i"):
    """A datetime shown in Beijing time, whatever the active time zone."""
    if not value:
        return ""
    from django.utils.dateformat import format as date_format

    return date_format(timezone.localtime(value, timezone.get_fixed_timezone(480)), fmt)
