"""The event report (活动报告) for one biennial event: who was invited, who came (by
organisation, with the attendance rate), and the agreements signed there by signing unit and
sector, from the same statistics service as the dashboard, and what each kind of agreement signed
there has achieved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.excel.columns import AMOUNT_FORMAT, COLUMNS
from agreements.excel.export import write_breakdown, write_kind_figures, yi_cell
from agreements.models import Agreement
from agreements.statistics import (
    AgreementStatistics,
    KindStatistics,
    agreement_statistics,
    kind_statistics,
)
from liaison.xlsx import bold_row, new_workbook, style_header, workbook_bytes
from meetings.attendance import AttendanceCounts, attendance_counts, attendance_percent
from meetings.models import Attendee, Invitation, Meeting, invitation_counts
from reports.dashboard import AgreementCharts
from reports.layout import ReportError


def event_choices(user) -> QuerySet:
    """The events a report can be made of: the user's visible events, newest first."""
    return (
        Meeting.objects.visible_to(user)
        .filter(kind=Meeting.Kind.EVENT)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-start")
    )


@dataclass(frozen=True)
class EventFigures(AgreementCharts):
    meeting: Meeting
    invitations: dict[str, int]  # as ``invitation_counts``
    attendance: AttendanceCounts
    participants: list[Invitation]  # annotated with ``attendee_count`` and ``present_count``
    stats: AgreementStatistics  # of the project agreements signed at the event
    agreements: QuerySet  # those project agreements
    other_agreements: list[Agreement]  # framework and other agreements signed there
    kinds: KindStatistics  # what each kind signed there has achieved

    @property
    def attendance_percent(self) -> int | None:
        return attendance_percent(self.meeting, self.attendance)

    @property
    def period(self) -> str:
        start = timezone.localtime(self.meeting.start)
        end = timezone.localtime(self.meeting.end)
        if start.date() == end.date():
            return f"{start:%Y-%m-%d}"
        return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def title(parameters: dict) -> str:
    name = parameters.get("meeting_title") or _("event")
    return _("Event report: %(event)s") % {"event": name}


def figures(user, parameters: dict, now: datetime) -> EventFigures:
    meeting = event_choices(user).with_related().filter(pk=parameters.get("meeting")).first()
    if meeting is None:
        raise ReportError(_("The event no longer exists or is not an event."))
    present = Attendee.Attendance.PRESENT
    accepted = Q(attendees__invitation__status=Invitation.Status.ACCEPTED)
    participants = list(
        meeting.invitations.select_related("organisation__region", "person")
        .annotate(
            attendee_count=Count("attendees", filter=accepted),
            present_count=Count("attendees", filter=accepted & Q(attendees__attendance=present)),
        )
        .order_by("organisation__region__name", "organisation__name", "person__name", "pk")
    )
    signed_there = Agreement.objects.visible_to(user).filter(signed_at_meeting=meeting)
    agreements = signed_there.projects().order_by(
        "signing_unit__position", "signing_unit__name", "-amount", "pk"
    )
    return EventFigures(
        meeting=meeting,
        invitations=invitation_counts(meeting),
        attendance=attendance_counts(meeting),
        participants=participants,
        stats=agreement_statistics(agreements),
        agreements=agreements.with_related(),
        other_agreements=list(
            signed_there.exclude(kind=Agreement.Kind.PROJECT).with_parties().order_by("pk")
        ),
        kinds=kind_statistics(signed_there),
    )


def participant_name(invitation: Invitation) -> str:
    if invitation.organisation:
        return invitation.organisation.display_name
    return invitation.person.name if invitation.person else "—"


def workbook(figures: EventFigures) -> bytes:
    book = new_workbook()
    sheet = book.active
    sheet.title = _("Participants")
    sheet.append(
        [
            _("region"),
            _("participant"),
            _("answer"),
            _("attendees"),
            _("present"),
        ]
    )
    for invitation in figures.participants:
        region = invitation.organisation.region if invitation.organisation else None
        sheet.append(
            [
                region.name if region else None,
                participant_name(invitation),
                invitation.get_status_display(),
                invitation.attendee_count,
                invitation.present_count,
            ]
        )
    counts = figures.attendance
    sheet.append(
        [
            _("total"),
            _("%(count)s invited") % {"count": figures.invitations["total"]},
            None,
            counts.expected,
            counts.present,
        ]
    )
    bold_row(sheet, sheet.max_row)
    style_header(sheet, [16, 36, 10, 8, 8])

    sheet = book.create_sheet(_("Agreements by unit"))
    stats = figures.stats
    write_breakdown(sheet, _("signing unit"), stats.by_unit, stats, total_label=_("total"))
    sheet.append([])
    sheet.append([_("title"), _("signing unit"), COLUMNS["amount"], _("status")])
    first_agreement_row = sheet.max_row + 1
    for agreement in figures.agreements:
        sheet.append(
            [
                agreement.title,
                agreement.signing_unit.name if agreement.signing_unit else None,
                yi_cell(agreement.amount),
                agreement.get_status_display(),
            ]
        )
    for agreement in figures.other_agreements:
        sheet.append(
            [
                agreement.title,
                agreement.get_kind_display(),
                yi_cell(agreement.amount),
                agreement.get_status_display(),
            ]
        )
    for (cell,) in sheet.iter_rows(min_row=first_agreement_row, min_col=3, max_col=3):
        cell.number_format = AMOUNT_FORMAT
    style_header(sheet, [40, 14, 16, 16])

    write_kind_figures(book.create_sheet(_("By kind")), figures.kinds)
    return workbook_bytes(book)
