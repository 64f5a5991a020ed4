"""Changes to agreements: one function per change, each validated, atomic and audited.

Every change to an agreement (amount, unit, parties, goods, status, figures) leaves an audit
entry on the agreement with who, when, and the old and new value; status changes also leave a
dated ``StatusChange`` with its note. ``actor=None`` means the system (management commands).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import lifecycles
from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementFile,
    AgreementParty,
    GoodsLine,
    ProgressReport,
    ProgressReportAttachment,
    StatusChange,
    WorkingMechanism,
)
from liaison import audit, permissions, uploads
from liaison.models import AuditEntry
from liaison.services import save_object

Status = Agreement.Status

# The project lifecycle's table, under its former name; every kind's is in ``lifecycles``.
ALLOWED_TRANSITIONS: dict[str, set[str]] = lifecycles.TRANSITIONS[Agreement.Lifecycle.PROJECT]

# Driven by the latest approved progress report, never edited by hand.
REPORT_DRIVEN_FIELDS = ("funds_in_place", "percent_complete")


def check_status_transition(old: str, new: str, lifecycle: str = Agreement.Lifecycle.PROJECT):
    if new not in Status.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": new}})
    if new not in lifecycles.TRANSITIONS[lifecycle].get(old, set()):
        raise ValidationError(
            {
                "status": _("An agreement cannot go from “%(old)s” to “%(new)s”.")
                % {"old": Status(old).label, "new": Status(new).label}
            }
        )


def missing_fact(agreement: Agreement, to: str) -> str | None:
    """Why the agreement lacks a fact that the status ``to`` requires, or None."""
    if to == Status.REGISTERED and not (agreement.project_company and agreement.project_site):
        return _("Give the project company and its land or site to register the project.")
    delivery_step = to in (Status.PARTLY_DELIVERED, Status.DELIVERED)
    if delivery_step and lifecycles.delivery_status(agreement) != to:
        return _("A purchase moves on with its deliveries: record a delivery.")
    if (
        to == Status.MECHANISM_SET_UP
        and not WorkingMechanism.objects.filter(agreement=agreement).exists()
    ):
        return _("Set up the working mechanism: a contact on each side and a first activity.")
    if to == Status.PROJECTS_INTRODUCED and not agreement.introduced_projects.exists():
        return _("Link a project introduced under this agreement first.")
    if to == Status.CONVERTED and not Agreement.objects.filter(converted_from=agreement).exists():
        return _("Convert the intention into a project agreement to mark it converted.")
    return None


def save_agreement(
    agreement: Agreement,
    *,
    actor,
    parties: list[dict] | None = None,
    goods_lines: list[dict] | None = None,
    note: str = "",
) -> Agreement:
    """Create or change an agreement and, when given, replace its parties and goods lines.

    The status changes only through ``change_agreement_status`` and the funds in place and
    percent complete only through approved progress reports."""
    with transaction.atomic():
        stored = (
            Agreement.objects.filter(pk=agreement.pk)
            .values("status", *REPORT_DRIVEN_FIELDS)
            .first()
            if agreement.pk
            else None
        )
        if stored:
            if stored["status"] != agreement.status:
                raise ValidationError(
                    {"status": _("Change the status with a status change, not by editing.")}
                )
            for name in REPORT_DRIVEN_FIELDS:
                if stored[name] != getattr(agreement, name):
                    raise ValidationError(
                        {name: _("This figure comes from the approved progress reports.")}
                    )
        elif agreement.status != Status.SIGNED:
            raise ValidationError({"status": _("A new agreement starts as signed.")})
        save_object(agreement, actor=actor, note=note)
        if parties is not None:
            set_agreement_parties(agreement, parties, actor=actor, note=note)
        if goods_lines is not None:
            set_goods_lines(agreement, goods_lines, actor=actor, note=note)
    return agreement


def _parties_text(agreement: Agreement) -> str:
    return "；".join(str(p) for p in agreement.parties.select_related("organisation"))


def _goods_text(agreement: Agreement) -> str:
    return "；".join(str(line) for line in agreement.goods_lines.all())


def _record_collection_change(agreement, *, actor, field: str, label, old: str, new: str, note):
    if old == new:
        return None
    change = {"field": field, "label": str(label), "old": old, "new": new}
    return audit.record(
        agreement,
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        changes=[{**change, "old_value": old, "new_value": new}],
        note=note,
    )


def set_agreement_parties(agreement: Agreement, parties: list[dict], *, actor, note: str = ""):
    """Replace the agreement's parties (organisation, role, signatory_name, signatory_title)
    and record the old and new list on the agreement; nothing is written when they are equal."""
    organisations = [p["organisation"] for p in parties]
    roles = [p["role"] for p in parties]
    if len(set(organisations)) != len(organisations):
        raise ValidationError({"parties": _("An organisation is listed twice.")})
    if len(set(roles)) != len(roles):
        raise ValidationError({"parties": _("Two parties have the same role.")})
    with transaction.atomic():
        old = _parties_text(agreement)
        wanted = sorted(
            (
                AgreementParty(
                    agreement=agreement,
                    organisation=p["organisation"],
                    role=p["role"],
                    signatory_name=p.get("signatory_name", "").strip(),
                    signatory_title=p.get("signatory_title", "").strip(),
                )
                for p in parties
            ),
            key=lambda party: party.role,
        )
        if old == "；".join(str(p) for p in wanted):
            return None
        agreement.parties.all().delete()
        for party in wanted:
            try:
                party.full_clean()
            except ValidationError as error:
                raise ValidationError({"parties": error.messages}) from error
            party.save()
        return _record_collection_change(
            agreement,
            actor=actor,
            field="parties",
            label=AgreementParty._meta.verbose_name_plural,
            old=old,
            new=_parties_text(agreement),
            note=note,
        )


def set_goods_lines(agreement: Agreement, lines: list[dict], *, actor, note: str = ""):
    """Replace the goods lines (commodity, quantity, unit) and record the change."""
    commodities = [line["commodity"].strip() for line in lines]
    if len(set(commodities)) != len(commodities):
        raise ValidationError({"goods_lines": _("A commodity is listed twice.")})
    with transaction.atomic():
        old = _goods_text(agreement)
        wanted = [
            GoodsLine(
                agreement=agreement,
                commodity=line["commodity"].strip(),
                quantity=Decimal(line["quantity"]),
                unit=line["unit"].strip(),
            )
            for line in lines
        ]
        if old == "；".join(str(line) for line in wanted):
            return None
        agreement.goods_lines.all().delete()
        for line in wanted:
            try:
                line.full_clean()
            except ValidationError as error:
                raise ValidationError({"goods_lines": error.messages}) from error
            line.save()
        return _record_collection_change(
            agreement,
            actor=actor,
            field="goods_lines",
            label=GoodsLine._meta.verbose_name_plural,
            old=old,
            new=_goods_text(agreement),
            note=note,
        )


def change_agreement_status(
    agreement: Agreement, *, to: str, actor, on: date | None = None, reason: str = ""
) -> Agreement:
    """Move the agreement along its kind's lifecycle (``lifecycles.TRANSITIONS``), dated and
    noted, once the facts the new status needs are there (``missing_fact``).

    Stalling, terminating or letting an intention lapse needs a reason, which the agreement
    keeps until it resumes."""
    with transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        move_agreement(current, to=to, actor=actor, on=on, reason=reason)
    agreement.status, agreement.status_reason = current.status, current.status_reason
    return current


def move_agreement(
    current: Agreement,
    *,
    to: str,
    actor,
    on: date | None = None,
    reason: str = "",
    facts: Sequence[str] = (),
) -> StatusChange:
    """The step itself, for the services that hold ``current`` locked in their transaction:
    checked against the lifecycle and the facts, saved with ``update_fields`` (the status and
    the ``facts`` fields the caller has just set), audited, and kept as a ``StatusChange``."""
    reason = (reason or "").strip()
    on = on or timezone.localdate()
    old = current.status
    check_status_transition(old, to, current.lifecycle)
    if to in Agreement.STATUSES_NEEDING_REASON and not reason:
        raise ValidationError(
            {"reason": _("Say why the agreement is stalled, terminated or lapsed.")}
        )
    if on < current.signed_on:
        raise ValidationError({"on": _("The date is before the agreement was signed.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date is in the future.")})
    missing = missing_fact(current, to)
    if missing:
        raise ValidationError({"status": missing})
    before = audit.stored_snapshot(current)
    current.status = to
    current.status_reason = reason if to in Agreement.STATUSES_NEEDING_REASON else ""
    current.full_clean()
    current.save(update_fields=["status", "status_reason", "updated_at", *facts])
    audit.record(
        current,
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, audit.snapshot(current), current),
        note=reason,
    )
    return StatusChange.objects.create(
        agreement=current,
        from_status=old,
        to_status=to,
        changed_on=on,
        note=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def check_can_report_progress(agreement: Agreement, actor) -> None:
    if actor is not None and not permissions.can_report_progress(actor, agreement):
        raise PermissionDenied(_("Only the agreement's parties report its progress."))


# What a progress report is for the kinds that do not report funds and percent complete.
OWN_PROGRESS = {
    Agreement.Lifecycle.PURCHASE: lambda: _(
        "A purchase reports its progress as deliveries: record a delivery (date, quantity, "
        "amount, receipt)."
    ),
    Agreement.Lifecycle.INTENTION: lambda: _(
        "An investment intention reports its progress as negotiation notes: write a "
        "negotiation note."
    ),
}


def check_progress_report_fits(agreement: Agreement) -> None:
    """Funds in place and percent complete are asked of projects and frameworks only."""
    own = OWN_PROGRESS.get(agreement.lifecycle)
    if own is not None:
        raise ValidationError({"agreement": own()})


def submit_progress_report(
    agreement: Agreement,
    *,
    actor,
    period_start: date,
    period_end: date,
    funds_in_place: Decimal,
    percent_complete: int,
    milestone: str = "",
    narrative: str = "",
    attachments: Sequence = (),
) -> ProgressReport:
    """A party's member (or the secretariat) reports progress; the secretariat reviews it.

    ``attachments`` are uploaded PDFs or images (checked like the signed document), stored
    privately with the report."""
    check_can_report_progress(agreement, actor)
    check_progress_report_fits(agreement)
    if agreement.status in (Status.TERMINATED,):
        raise ValidationError(_("A terminated agreement takes no progress reports."))
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("Attach at most %(count)s files to a report.")
                % {"count": MAX_ATTACHMENTS}
            }
        )
    kinds = [uploads.check_upload(upload, field="attachments") for upload in attachments]
    report = ProgressReport(
        agreement=agreement,
        period_start=period_start,
        period_end=period_end,
        funds_in_place=funds_in_place,
        percent_complete=percent_complete,
        milestone=milestone.strip(),
        narrative=narrative.strip(),
        status=ProgressReport.Status.SUBMITTED,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    with uploads.removed_on_error() as stored, transaction.atomic():
        save_object(report, actor=actor)
        files = [
            store_file(
                ProgressReportAttachment(report=report), upload, kind, actor=actor, into=stored
            )
            for upload, kind in zip(attachments, kinds, strict=True)
        ]
        if files:
            audit.record(
                report,
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                changes=[
                    _file_change(
                        "attachments",
                        ProgressReportAttachment._meta.verbose_name_plural,
                        old=None,
                        new="；".join(f.original_name for f in files),
                        new_value=[f.file.name for f in files],
                    )
                ],
            )
    return report


def _review(report: ProgressReport, *, actor, to: str, comment: str) -> ProgressReport:
    if actor is not None and not permissions.can_review_progress(actor):
        raise PermissionDenied(_("Only the secretariat reviews progress reports."))
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted report can be approved or returned.")})
    report.status = to
    report.reviewer_comment = comment.strip()
    report.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    report.reviewed_at = timezone.now()
    save_object(report, actor=actor, note=report.reviewer_comment)
    return report


def approve_progress_report(report: ProgressReport, *, actor, comment: str = "") -> ProgressReport:
    """Approve a submitted report; the agreement's funds in place and percent complete then
    follow its latest approved report (by period end)."""
    with transaction.atomic():
        _review(report, actor=actor, to=ProgressReport.Status.APPROVED, comment=comment)
        refresh_agreement_figures(report.agreement, actor=actor)
    return report


def return_progress_report(report: ProgressReport, *, actor, comment: str) -> ProgressReport:
    """Send a submitted report back to its author with a comment saying what to fix."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    with transaction.atomic():
        return _review(report, actor=actor, to=ProgressReport.Status.RETURNED, comment=comment)


