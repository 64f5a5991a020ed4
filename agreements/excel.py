"""Excel in and out of the agreements: the 签约项目清单 the secretariat keeps.

Export: any filtered list of agreements as ``.xlsx`` with Chinese headers, amounts in 亿元 as
exact numbers, and a totals row (合计) taken from ``agreements.statistics`` for the same
queryset, so the sheet and the statistics page never disagree.

Import, in two steps:

1. ``preview_import`` checks the file (extension, ZIP/OOXML signature, size, row count, header
   columns), reads every row and lists each row's problems in plain words. The file is kept
   server-side under its SHA-256 and the caller gets a signed token naming the user and that
   hash: the commit reads the same bytes again and never trusts parsed data from the client.
2. ``commit_import`` re-reads and re-checks the stored file and writes all its new rows through
   ``agreements.services`` in one transaction, or nothing.

A row whose title already exists is *unchanged* when it says what the stored agreement says
(kind, signing unit, parties A and B, amount, sector, date, signing event): it is skipped, so
re-importing the same sheet changes nothing and writes no audit entry. When it says something
else, the row is a problem: the import never overwrites an agreement; change it on its page,
where the change is recorded in its history. Unknown parties are problems too (the import does
not create organisations), so nothing is ever half-imported.

Amounts go from the cell to the database as ``Decimal`` only: a numeric cell (which openpyxl
reads as a float) is converted through its shortest decimal text, then rounded to the fen.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements import services
from agreements.models import MONEY, Agreement, AgreementParty, SigningUnit
from agreements.statistics import agreement_statistics
from liaison import permissions
from liaison.models import Organisation, Partnership, Sector
from meetings.models import Meeting

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024  # the uploaded file
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # what the ZIP inflates to (a "zip bomb" guard)
MAX_ROWS = 2000  # data rows of one sheet
HEADER_SEARCH_ROWS = 10  # a title line may stand above the header row
TOKEN_MAX_AGE = 60 * 60  # seconds between the preview and the commit
TOKEN_SALT = "agreements.excel.import"

YI = Decimal(100_000_000)
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


# --- Export ----------------------------------------------------------------------------------


def yi(amount: Decimal | None) -> Decimal | None:
    """Yuan as 亿元, exact: ten decimals keep every fen."""
    if amount is None:
        return None
    return (Decimal(amount) / YI).quantize(YI_PLACES)


def _party_names(agreement: Agreement) -> dict[str, str]:
    return {party.role: party.organisation.name for party in agreement.parties.all()}


def _new_workbook():
    from openpyxl import Workbook

    return Workbook()


def _style_header(sheet, widths: list[int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_agreements(agreements: QuerySet) -> bytes:
    """``agreements`` (already permission-scoped and filtered, in the order wanted) as an
    ``.xlsx``: one row per agreement, then 合计 from the statistics service; a second sheet
    with the statistics by signing unit and by sector. A constant number of queries."""
    from openpyxl.styles import Font

    stats = agreement_statistics(agreements)
    workbook = _new_workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    headers = [
        COLUMNS[key]
        for key in (
            "number",
            "title",
            "kind",
            "unit",
            "party_a",
            "party_b",
            "amount",
            "sector",
            "signed_on",
            "meeting",
        )
    ] + list(EXPORT_EXTRA_COLUMNS)
    sheet.append(headers)
    rows = agreements.with_related().with_parties()
    for number, agreement in enumerate(rows, start=1):
        parties = _party_names(agreement)
        sheet.append(
            [
                number,
                agreement.title,
                agreement.get_kind_display(),
                agreement.signing_unit.name if agreement.signing_unit else None,
                parties.get(AgreementParty.Role.A),
                parties.get(AgreementParty.Role.B),
                yi(agreement.amount),
                agreement.sector.name if agreement.sector else None,
                agreement.signed_on,
                agreement.signed_at_meeting.title if agreement.signed_at_meeting else None,
                agreement.get_status_display(),
                yi(agreement.funds_in_place),
                agreement.percent_complete,
            ]
        )
    total = [None] * len(headers)
    total[0] = TOTAL_LABEL
    total[1] = ngettext("%(count)s agreement", "%(count)s agreements", stats.count) % {
        "count": stats.count
    }
    total[6] = yi(stats.amount)
    total[11] = yi(stats.funds_in_place)
    sheet.append(total)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in ("G", "L"):
        for cell in sheet[column][1:]:
            cell.number_format = AMOUNT_FORMAT
    for cell in sheet["I"][1:]:
        cell.number_format = "yyyy-mm-dd"
    _style_header(sheet, [6, 40, 12, 12, 30, 30, 16, 12, 12, 30, 10, 16, 10])
    _summary_sheet(workbook.create_sheet(SUMMARY_SHEET_NAME), stats)
    return _workbook_bytes(workbook)


def _summary_sheet(sheet, stats) -> None:
    sheet.append([_("By signing unit"), _("agreements"), "签约金额(亿元)", "到位资金(亿元)"])
    for row in stats.by_unit:
        sheet.append([row.label, row.count, yi(row.amount), yi(row.funds_in_place)])
    sheet.append([TOTAL_LABEL, stats.count, yi(stats.amount), yi(stats.funds_in_place)])
    sheet.append([])
    sheet.append([_("By industry sector"), _("agreements"), "签约金额(亿元)", "到位资金(亿元)"])
    for row in stats.by_sector:
        sheet.append([row.label, row.count, yi(row.amount), yi(row.funds_in_place)])
    sheet.append([TOTAL_LABEL, stats.count, yi(stats.amount), yi(stats.funds_in_place)])
    for column in ("C", "D"):
        for cell in sheet[column]:
            cell.number_format = AMOUNT_FORMAT
    _style_header(sheet, [24, 10, 16, 16])


def import_template() -> bytes:
    """An empty 签约项目清单 with one example row (skipped on import) and a sheet saying how
    to fill it in: the columns, and the signing units, kinds, sectors and events allowed."""
    units = list(SigningUnit.objects.select_related("organisation"))
    sectors = list(Sector.objects.order_by("position", "name").values_list("name", flat=True))
    meetings = list(Meeting.objects.order_by("-start").values_list("title", flat=True)[:50])
    workbook = _new_workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    keys = list(COLUMNS)
    sheet.append([COLUMNS[key] for key in keys])
    example = {
        "number": EXAMPLE_LABEL,
        "title": _("Example: a project cooperation agreement (this row is not imported)"),
        "kind": _kind_label(Agreement.Kind.PROJECT),
        "unit": units[0].name if units else "高昌区",
        "party_a": units[0].organisation.name
        if units and units[0].organisation
        else "高昌区人民政府",
        "party_b": _("Full name or short name of the enterprise"),
        "amount": Decimal("12.50"),
        "sector": sectors[0] if sectors else "现代农业",
        "signed_on": datetime.date(2023, 12, 20),
        "meeting": meetings[0] if meetings else None,
    }
    sheet.append([example[key] for key in keys])
    sheet["G2"].number_format = AMOUNT_FORMAT
    sheet["I2"].number_format = "yyyy-mm-dd"
    _style_header(sheet, [6, 40, 12, 12, 30, 30, 16, 12, 12, 30])

    notes = workbook.create_sheet(INSTRUCTIONS_SHEET_NAME)
    notes.append([_("Column"), _("How to fill it in")])
    explanations = {
        "number": _("Optional. Rows whose 序号 is “示例” or “合计” are not imported."),
        "title": _(
            "Required, at most 200 characters, unique: an existing title is skipped "
            "when the row says the same, and reported when it says something else."
        ),
        "kind": _("Optional, project cooperation when empty. One of the kinds below."),
        "unit": _("Required for project cooperation. One of the signing units below."),
        "party_a": _("Required. The full name or the short name of a registered organisation."),
        "party_b": _("Required. The full name or the short name of a registered organisation."),
        "amount": _(
            "In 100 million yuan (亿元), a number such as 78.75. Required for project "
            "cooperation; greater than zero; rounded to the fen."
        ),
        "sector": _("Required for project cooperation. One of the sectors below."),
        "signed_on": _("A date such as 2023-12-20; not in the future."),
        "meeting": _("Optional. The exact title of the meeting where it was signed."),
    }
    for key in keys:
        notes.append([COLUMNS[key], explanations[key]])
    notes.append([])
    for heading, values in (
        (_("Signing units"), [unit.name for unit in units]),
        (_("Kinds"), [_kind_label(value) for value in Agreement.Kind.values]),
        (_("Industry sectors"), sectors),
        (_("Signing events"), meetings),
    ):
        notes.append([heading, "、".join(values) or "—"])
    _style_header(notes, [16, 90])
    notes.freeze_panes = None
    return _workbook_bytes(workbook)


# --- Import: reading the file ----------------------------------------------------------------


def _file_error(message: str, code: str) -> ValidationError:
    return ValidationError({"file": [ValidationError(message, code=code)]})


def check_upload(upload) -> bytes:
    """The bytes of an uploaded ``.xlsx``, or a ValidationError saying why it is refused."""
    if upload is None:
        raise _file_error(_("Choose an Excel file (.xlsx) to upload."), "required")
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise _file_error(
            _("Only Excel workbooks (.xlsx) can be imported; “%(name)s” is not one.")
            % {"name": name},
            "extension",
        )
    if upload.size > MAX_BYTES:
        raise _file_error(
            _("The file is larger than %(mb)s MB; split the list into several files.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            "too_large",
        )
    content = upload.read()
    if len(content) > MAX_BYTES:
        raise _file_error(
            _("The file is larger than %(mb)s MB; split the list into several files.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            "too_large",
        )
    _check_ooxml(content)
    return content


def _check_ooxml(content: bytes) -> None:
    not_xlsx = _file_error(
        _(
            "The file is not an Excel workbook (.xlsx). Save it in Excel as "
            "“Excel Workbook (*.xlsx)” and upload it again."
        ),
        "not_xlsx",
    )
    if not content.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise not_xlsx from error
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise _file_error(
            _("The workbook is too large once unpacked; split the list into several files."),
            "too_large",
        )


def _normalise_header(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).lower()


HEADER_KEYS = {_normalise_header(header): key for key, header in COLUMNS.items()}


def read_rows(content: bytes) -> list[tuple[int, dict]]:
    """The data rows of the workbook's 签约项目清单 (or first) sheet as (Excel row number,
    {column key: cell value}); empty rows, the example row and a totals row are left out."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise _file_error(
            _(
                "The workbook could not be read (%(reason)s). Open it in Excel, save it again "
                "as .xlsx and upload it again."
            )
            % {"reason": type(error).__name__},
            "unreadable",
        ) from error
    try:
        sheet = (
            workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        )
        return _read_sheet(sheet)
    except ValidationError:
        raise
    except Exception as error:
        raise _file_error(
            _(
                "The workbook could not be read (%(reason)s). Open it in Excel, save it again "
                "as .xlsx and upload it again."
            )
            % {"reason": type(error).__name__},
            "unreadable",
        ) from error
    finally:
        workbook.close()


