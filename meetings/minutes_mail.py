"""Mail about minutes and decisions: "minutes circulated for comment" to the liaison persons
and approvers of both parties, and "decision deadline approaching" to the responsible units.

The same pattern as ``meetings.mail``: one ``MailDelivery`` row per recipient (kinds MINUTES
and DEADLINE, no invitation), created in the caller's transaction, and a background task sent
after the commit that marks each row sent or failed. Plain text, in Chinese.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liaison.models import Person
from liaison.tasks import background_task, submit
from meetings.models import Decision, MailDelivery, MinutesVersion

Kind = MailDelivery.Kind
Delivery = MailDelivery.Status
MAIL_LANGUAGE = "zh-hans"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _queue(meeting, addresses: list[str], *, kind: str, object_id: int) -> list[int]:
    batch = uuid.uuid4()
    now = timezone.now()
    deliveries = MailDelivery.objects.bulk_create(
        [
            MailDelivery(meeting=meeting, kind=kind, recipient=address, batch=batch, created_at=now)
            for address in dict.fromkeys(addresses)
        ]
    )
    ids = [d.pk for d in deliveries]
    if ids:
        submit(send_minutes_mail, ids, kind, object_id)
    return ids


def circulation_addresses(version: MinutesVersion) -> list[str]:
    minutes = version.minutes
    partnership = minutes.meeting.partnership
    people = Person.objects.filter(
        organisation_id__in=(partnership.party_a_id, partnership.party_b_id), is_liaison=True
    ).exclude(email="")
    addresses = list(people.order_by("organisation_id").values_list("email", flat=True))
    for approver in (minutes.approver_a, minutes.approver_b):
        if approver is not None and approver.email:
            addresses.append(approver.email)
    return addresses


def queue_circulation(version: MinutesVersion) -> list[int]:
    return _queue(
        version.minutes.meeting,
        circulation_addresses(version),
        kind=Kind.MINUTES,
        object_id=version.pk,
    )


def unit_addresses(decision: Decision) -> list[str]:
    """Each responsible unit's liaison person's address, else the unit's own."""
    units = list(decision.responsible_units.all())
    liaisons = dict(
        Person.objects.filter(organisation__in=units, is_liaison=True)
        .exclude(email="")
        .values_list("organisation_id", "email")
    )
    return [address for unit in units if (address := liaisons.get(unit.pk) or unit.email)]


def queue_deadline_reminder(decision: Decision) -> list[int]:
    return _queue(
        decision.minutes.meeting,
        unit_addresses(decision),
        kind=Kind.DEADLINE,
        object_id=decision.pk,
    )


def render(kind: str, object_id: int) -> tuple[str, str]:
    """The subject and text of a minutes mail."""
    with translation.override(MAIL_LANGUAGE):
        if kind == Kind.MINUTES:
            version = MinutesVersion.objects.select_related("minutes__meeting").get(pk=object_id)
            subject = _("Minutes for your comments: %(title)s") % {
                "title": version.minutes.meeting.title
            }
            data = {
                "version": version,
                "minutes": version.minutes,
                "url": _absolute(reverse("minutes-version", args=[version.pk])),
            }
            return subject, render_to_string("meetings/mail/minutes.txt", data)
        decision = Decision.objects.select_related("minutes__meeting").get(pk=object_id)
        subject = _("Decision deadline approaching: %(decision)s") % {"decision": decision}
        data = {
            "decision": decision,
            "url": _absolute(reverse("decision-detail", args=[decision.pk])),
        }
        return subject, render_to_string("meetings/mail/deadline.txt", data)


@background_task(name="meetings.minutes_mail.send_minutes_mail")
def send_minutes_mail(delivery_ids: list[int], kind: str, object_id: int) -> None:
    """Send the queued deliveries; each is marked sent, or failed with the error's text."""
    deliveries = MailDelivery.objects.filter(pk__in=delivery_ids, status=Delivery.QUEUED)
    try:
        message = render(kind, object_id)  # the same text for every recipient
    except Exception as error:  # each delivery then fails with the reason
        message = error
    connection = get_connection()
    for delivery in deliveries:
        try:
            if isinstance(message, Exception):
                raise message
            subject, text = message
            EmailMessage(
                subject,
                text,
                settings.DEFAULT_FROM_EMAIL,
                [delivery.recipient],
                connection=connection,
            ).send()
        except Exception as error:
            delivery.status = Delivery.FAILED
            delivery.error = f"{type(error).__name__}: {error}"[:2000]
            delivery.save(update_fields=["status", "error"])
        else:
            delivery.status = Delivery.SENT
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["status", "sent_at"])


@background_task(name="meetings.minutes_mail.send_decision_reminders")
def send_decision_reminders(days: int = 7) -> int:
    """The daily reminder job; see ``meetings.minutes.remind_decision_deadlines``."""
    from meetings import minutes

    return minutes.remind_decision_deadlines(days=days)
