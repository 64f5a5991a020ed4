"""Time the minutes PDF: render sample minutes of about 13 and 100 pages.

    .venv/bin/python bench/pdf_minutes.py [--repeat 3]

Prints, per size, the page count and the fastest and median render time in one warm process
(the first render also loads the fonts and is reported apart). Needs no database. Numbers are
for comparison between commits on the same machine; ../shared/notes/pdf.md has reference values.
"""

import argparse
import logging
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Agenda items per size: each item is about two thirds of a page.
SIZES = {"13 pages": 18, "100 pages": 161}


def page_count(pdf: bytes) -> str:
    try:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?"
    match = re.search(rb"Pages:\s+(\d+)", info)
    return match[1].decode() if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    # Function-level imports: the settings come from the environment set just above.
    import django

    django.setup()
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from liaison.pdf import check_pdf_environment
    from meetings.minutes.pdf import render_minutes_pdf
    from meetings.tests.test_minutes_pdf import make_document

    for problem in check_pdf_environment():
        print("WARNING:", problem)

    started = time.perf_counter()
    render_minutes_pdf(make_document(agenda_items=1))
    print(f"first render (fonts loaded): {time.perf_counter() - started:.2f} s")

    for label, items in SIZES.items():
        document = make_document(agenda_items=items)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            pdf = render_minutes_pdf(document)
            timings.append(time.perf_counter() - started)
        pages = page_count(pdf)
        print(
            f"{label:>10}: {pages} pages, {len(pdf) / 1024:.0f} KB, "
            f"min {min(timings):.2f} s, median {statistics.median(timings):.2f} s"
        )


if __name__ == "__main__":
    main()
