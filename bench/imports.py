"""Time the Excel import of a near-limit workbook, split into what a request does and what the
background worker does.

    .venv/bin/python bench/imports.py [--rows 2000] [--unpacked-mb 49]

Builds a throw-away database (SQLite file, or DATABASE_URL if set) holding the seeded demo, and
a 签约项目清单 of ``--rows`` new agreements (the demo's own rows under new titles) padded with a
note column so that it unpacks to about ``--unpacked-mb`` MB (the limit is 50). Then it times
``start_import`` and ``confirm_import`` (the two requests) and ``check_import`` and
``commit_import`` (the worker). Numbers are for comparison between commits on one machine.
"""

import argparse
import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--unpacked-mb", type=int, default=49)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="liaison-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    os.environ["MEDIA_ROOT"] = f"{scratch}/media"
    # Function-level imports: the settings come from the environment set just above.
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import translation
    from openpyxl import Workbook

    from agreements import excel
    from agreements.models import Agreement, AgreementImport
    from liaison.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    translation.activate("zh-hans")
    secretariat = User.objects.filter(role=User.Role.SECRETARIAT).first()
    demo = excel.read_rows(excel.export_agreements(Agreement.objects.all()))
    headers = [*excel.imports.COLUMNS.values(), "备注"]

    def workbook_of(note_chars: int) -> tuple[bytes, int]:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "签约项目清单"
        sheet.append(headers)
        for n in range(args.rows):
            _line, row = demo[n % len(demo)]
            cells = [row.get(key) for key in excel.imports.COLUMNS]
            cells[0], cells[1] = n + 1, f"{row['title']}（批量{n + 1}）"
            sheet.append([*cells, f"{n:06d}" + "注" * note_chars])
        buffer = io.BytesIO()
        workbook.save(buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            return buffer.getvalue(), sum(member.file_size for member in archive.infolist())

    # The note's length that brings the unpacked size to the target, found from two sizes.
    _content, bare = workbook_of(0)
    _content, probe = workbook_of(1000)
    per_char = (probe - bare) / (1000 * args.rows)
    content, unpacked = workbook_of(int((args.unpacked_mb * 2**20 - bare) / per_char / args.rows))
    print(f"workbook: {len(content) / 1024:.0f} KB, unpacks to {unpacked / 2**20:.1f} MB")

    def timed(label, work):
        start = time.perf_counter()
        result = work()
        print(f"{label:<34} {time.perf_counter() - start:7.2f} s")
        return result

    agreement_import = timed(
        "request: upload (start_import)",
        lambda: excel.start_import(
            SimpleUploadedFile("清单.xlsx", content, excel.XLSX_CONTENT_TYPE), actor=secretariat
        ),
    )
    timed("worker: check (check_import)", lambda: excel.check_import(agreement_import.pk))
    agreement_import.refresh_from_db()
    print(f"  {agreement_import.step}: {agreement_import.counts}")
    timed(
        "request: confirm (confirm_import)",
        lambda: excel.confirm_import(agreement_import, actor=secretariat),
    )
    timed("worker: commit (commit_import)", lambda: excel.commit_import(agreement_import.pk))
    agreement_import = AgreementImport.objects.get(pk=agreement_import.pk)
    print(
        f"  {agreement_import.step}: {len(agreement_import.created)} agreements {agreement_import.error}"
    )


if __name__ == "__main__":
    main()
