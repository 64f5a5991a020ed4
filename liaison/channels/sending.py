"""Sending the recorded channel deliveries, in the worker.

Each queued delivery whose time has come is posted by its channel's client. A robot takes at
most ``ROBOT_MESSAGES_PER_MINUTE`` messages a minute: beyond that the delivery stays QUEUED
with its next attempt a minute later, picked up by the per-minute beat task (or
``manage.py send_channel_deliveries``), never dropped. A refusal or a timeout is tried again
after ``CHANNEL_RETRY_BACKOFF`` seconds, doubled each time, up to ``CHANNEL_SEND_ATTEMPTS``,
then FAILED with the robot's message. A failure on one channel never stops the others.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from liaison.channels import dingtalk, sms, wecom
from liaison.models import Channel, ChannelDelivery
from liaison.tasks import background_task, runs_in_process, submit

Status = ChannelDelivery.Status
SENDERS = {
    Channel.Kind.WECOM: wecom.send,
    Channel.Kind.DINGTALK: dingtalk.send,
    Channel.Kind.SMS: sms.send,
}
MINUTE = timedelta(minutes=1)


def max_attempts() -> int:
    return max(1, int(settings.CHANNEL_SEND_ATTEMPTS))


def backoff(attempts: int) -> int:
    """Seconds to wait before the next attempt, after ``attempts`` failed ones."""
    return int(settings.CHANNEL_RETRY_BACKOFF) * 2 ** max(0, attempts - 1)


def _sent_last_minute(channel_ids: set[int], now) -> dict[int, int]:
    rows = (
        ChannelDelivery.objects.filter(
            channel_id__in=channel_ids, status=Status.SENT, sent_at__gt=now - MINUTE
        )
        .values("channel_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    return {row["channel_id"]: row["n"] for row in rows}


def deliver(delivery_ids=None, *, now=None, ignore_schedule: bool = False) -> list[int]:
    """One attempt at each queued delivery that is due (all due ones when ``delivery_ids`` is
    None). Returns those that failed and may be tried again."""
    now = now or timezone.now()
    found = ChannelDelivery.objects.filter(status=Status.QUEUED)
    if delivery_ids is not None:
        found = found.filter(pk__in=delivery_ids)
    if not ignore_schedule:
        found = found.filter(next_attempt_at__lte=now)
    deliveries = list(found.select_related("channel").order_by("next_attempt_at", "pk"))
    if not deliveries:
        return []
    robots = {d.channel_id for d in deliveries if d.channel.is_robot}
    recent = _sent_last_minute(robots, now)
    limit = int(settings.ROBOT_MESSAGES_PER_MINUTE)
    changed, retry = [], []
    for delivery in deliveries:
        channel = delivery.channel
        if channel.is_robot and recent.get(channel.pk, 0) >= limit:
            delivery.next_attempt_at = now + MINUTE
            changed.append(delivery)
            continue
        try:
            SENDERS[channel.kind](channel, delivery.payload)
        except Exception as error:  # the robot's refusal or any other: recorded, never raised
            delivery.attempts += 1
            delivery.error = f"{error}"[:2000] or type(error).__name__
            if delivery.attempts >= max_attempts():
                delivery.status = Status.FAILED
            else:
                delivery.next_attempt_at = now + timedelta(seconds=backoff(delivery.attempts))
                retry.append(delivery.pk)
        else:
            recent[channel.pk] = recent.get(channel.pk, 0) + 1
            delivery.attempts += 1
            delivery.status = Status.SENT
            delivery.error = ""
            delivery.sent_at = timezone.now()
        changed.append(delivery)
    ChannelDelivery.objects.bulk_update(
        changed, ["status", "error", "attempts", "next_attempt_at", "sent_at"]
    )
    return retry


@background_task(name="liaison.channels.sending.send_deliveries", bind=True, max_retries=None)
def send_deliveries(task, delivery_ids: list[int]) -> None:
    """Send the deliveries; a worker tries the refused ones again after the backoff, in-process
    the attempts follow at once (nobody comes back later)."""
    again = deliver(delivery_ids)
    if runs_in_process():
        while again:
            again = deliver(again, ignore_schedule=True)
        return
    if again:
        attempts = ChannelDelivery.objects.filter(pk__in=again).values_list("attempts", flat=True)
        raise task.retry(args=[again], countdown=backoff(min(attempts, default=1)))


@background_task(name="liaison.channels.sending.send_due_deliveries")
def send_due_deliveries() -> int:
    """Every minute: send what a robot's rate limit or a backoff held back."""
    before = ChannelDelivery.objects.filter(status=Status.QUEUED).count()
    deliver()
    return before - ChannelDelivery.objects.filter(status=Status.QUEUED).count()


def submit_deliveries(delivery_ids: list[int]) -> None:
    if delivery_ids:
        submit(send_deliveries, delivery_ids)


def requeue(deliveries) -> int:
    """Send failed deliveries again, in place."""
    ids = [d.pk for d in deliveries if d.status == Status.FAILED]
    ChannelDelivery.objects.filter(pk__in=ids).update(
        status=Status.QUEUED, attempts=0, error="", next_attempt_at=timezone.now()
    )
    submit_deliveries(ids)
    return len(ids)
