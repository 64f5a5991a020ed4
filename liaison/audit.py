"""The one audit mechanism: who changed which object, when, and each field's old and new value.

Services call ``save_audited`` / ``delete_audited``, ``update_audited`` to set a few fields
under a lock they hold, or ``record`` for changes they make themselves; the admin does the same through ``AuditedAdmin``. Values are stored as display text
(a region's name, a status's label) with the raw value beside it, so the history stays readable
after the related object is renamed or deleted, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Subquery
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from liaison.models import AuditEntry

IGNORED_FIELDS = {"created_at", "updated_at", "password", "last_login"}


def _raw(value):
    if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
        # The same instant compares equal whatever zone a form or the API gave it in.
        value = value.astimezone(datetime.UTC)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _display(obj: models.Model, field: models.Field) -> str:
    if field.is_relation:
        related = getattr(obj, field.name)
        return "" if related is None else str(related)
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.attname)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")  # Beijing time, as shown
    return str(value)


def tracked_fields(obj: models.Model) -> list[models.Field]:
    return [
        field
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.name not in IGNORED_FIELDS
    ]


def snapshot(obj: models.Model) -> dict:
    """The object's tracked values now: {field name: (raw value, display text)}."""
    return {
        field.name: (_raw(getattr(obj, field.attname)), _display(obj, field))
        for field in tracked_fields(obj)
    }


def stored_snapshot(obj: models.Model) -> dict:
    """The object's values as they are in the database (empty for a new object)."""
    if obj.pk is None:
        return {}
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    return snapshot(stored) if stored is not None else {}


def diff(before: dict, after: dict, obj: models.Model) -> list[dict]:
    changes = []
    for field in tracked_fields(obj):
        old = before.get(field.name, (None, ""))
        new = after.get(field.name, (None, ""))
        if old[0] != new[0]:
            changes.append(
                {
                    "field": field.name,
                    "label": str(field.verbose_name),
                    "old": old[1],
                    "new": new[1],
                    "old_value": old[0],
                    "new_value": new[0],
                }
            )
    return changes


def record(
    obj: models.Model, *, actor, action: str, changes: list[dict] | None = None, note: str = ""
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        changes=changes or [],
        note=note[:200],
    )


def save_audited(
    obj: models.Model, *, actor, note: str = "", before: dict | None = None
) -> AuditEntry | None:
    """Save ``obj`` and record what changed. ``before`` defaults to the stored row.

    Returns the entry, or None when nothing changed (nothing is then written)."""
    with transaction.atomic():
        creating = obj.pk is None or not type(obj)._base_manager.filter(pk=obj.pk).exists()
        if before is None:
            before = {} if creating else stored_snapshot(obj)
        obj.save()
        changes = diff(before, snapshot(obj), obj)
        if not creating and not changes:
            return None
        return record(
            obj,
            actor=actor,
            note=note,
            changes=changes,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        )


def update_audited(
    obj: models.Model, values: Mapping[str, object], *, actor, note: str = ""
) -> AuditEntry:
    """Set ``values`` on ``obj``, save those fields only, and record the change (an UPDATE
    entry, written even when nothing changed: the note says what was done). For services that
    hold the row's lock and know which fields they change; ``save_audited`` saves a whole
    object and compares it with the stored row."""
    before = snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(values))
    return record(
        obj,
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(obj), obj),
        note=note,
    )


def delete_audited(obj: models.Model, *, actor, note: str = "") -> None:
    with transaction.atomic():
        changes = diff(snapshot(obj), {}, obj)
        entry = record(
            obj, actor=actor, action=AuditEntry.Action.DELETE, changes=changes, note=note
        )
        obj.delete()
        # The entry keeps the deleted object's id, which ``obj.delete()`` has just cleared.
        return entry


def history(obj: models.Model):
    """The audit entries of one object, newest first, with their actors."""
    return AuditEntry.objects.for_object(obj)


def newest_of_type(content_type: ContentType) -> Subquery:
    """When an object of this type last changed: one seek on the (content_type, at) index,
    however many newer entries other types have (a ``MAX(at) WHERE content_type IN (…)``
    walks the ``at`` index past all of them)."""
    return Subquery(
        AuditEntry.objects.filter(content_type=content_type).order_by("-at").values("at")[:1]
    )


def newest_of_object(obj: models.Model) -> Subquery:
    """When this one object last changed (the (content_type, object_id, -at) index)."""
    return Subquery(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )
        .order_by("-at")
        .values("at")[:1]
    )


def latest_change(
    *kinds: type[models.Model], objects=(), also: Mapping[str, Subquery] | None = None
) -> datetime.datetime | None:
    """The newest audit entry of any object of the ``kinds``, of the ``objects`` themselves,
    and the newest of the ``also`` single-value subqueries (say a MAX(updated_at)), in one
    query of one row; None when there is none. O(1) in the number of audit entries."""
    types = list(ContentType.objects.get_for_models(*kinds, for_concrete_models=False).values())
    columns = {f"type_{n}": newest_of_type(ct) for n, ct in enumerate(types)}
    columns |= {f"object_{n}": newest_of_object(obj) for n, obj in enumerate(objects)}
    columns |= {f"also_{name}": query for name, query in (also or {}).items()}
    # Any single row will do to hang the subqueries on; the content type table always has one.
    anchor = types[0].pk if types else ContentType.objects.get_for_model(AuditEntry).pk
    row = ContentType.objects.filter(pk=anchor).values(**columns).get()
    return max((moment for moment in row.values() if moment is not None), default=None)
