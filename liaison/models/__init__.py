"""The partnership core, by concept: who takes part (``directory``: regions, sectors,
organisations, people, users and roles), the partnership with its mechanisms and the
association (``partnership``), what the system keeps about use (``records``: audit trail,
sign-in throttling, calendar links), the private-file base (``files``) and the state of
background work followed on a page (``jobs``).
"""

from liaison.models.channels import Channel, ChannelDelivery, Notice, NoticeKind
from liaison.models.directory import (
    Organisation,
    OrganisationQuerySet,
    Person,
    PersonQuerySet,
    Region,
    Sector,
    User,
)
from liaison.models.files import PrivateFile
from liaison.models.jobs import BackgroundJob, DailyRun
from liaison.models.partnership import (
    Association,
    FocusArea,
    Mechanism,
    Membership,
    MembershipQuerySet,
    Occurrence,
    Partnership,
    attach_deciding_meetings,
)
from liaison.models.records import (
    AuditEntry,
    AuditEntryQuerySet,
    CalendarToken,
    new_calendar_key,
)

__all__ = [
    "Association",
    "AuditEntry",
    "AuditEntryQuerySet",
    "BackgroundJob",
    "CalendarToken",
    "Channel",
    "ChannelDelivery",
    "DailyRun",
    "FocusArea",
    "Mechanism",
    "Membership",
    "MembershipQuerySet",
    "Notice",
    "NoticeKind",
    "Occurrence",
    "Organisation",
    "OrganisationQuerySet",
    "Partnership",
    "Person",
    "PersonQuerySet",
    "PrivateFile",
    "Region",
    "Sector",
    "User",
    "attach_deciding_meetings",
    "new_calendar_key",
]
