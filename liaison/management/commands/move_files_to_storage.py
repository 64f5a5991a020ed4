"""Copy the private files from this machine's disk into the object storage and check each one.

Run once after setting ``STORAGE_URL`` (or the ``AWS_*`` settings), before the web nodes take
uploads through the store, and again after any upload that reached a node's disk meanwhile: a
file the store already holds with the same content is left alone, so running it twice copies
nothing the second time. Every copy is read back and compared with the file on disk (size and
SHA-256), and with the size recorded at upload where there is one. The files on disk are kept;
remove them once the store is in use. The exit status is 1 when any file is missing, differs
from its record, or did not arrive intact.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from liaison.models.files import PrivateFile
from liaison.uploads import local_private_storage, private_storage, uses_object_storage

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Digest:
    size: int
    sha256: str


@dataclass(frozen=True)
class StoredFile:
    name: str
    recorded_size: int | None  # the size the row keeps, for files that record one
    where: str  # model and primary key, for the report


def digest(storage: Storage, name: str) -> Digest:
    sha, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return Digest(size, sha.hexdigest())


def private_files() -> list[StoredFile]:
    """Every file a row points to in a private-file field, once."""
    found: dict[str, StoredFile] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            if getattr(field, "_storage_callable", None) is not private_storage:
                continue
            sized = issubclass(model, PrivateFile)  # it records the size at upload
            columns = ["pk", field.name] + (["size"] if sized else [])
            rows = model._default_manager.exclude(**{field.name: ""}).values_list(*columns)
            for pk, name, *size in rows.order_by("pk").iterator():
                where = f"{model._meta.label} {pk} ({field.name})"
                found.setdefault(name, StoredFile(name, size[0] if size else None, where))
    return sorted(found.values(), key=lambda stored: stored.name)


class Command(BaseCommand):
    help = (
        "Copy the private files from local disk into the configured object storage and check "
        "each copy (size and SHA-256); exit 1 on any missing or differing file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; copy nothing."
        )

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        if not uses_object_storage():
            raise CommandError(
                "No object storage is configured: set STORAGE_URL (or AWS_STORAGE_BUCKET_NAME)."
            )
        source, target = local_private_storage(), private_storage()
        counts = {"copied": 0, "already in the store": 0, "problems": 0}
        if dry_run:
            counts = {"to copy": 0, "already in the store": 0, "problems": 0}
        for stored in private_files():
            outcome, detail = self.move(stored, source, target, dry_run=dry_run)
            counts[outcome] += 1
            if outcome == "problems":
                self.stderr.write(f"{stored.name}: {detail} [{stored.where}]")
            elif verbosity > 1:
                self.stdout.write(f"{stored.name}: {outcome}")
        summary = ", ".join(f"{number} {label}" for label, number in counts.items())
        self.stdout.write(("Dry run: " if dry_run else "") + summary + ".")
        if counts["problems"]:
            raise CommandError(f"{counts['problems']} files were not moved intact.", returncode=1)

    def move(
        self, stored: StoredFile, source: Storage, target: Storage, *, dry_run: bool
    ) -> tuple[str, str]:
        """What became of one file: its outcome (a key of the counts) and, for a problem, why."""
        in_store = target.exists(stored.name)
        if not source.exists(stored.name):
            if in_store and stored.recorded_size in (None, target.size(stored.name)):
                return "already in the store", ""
            return "problems", "missing on disk" + (
                " and its copy in the store differs from the record" if in_store else ""
            )
        local = digest(source, stored.name)
        if stored.recorded_size is not None and stored.recorded_size != local.size:
            return "problems", (
                f"{local.size} bytes on disk, {stored.recorded_size} recorded at upload"
            )
        if in_store and digest(target, stored.name) == local:
            return "already in the store", ""
        if dry_run:
            return "to copy", ""
        if in_store:  # a different or partial copy: replaced under the same name
            target.delete(stored.name)
        with source.open(stored.name, "rb") as handle:
            saved = target.save(stored.name, File(handle, name=stored.name))
        if saved != stored.name:
            target.delete(saved)
            return "problems", f"the store kept it as {saved}"
        copied = digest(target, stored.name)
        if copied != local:
            return "problems", (
                f"the copy in the store differs ({copied.size} bytes, SHA-256 {copied.sha256};"
                f" on disk {local.size} bytes, SHA-256 {local.sha256})"
            )
        return "copied", ""
