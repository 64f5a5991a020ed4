"""Answers that come back as calendar replies (iTIP METHOD:REPLY, RFC 5546).

A member who clicks "accept" in Outlook, Apple Calendar or Thunderbird sends a REPLY to the
invitation mail's ORGANIZER. The secretariat feeds such a message (the whole mail, or just its
``.ics``) to ``import_reply``, from the ``import_calendar_reply`` command or the upload page.

The reply is matched to one invitation by the meeting's UID (the meeting's own, or its series'
with a RECURRENCE-ID naming the occurrence the meeting replaced) and the ATTENDEE's address,
which must be an address of the invitee: the invited person's e-mail, or for an organisation
its liaison person's or its own. A mail's sender must be that same address. Outlook.com may
leave out ORGANIZER, so it is not needed. The answer is then recorded by
``meetings.services.record_rsvp`` through the "calendar" channel, like any other answer, with
the reply's SEQUENCE and DTSTAMP: a reply to an earlier version of the meeting, or one older
than the answer already recorded (from the page or an earlier reply), is refused. Anything
that does not fit is refused with a reason, and nothing is changed.
"""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

from liaison import permissions
from liaison.models import Mechanism
from meetings import services
from meetings.calendars import ics
from meetings.models import Invitation, Meeting

ANSWERS = {
    "ACCEPTED": Invitation.Status.ACCEPTED,
    "DECLINED": Invitation.Status.DECLINED,
    "TENTATIVE": Invitation.Status.TENTATIVE,
}
# The largest message accepted (a reply is a few kilobytes; a mail with attachments more).
MAX_BYTES = 5 * 1024 * 1024


class ReplyRefused(ValidationError):
    """The reply cannot be recorded; ``message`` says why, translated."""


@dataclass
class ReplyResult:
    invitation: Invitation
    status: str
    address: str


def _refuse(message: str) -> NoReturn:
    raise ReplyRefused(message)


def _address(value) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def read_message(data: bytes) -> tuple[bytes, str]:
    """The calendar part of a mail message (or a bare .ics) and the mail's sender address
    ("" for a bare .ics)."""
    if len(data) > MAX_BYTES:
        _refuse(_("The file is too large to be a calendar reply."))
    if data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        return data, ""
    message = email.message_from_bytes(data, policy=email.policy.default)
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    for part in message.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            payload = part.get_payload(decode=True)
            if payload:
                return payload, sender
    _refuse(_("The message has no calendar part (text/calendar)."))


def parse_reply(data: bytes):
    """The REPLY's event, or a refusal when it is not a well-formed iTIP REPLY."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise ReplyRefused(_("The calendar data cannot be read.")) from error
    if any(component.errors for component in calendar.walk()):
        _refuse(_("The calendar data cannot be read."))
    method = str(calendar.get("METHOD", "")).upper()
    if method != "REPLY":
        _refuse(
            _("This is not a calendar reply (METHOD is “%(method)s”, not REPLY).")
            % {"method": method or "—"}
        )
    events = calendar.walk("VEVENT")
    if len(events) != 1:
        _refuse(_("A calendar reply must answer exactly one meeting."))
    return events[0]


def _meeting_for(uid: str, recurrence_id) -> Meeting:
    """The meeting the reply's UID (and RECURRENCE-ID) names."""
    try:
        value = uuid.UUID(uid.split("@", 1)[0])
    except ValueError:
        value = None
    meeting = Meeting.objects.filter(uid=value).first() if value else None
    if meeting is not None:
        if recurrence_id is not None and ics.beijing(recurrence_id) != ics.beijing(meeting.start):
            _refuse(_("The reply names an occurrence this meeting does not have."))
        return meeting
    # A series' UID: the occurrence must be one a concrete meeting replaced.
    for mechanism in Mechanism.objects.all():
        if ics.series_uid(mechanism) != uid:
            continue
        if recurrence_id is None:
            _refuse(_("The reply answers a whole series; answer one meeting instead."))
        day = ics.beijing(recurrence_id).date()
        first, until = mechanism.period(day)
        meetings = [
            m
            for m in mechanism.meetings.exclude(status=Meeting.Status.DRAFT)
            if first <= ics.beijing(m.start).date() < until
        ]
        if meetings:
            return min(meetings, key=lambda m: (ics.SERIES_RANK.get(m.status, 9), m.start, m.pk))
        break
    _refuse(_("No meeting has this calendar UID."))


