"""A report task run again (a worker killed in the middle, the broker handing the task out a
second time, two workers at once) still ends with one report and one file of each kind."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from liaison.tasks import exclusive
from reports import generation
from reports.models import GeneratedReport
from reports.tests.factories import GeneratedReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _report_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def stored(media: Path) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file())


def test_a_report_made_again_after_a_worker_died_keeps_one_file_of_each_kind(
    official, _report_media
):
    report = GeneratedReportFactory(kind="follow_up", requested_by=official, parameters={})
    generation.generate_report(report.pk)
    # The worker died after storing the files, before the task was acknowledged: the broker
    # hands it out again while the row still says "running".
    GeneratedReport.objects.filter(pk=report.pk).update(status=GeneratedReport.Status.RUNNING)
    generation.generate_report(report.pk)

    report.refresh_from_db()
    assert report.status == GeneratedReport.Status.DONE
    assert (report.pdf.name, report.xlsx.name) == (
        f"reports/{report.pk}.pdf",
        f"reports/{report.pk}.xlsx",
    )
    assert stored(_report_media) == [f"{report.pk}.pdf", f"{report.pk}.xlsx"]


def test_a_finished_report_is_not_made_again(official, _report_media):
    report = GeneratedReportFactory(kind="follow_up", requested_by=official, parameters={})
    generation.generate_report(report.pk)
    report.refresh_from_db()
    finished = report.finished_at

    generation.generate_report(report.pk)

    report.refresh_from_db()
    assert report.finished_at == finished
    assert stored(_report_media) == [f"{report.pk}.pdf", f"{report.pk}.xlsx"]


@contextmanager
def held_elsewhere(name: str, key: int):
    """The lock held by another worker: another thread, with a database connection of its own
    (a PostgreSQL session holds its own advisory locks again)."""
    taken, done = threading.Event(), threading.Event()

    def worker():
        try:
            with exclusive(name, key) as held:
                assert held
                taken.set()
                done.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert taken.wait(30)
    try:
        yield
    finally:
        done.set()
        thread.join(30)


def test_a_report_another_worker_is_making_is_left_to_it(official, _report_media):
    report = GeneratedReportFactory(kind="follow_up", requested_by=official, parameters={})

    with held_elsewhere("generate_report", report.pk):
        generation.generate_report(report.pk)  # the second worker

    report.refresh_from_db()
    assert report.status == GeneratedReport.Status.QUEUED and report.progress == 0
    assert stored(_report_media) == []


def test_the_daily_prune_runs_once_a_day_however_many_beats_send_it(official, settings):
    settings.REPORTS_KEEP_DAYS = 7

    assert generation.prune_reports_task.apply().get() == 0
    assert generation.prune_reports_task.apply().get() is None  # a second beat, same day
