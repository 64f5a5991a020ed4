"""Excel in and out of the agreements: the 签约项目清单 the secretariat keeps.

Export (``export``): any filtered list of agreements as ``.xlsx`` with Chinese headers, amounts in
亿元 as exact numbers, and a totals row (合计) taken from ``agreements.statistics`` for the same
queryset, so the sheet and the statistics page never disagree; and the import template.

Import (``imports``), in two steps:

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

from agreements.excel.columns import MAX_BYTES, MAX_ROWS, XLSX_CONTENT_TYPE
from agreements.excel.export import export_agreements, import_template
from agreements.excel.imports import (
    check_can_import,
    check_rows,
    commit_import,
    parse_amount,
    preview_import,
    read_rows,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "XLSX_CONTENT_TYPE",
    "check_can_import",
    "check_rows",
    "commit_import",
    "export_agreements",
    "import_template",
    "parse_amount",
    "preview_import",
    "read_rows",
]
