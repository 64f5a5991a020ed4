"""Where notices reach people besides mail: group robots (企业微信, 钉钉) and SMS
(``Channel``), what each message became (``ChannelDelivery``), and the in-app inbox
(``Notice``). ``liaison.channels`` writes and sends them."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.models.directory import Organisation, Person, User
from liaison.models.partnership import Partnership


class NoticeKind(models.TextChoices):
    """Every notice the system sends by mail, and so by the other channels too."""

    INVITATION = "invitation", _("invitation")
    REMINDER = "reminder", _("reminder")
    UPDATE = "update", _("update")
    CANCELLATION = "cancellation", _("cancellation")
    WAITLIST = "waitlist", _("moved up from the waiting list")
    MINUTES = "minutes", _("minutes circulated")
    DEADLINE = "deadline", _("decision deadline reminder")
    REPORT = "report", _("report ready")


def _fernet():
    # Function-level: cryptography is only needed where a secret is read or written.
    from cryptography.fernet import Fernet

    digest = hashlib.sha256(f"liaison.channels:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def loopback_allowed() -> bool:
    """Plain http to this machine is for development and tests only."""
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def validate_robot_url(value: str) -> None:
    parts = urlsplit(value)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and loopback and loopback_allowed():
        return
    raise ValidationError(_("A robot's address must start with https://."), code="insecure")


def default_kinds() -> list[str]:
    return list(NoticeKind.values)


class Channel(models.Model):
    """A place notices are sent besides mail: a group robot's webhook or SMS to people's
    phones, serving the partnership's liaison group, one organisation or one person."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信 group robot")
        DINGTALK = "dingtalk", _("钉钉 group robot")
        SMS = "sms", _("SMS")

    class Audience(models.TextChoices):
        PARTNERSHIP = "partnership", _("the partnership's liaison group")
        ORGANISATION = "organisation", _("one organisation")
        PERSON = "person", _("one person")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    target = models.URLField(
        _("robot address"),
        max_length=500,
        blank=True,
        help_text=_("The group robot's webhook address (https). SMS go to people's phones."),
    )
    secret_token = models.TextField(_("signing secret (encrypted)"), blank=True, editable=False)
    audience = models.CharField(_("serves"), max_length=16, choices=Audience.choices)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("partnership"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("person"),
    )
    notice_kinds = models.JSONField(
        _("notices sent"), default=default_kinds, blank=True, help_text=_("The notices it carries.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    # The history says that these changed, never what they hold (liaison.audit).
    AUDIT_HIDDEN = ("target", "secret_token")

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(audience="partnership", partnership__isnull=False)
                    | Q(audience="organisation", organisation__isnull=False)
                    | Q(audience="person", person__isnull=False)
                ),
                name="channel_audience_named",
                violation_error_message=_("Choose whom the channel serves."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_robot(self) -> bool:
        return self.kind in (self.Kind.WECOM, self.Kind.DINGTALK)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_token)

    def set_secret(self, secret: str) -> None:
        self.secret_token = _fernet().encrypt(secret.encode()).decode() if secret else ""

    def secret(self) -> str:
        return _fernet().decrypt(self.secret_token.encode()).decode() if self.secret_token else ""

    @property
    def target_shown(self) -> str:
        """The robot's address without its access key, for pages and logs."""
        if not self.target:
            return ""
        parts = urlsplit(self.target)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    # Whom the channel serves, by audience; the other two are cleared on save.
    AUDIENCE_FIELDS = {
        Audience.PARTNERSHIP: "partnership",
        Audience.ORGANISATION: "organisation",
        Audience.PERSON: "person",
    }

    def clean(self) -> None:
        # A picker left filled in before the audience changed is not whom the channel serves,
        # nor an address for SMS, which go to people's phones.
        for audience, field in self.AUDIENCE_FIELDS.items():
            if self.audience != audience:
                setattr(self, field, None)
        if self.kind == self.Kind.SMS:
            self.target = ""
        errors = {}
        if self.is_robot:
            if not self.target:
                errors["target"] = _("A group robot needs its webhook address.")
            else:
                try:
                    validate_robot_url(self.target)
                except ValidationError as error:
                    errors["target"] = error
        if self.kind == self.Kind.WECOM and self.secret_token:
            errors["kind"] = _("企业微信 robots are not signed; leave the secret empty.")
        unknown = set(self.notice_kinds or []) - set(NoticeKind.values)
        if unknown:
            errors["notice_kinds"] = _("Unknown notices: %(kinds)s") % {
                "kinds": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)

    def serves(self, kind: str) -> bool:
        return self.active and kind in (self.notice_kinds or [])


class ChannelDelivery(models.Model):
    """One message on one channel to one recipient (a group, or a phone), and what became of
    it, like a mail delivery. ``payload`` holds what is sent, never a secret."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("channel")
    )
    kind = models.CharField(_("notice"), max_length=16, choices=NoticeKind.choices)
    recipient = models.CharField(_("recipient"), max_length=100)
    meeting_ref = models.PositiveBigIntegerField(
        _("meeting"), null=True, blank=True, db_index=True, help_text=_("The meeting's id.")
    )
    payload = models.JSONField(_("message"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel delivery")
        verbose_name_plural = _("channel deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="channel_delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel_id} → {self.recipient}"


class NoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """A notice in a user's inbox (我的通知), linking to what it is about."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.title