def _read_sheet(sheet) -> list[tuple[int, dict]]:
    lines = sheet.iter_rows(values_only=True)
    columns: dict[int, str] | None = None
    header_line = 0
    for header_line, values in enumerate(lines, start=1):
        found = {
            index: HEADER_KEYS[_normalise_header(value)]
            for index, value in enumerate(values)
            if _normalise_header(value) in HEADER_KEYS
        }
        if "title" in found.values():
            columns = found
            break
        if header_line >= HEADER_SEARCH_ROWS:
            break
    missing = [COLUMNS[key] for key in REQUIRED_COLUMNS if key not in (columns or {}).values()]
    if missing:
        raise _file_error(
            _("The sheet lacks the columns %(columns)s. Use the template's header row.")
            % {"columns": "、".join(missing)},
            "columns",
        )
    rows = []
    for line, values in enumerate(lines, start=header_line + 1):
        row = {
            key: values[index] if index < len(values) else None for index, key in columns.items()
        }
        if all(_text(value) == "" for value in row.values()):
            continue
        if _text(row.get("number")) in (TOTAL_LABEL, EXAMPLE_LABEL):
            continue
        if len(rows) >= MAX_ROWS:
            raise _file_error(
                _("The sheet has more than %(max)s rows; split it into several files.")
                % {"max": MAX_ROWS},
                "too_many_rows",
            )
        rows.append((line, row))
    return rows