def refresh_agreement_figures(agreement: Agreement, *, actor) -> None:
    latest = (
        agreement.progress_reports.filter(status=ProgressReport.Status.APPROVED)
        .order_by("-period_end", "-id")
        .first()
    )
    funds = latest.funds_in_place if latest else Decimal("0.00")
    percent = latest.percent_complete if latest else 0
    if agreement.funds_in_place == funds and agreement.percent_complete == percent:
        return
    agreement.funds_in_place, agreement.percent_complete = funds, percent
    save_object(agreement, actor=actor, note=_("progress report approved"))


# --- Private files: the signed document scan and progress-report attachments ----------------

MAX_ATTACHMENTS = 5


def store_file(
    record: AgreementFile, upload, kind: uploads.FileType, *, actor, into: list[str]
) -> AgreementFile:
    """Write ``upload`` to the private storage under a random name, add that name to
    ``into`` (an ``uploads.removed_on_error`` list) at once, and save ``record``."""
    uploads.store_upload(record, upload, kind, actor=actor)
    into.append(record.file.name)
    record.full_clean(exclude=["file"])
    record.save()
    return record


def _file_change(field: str, label, *, old, new, old_value=None, new_value=None) -> dict:
    return {
        "field": field,
        "label": str(label),
        "old": old or "",
        "new": new or "",
        "old_value": old_value,
        "new_value": new_value,
    }


def attach_agreement_document(agreement: Agreement, *, actor, upload) -> AgreementDocument:
    """Store the scan of the signed agreement (签约文本扫描件), replacing any earlier one.

    The upload is checked by content and size (``uploads.check_upload``); the agreement's
    history records the old and new file; a replaced file is deleted from disk only after the
    transaction has committed."""
    if actor is not None and not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat uploads the signed document."))
    kind = uploads.check_upload(upload)
    with uploads.removed_on_error() as stored, transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        document = AgreementDocument.objects.filter(agreement=current).first()
        old_name, old_file = (document.original_name, document.file.name) if document else ("", "")
        document = store_file(
            document or AgreementDocument(agreement=current), upload, kind, actor=actor, into=stored
        )
        audit.record(
            current,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            changes=[
                _file_change(
                    "document",
                    AgreementDocument._meta.verbose_name,
                    old=old_name,
                    new=document.original_name,
                    old_value=old_file or None,
                    new_value=document.file.name,
                )
            ],
            note=_("signed document replaced") if old_file else _("signed document uploaded"),
        )
        if old_file:
            transaction.on_commit(lambda: uploads.delete_stored(old_file))
    return document