def _invitation_for(meeting: Meeting, address: str) -> tuple[Invitation, str]:
    """The invitation of the meeting addressed to ``address``, and the name to record."""
    invitations = meeting.invitations.select_related("person", "organisation").filter(
        Q(person__email__iexact=address)
        | Q(person__isnull=True, organisation__email__iexact=address)
        | Q(
            person__isnull=True,
            organisation__people__is_liaison=True,
            organisation__people__email__iexact=address,
        )
    )
    found = list(invitations.distinct())
    if not found:
        _refuse(
            _("Nobody invited to “%(meeting)s” has the address %(address)s.")
            % {"meeting": meeting.title, "address": address}
        )
    # The invitation of a person by name wins over an organisation's.
    found.sort(key=lambda i: (i.person_id is None, i.pk))
    invitation = found[0]
    if invitation.person_id:
        return invitation, invitation.person.name
    liaison = invitation.organisation.people.filter(is_liaison=True, email__iexact=address).first()
    return invitation, liaison.name if liaison else ""


def _attendees(invitation: Invitation, name: str) -> list[dict]:
    """Keep the attendees an earlier answer named (with their travel details); otherwise the
    person who replied."""
    kept = [
        {field: getattr(a, field) for field in services.ATTENDEE_FIELDS}
        for a in invitation.attendees.all()
    ]
    return kept or ([{"name": name}] if name else [])


def _version(event) -> tuple[int, datetime]:
    """The reply's SEQUENCE (0 when absent, RFC 5545 3.8.7.4) and DTSTAMP (required in a
    REPLY, RFC 5546 3.2.3): which version of the meeting it answers, and when."""
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        _refuse(_("The reply's SEQUENCE is not a number."))
    if sequence < 0:
        _refuse(_("The reply's SEQUENCE is not a number."))
    stamp = event.get("DTSTAMP")
    stamp = getattr(stamp, "dt", None)
    if not isinstance(stamp, datetime):
        _refuse(_("The reply has no DTSTAMP (the time it was written)."))
    if timezone.is_naive(stamp):
        stamp = stamp.replace(tzinfo=UTC)
    return sequence, stamp


def import_reply(data: bytes, *, actor, now: datetime | None = None) -> ReplyResult:
    """Record the answer of a calendar REPLY (mail message or bare .ics). Raises ReplyRefused,
    changing nothing, when it is not a REPLY, matches no invitation, comes from another
    address than the invitee's, or the answer cannot be recorded."""
    if not permissions.can_manage_invitations(actor):
        _refuse(_("Only the secretariat imports calendar replies."))
    calendar_part, sender = read_message(data)
    event = parse_reply(calendar_part)
    uid = str(event.get("UID", "")).strip()
    if not uid:
        _refuse(_("The reply has no UID."))
    attendees = event.get("ATTENDEE")
    if not isinstance(attendees, list):
        attendees = [attendees] if attendees else []
    if len(attendees) != 1:
        _refuse(_("A calendar reply must name exactly one attendee."))
    attendee = attendees[0]
    address = _address(attendee)
    if not address:
        _refuse(_("The reply's attendee has no e-mail address."))
    partstat = str(attendee.params.get("PARTSTAT", "")).upper()
    if partstat not in ANSWERS:
        _refuse(
            _("The reply's answer “%(answer)s” is not attending, not attending or tentative.")
            % {"answer": partstat or "—"}
        )
    senders = {address, _address(attendee.params.get("SENT-BY", ""))}
    if sender and sender not in senders:
        _refuse(
            _("The reply was sent from %(sender)s, not from the attendee's address %(address)s.")
            % {"sender": sender, "address": address}
        )
    sequence, stamp = _version(event)
    recurrence = event.get("RECURRENCE-ID")
    recurrence_id = recurrence.dt if recurrence is not None else None
    if recurrence_id is not None and not isinstance(recurrence_id, datetime):
        _refuse(_("The reply names an occurrence this meeting does not have."))
    meeting = _meeting_for(uid, recurrence_id)
    invitation, name = _invitation_for(meeting, address)
    try:
        result = services.record_rsvp(
            invitation,
            status=ANSWERS[partstat],
            attendees=_attendees(invitation, name),
            delegate={
                "name": invitation.delegate_name,
                "title": invitation.delegate_title,
                "phone": invitation.delegate_phone,
            },
            note=invitation.note,
            actor=actor,
            channel=Invitation.Channel.CALENDAR,
            now=now,
            sequence=sequence,
            stamp=stamp,
        )
    except PermissionDenied as error:
        raise ReplyRefused(_("Only the secretariat imports calendar replies.")) from error
    except ValidationError as error:
        raise ReplyRefused(" ".join(error.messages)) from error
    return ReplyResult(result.invitation, result.invitation.status, address)
