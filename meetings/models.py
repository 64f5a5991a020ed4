"""Meetings of the partnership: joint meetings, events, signing ceremonies, visits."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison import permissions
from liaison.models import Mechanism, Partnership


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if permissions.can_see_draft_meetings(user):
            return self
        if permissions.can_read_directory(user):
            return self.exclude(status=Meeting.Status.DRAFT)
        return self.none()

    def with_related(self):
        return self.select_related("partnership", "mechanism")

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start")


class Meeting(models.Model):
    """A meeting of the partnership. Invitations, answers and attendance hang off it."""

    class Kind(models.TextChoices):
        JOINT_MEETING = "joint_meeting", _("joint meeting")
        EVENT = "event", _("event")
        SIGNING = "signing", _("signing ceremony")
        PROMOTION = "promotion", _("investment promotion")
        VISIT = "visit", _("visit")
        ASSOCIATION = "association", _("association meeting")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")
        POSTPONED = "postponed", _("postponed")

    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("partnership"),
    )
    mechanism = models.ForeignKey(
        Mechanism,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("mechanism"),
    )
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    description = models.TextField(_("description"), blank=True)
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        help_text=_("Raised on every change of time, place or status (calendar SEQUENCE)."),
    )
    is_illustrative = models.BooleanField(_("illustrative data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.mechanism_id
            and self.partnership_id
            and self.mechanism.partnership_id != self.partnership_id
        ):
            raise ValidationError({"mechanism": _("The mechanism belongs to another partnership.")})
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("A meeting must end after it starts.")})
