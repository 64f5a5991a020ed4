"""The agenda of a meeting: items in order, and their materials (private files)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from liaison import audit, permissions, uploads
from liaison.models import AuditEntry
from liaison.services import save_object
from meetings.models import (
    AgendaItem,
    AgendaMaterial,
    Meeting,
)
from meetings.services.locking import lock_meeting

# --- Agenda ----------------------------------------------------------------------------------

AGENDA_FIELDS = ("title", "presenter", "duration_minutes", "description")


def _check_can_edit_agenda(actor) -> None:
    if not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat edits the agenda."))


def add_agenda_item(meeting: Meeting, *, actor, **values) -> AgendaItem:
    """Add an item at the end of the meeting's agenda."""
    _check_can_edit_agenda(actor)
    with transaction.atomic():
        lock_meeting(meeting)
        last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
        item = AgendaItem(
            meeting=meeting,
            position=0 if last is None else last + 1,
            **{name: values[name] for name in AGENDA_FIELDS if name in values},
        )
        save_object(item, actor=actor, note=str(meeting)[:100])
    return item


def change_agenda_item(item: AgendaItem, *, actor, **values) -> AgendaItem:
    """Change an item's text; its place in the agenda is ``reorder_agenda``'s to change."""
    _check_can_edit_agenda(actor)
    with transaction.atomic():
        # The stored row, so a stale copy never moves the item back to an old position.
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        for name in AGENDA_FIELDS:
            if name in values:
                setattr(item, name, values[name])
        save_object(item, actor=actor)
    return item


def _material_change(item: AgendaItem, *, actor, old: str = "", new: str = "", note: str):
    """Materials are audited on their agenda item (a file is no value for the history)."""
    label = str(AgendaMaterial._meta.verbose_name_plural)
    change = {"field": "materials", "label": label, "old": old, "new": new}
    audit.record(
        item,
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        changes=[{**change, "old_value": old or None, "new_value": new or None}],
        note=note,
    )


def remove_agenda_item(item: AgendaItem, *, actor) -> None:
    """Remove an item and its materials (their files too, once the removal is committed)."""
    _check_can_edit_agenda(actor)
    materials = list(item.materials.all())
    with transaction.atomic():
        for material in materials:
            _material_change(
                item, actor=actor, old=material.original_name, note=_("material removed")
            )
        audit.delete_audited(item, actor=actor)
        names = [material.file.name for material in materials]
        transaction.on_commit(lambda: [uploads.delete_stored(name) for name in names])


def reorder_agenda(meeting: Meeting, item_ids: list[int], *, actor) -> list[AgendaItem]:
    """Put the agenda in the given order of item ids (every item of the meeting, once)."""
    _check_can_edit_agenda(actor)
    with transaction.atomic():
        lock_meeting(meeting)
        items = {item.pk: item for item in meeting.agenda_items.all()}
        if sorted(item_ids) != sorted(items):
            raise ValidationError(_("Give every item of the agenda once, in the new order."))
        for position, pk in enumerate(item_ids):
            item = items[pk]
            if item.position != position:
                audit.update_audited(
                    item, {"position": position}, actor=actor, note=_("agenda reordered")
                )
    return [items[pk] for pk in item_ids]


def move_agenda_item(item: AgendaItem, *, actor, offset: int) -> list[AgendaItem]:
    """Move an item up (-1) or down (+1) the agenda."""
    order = list(item.meeting.agenda_items.values_list("pk", flat=True))
    index = order.index(item.pk)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    return reorder_agenda(item.meeting, order, actor=actor)


def attach_agenda_material(item: AgendaItem, *, actor, upload) -> AgendaMaterial:
    """Store a PDF, JPEG or PNG for an agenda item privately, checked by content and size."""
    _check_can_edit_agenda(actor)
    kind = uploads.check_upload(upload)
    material = AgendaMaterial(item=item)
    with uploads.removed_on_error() as stored, transaction.atomic():
        uploads.store_upload(material, upload, kind, actor=actor)
        stored.append(material.file.name)
        material.save()
        _material_change(item, actor=actor, new=material.original_name, note=_("material uploaded"))
    return material


def remove_agenda_material(material: AgendaMaterial, *, actor) -> None:
    _check_can_edit_agenda(actor)
    name = material.file.name
    with transaction.atomic():
        _material_change(
            material.item, actor=actor, old=material.original_name, note=_("material removed")
        )
        material.delete()
        transaction.on_commit(lambda: uploads.delete_stored(name))
