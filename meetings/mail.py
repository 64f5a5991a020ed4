"""Mail to a meeting's invitees: invitation, reminder, update, cancellation and "moved up from
the waiting list", in Chinese, as plain text with an HTML alternative and a calendar part.

The calendar part (iTIP over iMIP) is built by ``meetings.calendars.imip``.

This module chooses the recipients and writes the mails; ``meetings.delivery`` records one
``MailDelivery`` row per recipient in the caller's transaction, sends them after the commit,
retries and marks each row, as for every mail about meetings. Nothing here checks
permissions: the services in ``meetings.services`` call it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.mail import EmailMultiAlternatives
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.models import Person
from liaison.site import absolute_url
from liaison.tasks import background_task, once_a_day
from meetings import delivery as pipeline
from meetings import links
from meetings.calendars import feeds, imip
from meetings.models import Invitation, MailDelivery, Meeting

Kind = MailDelivery.Kind
Delivery = MailDelivery.Status
BEIJING = ZoneInfo("Asia/Shanghai")
MAIL_LANGUAGE = "zh-hans"

SUBJECTS = {
    Kind.INVITATION: gettext_noop("Meeting notice: %(title)s"),
    Kind.REMINDER: gettext_noop("RSVP reminder: %(title)s"),
    Kind.UPDATE: gettext_noop("Meeting change notice: %(title)s"),
    Kind.CANCELLATION: gettext_noop("Meeting cancellation notice: %(title)s"),
    Kind.WAITLIST: gettext_noop("Moved up from the waiting list: %(title)s"),
}

# The mails that carry the meeting as an iTIP message (others, such as circulated minutes, not).
CALENDAR_KINDS = frozenset(SUBJECTS)


# --- Recipients -------------------------------------------------------------------------------


def _liaison_emails(organisation_ids: set[int]) -> dict[int, str]:
    """Each organisation's liaison person's address, in one query."""
    people = Person.objects.filter(organisation_id__in=organisation_ids, is_liaison=True).exclude(
        email=""
    )
    return dict(people.values_list("organisation_id", "email"))


def recipients(invitations: list[Invitation]) -> dict[int, str]:
    """Where each invitation's mail goes: the invited person's address, else the organisation's
    liaison person's, else the organisation's own; "" when there is none."""
    organisation_ids = {i.invitee_organisation_id for i in invitations} - {None}
    liaisons = _liaison_emails(organisation_ids)
    found = {}
    for invitation in invitations:
        organisation = invitation.organisation or (
            invitation.person.organisation if invitation.person_id else None
        )
        found[invitation.pk] = (
            (invitation.person.email if invitation.person_id else "")
            or liaisons.get(invitation.invitee_organisation_id, "")
            or (organisation.email if organisation else "")
        )
    return found


# --- Queueing ---------------------------------------------------------------------------------


def queue(
    meeting: Meeting, invitations: Iterable[Invitation], *, kind: str, changes: dict | None = None
) -> uuid.UUID | None:
    """Record one delivery per invitation (one batch), sent after the commit by
    ``meetings.delivery``. An invitation without any address gets a FAILED delivery at once.

    ``changes`` (an update's time and place before and after, see ``describe_change``) is kept
    on each delivery, so the mail says what changed even if it is sent again later."""
    invitations = list(invitations)
    if not invitations:
        return None
    addresses = recipients(invitations)
    deliveries = pipeline.record(
        meeting,
        [pipeline.Recipient(addresses[i.pk], i) for i in invitations],
        kind=kind,
        changes=changes,
    )
    return deliveries[0].batch


def requeue(deliveries: Iterable[MailDelivery]) -> int:
    """Send failed deliveries again, a mail to an invitation to its current address."""
    deliveries = [d for d in deliveries if d.status == Delivery.FAILED]
    current = recipients([d.invitation for d in deliveries if d.invitation_id])
    addresses = {d.pk: current.get(d.invitation_id, "") for d in deliveries if d.invitation_id}
    return pipeline.requeue(deliveries, addresses)


# --- Rendering and sending --------------------------------------------------------------------


def _answer_links(invitation: Invitation) -> dict[str, str]:
    return {
        "answer_url": absolute_url(links.rsvp_url(invitation)),
        "accept_url": absolute_url(links.rsvp_url(invitation, Invitation.Status.ACCEPTED)),
        "decline_url": absolute_url(links.rsvp_url(invitation, Invitation.Status.DECLINED)),
        "tentative_url": absolute_url(links.rsvp_url(invitation, Invitation.Status.TENTATIVE)),
    }


def _beijing(moment) -> str:
    return timezone.localtime(moment, BEIJING).strftime("%Y-%m-%d %H:%M")


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.start, BEIJING)
    end = timezone.localtime(meeting.end, BEIJING)
    until = end.strftime("%H:%M") if end.date() == start.date() else _beijing(end)
    return f"{_beijing(start)} – {until}"


def _place(meeting: Meeting) -> str:
    return " · ".join(filter(None, [meeting.city, meeting.venue]))


def describe_change(before: Meeting, after: Meeting) -> dict:
    """What an update mail says changed: {"when"|"place": [old, new]}, in Beijing time, for
    the time and the place that differ between the two states of the meeting."""
    found = {}
    if (before.start, before.end) != (after.start, after.end):
        found["when"] = [_when(before), _when(after)]
    if _place(before) != _place(after):
        found["place"] = [_place(before) or "—", _place(after) or "—"]
    return found


def context(delivery: MailDelivery) -> dict:
    meeting, invitation = delivery.meeting, delivery.invitation
    data = {
        "kind": delivery.kind,
        "meeting": meeting,
        "invitation": invitation,
        "invitee": invitation.invitee if invitation else "",
        "when": _when(meeting),
        "place": _place(meeting),
        "changes": delivery.changes or {},
        "deadline": _beijing(meeting.rsvp_deadline) if meeting.rsvp_deadline else "",
        "meeting_url": absolute_url(reverse("meeting-detail", args=[meeting.pk])),
    }
    if invitation is not None and delivery.kind != Kind.CANCELLATION:
        data.update(_answer_links(invitation))
    return data


def calendar_method(delivery: MailDelivery) -> str:
    return imip.invitation_method(delivery.meeting, cancellation=delivery.kind == Kind.CANCELLATION)


def render(delivery: MailDelivery) -> EmailMultiAlternatives:
    """The delivery's mail, in Chinese: plain text, an HTML alternative and, for a mail to an
    invitation, the calendar part (also attached as invite.ics)."""
    invitation = delivery.invitation
    with_calendar = invitation is not None and delivery.kind in CALENDAR_KINDS
    method = calendar_method(delivery) if with_calendar else ""
    with translation.override(MAIL_LANGUAGE):
        subject = _(SUBJECTS[delivery.kind]) % {"title": delivery.meeting.title}
        data = {**context(delivery), "subject": subject, "calendar_method": method}
        text = render_to_string(f"meetings/mail/{delivery.kind}.txt", data)
        html = render_to_string(f"meetings/mail/{delivery.kind}.html", data)
        ics = (
            imip.invitation_calendar(
                delivery.meeting,
                invitation,
                address=delivery.recipient,
                name=invitation.person.name if invitation.person_id else str(invitation.invitee),
                method=method,
            )
            if with_calendar
            else b""
        )
    message = imip.ImipMessage(
        subject=subject,
        body=text,
        from_email=imip.sender(),
        to=[delivery.recipient],
    )
    message.attach_alternative(html, "text/html")
    if ics:
        imip.attach_calendar(message, ics, method=method)
    return message


def prepare(deliveries: list[MailDelivery]):
    """The renderer of a batch of meeting mail (``meetings.delivery`` calls it). Each meeting
    of the batch is loaded once, with its agenda, for all its recipients: the calendar part of
    a thousand invitations costs the same queries as that of one."""
    meetings = feeds.with_agenda(Meeting.objects.filter(pk__in={d.meeting_id for d in deliveries}))
    loaded = {meeting.pk: meeting for meeting in meetings}
    for delivery in deliveries:
        delivery.meeting = loaded[delivery.meeting_id]
    return render


@background_task(name="meetings.mail.send_meeting_mail")
def send_meeting_mail(delivery_ids: list[int]) -> None:
    """Kept for work queued under this name before ``meetings.delivery`` sent all mail."""
    pipeline.send_deliveries.apply_async(args=[delivery_ids])


@background_task(name="meetings.mail.send_rsvp_reminders")
@once_a_day
def send_rsvp_reminders(days: int = 3) -> int:
    """The daily reminder job (CELERY_BEAT_SCHEDULE); see ``services.remind_pending``."""
    # Function-level: the services import this module to queue their mail.
    from meetings import services

    return services.remind_pending(days=days)


# --- The secretariat's view -------------------------------------------------------------------


def batch_progress(meeting: Meeting) -> dict | None:
    """The latest batch of the meeting's mail: its counts by status and its failed deliveries."""
    latest = meeting.mail_deliveries.order_by("-created_at", "-pk").first()
    if latest is None:
        return None
    batch = meeting.mail_deliveries.filter(batch=latest.batch)
    counts = {status: 0 for status in Delivery.values}
    for row in batch.values("status").order_by().annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return {
        "batch": latest.batch,
        "kind": latest.get_kind_display(),
        "created_at": latest.created_at,
        "counts": counts,
        "total": sum(counts.values()),
        "failed": list(
            batch.filter(status=Delivery.FAILED).select_related(
                "invitation__organisation", "invitation__person"
            )
        ),
    }
