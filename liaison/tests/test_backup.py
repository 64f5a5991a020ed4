"""The README's restore rehearsal: back up a running database and its private files with
scripts/backup.sh, restore them with scripts/restore.sh into a fresh database and media folder,
and find the same rows and a private file still served only after the permission check. Runs
on the suite's database, SQLite or PostgreSQL."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from agreements import services
from agreements.tests.factories import AgreementFactory, AgreementPartyFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PDF = b"%PDF-1.4\n% a signed agreement\n" + os.urandom(2048) + b"\n%%EOF\n"

# Run in the restored copy: the row count of every model, and what its private-file view
# answers to the secretariat and to a member of an organisation that is not a party.
INSPECT = """
import json, sys
import django
django.setup()
from django.apps import apps
from django.test import Client
from liaison.models import User

counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
answers = {}
for username in ("secretariat", "member_b"):
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(sys.argv[1], secure=True)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    answers[username] = [response.status_code, body.hex()]
print(json.dumps({"counts": counts, "answers": answers}))
"""


def _url(settings_dict: dict) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    return (
        f"postgres://{settings_dict['USER']}{password}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )


def _run(command: list[str], *, database_url: str, media_root: Path) -> str:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "SECRET_KEY": "only-for-the-restore-rehearsal",
        "ALLOWED_HOSTS": "testserver",
        "ENV_FILE": str(media_root.parent / "no.env"),
        "PYTHON": sys.executable,
    }
    result = subprocess.run(
        command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of the suite's kind, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings_dict = connection.settings_dict
    name = f"liaison_restore_{uuid.uuid4().hex[:12]}"
    server = {
        **os.environ,
        "PGHOST": settings_dict["HOST"] or "127.0.0.1",
        "PGPORT": str(settings_dict["PORT"] or 5432),
        "PGUSER": settings_dict["USER"],
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
    }
    subprocess.run(["createdb", name], env=server, check=True)
    try:
        yield _url({**settings_dict, "NAME": name})
    finally:
        subprocess.run(["dropdb", "--if-exists", name], env=server, check=False)


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_row_and_the_private_files(
    tmp_path, settings, fresh_database, secretariat, member_a, member_b, enterprise_a
):
    settings.MEDIA_ROOT = tmp_path / "media"
    agreement = AgreementFactory(title="高昌区葡萄深加工项目")
    AgreementPartyFactory(agreement=agreement, organisation=enterprise_a)
    services.attach_agreement_document(
        agreement,
        actor=secretariat,
        upload=SimpleUploadedFile("签约文本.pdf", PDF, content_type="application/pdf"),
    )
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    assert counts["agreements.AgreementDocument"] == 1
    original = _url(connection.settings_dict)

    folder = _run(
        ["bash", "scripts/backup.sh", str(tmp_path / "backup")],
        database_url=original,
        media_root=settings.MEDIA_ROOT,
    ).strip()
    # The folder, not only the files in it, is closed to other accounts on the server.
    assert stat.S_IMODE(Path(folder).stat().st_mode) == 0o700
    restored_media = tmp_path / "restored-media"
    _run(
        ["bash", "scripts/restore.sh", folder],
        database_url=fresh_database,
        media_root=restored_media,
    )
    restored = json.loads(
        _run(
            [sys.executable, "-c", INSPECT, f"/agreements/{agreement.pk}/document/"],
            database_url=fresh_database,
            media_root=restored_media,
        )
    )

    assert restored["counts"] == counts
    assert restored["answers"]["secretariat"] == [200, PDF.hex()]
    assert restored["answers"]["member_b"] == [404, ""]  # not a party: the check still holds
    # The backup does not hold the live files; the restored ones are a copy.
    assert len(list((restored_media / "private").rglob("*.pdf"))) == 1


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_to_overwrite_without_replace(tmp_path, settings, secretariat):
    settings.MEDIA_ROOT = tmp_path / "media"
    original = _url(connection.settings_dict)
    folder = _run(
        ["bash", "scripts/backup.sh", str(tmp_path / "backup")],
        database_url=original,
        media_root=settings.MEDIA_ROOT,
    ).strip()

    result = subprocess.run(
        ["bash", "scripts/restore.sh", folder],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": original,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SECRET_KEY": "x",
            "ENV_FILE": str(tmp_path / "no.env"),
            "PYTHON": sys.executable,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "--replace" in result.stderr
    assert secretariat.__class__.objects.filter(username="secretariat").exists()
