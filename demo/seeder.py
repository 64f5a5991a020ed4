"""The demo's writer: every row looked up by its natural key and written only when it is missing
or differs, through the services (validated, audited with the note "seed_demo"), and counted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from liaison.services import save_object
from meetings.models import Meeting
from meetings.services import LIFECYCLE_FIELDS, save_meeting

NOTE = "seed_demo"
BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(day: date, hour: int, minute: int) -> datetime:
    """A Beijing-time moment, as UTC (how it is stored, so comparisons and the audit agree)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING).astimezone(UTC)


def differs(obj, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (None if value is None else value.pk)
    return getattr(obj, name) != value


class Seeder:
    """Creates or updates rows by natural key, only when something differs, and counts them."""

    def __init__(self):
        self.created = self.updated = self.unchanged = 0

    def upsert(self, model, lookup: dict, values: dict, *, create_only=None, on_create=None):
        """The ``model`` row matching ``lookup``, created or brought in line with ``values``.

        ``create_only`` values are set on creation only (such as a meeting's status, which the
        secretariat may move on); ``on_create`` prepares a new object before it is saved."""
        save = save_meeting if model is Meeting else save_object
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values, **(create_only or {}))
            if on_create:
                on_create(obj)
            save(obj, actor=None, note=NOTE)
            self.created += 1
            return obj
        changed = {name: value for name, value in values.items() if differs(obj, name, value)}
        if model is Meeting:
            # A meeting's time and place are the demo's when it is created; afterwards they
            # change only through the lifecycle actions, which tell the invitees.
            changed = {k: v for k, v in changed.items() if k not in LIFECYCLE_FIELDS}
        if not changed:
            self.unchanged += 1
            return obj
        for name, value in changed.items():
            setattr(obj, name, value)
        save(obj, actor=None, note=NOTE)
        self.updated += 1
        return obj
