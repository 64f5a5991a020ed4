"""The partnership's annual work report (年度工作报告) for one calendar year (北京时间):
the year's meetings with their attendance rates, each mechanism's compliance in the year
(computed from the meetings, never typed), the decisions of the year's meetings and their
status, the project agreements signed in the year and up to its end, with how many landed, and
what each kind of agreement signed up to the year's end has achieved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from agreements.excel.export import write_breakdown, write_kind_figures, yi
from agreements.models import Agreement
from agreements.statistics import (
    AgreementStatistics,
    KindStatistics,
    agreement_statistics,
    kind_statistics,
)
from liaison.xlsx import new_workbook, style_header, workbook_bytes
from meetings.attendance import (
    AttendanceCounts,
    attendance_counts_by_meeting,
    attendance_percent,
)
from meetings.models import Decision, Meeting, invitation_counts_by_meeting
from reports.dashboard import (
    MechanismCompliance,
    mechanism_compliance,
    mechanisms_with_meetings,
    signed_landed_chart,
    unit_chart,
)


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    invited: int
    accepted: int
    attendance: AttendanceCounts

    @property
    def attendance_percent(self) -> int | None:
        """The attendance rate, only of a meeting held: before then nobody can be present."""
        return attendance_percent(self.meeting, self.attendance)


@dataclass(frozen=True)
class StatusCount:
    label: str
    count: int


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    today: date
    meetings: list[MeetingLine]
    compliance: list[MechanismCompliance]  # the occurrences expected in the year
    decisions: list[Decision]  # made at the year's meetings
    signed: AgreementStatistics  # project agreements signed in the year
    cumulative: AgreementStatistics  # project agreements signed up to the year's end
    kinds: KindStatistics  # every kind signed up to the year's end

    @property
    def period(self) -> str:
        return _("%(year)s (1 January to 31 December)") % {"year": self.year}

    @property
    def held_meetings(self) -> list[MeetingLine]:
        return [line for line in self.meetings if line.meeting.status == Meeting.Status.HELD]

    @cached_property
    def overdue_ids(self) -> set[int]:
        return {d.pk for d in self.decisions if d.is_overdue(self.today)}

    @property
    def decision_counts(self) -> list[StatusCount]:
        counts = [
            StatusCount(str(label), sum(1 for d in self.decisions if d.status == value))
            for value, label in Decision.Status.choices
        ]
        return [*counts, StatusCount(_("of which overdue"), len(self.overdue_ids))]

    @property
    def unit_chart(self) -> SafeString:
        return unit_chart(self.signed)

    @property
    def year_chart(self) -> SafeString:
        return signed_landed_chart(self.cumulative)


def title(parameters: dict) -> str:
    return _("Annual work report %(year)s") % {"year": parameters["year"]}


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of the year and of the next, in 北京时间."""
    zone = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), zone),
        timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), zone),
    )


def figures(user, parameters: dict, now: datetime) -> AnnualFigures:
    year = parameters["year"]  # one of ReportRequestForm's years
    today = timezone.localdate(now)
    start, end = year_bounds(year)
    meetings = list(
        Meeting.objects.visible_to(user)
        .with_related()
        .filter(start__gte=start, start__lt=end)
        .exclude(status__in=(Meeting.Status.DRAFT, Meeting.Status.CANCELLED))
        .order_by("start", "pk")
    )
    invitations = invitation_counts_by_meeting(meetings)
    attendance = attendance_counts_by_meeting(meetings)
    visible = Agreement.objects.visible_to(user)
    projects = visible.projects()
    return AnnualFigures(
        year=year,
        today=today,
        meetings=[
            MeetingLine(
                meeting=m,
                invited=invitations[m.pk]["total"],
                accepted=invitations[m.pk]["accepted"],
                attendance=attendance[m.pk],
            )
            for m in meetings
        ],
        compliance=mechanism_compliance(
            mechanisms_with_meetings(user, today=today),
            today=today,
            start=date(year, 1, 1),
            end=date(year, 12, 31),
        ),
        decisions=list(
            Decision.objects.visible_to(user)
            .filter(minutes__meeting__start__gte=start, minutes__meeting__start__lt=end)
            .with_related()
            .order_by("minutes__meeting__start", "number", "pk")
        ),
        signed=agreement_statistics(projects.filter(signed_on__year=year)),
        cumulative=agreement_statistics(projects.filter(signed_on__lte=date(year, 12, 31))),
        kinds=kind_statistics(visible.filter(signed_on__lte=date(year, 12, 31))),
    )


