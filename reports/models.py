"""The reports generated for officials, kept for downloading again."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.models import BackgroundJob
from liaison.uploads import private_storage, private_upload_to


class GeneratedReport(BackgroundJob):
    """A report an official or the secretariat asked for: its kind and parameters, how far its
    generation has come, and, once done, its PDF and ``.xlsx`` kept for downloading again."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", _("agreements ledger")
        ANNUAL = "annual", _("annual work report")
        FOLLOW_UP = "follow_up", _("decision follow-up report")
        EVENT = "event", _("event report")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report", "queued")
        RUNNING = "running", pgettext_lazy("report", "being generated")
        DONE = "done", pgettext_lazy("report", "ready")
        FAILED = "failed", pgettext_lazy("report", "failed")

    PENDING = (Status.QUEUED, Status.RUNNING)
    UPLOAD_FOLDER = "reports"

    kind = models.CharField(_("report"), max_length=16, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(pgettext_lazy("report", "title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=private_upload_to, max_length=200, blank=True
    )
    xlsx = models.FileField(
        _("Excel workbook"),
        storage=private_storage,
        upload_to=private_upload_to,
        max_length=200,
        blank=True,
    )

    class Meta:
        # The table it has had since the model lived in liaison (see migrations/0001).
        db_table = "liaison_generatedreport"
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["kind", "status"], name="report_kind_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_progress_at_most_100"
            ),
            # The same report is made once at a time, however many times it is asked for.
            models.UniqueConstraint(
                fields=["kind", "parameters"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_pending_per_request",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.pdf) and bool(self.xlsx)

    @property
    def parameters_text(self) -> str:
        """What the report covers, in words: its year or its event."""
        year = self.parameters.get("year")
        if self.kind == self.Kind.EVENT:
            return self.parameters.get("meeting_title", "—")
        if self.kind == self.Kind.FOLLOW_UP:
            return str(_("as of the time it was made"))
        if year:
            return str(_("year %(year)s")) % {"year": year}
        return str(_("all years"))
