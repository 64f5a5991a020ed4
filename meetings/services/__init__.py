"""Changes to meetings: one function per change, each validated, atomic and audited.

By concept: the meeting and its lifecycle (``meetings``), invitations and answers
(``answers``), scheduling (``scheduling``), the agenda (``agenda``) and mail (``sending``).
Callers use the package: ``from meetings import services; services.record_rsvp(...)``.
"""

from meetings.services.agenda import (
    AGENDA_FIELDS,
    add_agenda_item,
    attach_agenda_material,
    change_agenda_item,
    move_agenda_item,
    remove_agenda_item,
    remove_agenda_material,
    reorder_agenda,
)
from meetings.services.answers import (
    ANSWER_CHANNELS,
    ANSWERS,
    ATTENDEE_FIELDS,
    DELEGATE_FIELDS,
    RsvpResult,
    check_can_invite,
    check_may_answer,
    confirm_answer,
    invite_organisations,
    invite_people,
    one_tap_attendees,
    promote_waiting,
    record_rsvp,
    revoke_links,
)
from meetings.services.meetings import (
    ALLOWED_TRANSITIONS,
    CALENDAR_FIELDS,
    RESCHEDULABLE,
    cancel_meeting,
    change_meeting_status,
    check_status_transition,
    close_meeting,
    postpone_meeting,
    reschedule_meeting,
    save_meeting,
    set_cohosts,
)
from meetings.services.scheduling import (
    AD_HOC_KINDS,
    SCHEDULE_FIELDS,
    schedule_meeting,
    schedule_next_meeting,
)
from meetings.services.sending import (
    remind_pending,
    resend_mail,
    send_invitations,
)

__all__ = [
    "AD_HOC_KINDS",
    "AGENDA_FIELDS",
    "ALLOWED_TRANSITIONS",
    "ANSWERS",
    "ANSWER_CHANNELS",
    "ATTENDEE_FIELDS",
    "CALENDAR_FIELDS",
    "DELEGATE_FIELDS",
    "RESCHEDULABLE",
    "SCHEDULE_FIELDS",
    "RsvpResult",
    "add_agenda_item",
    "attach_agenda_material",
    "cancel_meeting",
    "change_agenda_item",
    "change_meeting_status",
    "check_can_invite",
    "check_may_answer",
    "check_status_transition",
    "close_meeting",
    "confirm_answer",
    "invite_organisations",
    "invite_people",
    "move_agenda_item",
    "one_tap_attendees",
    "postpone_meeting",
    "promote_waiting",
    "record_rsvp",
    "remind_pending",
    "remove_agenda_item",
    "remove_agenda_material",
    "reorder_agenda",
    "reschedule_meeting",
    "resend_mail",
    "revoke_links",
    "save_meeting",
    "schedule_meeting",
    "schedule_next_meeting",
    "send_invitations",
    "set_cohosts",
]
