"""Small helpers every ``.xlsx`` the system writes shares: a new workbook, a bold frozen header
with column widths, the finished file as bytes (openpyxl is imported on first use), and the
download response."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new_workbook():
    return Workbook()


def style_header(sheet, widths: list[int], *, row: int = 1) -> None:
    """Bold the header row, set the column widths and keep the header in view."""
    for cell in sheet[row]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def bold_row(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, name: str, *, dated: bool = True) -> HttpResponse:
    """An ``.xlsx`` download named ``<name>-<today>.xlsx`` (or ``<name>.xlsx``); a Chinese
    name survives (RFC 5987)."""
    filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx" if dated else f"{name}.xlsx"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
