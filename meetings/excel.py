"""The secretariat's attendee list (参会人员名单) as ``.xlsx``, for the venue and the hosts."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from liaison.xlsx import new_workbook, style_header, workbook_bytes
from meetings.attendance import expected_attendees
from meetings.models import Meeting


def _headers() -> list[str]:
    return [
        _("No."),
        _("Organisation"),
        _("Name"),
        pgettext("person", "Title"),
        _("Phone"),
        _("Arrival date"),
        _("Arrival flight or train no."),
        _("Departure date"),
        _("Departure flight or train no."),
        _("Needs accommodation"),
        _("Dietary needs"),
        _("Delegate"),
        _("Attendance"),
    ]


WIDTHS = [6, 34, 14, 28, 16, 12, 14, 12, 14, 10, 16, 12, 10]


def attendee_list_name(meeting: Meeting) -> str:
    return _("Attendee list") + f" {meeting.title}"


def export_attendees(meeting: Meeting) -> bytes:
    """Every attendee of the meeting's accepted invitations, one row each: organisation, name,
    title, phone, arrival and departure (date, flight or train), accommodation, dietary needs,
    whether the attendee is the invitee's delegate, and the attendance. One query."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = _("Attendees")[:31]
    sheet.append(_headers())
    yes = _("yes")
    for number, attendee in enumerate(expected_attendees(meeting), start=1):
        invitation = attendee.invitation
        organisation = invitation.organisation or (
            invitation.person.organisation if invitation.person_id else None
        )
        dietary = attendee.get_dietary_display() if attendee.dietary != "none" else ""
        if attendee.dietary_note:
            dietary = f"{dietary} {attendee.dietary_note}".strip()
        sheet.append(
            [
                number,
                organisation.name if organisation else "",
                attendee.name,
                attendee.title,
                attendee.phone,
                attendee.arrival_date,
                attendee.arrival_transport,
                attendee.departure_date,
                attendee.departure_transport,
                yes if attendee.needs_accommodation else "",
                dietary,
                yes
                if invitation.delegate_name and invitation.delegate_name == attendee.name
                else "",
                attendee.get_attendance_display(),
            ]
        )
    style_header(sheet, WIDTHS)
    for column in ("F", "H"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(workbook)
