"""Work done in the background for a user, followed on a page that refreshes itself.

``BackgroundJob`` is the state such work keeps in its row: who asked and when, in which
language, the step and percentage reached, the error of a failure and when it finished. A
concrete job declares its ``Status`` (with at least ``queued``, ``running`` and ``failed``),
which of them are ``PENDING``, and ``STALE_AFTER``; ``liaison.jobs`` moves it along.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BackgroundJob(models.Model):
    # A job still pending this long after it was asked for is taken as lost (its worker
    # stopped); it shows as failed.
    STALE_AFTER = timedelta(minutes=30)

    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def is_stale(self, now: datetime | None = None) -> bool:
        return self.status in self.PENDING and (
            (now or timezone.now()) - self.requested_at > self.STALE_AFTER
        )

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING and not self.is_stale()

    @property
    def effective_status(self) -> str:
        """The status, except that a lost job (``is_stale``) is failed."""
        return self.Status.FAILED if self.is_stale() else self.status

    @property
    def shown_status(self) -> str:
        """The effective status in words."""
        return str(self.Status(self.effective_status).label)


class DailyRun(models.Model):
    """A daily scheduled job claimed for a day (``liaison.tasks.once_a_day``): the unique pair
    lets one run through however many beat processes send it."""

    job = models.CharField(_("job"), max_length=100)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)

    class Meta:
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="daily_run_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
