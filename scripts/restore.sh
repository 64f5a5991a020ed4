#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of DATABASE_URL and MEDIA_ROOT
# (the same settings as the service: environment, then .env). Stop the service first.
#
#   bash scripts/restore.sh FOLDER            into an empty database and media folder
#   bash scripts/restore.sh --replace FOLDER  replacing what is there
#
# PostgreSQL: the database must exist (createdb); `pg_restore` fills it. SQLite: the file is
# written anew. Then the private files are unpacked into MEDIA_ROOT/private and the migrations
# are checked (a backup from an older version is migrated forward).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

replace=0
if [ "${1:-}" = "--replace" ]; then replace=1; shift; fi
source_dir=${1:?usage: scripts/restore.sh [--replace] FOLDER}
if [ ! -f "$source_dir/backup.txt" ] || [ ! -f "$source_dir/private-files.tar.gz" ]; then
  echo "$source_dir is not a backup made by scripts/backup.sh." >&2
  exit 1
fi
eval "$("$PYTHON" scripts/_backup_settings.py)"
backup_engine=$(sed -n 's/^engine=//p' "$source_dir/backup.txt")
if [ "$backup_engine" != "$DB_ENGINE" ]; then
  echo "The backup is of a $backup_engine database, DATABASE_URL is $DB_ENGINE." >&2
  exit 1
fi
if [ -d "$MEDIA_ROOT/private" ] && [ -n "$(ls -A "$MEDIA_ROOT/private")" ] && [ $replace = 0 ]; then
  echo "$MEDIA_ROOT/private is not empty; use --replace to replace it." >&2
  exit 1
fi

case "$DB_ENGINE" in
  postgresql)
    export PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER PGPASSWORD=$DB_PASSWORD
    tables=$(psql -d "$DB_NAME" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    if [ "$tables" != 0 ] && [ $replace = 0 ]; then
      echo "The database $DB_NAME is not empty; use --replace to replace it." >&2
      exit 1
    fi
    clean=()
    if [ "$tables" != 0 ]; then clean=(--clean --if-exists); fi
    pg_restore --no-owner --no-privileges --exit-on-error "${clean[@]}" \
      --dbname="$DB_NAME" "$source_dir/database.dump"
    ;;
  sqlite3)
    if [ -s "$DB_NAME" ] && [ $replace = 0 ]; then
      echo "The database $DB_NAME exists; use --replace to replace it." >&2
      exit 1
    fi
    mkdir -p "$(dirname "$DB_NAME")"
    rm -f "$DB_NAME-wal" "$DB_NAME-shm"
    "$PYTHON" - "$source_dir/database.sqlite3" "$DB_NAME" <<'PY'
import sqlite3, sys
backup = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
database = sqlite3.connect(sys.argv[2])
with database:
    backup.backup(database)
database.close()
backup.close()
PY
    ;;
  *) echo "Restoring a $DB_ENGINE database is not supported." >&2; exit 1 ;;
esac

mkdir -p "$MEDIA_ROOT"
if [ -d "$MEDIA_ROOT/private" ]; then
  mv "$MEDIA_ROOT/private" "$MEDIA_ROOT/private.replaced-$(date -u +%Y%m%d-%H%M%S)"
fi
tar -xzf "$source_dir/private-files.tar.gz" -C "$MEDIA_ROOT"
SECRET_KEY=${SECRET_KEY:-restore-only-key-never-used-to-serve-requests} \
  "$PYTHON" manage.py migrate --no-input -v 0
echo "Restored $source_dir into the $DB_ENGINE database $DB_NAME and $MEDIA_ROOT."
