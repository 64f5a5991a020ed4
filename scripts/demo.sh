#!/usr/bin/env bash
# Set up, load the demo cooperation and serve it on http://127.0.0.1:8000 (SQLite, no services).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DEBUG=${DEBUG:-1}
.venv/bin/python manage.py seed_demo
echo
echo "Open http://${HOST:-127.0.0.1}:${PORT:-8000} and sign in with one of the demo users above."
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
