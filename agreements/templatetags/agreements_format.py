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
