"""What the system keeps about use: the audit trail, sign-in throttling and calendar
subscription links."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Audit trail -----------------------------------------------------------------------------


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        ).select_related("actor")


class AuditEntry(models.Model):
    """Who changed which object, when, and each field's old and new value.

    Written by ``liaison.audit`` from the services and the admin; never edited afterwards."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"]),
            # The newest change of one kind of object (calendar feeds' Last-Modified): one
            # index seek per content type, however many entries of other kinds are newer.
            models.Index(fields=["content_type", "at"], name="audit_type_at_idx"),
            # The newest deletion of one kind (a deleted row leaves nothing else to read).
            models.Index(
                fields=["content_type", "at"],
                condition=models.Q(action="delete"),
                name="audit_type_deleted_at_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


# --- Calendar subscriptions ------------------------------------------------------------------


def new_calendar_key() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """A user's secret calendar subscription link (订阅链接).

    Calendar apps (Google above all) cannot sign in, so the key in the URL is the only
    credential: regenerating it replaces the key and the old URL stops working at once."""

    class Reminder(models.IntegerChoices):
        MINUTES_30 = 30, _("30 minutes before")
        HOUR = 60, _("1 hour before")
        DAY = 1440, _("1 day before")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_calendar_key)
    reminder_minutes = models.PositiveIntegerField(
        _("meeting reminder"),
        choices=Reminder.choices,
        null=True,
        blank=True,
        help_text=_("Adds an alarm to each meeting of your own calendar feed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar subscription link")
        verbose_name_plural = _("calendar subscription links")

    def __str__(self) -> str:
        return str(self.user)
