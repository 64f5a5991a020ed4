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
"""

from __future__ import annotations

import os

from celery import Celery
from django.db import transaction

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
