"""The one module through which all background work is sent.

With a broker configured (``REDIS_URL`` or ``CELERY_BROKER_URL``) work goes to Celery workers;
without one Celery runs it in-process (eager mode). Either way it is sent only after the current
transaction commits, so a worker never sees data that was rolled back.

    from liaison.tasks import background_task, submit

    @background_task
    def send_invitation(invitation_id): ...

    submit(send_invitation, invitation.pk)

Work that should be tried again later (a mail server that refused) declares ``bind=True`` and
raises ``task.retry(countdown=...)`` when a worker runs it; in-process (``runs_in_process()``)
nobody comes back later, so it retries at once, a bounded number of times
(``meetings.delivery.send_deliveries``).

Workers acknowledge a task when it ends, and a task a dead worker left is run again
(settings: ``CELERY_TASK_ACKS_LATE``): tasks must be idempotent. ``once_a_day`` makes a daily
job of the beat schedule run once a day however many beat processes send it, and ``exclusive``
lets one worker at a time work on a row (a report being made).
"""

from __future__ import annotations

import functools
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")

app = Celery("liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def background_task(func=None, **options):
    """Declare a function as background work (a Celery task with retries off by default)."""
    if func is None:
        return lambda f: app.task(**options)(f)
    return app.task(**options)(func)


def submit(task, *args, **kwargs) -> None:
    """Run ``task`` in the background once the surrounding transaction has committed."""
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))


def runs_in_process() -> bool:
    return bool(app.conf.task_always_eager)


def once_a_day(func):
    """Run the daily job ``func`` at most once a (local) day: the first call claims the day in
    the database (``DailyRun``, unique by job and day) and the others return None. A run that
    fails gives the day back, so the next call tries again."""
    job = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def claimed(*args, **kwargs):
        from liaison.models import DailyRun

        day = timezone.localdate()
        try:
            with transaction.atomic():
                claim = DailyRun.objects.create(job=job[:100], day=day)
        except IntegrityError:
            return None
        try:
            return func(*args, **kwargs)
        except BaseException:
            DailyRun.objects.filter(pk=claim.pk).delete()
            raise

    return claimed


@contextmanager
def exclusive(name: str, key: int, *, timeout: int = 3600) -> Iterator[bool]:
    """Whether this process holds the lock on (``name``, ``key``) across every node, for the
    time of the block: a PostgreSQL advisory lock of the session (released when the block ends,
    or when a killed worker's connection closes), elsewhere an entry in the shared cache that
    expires after ``timeout`` seconds. Yields False when another holds it."""
    if connection.vendor == "postgresql":
        space = zlib.crc32(name.encode()) & 0x7FFFFFFF
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [space, key & 0x7FFFFFFF])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [space, key & 0x7FFFFFFF])
        return
    entry = f"lock:{name}:{key}"
    held = cache.add(entry, 1, timeout)
    try:
        yield held
    finally:
        if held:
            cache.delete(entry)
