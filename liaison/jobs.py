"""Moving a ``BackgroundJob`` (``liaison.models.jobs``) along: its progress, its failure, and
the run of its work in the language it was asked in.

Progress is saved with a single UPDATE outside any transaction of the work, so the job's page,
which refreshes itself, shows it at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liaison.models import BackgroundJob

logger = logging.getLogger(__name__)


def save_progress(job: BackgroundJob, percent: int, step: str, **fields) -> None:
    """Save how far the job has come (and any other ``fields``) at once."""
    type(job).objects.filter(pk=job.pk).update(progress=percent, step=str(step)[:100], **fields)


def fail(job: BackgroundJob, message: str, **fields) -> None:
    type(job).objects.filter(pk=job.pk).update(
        status=job.Status.FAILED,
        step=_("Failed"),
        error=str(message)[:300],
        finished_at=timezone.now(),
        **fields,
    )


def retire_lost(jobs, message: str) -> None:
    """Mark as failed the ``jobs`` still pending long after they were asked for (their worker
    stopped), so they no longer stand in the way of a new request."""
    model = jobs.model
    model.objects.filter(
        pk__in=jobs.filter(
            status__in=model.PENDING, requested_at__lt=timezone.now() - model.STALE_AFTER
        ).values("pk")
    ).update(
        status=model.Status.FAILED,
        step=_("Failed"),
        error=message,
        finished_at=timezone.now(),
    )


def run(
    job: BackgroundJob,
    work: Callable[[BackgroundJob], None],
    *,
    expected: tuple[type[Exception], ...],
    unexpected_message: Callable[[], str],
) -> None:
    """Run ``work(job)`` in the job's language. An ``expected`` error fails the job with its
    own message (a ValidationError with all of its messages); any other is logged and fails
    it with ``unexpected_message()``."""
    with translation.override(job.language):
        try:
            work(job)
        except expected as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            fail(job, text)
        except Exception:
            logger.exception("%s %s failed", type(job).__name__, job.pk)
            fail(job, unexpected_message())
