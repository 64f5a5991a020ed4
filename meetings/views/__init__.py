"""The meeting pages, by concept: meetings with scheduling and lifecycle (``meetings``),
invitations and answers (``invitations``), the agenda (``agenda``), attendance
(``attendance``) and the mail log (``mail``). The calendar pages are in
``meetings.calendars.views``, the minutes' in their package. The names below are those
``meetings.urls`` wires."""

from meetings.views.agenda import (
    agenda_item_change,
    agenda_item_move,
    agenda_item_remove,
    agenda_material_download,
    agenda_material_remove,
    agenda_material_upload,
    meeting_agenda,
)
from meetings.views.attendance import attendee_check_in, meeting_attendees_xlsx, meeting_check_in
from meetings.views.invitations import (
    invitation_answer,
    invitation_link,
    invitation_short_link,
    meeting_invitations,
    meeting_invite,
    my_invitations,
)
from meetings.views.mail import meeting_mail, meeting_resend, meeting_send_invitations
from meetings.views.meetings import (
    mechanism_schedule_next,
    meeting_cancel,
    meeting_close,
    meeting_detail,
    meeting_list,
    meeting_postpone,
    meeting_reschedule,
    partnership_schedule,
)

__all__ = [
    "agenda_item_change",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_material_download",
    "agenda_material_remove",
    "agenda_material_upload",
    "attendee_check_in",
    "invitation_answer",
    "invitation_link",
    "invitation_short_link",
    "mechanism_schedule_next",
    "meeting_agenda",
    "meeting_attendees_xlsx",
    "meeting_cancel",
    "meeting_check_in",
    "meeting_close",
    "meeting_detail",
    "meeting_invitations",
    "meeting_invite",
    "meeting_list",
    "meeting_mail",
    "meeting_postpone",
    "meeting_reschedule",
    "meeting_resend",
    "meeting_send_invitations",
    "my_invitations",
    "partnership_schedule",
]
