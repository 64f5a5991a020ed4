"""Excel in and out of the agreements: the 签约项目清单 the secretariat keeps.

Export (``export``): any filtered list of agreements as ``.xlsx`` with Chinese headers, amounts in
亿元 as exact numbers, and a totals row (合计) taken from ``agreements.statistics`` for the same
queryset, so the sheet and the statistics page never disagree; and the import template.

Import (``imports``), in two steps, each made in the background (``liaison.tasks``) while the
import's page (an ``AgreementImport``) shows its progress and refreshes itself:

1. ``start_import`` refuses at once a file that is not an acceptable workbook (extension,
   ZIP/OOXML signature, size, unpacked size), keeps it privately and queues ``check_import``,
   which reads every row (row count, header columns), lists each row's problems in plain words
   and keeps that preview with the import. Nothing is written to the agreements.
2. ``confirm_import`` (the same secretariat user, within an hour) queues ``commit_import``,
   which re-reads and re-checks the stored file and writes all its new rows through
   ``agreements.services`` in one transaction, or nothing; a failure is recorded on the
   import with its reason.

A row whose title already exists is *unchanged* when it says what the stored agreement says
(kind, signing unit, parties A and B, amount, sector, date, signing event): it is skipped, so
re-importing the same sheet changes nothing and writes no audit entry. When it says something
else, the row is a problem: the import never overwrites an agreement; change it on its page,
where the change is recorded in its history. Unknown parties are problems too (the import does
not create organisations), so nothing is ever half-imported.

Progress in (``progress``): a 进展报送表 whose every row reports on one agreement as fits its kind
(a progress report, a delivery, a negotiation note), recorded through the same services as the
pages and the API, all rows or none (``import_progress``, synchronous: the sheet is small).

Amounts go from the cell to the database as ``Decimal`` only: a numeric cell (which openpyxl
reads as a float) is converted through its shortest decimal text, then rounded to the fen.
"""

from agreements.excel.columns import MAX_BYTES, MAX_ROWS, XLSX_CONTENT_TYPE
from agreements.excel.export import export_agreements, import_template
from agreements.excel.imports import (
    check_can_import,
    check_import,
    check_rows,
    commit_import,
    confirm_import,
    parse_amount,
    read_rows,
    start_import,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "XLSX_CONTENT_TYPE",
    "check_can_import",
    "check_import",
    "check_rows",
    "commit_import",
    "confirm_import",
    "export_agreements",
    "import_template",
    "parse_amount",
    "read_rows",
    "start_import",
]