def workbook(figures: AnnualFigures) -> bytes:
    book = new_workbook()
    summary = book.active
    summary.title = _("Summary")
    summary.append([_("Figure"), _("Value")])
    signed, cumulative = figures.signed, figures.cumulative
    for label, value in (
        (_("Year"), figures.year),
        (_("Meetings"), len(figures.meetings)),
        (_("Meetings held"), len(figures.held_meetings)),
        (_("Decisions"), len(figures.decisions)),
        (_("Project agreements signed in the year"), signed.count),
        (_("Signed in the year (100 million yuan)"), yi(signed.amount)),
        (_("Project agreements up to the year's end"), cumulative.count),
        (_("Signed up to the year's end (100 million yuan)"), yi(cumulative.amount)),
        (_("Landed (in operation or completed)"), cumulative.landed_count),
        (_("Funds in place (100 million yuan)"), yi(cumulative.funds_in_place)),
    ):
        summary.append([label, value])
    style_header(summary, [40, 18])

    sheet = book.create_sheet(_("Meetings"))
    sheet.append(
        [
            _("meeting"),
            _("kind"),
            _("date"),
            _("city"),
            _("status"),
            _("invited"),
            _("attending"),
            _("present"),
            _("excused"),
            _("absent"),
            _("attendance rate (%)"),
        ]
    )
    for line in figures.meetings:
        meeting, counts = line.meeting, line.attendance
        sheet.append(
            [
                meeting.title,
                meeting.get_kind_display(),
                timezone.localtime(meeting.start).date(),
                meeting.city,
                meeting.get_status_display(),
                line.invited,
                counts.expected,
                counts.present,
                counts.excused,
                counts.absent,
                line.attendance_percent if line.attendance_percent is not None else "—",
            ]
        )
    for cell in sheet["C"][1:]:
        cell.number_format = "yyyy-mm-dd"
    style_header(sheet, [30, 12, 12, 10, 10, 8, 8, 8, 8, 8, 12])

    sheet = book.create_sheet(_("Mechanism compliance"))
    sheet.append([_("mechanism"), _("expected date"), _("state"), _("meeting")])
    for line in figures.compliance:
        for occurrence in line.occurrences:
            sheet.append(
                [
                    line.mechanism.name,
                    occurrence.occurrence.date,
                    occurrence.label,
                    occurrence.meeting.title if occurrence.meeting else None,
                ]
            )
        if not line.occurrences:
            sheet.append([line.mechanism.name, None, _("not expected this year"), None])
    for cell in sheet["B"][1:]:
        cell.number_format = "yyyy-mm-dd"
    style_header(sheet, [24, 14, 12, 30])

    sheet = book.create_sheet(_("Decisions"))
    sheet.append(
        [
            _("minutes"),
            _("number"),
            _("decision"),
            _("responsible units"),
            _("deadline"),
            _("status"),
            _("overdue"),
        ]
    )
    for decision in figures.decisions:
        sheet.append(
            [
                decision.minutes.document_number,
                decision.number,
                decision.text,
                "、".join(unit.display_name for unit in decision.responsible_units.all()),
                decision.deadline,
                decision.get_status_display(),
                _("yes") if decision.is_overdue(figures.today) else "",
            ]
        )
    for cell in sheet["E"][1:]:
        cell.number_format = "yyyy-mm-dd"
    style_header(sheet, [18, 6, 60, 30, 12, 10, 8])

    sheet = book.create_sheet(_("Agreements"))
    write_breakdown(sheet, _("signing unit"), signed.by_unit, signed, total_label=_("total"))
    style_header(sheet, [24, 10, 16, 16])

    write_kind_figures(book.create_sheet(_("By kind")), figures.kinds)
    return workbook_bytes(book)
