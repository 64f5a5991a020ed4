"""Money shown to people: one unit for a whole column of amounts.

A column (a table column, the figures of one summary, the bars of one chart) is shown in one
unit, chosen by its largest absolute amount: 亿元 from 1 亿, else 万元 from 1 万, else 元. Each
amount is then a number in that unit with two decimals ("0.00" for zero, never "0.00 元"
beside 亿元), and an unknown amount (None) is "—". Amounts are Decimal yuan; no float.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

YI = Decimal(100_000_000)
WAN = Decimal(10_000)
ONE = Decimal(1)
HUNDREDTH = Decimal("0.01")
UNKNOWN = "—"


@dataclass(frozen=True)
class MoneyColumn:
    """The unit of a column of amounts and how to write each amount in it."""

    divisor: Decimal
    unit_label: str  # lazily translated

    @property
    def unit(self) -> str:
        """The unit in words, such as 亿元."""
        return str(self.unit_label)

    @property
    def suffix(self) -> str:
        """The unit for a column header, such as "（亿元）" after 签约金额."""
        opening = pgettext("opening bracket", " (")
        closing = pgettext("closing bracket", ")")
        return f"{opening}{self.unit}{closing}"

    def value(self, amount) -> Decimal | None:
        """The amount in the column's unit, rounded to two decimals (None stays None)."""
        if amount is None or amount == "":
            return None
        return (Decimal(amount) / self.divisor).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)

    def number(self, amount) -> str:
        """The amount as a number in the column's unit ("78.75"), or "—" when unknown."""
        value = self.value(amount)
        if value is None:
            return UNKNOWN
        return number_format(value, 2, force_grouping=True)

    def text(self, amount) -> str:
        """The amount with the column's unit ("78.75 亿元"), or "—" when unknown."""
        value = self.value(amount)
        if value is None:
            return UNKNOWN
        return f"{self.number(amount)} {self.unit}"


def money_column(values: Iterable, like: MoneyColumn | None = None) -> MoneyColumn:
    """The column for ``values`` (amounts in yuan, None for unknown), by the largest of them.
    A column with nothing above zero takes the unit of the column it stands ``like`` (in a
    table: "0.00" under 亿元 beside the signed amounts, not "0.00" under 元)."""
    largest = max(
        (abs(Decimal(value)) for value in values if value is not None and value != ""),
        default=Decimal(0),
    )
    if not largest and like is not None:
        return like
    if largest >= YI:
        return MoneyColumn(YI, _("100 million yuan"))
    if largest >= WAN:
        return MoneyColumn(WAN, _("10 thousand yuan"))
    return MoneyColumn(ONE, _("yuan"))


def yuan(amount) -> str:
    """One amount on its own, in its own unit ("6,500.00 万元"), or "—"."""
    return money_column([amount]).text(amount)
