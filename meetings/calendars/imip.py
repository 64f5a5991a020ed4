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

from email import encoders
from email.mime.base import MIMEBase
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from meetings.calendars import ics as ical

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
    organizer = ical.organizer_address()
    if address.lower() == organizer.lower():
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((name, organizer)) if name else organizer


def attach_calendar(message: EmailMultiAlternatives, ics: bytes, *, method: str) -> None:
    """Carry the iTIP message twice: as the ``text/calendar`` alternative and as the
    ``invite.ics`` attachment."""
    message.attach_alternative(ics, f"text/calendar; method={method}")
    message.attach(CALENDAR_FILENAME, ics, "application/ics")
