"""Meeting mail as calendar programs read it: iTIP over iMIP (RFC 5546 / RFC 6047).

Every mail to an invitation carries its
meeting as ``text/calendar; method=…; charset=utf-8``, the third alternative of the
``multipart/alternative`` (after text/plain and text/html, so mail programs show the HTML and
calendar programs read the invitation), and the same bytes again as an ``invite.ics``
attachment (``application/ics``) for the programs that only look at attachments, as Gmail's
own invitations do. Both are base64, so the CRLF line ends and the 75-octet folding arrive
unchanged. Invitations, updates, reminders and "moved up from the waiting list" carry
``METHOD:REQUEST``; a cancellation (or any mail about a meeting cancelled meanwhile)
``METHOD:CANCEL`` with ``STATUS:CANCELLED``. UID is the meeting's stored one and SEQUENCE its
current one: ``save_meeting`` raised it for every change of time, place, title or status, so an
update or a cancellation replaces the copy in the calendar, while a reminder or a waiting-list
mail (no change of the meeting: SEQUENCE unchanged, newer DTSTAMP) only refreshes it, with the
invitee's current answer as PARTSTAT (a promoted invitee's is ACCEPTED). ORGANIZER is the
secretariat's mailbox (``CALENDAR_ORGANIZER_EMAIL``), and the mail is sent from it: clients
ignore or distrust invitations whose From is not the ORGANIZER. Replies that calendar programs
send to that mailbox are imported by ``meetings.calendars.replies``.
"""

from __future__ import annotations

from datetime import datetime
from email import encoders
from email.mime.base import MIMEBase
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress

from meetings.calendars.ics import PARTSTAT, PRODID, meeting_event, single_line, to_bytes
from meetings.models import Invitation, Meeting

CALENDAR_FILENAME = "invite.ics"


class ImipMessage(EmailMultiAlternatives):
    """A mail whose ``text/calendar; method=…`` alternative keeps its method parameter
    unquoted and its bytes exact (base64: CRLF and folding survive every relay)."""

    def _create_mime_attachment(self, content, mimetype):
        if mimetype.split(";", 1)[0].strip().lower() != "text/calendar":
            return super()._create_mime_attachment(content, mimetype)
        part = MIMEBase("text", "calendar")
        part.replace_header("Content-Type", f"{mimetype}; charset=utf-8")
        part.set_payload(content.encode() if isinstance(content, str) else content)
        encoders.encode_base64(part)
        return part


def sender() -> str:
    """The From of meeting mail: the calendar ORGANIZER's address, with the name of
    DEFAULT_FROM_EMAIL (which it is, unless CALENDAR_ORGANIZER_EMAIL names another mailbox)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = organizer_address()
    if address.lower() == organizer.lower():
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((name, organizer)) if name else organizer


def attach_calendar(message: EmailMultiAlternatives, ics: bytes, *, method: str) -> None:
    """Carry the iTIP message twice: as the ``text/calendar`` alternative and as the
    ``invite.ics`` attachment."""
    message.attach_alternative(ics, f"text/calendar; method={method}")
    message.attach(CALENDAR_FILENAME, ics, "application/ics")


REQUEST = "REQUEST"
CANCEL = "CANCEL"


def organizer_address() -> str:
    """The secretariat's mailbox: ORGANIZER of every invitation, and the mail's From."""
    return settings.CALENDAR_ORGANIZER_EMAIL


def organizer_name() -> str:
    """ORGANIZER's CN: the name in DEFAULT_FROM_EMAIL (Chinese), else the secretariat's."""
    name = parseaddr(settings.DEFAULT_FROM_EMAIL)[0]
    return single_line(name or _("The Secretariat, Hunan–Turpan Liaison")).replace('"', "")


def invitation_method(meeting: Meeting, *, cancellation: bool = False) -> str:
    """CANCEL for a cancellation (or a meeting cancelled meanwhile), else REQUEST."""
    if cancellation or meeting.status == Meeting.Status.CANCELLED:
        return CANCEL
    return REQUEST


def invitation_calendar(
    meeting: Meeting,
    invitation: Invitation,
    *,
    address: str,
    name: str,
    method: str,
    stamp: datetime | None = None,
) -> bytes:
    """The iTIP message of one invitation mail (RFC 5546): METHOD REQUEST or CANCEL, the
    meeting's stored UID and current SEQUENCE (``save_meeting`` raised it on every change of
    time, place, title or status), DTSTAMP the message's creation, the secretariat as ORGANIZER
    and the invitee (``address``) as the one ATTENDEE with their current answer as PARTSTAT.
    No feed hints (NAME, REFRESH-INTERVAL): this is a message, not a subscription. The caller
    chooses the language (the DESCRIPTION is translated).

    Mail goes out by the thousand: the caller loads the meeting once for all its recipients,
    with its agenda prefetched (``with_agenda``), and nothing here queries the database."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"Unsupported iTIP method {method!r}.")
    event = meeting_event(meeting, stamp=stamp or timezone.now())
    if method == CANCEL:
        # RFC 5546 3.2.5: a cancelled event says so, whatever the meeting row holds.
        event.pop("STATUS", None)
        event.add("status", "CANCELLED")
    event.add(
        "organizer",
        vCalAddress.new(organizer_address(), cn=organizer_name()),
    )
    event.add(
        "attendee",
        vCalAddress.new(
            address,
            cn=single_line(name).replace('"', "") or None,
            role="REQ-PARTICIPANT",
            partstat=PARTSTAT[invitation.status],
            rsvp=True if method == REQUEST else None,
        ),
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    # ``to_bytes`` places the VTIMEZONE, computed once per process, before the event.
    calendar.add_component(event)
    return to_bytes(calendar)
