import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.db import transaction

from liaison import tasks

calls = []


@tasks.background_task(name="liaison.tests.record_call")
def record_call(value):
    calls.append(value)


@pytest.fixture(autouse=True)
def _clear_calls():
    calls.clear()


@pytest.mark.django_db(transaction=True)
def test_submit_without_broker_runs_in_process_after_commit():
    assert tasks.runs_in_process()
    with transaction.atomic():
        tasks.submit(record_call, "invitation 1")
        assert calls == []  # not before the commit
    assert calls == ["invitation 1"]


@pytest.mark.django_db(transaction=True)
def test_submit_inside_a_rolled_back_transaction_runs_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.submit(record_call, "never")
        raise RuntimeError
    assert calls == []


def _redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


BROKER_SCRIPT = """
import django
django.setup()
from liaison import tasks

@tasks.background_task(name="liaison.tests.queued")
def queued(value):
    raise AssertionError("a worker runs this, not the process that submits it")

assert not tasks.runs_in_process()
tasks.submit(queued, "sent")
"""


@pytest.mark.skipif(not _redis_is_up(), reason="needs Redis on 127.0.0.1:6379")
def test_submit_with_redis_configured_sends_the_work_to_the_broker(tmp_path):
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    connection.delete("celery")
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    try:
        subprocess.run([sys.executable, "-c", BROKER_SCRIPT], env=env, check=True, timeout=60)
        messages = connection.lrange("celery", 0, -1)
        assert len(messages) == 1
        assert json.loads(messages[0])["headers"]["task"] == "liaison.tests.queued"
    finally:
        connection.delete("celery")


def test_a_worker_knows_every_background_task_and_scheduled_job(tmp_path):
    """A Celery worker imports the apps, not the URLconf: every task sent from the code (reports,
    Excel imports, mail) and every job of the beat schedule must be registered by then."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from liaison.tasks import app\n"
        "print(' '.join(sorted(app.tasks)))\n"
        "print(' '.join(job['task'] for job in settings.CELERY_BEAT_SCHEDULE.values()))\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "SECRET_KEY": "only-for-this-check",
        "DATA_DIR": str(tmp_path),
        "ENV_FILE": str(tmp_path / "no.env"),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    registered, scheduled = (set(line.split()) for line in result.stdout.splitlines())
    assert set(scheduled) <= registered
    assert {
        "agreements.excel.imports.check_import",
        "agreements.excel.imports.commit_import",
        "liaison.reports.generation.generate_report",
        "meetings.mail.send_meeting_mail",
        "meetings.minutes_mail.send_minutes_mail",
    } <= registered


# --- Workers by queue, daily jobs once -----------------------------------------------------


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("meetings.delivery.send_deliveries", "mail"),
        ("meetings.mail.send_rsvp_reminders", "mail"),
        ("meetings.minutes_mail.send_decision_reminders", "mail"),
        ("liaison.reports.generation.generate_report", "reports"),
        ("liaison.reports.generation.prune_reports_task", "reports"),
        ("agreements.excel.imports.check_import", "imports"),
        ("agreements.excel.imports.commit_import", "imports"),
        ("liaison.tests.record_call", "celery"),
    ],
)
def test_each_kind_of_work_goes_to_its_own_queue(task, queue):
    """A long report never waits in front of invitation mail: each has its own workers."""
    assert task in tasks.app.tasks
    route = tasks.app.amqp.router.route({}, task, args=(), kwargs={})
    assert route["queue"].name == queue


def test_a_task_is_handed_back_when_its_worker_dies():
    conf = tasks.app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] >= 3600


@pytest.mark.django_db
def test_a_daily_job_runs_once_a_day_and_a_failed_run_gives_the_day_back():
    runs = []

    @tasks.once_a_day
    def job(fail=False):
        runs.append(fail)
        if fail:
            raise RuntimeError("mail server down")
        return len(runs)

    with pytest.raises(RuntimeError):
        job(fail=True)
    assert job() == 2  # the day was given back
    assert job() is None  # a second beat process, the same day
    assert runs == [True, False]


def test_a_worker_started_without_queues_takes_every_queue():
    """One machine runs one worker (README): it must take mail, reports and imports too."""
    assert set(tasks.app.amqp.queues) == {"celery", "mail", "reports", "imports"}
