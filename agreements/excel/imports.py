"""Agreements in from ``.xlsx``: read, check every row, preview, then commit all or none, the
reading, checking and writing in the background (``liaison.tasks``) with their progress kept in
an ``AgreementImport``."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

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
    PREVIEW_MAX_AGE,
    REQUIRED_COLUMNS,
    SHEET_NAME,
    TOTAL_LABEL,
)
from agreements.models import Agreement, AgreementImport, AgreementParty, SigningUnit
from liaison import jobs, permissions
from liaison.models import Organisation, Partnership, Sector
from liaison.money import YI
from liaison.tasks import background_task, submit
from liaison.uploads import delete_stored, display_name, removed_on_error
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


def read_rows(
    content: bytes, *, on_progress: Callable[[int, int], None] | None = None
) -> list[tuple[int, dict]]:
    """The data rows of the workbook's 签约项目清单 (or first) sheet as (Excel row number,
    {column key: cell value}); empty rows, the example row and a totals row are left out.
    ``on_progress(line, lines)`` is called now and then while a long sheet is read (``lines``
    is the sheet's declared size, 0 when it declares none)."""
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
        return _read_sheet(sheet, on_progress)
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


PROGRESS_EVERY = 500  # sheet lines between two progress reports while reading


def _read_sheet(sheet, on_progress=None) -> list[tuple[int, dict]]:
    declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
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
        if on_progress is not None and line % PROGRESS_EVERY == 0:
            on_progress(line, declared)
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

    def as_json(self) -> dict:
        """What the preview shows of the row, kept with the import."""
        return {
            "line": self.line,
            "cells": self.cells,
            "problems": self.problems,
            "exists": self.exists,
            "status": self.status,
        }


@dataclass
class ImportPreview:
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


# --- Import: the two steps, each in the background ------------------------------------------


def check_can_import(actor) -> None:
    if not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat imports agreements."))


def start_import(upload, *, actor) -> AgreementImport:
    """Step 1: refuse at once a file that is not an acceptable .xlsx (ValidationError,
    translated), else keep it privately and check its rows in the background
    (``check_import``). Returns the queued import; writes no agreement."""
    check_can_import(actor)
    content = check_upload(upload)
    _remove_stale_uploads()
    agreement_import = AgreementImport(
        original_name=display_name(upload.name),
        requested_by=actor,
        language=translation.get_language() or "zh-hans",
        step=_("Waiting to start"),
    )
    with removed_on_error() as stored, transaction.atomic():
        agreement_import.file.save("import.xlsx", ContentFile(content), save=False)
        stored.append(agreement_import.file.name)
        agreement_import.save()
    # Sent once the row and its file are kept for good (a broker that cannot be reached then
    # leaves a queued import, shown as failed once stale, not a missing file).
    submit(check_import, agreement_import.pk)
    return agreement_import


def confirm_import(agreement_import: AgreementImport, *, actor) -> AgreementImport:
    """Step 2: the secretariat confirms a checked import; every new row is written in the
    background (``commit_import``), all or nothing. Refused (ValidationError) when the
    preview has problems, nothing new, has expired, or was confirmed already."""
    check_can_import(actor)
    with transaction.atomic():
        locked = AgreementImport.objects.select_for_update().get(pk=agreement_import.pk)
        if locked.requested_by_id != actor.pk or not locked.is_checked or not locked.file:
            raise _import_error(
                _("This preview has expired or is not valid; upload the file again.")
            )
        if locked.finished_at < timezone.now() - timedelta(seconds=PREVIEW_MAX_AGE):
            raise _import_error(
                _("This preview has expired or is not valid; upload the file again.")
            )
        if not locked.can_commit:
            raise _import_error(
                _("Nothing can be imported until every problem is fixed.")
                if locked.counts.get("invalid")
                else _("Every row is already recorded: there is nothing to import.")
            )
        AgreementImport.objects.filter(pk=locked.pk).update(
            stage=AgreementImport.Stage.COMMIT,
            status=AgreementImport.Status.QUEUED,
            progress=0,
            step=_("Waiting to start"),
            requested_at=timezone.now(),
            finished_at=None,
        )
        submit(commit_import, locked.pk)
    locked.refresh_from_db()
    return locked


def _import_error(message: str) -> ValidationError:
    return ValidationError({"import": [message]})


def _pending(import_id: int, stage: str) -> AgreementImport | None:
    agreement_import = (
        AgreementImport.objects.select_related("requested_by").filter(pk=import_id).first()
    )
    if (
        agreement_import is None
        or agreement_import.stage != stage
        or agreement_import.status not in AgreementImport.PENDING
    ):
        return None
    return agreement_import


def _unexpected() -> str:
    return _("The workbook could not be processed. Please try again later.")


@background_task
def check_import(import_id: int) -> None:
    """The background half of step 1: read and check every row, and keep the preview."""
    agreement_import = _pending(import_id, AgreementImport.Stage.CHECK)
    if agreement_import is not None:
        jobs.run(
            agreement_import,
            _check,
            expected=(ValidationError,),
            unexpected_message=_unexpected,
        )


@background_task
def commit_import(import_id: int) -> None:
    """The background half of step 2: read and check the file again, then write all of its
    new rows or none."""
    agreement_import = _pending(import_id, AgreementImport.Stage.COMMIT)
    if agreement_import is not None:
        jobs.run(
            agreement_import,
            _commit,
            expected=(ValidationError, PermissionDenied),
            unexpected_message=_unexpected,
        )


def _read(agreement_import: AgreementImport, *, upto: int) -> list[ImportRow]:
    """Read and check the stored file, saving the progress from 5 % to ``upto`` %."""
    reading = _("Reading the workbook")
    jobs.save_progress(agreement_import, 5, reading, status=AgreementImport.Status.RUNNING)

    def on_progress(line: int, lines: int) -> None:
        share = min(line / lines, 1) if lines else 0.5
        jobs.save_progress(
            agreement_import,
            5 + int(share * (upto - 15)),
            _("Reading the workbook (row %(row)s)") % {"row": line},
        )

    with agreement_import.file.open("rb") as stored:
        content = stored.read()
    raw_rows = read_rows(content, on_progress=on_progress)
    jobs.save_progress(
        agreement_import,
        upto - 10,
        ngettext("Checking %(count)s row", "Checking %(count)s rows", len(raw_rows))
        % {"count": len(raw_rows)},
    )
    return check_rows(raw_rows)


def _check(agreement_import: AgreementImport) -> None:
    rows = _read(agreement_import, upto=95)
    AgreementImport.objects.filter(pk=agreement_import.pk).update(
        rows=[row.as_json() for row in rows],
        counts=ImportPreview(rows).counts,
        status=AgreementImport.Status.DONE,
        progress=100,
        step=_("Checked"),
        finished_at=timezone.now(),
    )


def _commit(agreement_import: AgreementImport) -> None:
    actor = agreement_import.requested_by
    if actor is None:
        raise _import_error(_("The user who asked for the import no longer exists."))
    check_can_import(actor)
    rows = _read(agreement_import, upto=60)
    invalid = [row for row in rows if row.problems]
    if invalid:
        raise _import_error(
            _("%(count)s rows have problems now; preview the file again.") % {"count": len(invalid)}
        )
    new_rows = [row for row in rows if not row.exists]
    jobs.save_progress(
        agreement_import,
        60,
        ngettext("Recording %(count)s agreement", "Recording %(count)s agreements", len(new_rows))
        % {"count": len(new_rows)},
    )
    note = _("Excel import: %(name)s") % {"name": agreement_import.original_name}
    file_name = agreement_import.file.name
    with transaction.atomic():
        created = [_create(row.data, actor=actor, note=note) for row in new_rows]
        AgreementImport.objects.filter(pk=agreement_import.pk).update(
            created=[agreement.pk for agreement in created],
            file="",
            status=AgreementImport.Status.DONE,
            progress=100,
            step=_("Imported"),
            finished_at=timezone.now(),
        )
        transaction.on_commit(lambda: delete_stored(file_name))


def _create(data: dict, *, actor, note: str) -> Agreement:
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
    return agreement


def _remove_stale_uploads() -> None:
    """The files of imports asked for long ago and not being worked on are of no use any
    more (a preview can be confirmed for ``PREVIEW_MAX_AGE`` only)."""
    stale = AgreementImport.objects.exclude(file="").filter(
        requested_at__lt=timezone.now() - timedelta(seconds=2 * PREVIEW_MAX_AGE)
    )
    for agreement_import in stale.exclude(status__in=AgreementImport.PENDING):
        AgreementImport.objects.filter(pk=agreement_import.pk).update(file="")
        delete_stored(agreement_import.file.name)
