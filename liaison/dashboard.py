"""The officials' dashboard: every figure of it in one dataclass, from the existing services.

Agreement figures come from ``agreements.statistics``, mechanism compliance from
``Mechanism.occurrences``/``summary``, answers from ``invitation_counts_by_meeting``, overdue
decisions from ``Decision.objects.overdue``. Nothing here computes a figure of its own, so the
page and the reports built on ``dashboard_figures`` show the same numbers. A constant number of
queries, whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from agreements.models import Agreement, ProgressReport
from agreements.statistics import AgreementStatistics, Row, agreement_statistics, agreement_totals
from liaison.charts import bar_chart
from liaison.models import Mechanism, Occurrence
from liaison.templatetags.liaison_format import yuan
from meetings.models import Decision, Meeting, invitation_counts_by_meeting

UPCOMING_MEETINGS = 5
OVERDUE_DECISIONS = 10
RECENT_REPORTS = 5


@dataclass(frozen=True)
class OccurrenceLine:
    """One expected occurrence of a mechanism, with its state in words."""

    occurrence: Occurrence

    @property
    def year(self) -> int:
        return self.occurrence.date.year

    @property
    def state(self) -> str:
        return self.occurrence.state

    @property
    def label(self) -> str:
        return str(Mechanism.OCCURRENCE_STATES[self.occurrence.state])

    @property
    def meeting(self):
        return self.occurrence.meeting


@dataclass(frozen=True)
class MechanismCompliance:
    mechanism: Mechanism
    occurrences: list[OccurrenceLine]  # from the first date up to the end of this year
    next: OccurrenceLine | None  # the first occurrence still scheduled or due


@dataclass(frozen=True)
class UpcomingMeeting:
    meeting: Meeting
    counts: dict[str, int]  # as ``invitation_counts``


@dataclass(frozen=True)
class Dashboard:
    as_of: datetime
    projects: AgreementStatistics  # project agreements (签约项目)
    all_agreements: dict  # count, amount, funds in place of every kind
    compliance: list[MechanismCompliance]
    upcoming: list[UpcomingMeeting]
    overdue_decisions: list[Decision]
    recent_reports: list[ProgressReport]

    @property
    def unit_chart(self) -> SafeString:
        return amount_chart(
            self.projects.by_unit, chart_id="chart-unit", title=_("Signed amount by signing unit")
        )

    @property
    def sector_chart(self) -> SafeString:
        return amount_chart(
            self.projects.by_sector,
            chart_id="chart-sector",
            title=_("Signed amount by industry sector"),
        )


def amount_chart(rows: list[Row], *, chart_id: str, title: str) -> SafeString:
    """A bar chart of the signed amount of each row, its figures repeated in the description."""
    if rows:
        description = "；".join(f"{row.label} {yuan(row.amount)}" for row in rows)
    else:
        description = _("No agreements.")
    return bar_chart(
        [(row.label, row.amount) for row in rows],
        chart_id=chart_id,
        title=title,
        description=description,
        value_text=yuan,
    )


def mechanism_compliance(mechanisms, *, today: date) -> list[MechanismCompliance]:
    """Each mechanism's expected occurrences since it began, from its prefetched meetings."""
    result = []
    for mechanism in mechanisms:
        meetings = list(mechanism.meetings.all())
        occurrences = mechanism.occurrences(
            mechanism.first_date, date(today.year, 12, 31), today=today, meetings=meetings
        )
        upcoming = mechanism.summary(today=today, meetings=meetings)["next"]
        result.append(
            MechanismCompliance(
                mechanism=mechanism,
                occurrences=[OccurrenceLine(o) for o in occurrences],
                next=OccurrenceLine(upcoming) if upcoming else None,
            )
        )
    return result


def dashboard_figures(user, *, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows, as the user may see it (officials and the secretariat
    see everything; the caller checks the permission)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    agreements = Agreement.objects.visible_to(user)
    mechanisms = Mechanism.objects.select_related("partnership").prefetch_related(
        Prefetch("meetings", queryset=Meeting.objects.visible_to(user).order_by("start"))
    )
    upcoming = list(
        Meeting.objects.visible_to(user)
        .with_related()
        .upcoming(now)
        .exclude(status=Meeting.Status.CANCELLED)[:UPCOMING_MEETINGS]
    )
    counts = invitation_counts_by_meeting(upcoming)
    return Dashboard(
        as_of=now,
        projects=agreement_statistics(agreements.projects()),
        all_agreements=agreement_totals(agreements),
        compliance=mechanism_compliance(mechanisms, today=today),
        upcoming=[UpcomingMeeting(m, counts[m.pk]) for m in upcoming],
        overdue_decisions=list(
            Decision.objects.visible_to(user)
            .overdue(today)
            .with_related()
            .order_by("deadline", "pk")[:OVERDUE_DECISIONS]
        ),
        recent_reports=list(
            ProgressReport.objects.visible_to(user)
            .with_related()
            .filter(status=ProgressReport.Status.APPROVED)
            .order_by("-reviewed_at", "-pk")[:RECENT_REPORTS]
        ),
    )
