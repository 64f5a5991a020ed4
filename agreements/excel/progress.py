"""Progress in from ``.xlsx`` (进展报送表): each row reports on one agreement in the way that fits
its kind, all rows or none.

A project's or a framework's row is a progress report (period, funds in place in 亿元, percent
complete, narrative); a purchase's row is a delivery (date, commodity, quantity in the goods
line's unit, amount in 元, and a reason when it is a supplement over the contract); an
intention's row is a negotiation note (date, note). Each row goes through the same service as
the page and the API; a row that asks the wrong thing of its kind, or that a service refuses,
is listed with its row number and nothing of the file is written.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from agreements import kinds, services
from agreements.excel.columns import DATE_FORMATS, HEADER_SEARCH_ROWS, MAX_ROWS
from agreements.excel.imports import check_upload
from agreements.models import CENT, GRAM, Agreement
from liaison import permissions
from liaison.money import YI
from liaison.xlsx import new_workbook, style_header, workbook_bytes

SHEET_NAME = "进展报送"
COLUMNS = {
    "title": "项目名称",
    "period_start": "报告期起",
    "period_end": "报告期止",
    "funds_in_place": "到位资金(亿元)",
    "percent_complete": "完成进度(%)",
    "narrative": "进展情况",
    "delivered_on": "交货日期",
    "commodity": "货物",
    "quantity": "数量",
    "amount": "金额(元)",
    "supplement_reason": "补充交货原因",
    "noted_on": "洽谈日期",
    "note": "洽谈记录",
}
# What each lifecycle's row must give, and what it must leave empty.
ASKED = {
    Agreement.Lifecycle.PROJECT: (
        "period_start",
        "period_end",
        "funds_in_place",
        "percent_complete",
    ),
    Agreement.Lifecycle.FRAMEWORK: (
        "period_start",
        "period_end",
        "funds_in_place",
        "percent_complete",
    ),
    Agreement.Lifecycle.PURCHASE: ("delivered_on", "commodity", "quantity", "amount"),
    Agreement.Lifecycle.INTENTION: ("noted_on", "note"),
}
REPORT_ONLY = ("period_start", "period_end", "funds_in_place", "percent_complete", "narrative")
DELIVERY_ONLY = ("delivered_on", "commodity", "quantity", "amount", "supplement_reason")
NEGOTIATION_ONLY = ("noted_on", "note")
NOT_ASKED = {
    Agreement.Lifecycle.PROJECT: DELIVERY_ONLY + NEGOTIATION_ONLY,
    Agreement.Lifecycle.FRAMEWORK: DELIVERY_ONLY + NEGOTIATION_ONLY,
    Agreement.Lifecycle.PURCHASE: REPORT_ONLY + NEGOTIATION_ONLY,
    Agreement.Lifecycle.INTENTION: REPORT_ONLY + DELIVERY_ONLY,
}


@dataclass(frozen=True)
class ProgressImport:
    """What an import wrote."""

    progress_reports: int = 0
    deliveries: int = 0
    negotiation_notes: int = 0


def _normalise(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).lower()


HEADER_KEYS = {_normalise(header): key for key, header in COLUMNS.items()}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(values) -> dict[int, str]:
    """{column index: column key} of a sheet line, for the cells that name a column."""
    return {
        i: HEADER_KEYS[_normalise(v)] for i, v in enumerate(values) if _normalise(v) in HEADER_KEYS
    }


def read_progress_rows(content: bytes) -> list[tuple[int, dict]]:
    """The data rows of the 进展报送 (or first) sheet as (row number, {column key: value})."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = (
            workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        )
        lines = list(sheet.iter_rows(values_only=True))
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ValidationError(
            {"file": _("The workbook could not be read. Save it again as .xlsx.")}
        ) from error
    headers = [
        (number, _header(values))
        for number, values in enumerate(lines[:HEADER_SEARCH_ROWS], start=1)
    ]
    found = [(number, columns) for number, columns in headers if "title" in columns.values()]
    if not found:
        raise ValidationError({"file": _("The sheet has no header row with the column 项目名称.")})
    header_line, columns = found[0]
    rows = []
    for line, values in enumerate(lines[header_line:], start=header_line + 1):
        row = {key: values[i] if i < len(values) else None for i, key in columns.items()}
        if all(_text(value) == "" for value in row.values()):
            continue
        rows.append((line, row))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            {
                "file": _("The sheet has more than %(max)s rows; split it into several files.")
                % {"max": MAX_ROWS}
            }
        )
    return rows


def _number(value, places: Decimal, scale: Decimal = Decimal(1)) -> Decimal:
    """A numeric cell as Decimal, through its shortest text (never through float arithmetic)."""
    text = repr(value) if isinstance(value, float) else _text(value).replace(",", "")
    try:
        number = (Decimal(unicodedata.normalize("NFKC", text)) * scale).quantize(
            places, rounding=ROUND_HALF_UP
        )
    except (InvalidOperation, ValueError) as error:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from error
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    return number


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = unicodedata.normalize("NFKC", _text(value))
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date such as 2024-06-30.") % {"value": value})


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


