"""Private files: signed-agreement scans, progress-report attachments, meeting materials.

They are stored with random names in the ``private`` storage of ``STORAGES``: on disk under
``MEDIA_ROOT / "private"`` (the project never serves ``MEDIA_URL``), or in a private S3 bucket
when one is configured. Code reaches them through the storage API only (open, save, exists,
delete, size), never through a path. The pages and the API hand them out only after a
permission check: streamed, or redirected to a short-lived signed URL of the bucket. What is
accepted is decided by the content, not the name: a PDF, JPEG or PNG whose extension matches,
at most ``MAX_UPLOAD_BYTES``.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ORIGINAL_NAME = 150


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    signature: bytes
    extensions: tuple[str, ...]


FILE_TYPES = (
    FileType("PDF", "application/pdf", b"%PDF-", (".pdf",)),
    FileType("JPEG", "image/jpeg", b"\xff\xd8\xff", (".jpg", ".jpeg")),
    FileType("PNG", "image/png", b"\x89PNG", (".png",)),
)
ACCEPT = ",".join(ext for kind in FILE_TYPES for ext in kind.extensions)
PRIVATE = "private"  # the alias in STORAGES


class PrivateStorage(FileSystemStorage):
    """A file system storage under ``MEDIA_ROOT / "private"`` without URLs.

    The location is read from the settings each time it is used, so a test (or a deployment
    that changes ``MEDIA_ROOT``) never writes into a stale directory."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, "private")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None


class PrivateS3Storage(S3Storage):
    """An S3-compatible bucket for the private files: private objects, signed URLs only (no
    custom domain, no public URL), names never overwritten, path-style addressing unless the
    options say otherwise (MinIO and most self-hosted stores need it)."""

    def __init__(self, **options) -> None:
        options.setdefault("addressing_style", "path")
        options.setdefault("signature_version", "s3v4")  # signed URLs expire after seconds
        # A file read whole (an import sheet, a minutes PDF) spills to disk past 5 MB.
        options.setdefault("max_memory_size", 5 * 1024 * 1024)
        super().__init__(
            **options,
            default_acl="private",
            querystring_auth=True,
            querystring_expire=settings.PRIVATE_FILE_URL_SECONDS,
            custom_domain=None,
            file_overwrite=False,
        )

    def stream(self, name: str) -> tuple[IO[bytes], int]:
        """The object's body as it arrives and its size, for a download that holds no copy."""
        try:
            answer = self.bucket.Object(self._normalize_name(clean_name(name))).get()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(name) from error
            raise
        return answer["Body"], answer["ContentLength"]


class _PrivateStorageHandle(LazyObject):
    """The ``private`` storage of ``STORAGES``, looked up when first used and again after the
    setting changes (the file fields keep this handle, not the storage it stands for)."""

    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE]


_private_storage = _PrivateStorageHandle()


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        _private_storage._wrapped = empty


def private_storage() -> Storage:
    """The storage of every private file (a callable, so migrations do not freeze a path)."""
    return _private_storage


def local_private_storage() -> PrivateStorage:
    """The private files on this machine's disk, whatever ``STORAGES`` says: where
    ``move_files_to_storage`` copies them from."""
    return PrivateStorage()


def uses_object_storage() -> bool:
    return not isinstance(storages[PRIVATE], FileSystemStorage)


def private_upload_to(instance, filename: str) -> str:
    """A random name on disk in the model's folder; the original name is kept in the row."""
    extension = os.path.splitext(filename)[1].lower()
    return f"{instance.UPLOAD_FOLDER}/{uuid.uuid4().hex}{extension}"


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def display_name(filename: str) -> str:
    """The uploaded name without any path, control or reserved characters, for display and
    for the download's Content-Disposition."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = _UNSAFE.sub("_", name).strip(" ._") or "file"
    stem, extension = os.path.splitext(name)
    return stem[: MAX_ORIGINAL_NAME - len(extension)] + extension


def check_upload(upload, *, field: str = "file") -> FileType:
    """The type of an uploaded file, or a translated ValidationError on ``field`` when it is
    empty, too large, not a PDF/JPEG/PNG by content, or named with another extension."""
    if upload.size is None or upload.size == 0:
        raise ValidationError({field: _("The file “%(name)s” is empty.") % {"name": upload.name}})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                field: _("The file “%(name)s” is larger than %(limit)s.")
                % {"name": upload.name, "limit": filesizeformat(MAX_UPLOAD_BYTES)}
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = next((k for k in FILE_TYPES if head.startswith(k.signature)), None)
    if kind is None:
        raise ValidationError(
            {
                field: _("The file “%(name)s” is not a PDF, JPEG or PNG file.")
                % {"name": upload.name}
            }
        )
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in kind.extensions:
        raise ValidationError(
            {
                field: _(
                    "The file “%(name)s” is a %(kind)s file; its name must end in %(extensions)s."
                )
                % {"name": upload.name, "kind": kind.label, "extensions": "/".join(kind.extensions)}
            }
        )
    return kind


def store_upload(record, upload, kind: FileType, *, actor) -> None:
    """Fill a private-file record (``liaison.models.PrivateFile``) from ``upload``, already
    checked as ``kind``, and write the file under a random name. The caller saves the record
    and, should that fail, deletes the written file with ``delete_stored``."""
    record.original_name = display_name(upload.name)
    record.content_type = kind.content_type
    record.size = upload.size
    record.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
    record.uploaded_at = timezone.now()
    record.file.save(record.original_name, upload, save=False)


@contextmanager
def removed_on_error() -> Iterator[list[str]]:
    """Collects the names of the private files written inside the block and removes them
    from disk when it fails, so a refused or failed change leaves no file behind. Append each
    name as soon as its file is written."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            delete_stored(name)
        raise


def delete_stored(name: str) -> None:
    """Remove a stored private file; a missing file is not an error."""
    if name:
        _private_storage.delete(name)


def file_response(record) -> FileResponse:
    """Stream a private file (after the caller's permission check) as a download under its
    original name, with the type found at upload and no sniffing or shared caching."""
    return private_file_response(
        record.file.name, filename=record.original_name, content_type=record.content_type
    )


def private_file_response(
    name: str, *, filename: str, content_type: str
) -> FileResponse | HttpResponseRedirect:
    """The stored private file ``name`` as a download called ``filename``: streamed, or with
    ``PRIVATE_FILE_DOWNLOADS = "redirect"`` and a bucket, a redirect to a URL signed for
    ``PRIVATE_FILE_URL_SECONDS`` that names the download and its type."""
    if settings.PRIVATE_FILE_DOWNLOADS == "redirect" and uses_object_storage():
        return _signed_redirect(name, filename=filename, content_type=content_type)
    try:
        handle, size = _stream(name)
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response.block_size = 64 * 1024  # fewer, larger reads from a bucket
    response["Content-Length"] = size
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _signed_redirect(name: str, *, filename: str, content_type: str) -> HttpResponseRedirect:
    if not _private_storage.exists(name):
        raise Http404
    url = _private_storage.url(
        name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
        },
        expire=settings.PRIVATE_FILE_URL_SECONDS,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _stream(name: str) -> tuple[IO[bytes], int]:
    """A bucket's object straight from the bucket; a file on disk opened where it is."""
    storage = storages[PRIVATE]
    if isinstance(storage, PrivateS3Storage):
        return storage.stream(name)
    handle = storage.open(name, "rb")
    return handle, handle.size
