"""What every minutes service shares: the permission check of the secretariat, the locked
read of a version, and the audit trail of a change (what is compared and how it is recorded)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from liaison import audit, permissions
from liaison.models import AuditEntry
from meetings.models import MinutesVersion


def check_can_draft_minutes(actor) -> None:
    if not permissions.can_draft_minutes(actor):
        raise PermissionDenied(_("Only the secretariat drafts the minutes."))


def locked_version(version: MinutesVersion) -> MinutesVersion:
    return (
        MinutesVersion.objects.select_for_update()
        .select_related("minutes__meeting__partnership")
        .get(pk=version.pk)
    )


# Not compared in the audit trail: the stored PDFs (files), and the text (see the diff page).
UNAUDITED = {"pdf", "archival_pdf", "pdf_hash", "content"}


def audit_snapshot(obj) -> dict:
    return {name: v for name, v in audit.snapshot(obj).items() if name not in UNAUDITED}


def record_change(obj, *, actor, note: str, before: dict | None = None) -> None:
    audit.record(
        obj,
        actor=actor,
        action=AuditEntry.Action.UPDATE if before is not None else AuditEntry.Action.CREATE,
        changes=audit.diff(before or {}, audit_snapshot(obj), obj),
        note=note,
    )


def check_editable(version: MinutesVersion) -> None:
    if not version.is_editable:
        raise ValidationError(
            _("Version %(number)s is %(status)s and cannot be changed.")
            % {"number": version.number, "status": version.get_status_display()}
        )


def withdraw_approvals(version: MinutesVersion, *, actor) -> None:
    """Approvals are of the text as it was: a change to a circulated version withdraws them."""
    approvals = list(version.approvals.all())
    for approval in approvals:
        audit.delete_audited(approval, actor=actor, note=_("approval withdrawn: the text changed"))