def _record(agreement: Agreement, row: dict, *, actor) -> str:
    """Write one row through the service that fits the agreement's kind; the kind written."""
    life = agreement.lifecycle
    if life == Agreement.Lifecycle.PURCHASE:
        commodity = _text(row["commodity"])
        line = agreement.goods_lines.filter(commodity=commodity).first()
        if line is None:
            raise ValueError(
                _("The agreement has no goods line “%(commodity)s”.") % {"commodity": commodity}
            )
        reason = _text(row.get("supplement_reason"))
        kinds.record_delivery(
            agreement,
            actor=actor,
            goods_line=line,
            delivered_on=_date(row["delivered_on"]),
            quantity=_number(row["quantity"], GRAM),
            amount=_number(row["amount"], CENT),
            is_supplement=bool(reason),
            supplement_reason=reason,
        )
        return "deliveries"
    if life == Agreement.Lifecycle.INTENTION:
        kinds.record_negotiation_note(
            agreement, actor=actor, note=_text(row["note"]), on=_date(row["noted_on"])
        )
        return "negotiation_notes"
    percent = _number(row["percent_complete"], Decimal(1))
    if not 0 <= percent <= 100:
        raise ValueError(_("The percent complete must be between 0 and 100."))
    services.submit_progress_report(
        agreement,
        actor=actor,
        period_start=_date(row["period_start"]),
        period_end=_date(row["period_end"]),
        funds_in_place=_number(row["funds_in_place"], CENT, YI),
        percent_complete=int(percent),
        narrative=_text(row.get("narrative")),
    )
    return "progress_reports"


def _check_fits(agreement: Agreement, row: dict) -> list[str]:
    kind = agreement.get_kind_display()
    missing = [COLUMNS[key] for key in ASKED[agreement.lifecycle] if _text(row.get(key)) == ""]
    extra = [COLUMNS[key] for key in NOT_ASKED[agreement.lifecycle] if _text(row.get(key)) != ""]
    problems = []
    if missing:
        problems.append(
            _("A “%(kind)s” agreement reports %(columns)s.")
            % {"kind": kind, "columns": "、".join(missing)}
        )
    if extra:
        problems.append(
            _("A “%(kind)s” agreement does not report %(columns)s; leave them empty.")
            % {"kind": kind, "columns": "、".join(extra)}
        )
    return problems


def import_progress(upload, *, actor) -> ProgressImport:
    """Record every row of an uploaded 进展报送表 (the secretariat), or nothing: a
    ValidationError on ``file`` lists each refused row by its number."""
    if actor is not None and not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat imports progress."))
    rows = read_progress_rows(check_upload(upload))
    if not rows:
        raise ValidationError({"file": _("The sheet has no rows to import.")})
    titles = {_text(row["title"]) for _line, row in rows}
    agreements = {a.title: a for a in Agreement.objects.filter(title__in=titles)}
    counts = {"progress_reports": 0, "deliveries": 0, "negotiation_notes": 0}
    problems: list[str] = []
    with transaction.atomic():
        for line, row in rows:
            agreement = agreements.get(_text(row["title"]))
            if agreement is None:
                found = [_("No agreement is titled “%(title)s”.") % {"title": _text(row["title"])}]
            else:
                found = _check_fits(agreement, row)
            if not found:
                try:
                    with transaction.atomic():
                        counts[_record(agreement, row, actor=actor)] += 1
                except ValueError as error:
                    found = [str(error)]
                except (ValidationError, PermissionDenied) as error:
                    found = _messages(error) if isinstance(error, ValidationError) else [str(error)]
            problems += [
                _("Row %(line)s: %(problem)s") % {"line": line, "problem": p} for p in found
            ]
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ValidationError({"file": problems})
    return ProgressImport(**counts)


# One example row per kind, as the template shows them (the titles are placeholders).
EXAMPLES = (
    {
        "title": "（项目协议名称）",
        "period_start": "2024-01-01",
        "period_end": "2024-06-30",
        "funds_in_place": "1.25",
        "percent_complete": 40,
        "narrative": "主体厂房开工建设",
    },
    {
        "title": "（采购协议名称）",
        "delivered_on": "2024-03-01",
        "commodity": "肉苁蓉",
        "quantity": "12.500",
        "amount": "1250000.00",
    },
    {"title": "（投资意向名称）", "noted_on": "2024-03-01", "note": "双方就选址进行洽谈"},
)


def template() -> bytes:
    """An empty 进展报送表 (its header only, the sheet the import reads) and a 填写示例 sheet
    with one example row per kind of report."""
    workbook = new_workbook()
    keys = list(COLUMNS)
    widths = [24 if key in ("title", "narrative", "note") else 14 for key in keys]
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([COLUMNS[key] for key in keys])
    style_header(sheet, widths)
    examples = workbook.create_sheet("填写示例")
    examples.append([COLUMNS[key] for key in keys])
    for example in EXAMPLES:
        examples.append([example.get(key, "") for key in keys])
    style_header(examples, widths)
    return workbook_bytes(workbook)
