"""Time the reports: the agreements ledger and the decision follow-up report over many rows.

    .venv/bin/python bench/reports.py [--agreements 100 1000] [--decisions 300]

Builds a throw-away database (SQLite file, or DATABASE_URL if set) holding the seeded demo plus
``--agreements`` more project agreements and ``--decisions`` more decisions, then makes each
report the way the background task does (``reports.generation``) and prints the time
of each step, the PDF's page count and the file sizes. Numbers are for comparison between
commits on the same machine.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--decisions", type=int, default=300)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="liaison-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    os.environ["MEDIA_ROOT"] = f"{scratch}/media"
    # Imported once the environment above is set: the settings read it, the models need setup().
    # Function-level imports: the settings come from the environment set just above.
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone, translation

    from liaison.models import User
    from reports.kinds import REPORT_TYPES
    from reports.layout import report_pdf

    translation.activate("zh-hans")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    official = User.objects.get(username="official")
    add_decisions(args.decisions, reader=official)

    print(
        f"{'report':28} {'rows':>6} {'figures s':>10} {'PDF s':>7} {'pages':>6} "
        f"{'xlsx s':>7} {'PDF KB':>7} {'xlsx KB':>8}"
    )
    total = 0
    for size in args.agreements:
        add_agreements(size - total, offset=total)
        total = size
        for kind, label in (("ledger", "ledger"), ("follow_up", "follow-up (督办)")):
            report_type = REPORT_TYPES[kind]
            now = timezone.now()
            started = time.perf_counter()
            figures = report_type.module.figures(official, {}, now)
            gathered = time.perf_counter()
            pages = []
            pdf = report_pdf(
                report_type.template,
                title=label,
                period="—",
                as_of=now,
                figures=figures,
                on_laid_out=pages.append,
            )
            drawn = time.perf_counter()
            xlsx = report_type.module.workbook(figures)
            written = time.perf_counter()
            rows = size + 33 if kind == "ledger" else len(figures.decisions)
            print(
                f"{label:28} {rows:6d} {gathered - started:10.2f} {drawn - gathered:7.2f} "
                f"{pages[0]:>6} {written - drawn:7.2f} {len(pdf) // 1024:7d} "
                f"{len(xlsx) // 1024:8d}"
            )


def add_agreements(count: int, *, offset: int) -> None:
    # The models are importable only after django.setup() in main().
    from agreements.models import Agreement, AgreementParty, SigningUnit
    from liaison.models import Organisation, Partnership, Sector

    partnership = Partnership.objects.first()
    units = list(SigningUnit.objects.all())
    sectors = list(Sector.objects.all())
    enterprise = Organisation.objects.filter(kind="enterprise").first()
    created = Agreement.objects.bulk_create(
        Agreement(
            kind=Agreement.Kind.PROJECT,
            title=f"基准合作项目{n}（基准）",
            partnership=partnership,
            signed_on=date(2024 + n % 3, 1 + n % 12, 1),
            signing_unit=units[n % len(units)],
            sector=sectors[n % len(sectors)],
            amount=Decimal("12345678.90") + n,
        )
        for n in range(offset, offset + count)
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=agreement, organisation=enterprise, role=AgreementParty.Role.B)
        for agreement in created
    )


def add_decisions(count: int, *, reader) -> None:
    # The models are importable only after django.setup() in main().
    from meetings.models import Decision

    minutes = Decision.objects.visible_to(reader).first().minutes
    units = list(minutes.decisions.first().responsible_units.all())
    start = minutes.decisions.count() + 1
    made = Decision.objects.bulk_create(
        Decision(
            minutes=minutes,
            number=start + n,
            text=f"基准议定事项{n}：推进签约项目落地并按季度报送进展。",
            deadline=date(2025 + n % 3, 1 + n % 12, 15),
        )
        for n in range(count)
    )
    through = Decision.responsible_units.through
    through.objects.bulk_create(
        through(decision_id=decision.pk, organisation_id=units[n % len(units)].pk)
        for n, decision in enumerate(made)
    )


if __name__ == "__main__":
    main()
