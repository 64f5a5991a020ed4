#!/usr/bin/env bash
# Set up, load the demo cooperation and serve it on http://127.0.0.1:8000 (SQLite, no services).
# HOST and PORT choose another address (HOST=0.0.0.0 for other machines); SITE_URL, the address
# used in mail and calendar links, follows them unless it is set too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/demo_env.sh
# DEBUG is off, as in production: a secret key of the demo's own (kept in data/), static files
# collected with their fingerprinted names and served by WhiteNoise.
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s data/demo-secret-key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > data/demo-secret-key
  SECRET_KEY=$(cat data/demo-secret-key)
  export SECRET_KEY
fi
.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python manage.py seed_demo --force
echo
echo "Open $SITE_URL and sign in with one of the demo users above."
exec .venv/bin/python manage.py runserver "$SERVE_ADDRESS"