# --- Import: checking the rows ---------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Names are kept as written (no NFKC: 名称（示例） keeps its full-width brackets).
    return str(value).strip()


def _kind_label(value: str) -> str:
    with translation.override("zh-hans"):
        return str(Agreement.Kind(value).label)


def _kind_names() -> dict[str, str]:
    names = {}
    for value, label in Agreement.Kind.choices:
        names[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[_normalise_header(str(label))] = value
    return names


def parse_amount(value) -> Decimal | None:
    """A cell in 亿元 as Decimal yuan rounded to the fen; None when empty. ValueError, with
    the message to show, when it is not a number or not a positive amount."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("The amount “%(value)s” is not a number.") % {"value": value})
    if isinstance(value, float):
        # openpyxl reads numbers as floats; their shortest text is the number typed in Excel.
        text = repr(value)
    elif isinstance(value, int | Decimal):
        text = str(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = re.sub(r"(亿元|亿)$", "", text).replace(",", "").strip()
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValueError(
                _("The amount “%(value)s” is not a number; write it in 亿元 such as 78.75.")
                % {"value": value}
            )
    try:
        yuan = (Decimal(text) * YI).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as error:
        raise ValueError(
            _("The amount “%(value)s” is not a number; write it in 亿元 such as 78.75.")
            % {"value": value}
        ) from error
    if not yuan.is_finite():
        raise ValueError(_("The amount “%(value)s” is not a number.") % {"value": value})
    if yuan < 0:
        raise ValueError(_("The amount “%(value)s” is negative.") % {"value": value})
    if yuan == 0:
        raise ValueError(_("The amount must be greater than zero."))
    if yuan >= MAX_YUAN:
        raise ValueError(_("The amount “%(value)s” is too large.") % {"value": value})
    return yuan


def parse_date(value) -> datetime.date | None:
    """A date cell or text such as 2023-12-20 / 2023/12/20 / 2023年12月20日; None when empty."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        for date_format in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
    raise ValueError(
        _("The signing date “%(value)s” is not a date such as 2023-12-20.") % {"value": value}
    )


@dataclass
class ImportRow:
    """One data row of the sheet: where it is, what it says, and its problems."""

    NEW, UNCHANGED, INVALID = "new", "unchanged", "invalid"

    line: int
    cells: dict[str, str]
    problems: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    exists: bool = False

    @property
    def status(self) -> str:
        if self.problems:
            return self.INVALID
        return self.UNCHANGED if self.exists else self.NEW


@dataclass
class ImportPreview:
    file_name: str
    token: str
    rows: list[ImportRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            ImportRow.NEW: self.count(ImportRow.NEW),
            ImportRow.UNCHANGED: self.count(ImportRow.UNCHANGED),
            ImportRow.INVALID: self.count(ImportRow.INVALID),
        }

    @property
    def can_commit(self) -> bool:
        return bool(self.rows) and not self.count(ImportRow.INVALID) and bool(self.count("new"))


class _Lookups:
    """Everything the rows refer to, fetched in a constant number of queries."""

    def __init__(self, raw_rows: list[tuple[int, dict]]):
        def texts(key):
            return {_text(row.get(key)) for _line, row in raw_rows} - {""}

        party_names = texts("party_a") | texts("party_b")
        self.units = {unit.name: unit for unit in SigningUnit.objects.all()}
        self.sectors = {sector.name: sector for sector in Sector.objects.all()}
        self.organisations: dict[str, list[Organisation]] = {}
        by_name: dict[str, Organisation] = {}
        for organisation in Organisation.objects.filter(
            Q(name__in=party_names) | Q(short_name__in=party_names)
        ):
            by_name[organisation.name] = organisation
            if organisation.short_name:
                self.organisations.setdefault(organisation.short_name, []).append(organisation)
        for name, organisation in by_name.items():
            self.organisations[name] = [organisation]  # the full name wins over a short name
        self.meetings: dict[str, list[Meeting]] = {}
        for meeting in Meeting.objects.filter(title__in=texts("meeting")):
            self.meetings.setdefault(meeting.title, []).append(meeting)
        self.partnerships = list(Partnership.objects.order_by("pk")[:2])
        self.existing = {
            agreement.title: agreement
            for agreement in Agreement.objects.filter(title__in=texts("title")).prefetch_related(
                "parties"
            )
        }
        self.kinds = _kind_names()


def _resolve(row: ImportRow, raw: dict, lookups: _Lookups) -> None:
    problems, data = row.problems, row.data
    data["title"] = title = _text(raw.get("title"))
    if not title:
        problems.append(_("The project title is missing."))
    elif len(title) > 200:
        problems.append(_("The project title is longer than 200 characters."))

    kind_text = _text(raw.get("kind"))
    data["kind"] = lookups.kinds.get(_normalise_header(kind_text)) if kind_text else "project"
    if data["kind"] is None:
        problems.append(_("Unknown agreement kind “%(value)s”.") % {"value": kind_text})
    is_project = data["kind"] == Agreement.Kind.PROJECT

    unit_text = _text(raw.get("unit"))
    data["signing_unit"] = lookups.units.get(unit_text)
    if unit_text and data["signing_unit"] is None:
        problems.append(_("Unknown signing unit “%(value)s”.") % {"value": unit_text})
    elif not unit_text and is_project:
        problems.append(_("The signing unit is missing."))

    for key, missing in (
        ("party_a", _("Party A (甲方) is missing.")),
        ("party_b", _("Party B (乙方) is missing.")),
    ):
        name = _text(raw.get(key))
        found = lookups.organisations.get(name, [])
        data[key] = found[0] if len(found) == 1 else None
        if not name:
            problems.append(missing)
        elif not found:
            problems.append(
                _("Unknown party “%(value)s”: no organisation has this name or short name.")
                % {"value": name}
            )
        elif len(found) > 1:
            problems.append(
                _("“%(value)s” is the short name of several organisations; write the full name.")
                % {"value": name}
            )
    if data["party_a"] is not None and data["party_a"] == data["party_b"]:
        problems.append(_("Party A and party B are the same organisation."))

    try:
        data["amount"] = parse_amount(raw.get("amount"))
    except ValueError as error:
        data["amount"] = None
        problems.append(str(error))
    else:
        if data["amount"] is None and is_project:
            problems.append(_("The signed amount is missing."))

    sector_text = _text(raw.get("sector"))
    data["sector"] = lookups.sectors.get(sector_text)
    if sector_text and data["sector"] is None:
        problems.append(_("Unknown industry sector “%(value)s”.") % {"value": sector_text})
    elif not sector_text and is_project:
        problems.append(_("The industry sector is missing."))

    try:
        data["signed_on"] = parse_date(raw.get("signed_on"))
    except ValueError as error:
        data["signed_on"] = None
        problems.append(str(error))
    else:
        if data["signed_on"] is None:
            problems.append(_("The signing date is missing."))
        elif data["signed_on"] > timezone.localdate():
            problems.append(_("The signing date is in the future."))

    meeting_text = _text(raw.get("meeting"))
    found_meetings = lookups.meetings.get(meeting_text, [])
    data["signed_at_meeting"] = found_meetings[0] if len(found_meetings) == 1 else None
    if meeting_text and not found_meetings:
        problems.append(_("Unknown signing event “%(value)s”.") % {"value": meeting_text})
    elif len(found_meetings) > 1:
        problems.append(
            _("Several meetings are titled “%(value)s”; the signing event is ambiguous.")
            % {"value": meeting_text}
        )
    if data["signed_at_meeting"] is not None:
        data["partnership"] = data["signed_at_meeting"].partnership
    elif len(lookups.partnerships) == 1:
        data["partnership"] = lookups.partnerships[0]
    else:
        data["partnership"] = None
        if not meeting_text:
            problems.append(
                _(
                    "Name the signing event (签约活动): it tells which partnership the agreement "
                    "belongs to."
                )
                if lookups.partnerships
                else _("No partnership is registered yet.")
            )


def _differences(data: dict, agreement: Agreement) -> list[str]:
    """The labels of the fields where the row differs from the stored agreement."""
    fields = Agreement._meta
    stored_parties = {(p.role, p.organisation_id) for p in agreement.parties.all()}
    wanted_parties = {
        (AgreementParty.Role.A, data["party_a"].pk),
        (AgreementParty.Role.B, data["party_b"].pk),
    }
    checks = (
        ("kind", agreement.kind == data["kind"]),
        ("partnership", agreement.partnership_id == data["partnership"].pk),
        ("signing_unit", agreement.signing_unit == data["signing_unit"]),
        ("sector", agreement.sector == data["sector"]),
        ("amount", agreement.amount == data["amount"]),
        ("signed_on", agreement.signed_on == data["signed_on"]),
        (
            "signed_at_meeting",
            data["signed_at_meeting"] is None
            or agreement.signed_at_meeting_id == data["signed_at_meeting"].pk,
        ),
    )
    labels = [str(fields.get_field(name).verbose_name) for name, same in checks if not same]
    if stored_parties != wanted_parties:
        labels.append(str(AgreementParty._meta.verbose_name_plural))
    return labels


def check_rows(raw_rows: list[tuple[int, dict]]) -> list[ImportRow]:
    """Every row with its problems (in the active language) and, when it has none, the values
    to write; rows that repeat an earlier title, or differ from a stored agreement, are
    problems."""
    lookups = _Lookups(raw_rows)
    first_line: dict[str, int] = {}
    rows = []
    for line, raw in raw_rows:
        row = ImportRow(line=line, cells={key: _cell_text(raw.get(key)) for key in COLUMNS})
        _resolve(row, raw, lookups)
        title = row.data["title"]
        if title in first_line:
            row.problems.append(
                _("Row %(row)s has the same project title; each agreement is listed once.")
                % {"row": first_line[title]}
            )
        elif title:
            first_line[title] = line
        existing = lookups.existing.get(title)
        if existing is not None and not row.problems:
            differences = _differences(row.data, existing)
            if differences:
                row.problems.append(
                    _(
                        "An agreement with this title already exists with a different "
                        "%(fields)s; change it on the agreement's page, not by importing."
                    )
                    % {"fields": "、".join(differences)}
                )
            row.exists = True
        rows.append(row)
    return rows


def _cell_text(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return _text(value)


# --- Import: the two steps -------------------------------------------------------------------


def check_can_import(actor) -> None:
    if not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat imports agreements."))


def _storage() -> FileSystemStorage:
    """Uploaded sheets wait for their commit here: private (no URL), read from the settings
    at each use."""
    return FileSystemStorage(
        location=os.path.join(settings.MEDIA_ROOT, "private", "agreement-imports"), base_url=None
    )


def _storage_name(digest: str) -> str:
    return f"{digest}.xlsx"


def _remove_stale_uploads() -> None:
    """Uploads older than a token's life are of no use any more."""
    storage = _storage()
    try:
        _dirs, files = storage.listdir("")
    except FileNotFoundError:
        return
    limit = timezone.now() - datetime.timedelta(seconds=2 * TOKEN_MAX_AGE)
    for name in files:
        try:
            if storage.get_modified_time(name) < limit:
                storage.delete(name)
        except OSError:
            continue


def preview_import(upload, *, actor) -> ImportPreview:
    """Step 1: check the uploaded file and every row; keep the file for the commit.

    Raises ValidationError (translated) for a file that cannot be imported at all; row
    problems are in the preview. Writes nothing to the database."""
    check_can_import(actor)
    content = check_upload(upload)
    rows = check_rows(read_rows(content))
    digest = hashlib.sha256(content).hexdigest()
    _remove_stale_uploads()
    storage = _storage()
    if not storage.exists(_storage_name(digest)):
        storage.save(_storage_name(digest), ContentFile(content))
    token = signing.dumps(
        {"user": actor.pk, "sha256": digest, "name": upload.name[:200]}, salt=TOKEN_SALT
    )
    return ImportPreview(file_name=upload.name, token=token, rows=rows)


def _stored_upload(token: str, *, actor) -> tuple[str, bytes, str]:
    expired = ValidationError(
        {"token": [_("This preview has expired or is not valid; upload the file again.")]}
    )
    try:
        payload = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise expired from error
    digest = payload.get("sha256", "")
    if payload.get("user") != actor.pk or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise expired
    try:
        with _storage().open(_storage_name(digest), "rb") as stored:
            content = stored.read()
    except (FileNotFoundError, OSError) as error:
        raise expired from error
    if hashlib.sha256(content).hexdigest() != digest:
        raise expired
    return digest, content, payload.get("name", "")


def commit_import(token: str, *, actor) -> list[Agreement]:
    """Step 2: write every new row of the previewed file, or nothing.

    The file is read and checked again (the registry may have changed since the preview);
    any problem refuses the whole file. Unchanged rows are skipped. Each agreement is
    created through ``services.save_agreement``, audited with ``actor``."""
    check_can_import(actor)
    digest, content, name = _stored_upload(token, actor=actor)
    rows = check_rows(read_rows(content))
    invalid = [row for row in rows if row.problems]
    if invalid:
        raise ValidationError(
            {
                "token": [
                    _("%(count)s rows have problems now; preview the file again.")
                    % {"count": len(invalid)}
                ]
            }
        )
    note = _("Excel import: %(name)s") % {"name": name}
    created = []
    with transaction.atomic():
        for row in rows:
            if row.exists:
                continue
            data = row.data
            agreement = Agreement(
                kind=data["kind"],
                title=data["title"],
                partnership=data["partnership"],
                signed_at_meeting=data["signed_at_meeting"],
                signed_on=data["signed_on"],
                signing_unit=data["signing_unit"],
                sector=data["sector"],
                amount=data["amount"],
            )
            services.save_agreement(
                agreement,
                actor=actor,
                parties=[
                    {"role": AgreementParty.Role.A, "organisation": data["party_a"]},
                    {"role": AgreementParty.Role.B, "organisation": data["party_b"]},
                ],
                note=note,
            )
            created.append(agreement)
        transaction.on_commit(lambda: _storage().delete(_storage_name(digest)))
    return created
