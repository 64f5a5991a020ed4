"""Reports for officials, as PDF and ``.xlsx``, from the same services as the dashboard.

The agreements ledger (签约项目台账): the project agreements by signing unit, sector and status
with their totals and charts, then every project. The ``.xlsx`` is the agreements export
(``agreements.excel``); the PDF is HTML rendered by ``liaison.pdf.render_pdf`` in a report
layout. Both read ``agreement_statistics`` of the same queryset, so their figures are the
dashboard's.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.excel import export_agreements
from agreements.models import Agreement
from agreements.statistics import agreement_statistics
from liaison.dashboard import amount_chart
from liaison.pdf import PdfMetadata, render_pdf


def ledger_agreements(user) -> QuerySet:
    """The project agreements the user may see, in ledger order: by signing unit, then the
    largest amount first."""
    return (
        Agreement.objects.visible_to(user)
        .projects()
        .order_by("signing_unit__position", "signing_unit__name", "-amount", "signed_on", "pk")
    )


def ledger_title() -> str:
    return _("Agreements ledger")


def ledger_xlsx(user) -> bytes:
    return export_agreements(ledger_agreements(user))


def page_counter_css(text: str) -> str:
    """A translated "page %(page)s of %(pages)s" as a CSS ``content`` value with counters."""
    pieces = re.split(r"(%\(pages?\)s)", text)
    values = []
    for piece in pieces:
        if piece == "%(page)s":
            values.append("counter(page)")
        elif piece == "%(pages)s":
            values.append("counter(pages)")
        elif piece:
            values.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(values)


def period_text(stats) -> str:
    """The years the agreements were signed in, such as 2023 or 2023–2025."""
    years = [row.key for row in stats.by_year if row.key is not None]
    if not years:
        return "—"
    first, last = min(years), max(years)
    return str(first) if first == last else f"{first}–{last}"


def ledger_html(user, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    agreements = ledger_agreements(user)
    stats = agreement_statistics(agreements)
    return render_to_string(
        "pdf/report_ledger.html",
        {
            "title": ledger_title(),
            "period": period_text(stats),
            "as_of": now,
            "stats": stats,
            "agreements": agreements.with_related(),
            "unit_chart": amount_chart(
                stats.by_unit, chart_id="chart-unit", title=_("Signed amount by signing unit")
            ),
            "sector_chart": amount_chart(
                stats.by_sector,
                chart_id="chart-sector",
                title=_("Signed amount by industry sector"),
            ),
            "page_counter": page_counter_css(_("page %(page)s of %(pages)s")),
        },
    )


def ledger_pdf(user, *, now: datetime | None = None) -> bytes:
    return render_pdf(
        ledger_html(user, now=now),
        metadata=PdfMetadata(title=ledger_title(), author=_("Hunan–Turpan Liaison")),
    )
