"""Changes to the partnership registry. Every write from a page, the API or a command goes
through here: validated, atomic, and recorded in the audit trail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from liaison import audit
from liaison.models import AuditEntry


def save_object(obj: models.Model, *, actor, note: str = "") -> AuditEntry | None:
    """Validate ``obj`` (fields, ``clean()`` and constraints), save it and audit the change.

    Raises ValidationError, translated, and changes nothing when the object is invalid."""
    before = audit.stored_snapshot(obj)
    obj.full_clean()
    try:
        with transaction.atomic():
            return audit.save_audited(obj, actor=actor, note=note, before=before)
    except IntegrityError as exc:
        # A concurrent writer took a unique value between the check above and the save.
        raise ValidationError(
            _(
                "This conflicts with a record that was just saved by someone "
                "else. Reload and try again."
            )
        ) from exc


def delete_object(obj: models.Model, *, actor, note: str = "") -> None:
    """Delete ``obj`` and audit it; refuse, changing nothing, while other records use it."""
    try:
        with transaction.atomic():
            audit.delete_audited(obj, actor=actor, note=note)
    except (ProtectedError, RestrictedError) as exc:
        users = sorted(
            {str(o._meta.verbose_name) for o in exc.protected_objects}
            if isinstance(exc, ProtectedError)
            else {str(o._meta.verbose_name) for o in exc.restricted_objects}
        )
        raise ValidationError(
            _("“%(object)s” cannot be deleted while %(users)s refer to it.")
            % {"object": obj, "users": "、".join(users)}
        ) from exc
