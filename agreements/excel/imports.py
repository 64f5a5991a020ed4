"""Agreements in from ``.xlsx``: read, check every row, preview, then commit all or none."""

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
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements import services
from agreements.excel.columns import (
    CENT,
    COLUMNS,
    DATE_FORMATS,
    EXAMPLE_LABEL,
    HEADER_SEARCH_ROWS,
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_YUAN,
    REQUIRED_COLUMNS,
    SHEET_NAME,
    TOKEN_MAX_AGE,
    TOKEN_SALT,
    TOTAL_LABEL,
    YI,
)
from agreements.models import Agreement, AgreementParty, SigningUnit
from liaison import permissions
from liaison.models import Organisation, Partnership, Sector
from meetings.models import Meeting

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


def _kind_names() -> dict[str, str]:
    names = {}
    for value, label in Agreement.Kind.choices:
        names[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[_normalise_header(str(label))] = value
    return names


NO_AMOUNT = ("—", "–", "-", "－")  # an unknown amount, as the export writes it


def parse_amount(value) -> Decimal | None:
    """A cell in 亿元 as Decimal yuan rounded to the fen; None when empty. ValueError, with
    the message to show, when it is not a number or not a positive amount."""
    if value is None or (isinstance(value, str) and value.strip() in ("", *NO_AMOUNT)):
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
