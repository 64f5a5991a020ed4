"""The change history as people read it: field names in the reader's language, values as the
pages show them (choice labels, Beijing time, 是/否, 万元/亿元, names), system changes named as
such, and the latest entries first with the rest folded.

``liaison.audit`` stores each change with its raw value beside the text of the time; the raw
value is read again here, so a label or a language chosen later still shows correctly."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison import audit, permissions
from liaison.models import AuditEntry
from liaison.templatetags.liaison_format import beijing, yuan

SHOWN = 5  # entries shown before "show all"
MOST = 200  # entries read at all; older ones are in the API's history
LIST_SEPARATOR = "、"
# Fields kept for the machines (calendar identity and revision), not for readers.
HIDDEN_FIELDS = {"sequence"}
# Notes written by commands rather than people.
SYSTEM_NOTES = {"seed_demo": gettext_lazy("demo data loaded")}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime.datetime
    actor: str
    action: str
    note: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class History:
    """The latest ``SHOWN`` entries (``latest``), the others (``earlier``) and the total."""

    latest: list[Entry]
    earlier: list[Entry]
    total: int

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self):
        return iter(self.latest + self.earlier)

    @property
    def not_read(self) -> int:
        """Entries older than the ``MOST`` read (listed by the API's history)."""
        return self.total - len(self.latest) - len(self.earlier)


def readable_history(obj: models.Model, *, shown: int = SHOWN) -> History:
    """The object's history, newest first, ready to show (two queries whatever its length)."""
    entries = audit.history(obj)
    total = entries.count()
    readable = [_entry(entry, type(obj)) for entry in entries[:MOST]]
    return History(latest=readable[:shown], earlier=readable[shown:], total=total)


def history_for(user, obj: models.Model) -> History | None:
    """The object's readable history for a page, or None when ``user`` may not see histories
    (the page then shows none)."""
    return readable_history(obj) if permissions.can_see_history(user) else None


def _entry(entry: AuditEntry, model: type[models.Model]) -> Entry:
    changes = [_change(change, model, entry.action) for change in entry.changes]
    return Entry(
        at=entry.at,
        actor=str(entry.actor) if entry.actor else _("system"),
        action=entry.get_action_display(),
        note=str(SYSTEM_NOTES.get(entry.note, entry.note)),
        changes=[change for change in changes if change is not None],
    )


def _change(change: dict, model: type[models.Model], action: str) -> Change | None:
    try:
        model_field = model._meta.get_field(change["field"])
    except FieldDoesNotExist:
        model_field = None
    if model_field is not None and (not model_field.editable or model_field.name in HIDDEN_FIELDS):
        return None
    old = _value(model, model_field, change, "old")
    new = _value(model, model_field, change, "new")
    if action == AuditEntry.Action.CREATE and not new:
        return None  # a new object's empty fields say nothing
    label = str(model_field.verbose_name) if model_field is not None else change.get("label", "")
    return Change(label=label, old=old, new=new)


def _value(model, model_field, change: dict, side: str) -> str:
    """One side of a change as the pages show it; the stored text when the raw value
    cannot be read again (a field since removed, a summary written by a service)."""
    text = change.get(side, "") or ""
    if model_field is None or f"{side}_value" not in change:
        return text
    raw = change[f"{side}_value"]
    if raw is None or raw == "" or raw == []:
        return ""
    if model_field.is_relation:
        return text  # the related object's name when it was changed
    if isinstance(model_field, models.BooleanField):
        return _("yes") if raw else _("no")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, text or raw))
    if isinstance(raw, list):
        labels = dict(getattr(model, "LIST_CHOICES", {}).get(model_field.name, ()))
        return LIST_SEPARATOR.join(str(labels.get(item, item)) for item in raw)
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(raw))
        return beijing(moment) if moment else text
    if isinstance(model_field, models.DateField):
        day = parse_date(str(raw))
        return day.isoformat() if day else text
    if isinstance(model_field, models.DecimalField) and model_field.decimal_places == 2:
        try:
            return yuan(Decimal(str(raw)))
        except InvalidOperation:
            return text
    return text or str(raw)
