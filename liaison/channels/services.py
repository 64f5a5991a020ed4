"""Changes to channels and to the inbox, for the pages and the API alike."""

from __future__ import annotations

from django.utils import timezone

from liaison import services
from liaison.models import Channel, Notice


def save_channel(channel: Channel, *, secret: str | None = None, actor) -> Channel:
    """Validate and save ``channel`` (audited, its address and secret never in the history).
    ``secret``: None keeps the stored one, "" removes it, any other text replaces it."""
    if secret is not None:
        channel.set_secret(secret.strip())
    services.save_object(channel, actor=actor)
    return channel


def open_notice(notice: Notice) -> str:
    """Mark the notice read (the first time it is opened) and return where it leads."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice.url
