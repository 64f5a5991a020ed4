"""The decision follow-up report (督办报告): every unfinished decision, grouped by responsible
unit with how many are open, in progress and overdue, as of the time it is made. A decision with
two responsible units is listed under both; the totals count it once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import Organisation
from liaison.xlsx import new_workbook, style_header, workbook_bytes
from meetings.models import Decision

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class UnitDecisions:
    unit: Organisation | None  # None: decisions without a responsible unit
    decisions: list[Decision]
    today: date

    @property
    def label(self) -> str:
        return self.unit.display_name if self.unit else _("no responsible unit")

    @property
    def open(self) -> int:
        return sum(1 for d in self.decisions if d.status == Decision.Status.OPEN)

    @property
    def in_progress(self) -> int:
        return sum(1 for d in self.decisions if d.status == Decision.Status.IN_PROGRESS)

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.decisions if d.is_overdue(self.today))

    @property
    def rows(self) -> list[tuple[Decision, int | None]]:
        """Each decision with its days overdue (None when not overdue)."""
        return [(d, days_overdue(d, self.today)) for d in self.decisions]


def days_overdue(decision: Decision, today: date) -> int | None:
    return (today - decision.deadline).days if decision.is_overdue(today) else None


@dataclass(frozen=True)
class FollowUpFigures:
    today: date
    decisions: list[Decision]  # unfinished, the earliest deadline first
    units: list[UnitDecisions]  # the most overdue first

    @property
    def period(self) -> str:
        return _("as of %(date)s") % {"date": f"{self.today:%Y-%m-%d}"}

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.decisions if d.is_overdue(self.today))

    @property
    def due_soon(self) -> int:
        """Not overdue yet, but due within DUE_SOON_DAYS."""
        limit = self.today + timedelta(days=DUE_SOON_DAYS)
        return sum(
            1
            for d in self.decisions
            if d.deadline is not None and self.today <= d.deadline <= limit
        )


def title(parameters: dict) -> str:
    return _("Decision follow-up report")


def figures(user, parameters: dict, now: datetime) -> FollowUpFigures:
    today = timezone.localdate(now)
    decisions = sorted(
        Decision.objects.visible_to(user).unfinished().with_related(),
        key=lambda d: (d.deadline is None, d.deadline or today, d.minutes.meeting.start, d.number),
    )
    by_unit: dict[int | None, list[Decision]] = {}
    units: dict[int | None, Organisation | None] = {None: None}
    for decision in decisions:
        responsible = list(decision.responsible_units.all()) or [None]
        for unit in responsible:
            key = unit.pk if unit else None
            units[key] = unit
            by_unit.setdefault(key, []).append(decision)
    lines = [UnitDecisions(units[key], items, today) for key, items in by_unit.items()]
    lines.sort(key=lambda line: (-line.overdue, -len(line.decisions), line.label))
    return FollowUpFigures(today=today, decisions=decisions, units=lines)


def workbook(figures: FollowUpFigures) -> bytes:
    book = new_workbook()
    summary = book.active
    summary.title = _("By responsible unit")
    summary.append(
        [
            _("responsible unit"),
            _("unfinished"),
            _("open"),
            _("in progress"),
            _("overdue"),
        ]
    )
    for line in figures.units:
        summary.append([line.label, len(line.decisions), line.open, line.in_progress, line.overdue])
    summary.append(
        [_("total (each decision once)"), len(figures.decisions), None, None, figures.overdue]
    )
    style_header(summary, [34, 10, 8, 10, 8])

    sheet = book.create_sheet(_("Unfinished decisions"))
    sheet.append(
        [
            _("responsible unit"),
            _("minutes"),
            _("number"),
            _("decision"),
            _("deadline"),
            _("status"),
            _("days overdue"),
            _("latest follow-up"),
        ]
    )
    for line in figures.units:
        for decision, late in line.rows:
            follow_up = decision.latest_follow_up
            sheet.append(
                [
                    line.label,
                    decision.minutes.document_number,
                    decision.number,
                    decision.text,
                    decision.deadline,
                    decision.get_status_display(),
                    late,
                    f"{follow_up.date:%Y-%m-%d} {follow_up.text}" if follow_up else None,
                ]
            )
    for cell in sheet["E"][1:]:
        cell.number_format = "yyyy-mm-dd"
    style_header(sheet, [30, 18, 6, 60, 12, 10, 10, 50])
    return workbook_bytes(book)
