"""The kinds of report for officials, each as PDF and ``.xlsx``, from the same services as the
dashboard.

One module per report (``ledger``, ``annual``, ``follow_up``, ``event``) says how to title it,
gather its figures (``figures(user, parameters, now)``) and write its workbook; its PDF is the
template ``reports/pdf/report_<kind>.html`` rendered by ``layout.report_pdf``. ``generation``
makes them in the background and keeps each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from reports import annual, event, follow_up, ledger
from reports.models import GeneratedReport


@dataclass(frozen=True)
class ReportType:
    kind: str
    module: ModuleType

    @property
    def template(self) -> str:
        return f"reports/pdf/report_{self.kind}.html"

    @property
    def title(self) -> Callable[[dict], str]:
        return self.module.title


REPORT_TYPES = {
    kind: ReportType(kind, module)
    for kind, module in (
        (GeneratedReport.Kind.LEDGER, ledger),
        (GeneratedReport.Kind.ANNUAL, annual),
        (GeneratedReport.Kind.FOLLOW_UP, follow_up),
        (GeneratedReport.Kind.EVENT, event),
    )
}
