"""Making a report in the background and keeping it.

``request_report`` records what was asked for (kind, parameters, language, who, when) and sends
``generate_report`` through ``liaison.tasks``; the task moves the report through its steps,
saving its progress where the report page can read it, and stores the PDF and the ``.xlsx`` in
private storage. A second request for the same report while one is still being made returns
that one. A failure is recorded with its message; nothing half-made is kept.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.excel import XLSX_CONTENT_TYPE
from liaison import audit, jobs
from liaison.channels import dispatch
from liaison.models import NoticeKind
from liaison.site import absolute_url
from liaison.tasks import background_task, exclusive, once_a_day, submit
from liaison.uploads import delete_stored, private_file_response
from reports.kinds import REPORT_TYPES
from reports.layout import ReportError, report_pdf
from reports.models import GeneratedReport


def request_report(user, kind: str, parameters: dict) -> tuple[GeneratedReport, bool]:
    """The report of ``kind`` with ``parameters`` (already validated), queued for generation,
    and whether it is new (False: the same report is already being made). A database
    constraint keeps one pending report per request, so simultaneous clicks make one."""
    report_type = REPORT_TYPES[kind]
    same = GeneratedReport.objects.filter(kind=kind, parameters=parameters)
    _retire_lost(same)
    try:
        with transaction.atomic():
            report = GeneratedReport(
                kind=kind,
                parameters=parameters,
                title=report_type.title(parameters),
                language=translation.get_language() or "zh-hans",
                requested_by=user,
                step=_("Waiting to start"),
            )
            audit.save_audited(report, actor=user)
            submit(generate_report, report.pk)
    except IntegrityError:
        pending = same.filter(status__in=GeneratedReport.PENDING).first()
        if pending is None:
            raise
        return pending, False
    return report, True


def _retire_lost(reports) -> None:
    jobs.retire_lost(reports, _("The report was not finished in time. Please ask for it again."))


def _progress(report: GeneratedReport, percent: int, step: str, **fields) -> None:
    jobs.save_progress(report, percent, step, **fields)


# The tasks keep the names they had when this module was liaison.reports.generation: work queued
# before an upgrade is still run by the upgraded worker, and the beat schedule is unchanged.
@background_task(name="liaison.reports.generation.generate_report")
def generate_report(report_id: int) -> None:
    """Make the report, once: a retried or redelivered task finds it done and does nothing, and
    one that arrives while another worker is making it leaves it to that worker (a lock on the
    report across the nodes). The files are named after the report, so a run that starts over
    after a worker died replaces what that one left instead of adding to it."""
    with exclusive("generate_report", report_id) as held:
        if not held:
            return
        report = GeneratedReport.objects.select_related("requested_by").filter(pk=report_id).first()
        if report is None or report.status not in GeneratedReport.PENDING:
            return
        jobs.run(
            report,
            _generate,
            expected=(ReportError,),
            unexpected_message=lambda: _(
                "The report could not be generated. Please try again later."
            ),
        )


def _store(field, name: str, content: bytes) -> str:
    """Save ``content`` under ``name`` exactly, replacing a file a killed run left there."""
    field.storage.delete(name)
    return field.storage.save(name, ContentFile(content))


def _generate(report: GeneratedReport) -> None:
    report_type = REPORT_TYPES[report.kind]
    now = timezone.now()
    _progress(report, 5, _("Gathering the figures"), status=GeneratedReport.Status.RUNNING)
    if report.requested_by is None:
        raise ReportError(_("The user who asked for the report no longer exists."))
    figures = report_type.module.figures(report.requested_by, report.parameters, now)
    _progress(report, 30, _("Drawing the PDF"))
    pdf = report_pdf(
        report_type.template,
        title=report.title,
        period=figures.period,
        as_of=now,
        figures=figures,
        on_laid_out=_pages_laid_out(report, started=time.monotonic()),
    )
    _progress(report, 80, _("Writing the Excel workbook"))
    xlsx = report_type.module.workbook(figures)
    _progress(report, 95, _("Storing the files"))
    folder = GeneratedReport.UPLOAD_FOLDER
    report.pdf.name = _store(report.pdf, f"{folder}/{report.pk}.pdf", pdf)
    report.xlsx.name = _store(report.xlsx, f"{folder}/{report.pk}.xlsx", xlsx)
    try:
        GeneratedReport.objects.filter(pk=report.pk).update(
            pdf=report.pdf.name,
            xlsx=report.xlsx.name,
            status=GeneratedReport.Status.DONE,
            progress=100,
            step=_("Ready"),
            data_as_of=now,
            finished_at=timezone.now(),
        )
    except Exception:
        delete_stored(report.pdf.name)
        delete_stored(report.xlsx.name)
        raise
    _notify_ready(report)


def _notify_ready(report: GeneratedReport) -> None:
    """The requester's inbox says the report is ready, linking to it."""
    path = reverse("report-detail", args=[report.pk])
    dispatch.notify(
        dispatch.Message(
            kind=NoticeKind.REPORT,
            title=_("Report ready: %(title)s") % {"title": report.title},
            link=absolute_url(path),
            path=path,
        ),
        dispatch.Audience(users={report.requested_by_id}),
    )


def _pages_laid_out(report: GeneratedReport, *, started: float):
    """The progress once the PDF's pages are laid out: how many, and how many a second since
    ``started`` (the rate of a long report, which the next one of its size will have too)."""

    def laid_out(pages: int) -> None:
        rate = pages / max(time.monotonic() - started, 0.01)
        step = ngettext(
            "Writing the PDF (%(pages)s page, %(rate)s pages a second)",
            "Writing the PDF (%(pages)s pages, %(rate)s pages a second)",
            pages,
        ) % {"pages": pages, "rate": number_format(rate, 1)}
        _progress(report, 60, step)

    return laid_out


def delete_report(report: GeneratedReport, *, actor) -> None:
    """Remove a kept report and its files."""
    names = [report.pdf.name, report.xlsx.name]
    with transaction.atomic():
        audit.delete_audited(report, actor=actor)
        transaction.on_commit(lambda: [delete_stored(name) for name in names])


def prune_reports(*, now=None) -> int:
    """Remove the reports asked for more than ``settings.REPORTS_KEEP_DAYS`` days ago, with
    their files; 0 keeps every report. One still pending after a day is lost (see
    ``GeneratedReport.STALE_AFTER``) and goes too. Returns how many were removed."""
    days = settings.REPORTS_KEEP_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = GeneratedReport.objects.filter(requested_at__lt=cutoff)
    removed = 0
    for report in list(old):
        delete_report(report, actor=None)
        removed += 1
    return removed


@background_task(name="liaison.reports.generation.prune_reports_task")
@once_a_day
def prune_reports_task() -> int:
    return prune_reports()


REPORT_FORMATS = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


def report_file_response(report: GeneratedReport, fmt: str):
    """A kept report's PDF or ``.xlsx`` as a download named after its title and date (the
    caller checks the permission); 404 for another format or a report not ready."""
    if fmt not in REPORT_FORMATS or not report.is_ready:
        raise Http404
    stored = report.pdf if fmt == "pdf" else report.xlsx
    stamp = timezone.localtime(report.data_as_of)
    return private_file_response(
        stored.name,
        filename=f"{report.title}-{stamp:%Y%m%d}.{fmt}",
        content_type=REPORT_FORMATS[fmt],
    )
