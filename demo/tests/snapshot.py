"""The demo loaded once per test session, replayed cheaply into each test that asks for it.

``take()`` runs ``seed_demo`` once in a transaction that is rolled back, keeping in memory the
rows it wrote (every concrete model, many-to-many tables included, parents before children) and
the files it stored. ``replay()`` inserts those rows into the current test's transaction as
they were (raw inserts: no ``save()``, no signals, no ``auto_now``), so a test sees the same
rows, primary keys and timestamps as after ``seed_demo``, in a few tens of milliseconds instead
of several seconds. Tests that do not ask for the demo see an empty database, as before.
"""

from __future__ import annotations

import io
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings
from django.utils import translation

from liaison.models import User


@dataclass(frozen=True)
class Table:
    model: type[Model]
    fields: tuple  # the model's concrete fields, in the order of each row's values
    rows: tuple[tuple, ...]  # the rows seed_demo added
    changed: tuple[tuple, ...] = ()  # rows of the migrations' data that seed_demo changed
    deleted: tuple = ()  # primary keys of rows of the migrations' data it deleted


@dataclass(frozen=True)
class Snapshot:
    tables: tuple[Table, ...]
    output: str  # what seed_demo printed
    media: Path  # the files it stored, relative to MEDIA_ROOT


@dataclass(frozen=True)
class Demo:
    """What a test that asks for the demo gets: seed_demo's output and the demo users."""

    output: str

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    __getitem__ = user


def _models() -> list[type[Model]]:
    """Every concrete, managed model, each after the models its foreign keys point to (self
    references and cycles aside: the constraints are deferred to the end of the transaction)."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    inherited = [model._meta.label for model in models if model._meta.parents]
    # A child table's row would need its parent's first: not needed so far, so not written.
    assert not inherited, f"multi-table inheritance is not replayed: {inherited}"
    ordered: list[type[Model]] = []
    visiting: set[type[Model]] = set()

    def visit(model):
        if model in ordered or model in visiting:
            return
        visiting.add(model)
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and target is not model and target in models:
                visit(target._meta.concrete_model)
        visiting.discard(model)
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


@contextmanager
def _default_password():
    """The demo users get the documented password, whatever the environment says."""
    saved = os.environ.pop("DEMO_PASSWORD", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["DEMO_PASSWORD"] = saved


def _rows(model) -> dict:
    """The model's rows by primary key, each a tuple of its concrete fields' values."""
    fields = model._meta.concrete_fields
    at = fields.index(model._meta.pk)
    values = model._base_manager.order_by("pk").values_list(*(f.attname for f in fields))
    return {row[at]: row for row in values}


def take(*, media_root: Path) -> Snapshot:
    """Run ``seed_demo`` once (rolled back) and keep what it wrote. Settings as in every test
    (the root conftest's Chinese and fast hashing), files stored under ``media_root``."""
    models = _models()
    out = io.StringIO()
    with (
        override_settings(
            LANGUAGE_CODE="zh-hans",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media_root,
        ),
        translation.override("zh-hans"),
        _default_password(),
        transaction.atomic(),
    ):
        before = {model: _rows(model) for model in models}
        call_command("seed_demo", stdout=out)
        tables = []
        for model in models:
            after, old = _rows(model), before[model]
            table = Table(
                model,
                tuple(model._meta.concrete_fields),
                rows=tuple(row for pk, row in after.items() if pk not in old),
                changed=tuple(row for pk, row in after.items() if pk in old and row != old[pk]),
                deleted=tuple(pk for pk in old if pk not in after),
            )
            if table.rows or table.changed or table.deleted:
                tables.append(table)
        transaction.set_rollback(True)
    return Snapshot(tuple(tables), out.getvalue(), media_root)


def replay(snapshot: Snapshot, *, media_root) -> Demo:
    """Insert the demo's rows into the current transaction and its files under ``media_root``."""
    for table in snapshot.tables:
        manager = table.model._base_manager
        objs = [table.model.from_db(connection.alias, None, row) for row in table.rows]
        size = max(connection.ops.bulk_batch_size(table.fields, objs), 1)
        for start in range(0, len(objs), size):
            # raw: the stored values as they are (no auto_now, no pre_save), as loaddata does.
            manager._insert(objs[start : start + size], fields=table.fields, raw=True)
        names = [field.attname for field in table.fields]
        for row in table.changed:
            values = dict(zip(names, row, strict=True))
            manager.filter(pk=values.pop(table.model._meta.pk.attname)).update(**values)
        if table.deleted:
            manager.filter(pk__in=table.deleted).delete()
    if connection.vendor != "sqlite":
        # Explicit primary keys do not move PostgreSQL's sequences: the next row would clash.
        models = [table.model for table in snapshot.tables]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    if Path(media_root) != snapshot.media and any(snapshot.media.iterdir()):
        shutil.copytree(snapshot.media, media_root, dirs_exist_ok=True)
    return Demo(snapshot.output)
