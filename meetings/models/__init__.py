"""The meetings app's models, by concept: meetings (invitations, attendance, agenda, mail) and
minutes (versions, comments, approvals, decisions and their follow-ups).

Everything is re-exported here, so ``from meetings.models import Meeting`` keeps working."""

from meetings.models.meetings import (
    AgendaItem,
    AgendaMaterial,
    Attendee,
    Invitation,
    InvitationQuerySet,
    MailDelivery,
    Meeting,
    MeetingQuerySet,
    invitation_counts,
    invitation_counts_by_meeting,
)
from meetings.models.minutes import (
    Approval,
    Comment,
    Decision,
    DecisionQuerySet,
    FollowUp,
    Minutes,
    MinutesQuerySet,
    MinutesVersion,
    MinutesVersionQuerySet,
)

__all__ = [
    "AgendaItem",
    "AgendaMaterial",
    "Approval",
    "Attendee",
    "Comment",
    "Decision",
    "DecisionQuerySet",
    "FollowUp",
    "Invitation",
    "InvitationQuerySet",
    "MailDelivery",
    "Meeting",
    "MeetingQuerySet",
    "Minutes",
    "MinutesQuerySet",
    "MinutesVersion",
    "MinutesVersionQuerySet",
    "invitation_counts",
    "invitation_counts_by_meeting",
]
