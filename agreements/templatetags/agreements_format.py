"""Display helpers for agreement figures."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(ratio) -> str:
    """A Decimal ratio (0.2382) as a percentage with two decimals (23.82%)."""
    if ratio is None or ratio == "":
        return "—"
    value = (Decimal(ratio) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{number_format(value, 2)}%"


@register.filter
def quantity(value, unit="") -> str:
    """A quantity with three decimals and its unit (12.500 吨), or "—"."""
    if value is None or value == "":
        return "—"
    number = number_format(Decimal(value).quantize(Decimal("0.001")), 3, force_grouping=True)
    return f"{number} {unit}".strip()
