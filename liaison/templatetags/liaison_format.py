"""Display helpers: money in 万元/亿元 (one unit a column, see ``liaison.money``), Beijing
time."""

from collections.abc import Iterable

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from liaison import money

register = template.Library()


@register.filter
def yuan(amount) -> str:
    """One amount on its own, in 亿元 (from 1 亿), 万元 (from 1 万) or 元, to two decimals."""
    return money.yuan(amount)


def _amounts(sources, field: str | None):
    for source in sources:
        if isinstance(source, Iterable) and not isinstance(source, str | bytes | dict):
            for item in source:
                yield getattr(item, field) if field else item
        else:
            yield source


@register.simple_tag
def money_column(*sources, field: str | None = None, like=None) -> money.MoneyColumn:
    """The unit of a column: ``{% money_column rows stats.amount field="amount" as signed %}``
    takes every ``field`` of the rows and the loose amounts (the total) into account. Then
    ``{{ row.amount|in_unit:signed }}`` in the cells and ``{{ signed.suffix }}`` in the
    header. ``like=signed``: a column of zeros takes the unit of its neighbour ``signed``."""
    return money.money_column(_amounts(sources, field), like=like)


@register.filter
def in_unit(amount, column: money.MoneyColumn) -> str:
    """The amount as a number in the column's unit ("78.75"), "—" when unknown."""
    return column.number(amount)


@register.filter
def with_unit(amount, column: money.MoneyColumn) -> str:
    """The amount in the column's unit, with the unit ("78.75 亿元"), "—" when unknown."""
    return column.text(amount)


@register.filter
def beijing(value, fmt="Y-m-d H:i"):
    """A datetime shown in Beijing time, whatever the active time zone."""
    if not value:
        return ""
    return date_format(timezone.localtime(value, timezone.get_fixed_timezone(480)), fmt)
