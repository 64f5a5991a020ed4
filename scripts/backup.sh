#!/usr/bin/env bash
# Back up the database and the private files into one folder, while the service runs.
#
#   bash scripts/backup.sh [FOLDER]     default: backups/liaison-YYYYmmdd-HHMMSS
#
# The database of DATABASE_URL (the same settings as the service: environment, then .env):
# PostgreSQL with `pg_dump -Fc` (database.dump), SQLite through SQLite's online backup API
# (database.sqlite3), a consistent copy even while it is written to. The private files
# (MEDIA_ROOT/private: agreement scans, progress-report attachments, meeting materials,
# generated reports) as private-files.tar.gz. Restore with scripts/restore.sh FOLDER.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

eval "$("$PYTHON" scripts/_backup_settings.py)"
target=${1:-backups/liaison-$(date -u +%Y%m%d-%H%M%S)}
if [ -e "$target" ] && [ -n "$(ls -A "$target" 2>/dev/null)" ]; then
  echo "The folder $target exists and is not empty; choose another." >&2
  exit 1
fi
umask 077  # the backup holds every user's data and password hashes: the folder too is 700
mkdir -p "$target"
chmod 700 "$target"

case "$DB_ENGINE" in
  postgresql)
    PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER PGPASSWORD=$DB_PASSWORD \
      pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DB_NAME"
    ;;
  sqlite3)
    "$PYTHON" - "$DB_NAME" "$target/database.sqlite3" <<'PY'
import sqlite3, sys
source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
copy = sqlite3.connect(sys.argv[2])
with copy:
    source.backup(copy)
copy.close()
source.close()
PY
    ;;
  *) echo "Backing up a $DB_ENGINE database is not supported." >&2; exit 1 ;;
esac

if [ -d "$MEDIA_ROOT/private" ]; then
  tar -czf "$target/private-files.tar.gz" -C "$MEDIA_ROOT" private
else
  tar -czf "$target/private-files.tar.gz" --files-from /dev/null
fi
printf 'engine=%s\ncreated=%s\n' "$DB_ENGINE" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$target/backup.txt"
echo "$target"
