"""What the 签约项目清单 looks like: its columns, sheet names, limits and units."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from agreements.models import MONEY, Agreement
from liaison.xlsx import XLSX_CONTENT_TYPE  # noqa: F401  (part of this module's API)

MAX_BYTES = 5 * 1024 * 1024  # the uploaded file
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # what the ZIP inflates to (a "zip bomb" guard)
MAX_ROWS = 2000  # data rows of one sheet
HEADER_SEARCH_ROWS = 10  # a title line may stand above the header row
PREVIEW_MAX_AGE = 60 * 60  # seconds between the preview and its confirmation

CENT = Decimal("0.01")
YI_PLACES = Decimal("1E-10")  # a fen in 亿元
MAX_YUAN = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])
AMOUNT_FORMAT = "#,##0.00########"  # two decimals at least, up to the fen

SHEET_NAME = "签约项目清单"
SUMMARY_SHEET_NAME = "分类汇总"
INSTRUCTIONS_SHEET_NAME = "填写说明"
TOTAL_LABEL = "合计"
EXAMPLE_LABEL = "示例"

# The sheet's columns. The headers are the file format (the secretariat's 签约项目清单), so they
# stay Chinese whatever the user's language; the messages about them are translated.
COLUMNS = {
    "number": "序号",
    "title": "项目名称",
    "kind": "协议类型",
    "unit": "签约单位",
    "party_a": "甲方",
    "party_b": "乙方",
    "amount": "签约金额(亿元)",
    "sector": "产业类别",
    "signed_on": "签约日期",
    "meeting": "签约活动",
}
REQUIRED_COLUMNS = ("title", "unit", "party_a", "party_b", "amount", "sector", "signed_on")
EXPORT_EXTRA_COLUMNS = ("状态", "到位资金(亿元)", "完成进度(%)")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def kind_label(value: str) -> str:
    """An agreement kind as the sheet writes it (always Chinese, whatever the page language)."""
    with translation.override("zh-hans"):
        return str(Agreement.Kind(value).label)
