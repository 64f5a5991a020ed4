"""Small helpers every ``.xlsx`` the system writes shares: a new workbook, a bold frozen header
with column widths, and the finished file as bytes (openpyxl is imported on first use)."""

from __future__ import annotations

import io


def new_workbook():
    from openpyxl import Workbook

    return Workbook()


def style_header(sheet, widths: list[int], *, row: int = 1) -> None:
    """Bold the header row, set the column widths and keep the header in view."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[row]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def bold_row(sheet, row: int) -> None:
    from openpyxl.styles import Font

    for cell in sheet[row]:
        cell.font = Font(bold=True)


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
