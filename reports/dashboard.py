"""The dashboard: every figure of it in one dataclass, from the existing services.

Officials and the secretariat see the whole cooperation; a member sees the figures of its own
organisation only (its agreements, the decisions it is responsible for), with no mechanism
compliance and no other organisation's answers. An optional signing year narrows the
agreement figures.

Agreement figures come from ``agreements.statistics`` (the figures by kind from
``kind_statistics``), mechanism compliance from
``Mechanism.occurrences``/``summary``, answers from ``invitation_counts_by_meeting``, overdue
decisions from ``Decision.objects.overdue``. Nothing here computes a figure of its own, so the
page and the reports built on ``dashboard_figures`` show the same numbers. A constant number of
queries, whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from agreements.models import Agreement, ProgressReport
from agreements.statistics import (
    ZERO,
    AgreementStatistics,
    KindStatistics,
    Row,
    agreement_statistics,
    agreement_totals,
    kind_statistics,
)
from liaison import permissions
from liaison.models import Mechanism, Occurrence, Organisation, attach_deciding_meetings
from liaison.money import money_column
from meetings.models import Decision, Meeting, invitation_counts_by_meeting
from reports.charts import LANDED, SIGNED, Series, bar_chart, grouped_bar_chart

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


class AgreementCharts:
    """The charts of figures whose ``stats`` are agreement statistics."""

    stats: AgreementStatistics

    @property
    def unit_chart(self) -> SafeString:
        return unit_chart(self.stats)

    @property
    def sector_chart(self) -> SafeString:
        return sector_chart(self.stats)

    @property
    def year_chart(self) -> SafeString:
        return signed_landed_chart(self.stats)


@dataclass(frozen=True)
class Dashboard(AgreementCharts):
    as_of: datetime
    year: int | None  # the signing year the agreement figures are narrowed to
    years: list[int]  # the signing years there are, newest first
    organisation: Organisation | None  # a member's own organisation (its figures only)
    projects: AgreementStatistics  # project agreements (签约项目)
    all_agreements: dict  # count, amount, funds in place of every kind
    kinds: KindStatistics  # what each kind has achieved
    compliance: list[MechanismCompliance]
    upcoming: list[UpcomingMeeting]
    overdue_decisions: list[Decision]
    recent_reports: list[ProgressReport]

    @property
    def stats(self) -> AgreementStatistics:
        return self.projects


def unit_chart(stats: AgreementStatistics) -> SafeString:
    return amount_chart(
        stats.by_unit, chart_id="chart-unit", title=_("Signed amount by signing unit")
    )


def sector_chart(stats: AgreementStatistics) -> SafeString:
    return amount_chart(
        stats.by_sector, chart_id="chart-sector", title=_("Signed amount by industry sector")
    )


def signed_landed_chart(stats: AgreementStatistics) -> SafeString:
    """Per signing year, the amount signed next to the amount of those agreements that have
    landed (in operation or completed)."""
    years = [
        (row.label, row.amount, landed.amount if landed else ZERO)
        for row, landed in stats.signed_and_landed_by_year()
    ]
    column = money_column(amount for _label, *amounts in years for amount in amounts)
    description = "；".join(
        _("%(year)s: %(signed)s signed, %(landed)s landed")
        % {"year": label, "signed": column.text(signed), "landed": column.text(landed)}
        for label, signed, landed in years
    ) or _("No agreements.")
    return grouped_bar_chart(
        [(label, [signed, landed]) for label, signed, landed in years],
        series=[Series(_("signed"), SIGNED), Series(_("landed"), LANDED)],
        chart_id="chart-years",
        title=_("Signed and landed by signing year"),
        description=description,
        value_text=column.text,
    )


def amount_chart(rows: list[Row], *, chart_id: str, title: str) -> SafeString:
    """A bar chart of the signed amount of each row, its figures repeated in the description."""
    column = money_column(row.amount for row in rows)
    if rows:
        description = "；".join(f"{row.label} {column.text(row.amount)}" for row in rows)
    else:
        description = _("No agreements.")
    return bar_chart(
        [(row.label, row.amount) for row in rows],
        chart_id=chart_id,
        title=title,
        description=description,
        value_text=column.text,
    )


def mechanisms_with_meetings(user, *, today: date | None = None):
    """Every mechanism with the meetings the user may see that decide its occurrences up to
    the end of the fourth year from now (``deciding_meetings``), in date order: one query
    whose rows do not grow with the meetings kept."""
    today = today or timezone.localdate()
    return attach_deciding_meetings(
        Mechanism.objects.select_related("partnership"),
        Meeting.objects.visible_to(user),
        end=date(today.year + 4, 12, 31),
    )


def mechanism_compliance(
    mechanisms, *, today: date, start: date | None = None, end: date | None = None
) -> list[MechanismCompliance]:
    """Each mechanism's expected occurrences from ``start`` (when it began) to ``end`` (the
    end of this year), and the next one still scheduled or due (as ``Mechanism.summary``
    finds it), from its prefetched meetings: one pass over the occurrences."""
    end = end or date(today.year, 12, 31)
    result = []
    for mechanism in mechanisms:
        everything = mechanism.occurrences(
            mechanism.first_date,
            max(end, date(today.year + 4, 12, 31)),
            today=today,
            meetings=mechanism.deciding_meetings,
        )
        upcoming = next(
            (o for o in everything if o.state in (Mechanism.SCHEDULED, Mechanism.DUE)), None
        )
        result.append(
            MechanismCompliance(
                mechanism=mechanism,
                occurrences=[
                    OccurrenceLine(o)
                    for o in everything
                    if (start or mechanism.first_date) <= o.date <= end
                ],
                next=OccurrenceLine(upcoming) if upcoming else None,
            )
        )
    return result


def signing_years(agreements) -> list[int]:
    """The years agreements were signed in, newest first (one query)."""
    return [day.year for day in agreements.dates("signed_on", "year", order="DESC")]


def dashboard_figures(user, *, now: datetime | None = None, year: int | None = None) -> Dashboard:
    """Everything the dashboard shows, as the user may see it: officials and the secretariat
    everything, a member its own organisation's figures (the caller checks the role)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    member = permissions.is_member(user)
    all_agreements = Agreement.objects.visible_to(user)
    years = signing_years(all_agreements)
    if year not in years:
        year = None  # an unknown year shows every year
    agreements = all_agreements.filter(signed_on__year=year) if year else all_agreements
    decisions = Decision.objects.visible_to(user)
    if member:
        decisions = decisions.for_unit(user.organisation_id)
        compliance, upcoming = [], []
    else:
        compliance = mechanism_compliance(mechanisms_with_meetings(user, today=today), today=today)
        upcoming = list(
            Meeting.objects.visible_to(user)
            .with_related()
            .upcoming(now)
            .exclude(status=Meeting.Status.CANCELLED)[:UPCOMING_MEETINGS]
        )
    counts = invitation_counts_by_meeting(upcoming) if upcoming else {}
    return Dashboard(
        as_of=now,
        year=year,
        years=years,
        organisation=user.organisation if member else None,
        projects=agreement_statistics(agreements.projects()),
        all_agreements=agreement_totals(agreements),
        kinds=kind_statistics(agreements),
        compliance=compliance,
        upcoming=[UpcomingMeeting(m, counts[m.pk]) for m in upcoming],
        overdue_decisions=list(
            decisions.overdue(today).with_related().order_by("deadline", "pk")[:OVERDUE_DECISIONS]
        ),
        recent_reports=list(
            ProgressReport.objects.visible_to(user)
            .with_related()
            .filter(status=ProgressReport.Status.APPROVED)
            .order_by("-reviewed_at", "-pk")[:RECENT_REPORTS]
        ),
    )
