"""The one delivery pipeline of mail about meetings, whatever the mail says.

Invitations, reminders, updates, cancellations and "moved up from the waiting list" are written
by ``meetings.mail``; "minutes circulated" and "decision deadline approaching" by
``meetings.minutes.mail``. Both hand their recipients to ``record``, and this module does the
rest the same way for all of them:

- one ``MailDelivery`` row per message and recipient, created in the caller's transaction (a
  change that is rolled back leaves no mail behind); a recipient without an address is FAILED
  at once, saying so;
- the background task ``send_deliveries``, submitted after the commit, renders the batch (the
  writer loads what its mails share once per batch, so the queries do not grow with the
  recipients), sends each mail and marks each row: SENT with the error cleared, or, when the
  mail server refused, tried again after a backoff (``MAIL_RETRY_BACKOFF`` seconds, doubled each
  time; a Celery retry when a broker is configured, at once when the work runs in-process) up
  to ``MAIL_SEND_ATTEMPTS`` attempts, then FAILED with the error;
- ``requeue`` sends failed rows again in place (the mail page and the API's resend).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from liaison.tasks import background_task, runs_in_process, submit
from meetings import notices
from meetings.models import Invitation, MailDelivery, Meeting

Kind = MailDelivery.Kind
Delivery = MailDelivery.Status
NO_ADDRESS = "no e-mail address"
# Who writes each kind of mail: ``prepare(deliveries)`` returns the function that renders one.
WRITERS = {
    Kind.MINUTES: "meetings.minutes.mail.prepare",
    Kind.DEADLINE: "meetings.minutes.mail.prepare",
}
DEFAULT_WRITER = "meetings.mail.prepare"

Render = Callable[[MailDelivery], EmailMessage]


@dataclass(frozen=True)
class Recipient:
    """One addressee of a mail: the address ("" when there is none) and, for mail to an
    invitee, the invitation."""

    address: str
    invitation: Invitation | None = None


def max_attempts() -> int:
    return max(1, int(getattr(settings, "MAIL_SEND_ATTEMPTS", 3)))


def backoff(attempts: int) -> int:
    """Seconds to wait before the next attempt, after ``attempts`` failed ones."""
    return int(getattr(settings, "MAIL_RETRY_BACKOFF", 60)) * 2 ** max(0, attempts - 1)


# --- Recording --------------------------------------------------------------------------------


def record(
    meeting: Meeting,
    recipients: Iterable[Recipient],
    *,
    kind: str,
    object_id: int | None = None,
    changes: dict | None = None,
) -> list[MailDelivery]:
    """One delivery per recipient (one batch), sent after the commit. ``object_id`` names what
    the mail is about when it is not the meeting itself (a minutes version, a decision);
    ``changes``, for an update, the time and place before and after."""
    batch = uuid.uuid4()
    now = timezone.now()
    deliveries = MailDelivery.objects.bulk_create(
        [
            MailDelivery(
                meeting=meeting,
                invitation=recipient.invitation,
                kind=kind,
                object_id=object_id,
                recipient=recipient.address,
                status=Delivery.QUEUED if recipient.address else Delivery.FAILED,
                error="" if recipient.address else NO_ADDRESS,
                batch=batch,
                created_at=now,
                changes=changes or {},
            )
            for recipient in recipients
        ]
    )
    _submit([d.pk for d in deliveries if d.status == Delivery.QUEUED])
    notices.notify(
        meeting,
        [d.invitation for d in deliveries if d.invitation is not None],
        kind=kind,
        object_id=object_id,
        changes=changes,
    )
    return deliveries


def requeue(deliveries: Iterable[MailDelivery], addresses: dict[int, str]) -> int:
    """Send failed deliveries again, in place, to ``addresses`` (by delivery id; a delivery not
    named keeps its recipient). Returns how many were queued."""
    deliveries = [d for d in deliveries if d.status == Delivery.FAILED]
    for delivery in deliveries:
        address = addresses.get(delivery.pk, delivery.recipient)
        delivery.recipient = address
        delivery.status = Delivery.QUEUED if address else Delivery.FAILED
        delivery.error = "" if address else NO_ADDRESS
        delivery.sent_at = None
        delivery.attempts = 0
    MailDelivery.objects.bulk_update(
        deliveries, ["recipient", "status", "error", "sent_at", "attempts"]
    )
    queued = [d.pk for d in deliveries if d.status == Delivery.QUEUED]
    _submit(queued)
    return len(queued)


def _submit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        submit(send_deliveries, delivery_ids)


# --- Sending ----------------------------------------------------------------------------------


def _renderers(deliveries: list[MailDelivery]) -> dict[int, Render | Exception]:
    """Each delivery's renderer, prepared once per writer for the whole batch."""
    by_writer: dict[str, list[MailDelivery]] = {}
    for delivery in deliveries:
        by_writer.setdefault(WRITERS.get(delivery.kind, DEFAULT_WRITER), []).append(delivery)
    found = {}
    for writer, group in by_writer.items():
        try:
            render = import_string(writer)(group)
        except Exception as error:  # each of its deliveries then fails with the reason
            render = error
        found.update(dict.fromkeys((d.pk for d in group), render))
    return found


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _claim(delivery_ids: list[int]) -> list[int]:
    """The queued deliveries among ``delivery_ids`` that this worker now holds as SENDING; rows
    another worker is claiming at the same moment are skipped, not waited for."""
    with transaction.atomic():
        claimed = list(
            MailDelivery.objects.filter(pk__in=delivery_ids, status=Delivery.QUEUED)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if claimed:
            MailDelivery.objects.filter(pk__in=claimed, status=Delivery.QUEUED).update(
                status=Delivery.SENDING
            )
    return claimed


def deliver(delivery_ids: list[int]) -> list[int]:
    """One attempt at each queued delivery. Returns those that failed and may be tried again
    (they stay QUEUED with their error); the others end SENT (error cleared) or FAILED.

    The deliveries are first claimed (SENDING, committed at once) by this worker alone: a
    retried or redelivered task, or another worker given the same batch, finds them claimed or
    sent and skips them, so no one mails a recipient twice. A worker that dies between claim
    and outcome leaves its deliveries SENDING."""
    claimed = _claim(delivery_ids)
    if not claimed:
        return []
    deliveries = list(
        MailDelivery.objects.filter(pk__in=claimed)
        .select_related("meeting", "invitation__organisation", "invitation__person__organisation")
        .order_by("pk")
    )
    if not deliveries:
        return []
    renderers = _renderers(deliveries)
    connection = get_connection()
    sent, failed = [], []
    for delivery in deliveries:
        try:
            render = renderers[delivery.pk]
            if isinstance(render, Exception):
                raise render
            message = render(delivery)
            message.connection = connection
            message.send()
        except Exception as error:
            delivery.error = _error_text(error)
            delivery.attempts += 1
            delivery.status = (
                Delivery.FAILED if delivery.attempts >= max_attempts() else Delivery.QUEUED
            )
            failed.append(delivery)
        else:
            sent.append(delivery.pk)
    if sent:
        MailDelivery.objects.filter(pk__in=sent).update(
            status=Delivery.SENT, error="", sent_at=timezone.now(), attempts=F("attempts") + 1
        )
    if failed:
        MailDelivery.objects.bulk_update(failed, ["status", "error", "attempts"])
    return [d.pk for d in failed if d.status == Delivery.QUEUED]


@background_task(name="meetings.delivery.send_deliveries", bind=True, max_retries=None)
def send_deliveries(task, delivery_ids: list[int]) -> None:
    """Send the queued deliveries, trying each refused one again until it is sent or has used
    its attempts. A worker comes back after a backoff; in-process there is nobody to come back
    later, so the attempts follow at once (the mail page offers to resend what still failed)."""
    again = deliver(delivery_ids)
    if runs_in_process():
        while again:
            again = deliver(again)
        return
    if again:
        attempts = MailDelivery.objects.filter(pk__in=again).values_list("attempts", flat=True)
        raise task.retry(args=[again], countdown=backoff(min(attempts, default=1)))
