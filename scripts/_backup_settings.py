"""Print, as shell assignments, where the project keeps its data (used by backup.sh and
restore.sh): the database engine and connection from DATABASE_URL, and MEDIA_ROOT."""

import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
# Reading the settings needs no key; production settings demand one all the same.
os.environ.setdefault("SECRET_KEY", "backup-only-key-never-used-to-serve-requests")

from django.conf import settings

database = settings.DATABASES["default"]
engine = database["ENGINE"].rsplit(".", 1)[-1]
values = {
    "DB_ENGINE": "postgresql" if engine.startswith("postgresql") else engine,
    "DB_NAME": str(database["NAME"]),
    "DB_HOST": str(database.get("HOST") or ""),
    "DB_PORT": str(database.get("PORT") or ""),
    "DB_USER": str(database.get("USER") or ""),
    "DB_PASSWORD": str(database.get("PASSWORD") or ""),
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
}
for name, value in values.items():
    print(f"{name}={shlex.quote(value)}")
