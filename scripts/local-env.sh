#!/usr/bin/env bash
# The local settings step of scripts/setup.sh, on its own so that it can be checked alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# A local development machine is one set up without --production where DEBUG, DATABASE_URL and
# CI are all unset: there,
# and only when no .env exists yet, a .env turns DEBUG on. A production set-up gives DEBUG=0
# (README), so nothing is written that a worker, a cron job or a restarted service started
# later without DEBUG=0 in its environment would read as DEBUG on.
if [ "${SETUP_PROFILE:-development}" = development ] && [ ! -f .env ] && [ -z "${DEBUG+set}" ] && [ -z "${DATABASE_URL:-}" ] && [ -z "${CI:-}" ]; then
  printf '\033[1m==> %s\033[0m\n' "Writing .env for local development (DEBUG on, SQLite in data/)"
  printf '# Local development settings; see README.md for every setting.\nDEBUG=1\n' > .env
fi
case "${DEBUG-}" in
  0|false|False|FALSE|no|off)
    if [ -f .env ] && grep -Eiq '^[[:space:]]*(export[[:space:]]+)?DEBUG[[:space:]]*=[[:space:]]*["'"'"']?(1|true|yes|on|y|ok)' .env; then
      echo "DEBUG=0 is given, but .env turns DEBUG on for every process started without it." >&2
      echo "Remove the DEBUG line from .env (or the file) for production, then run this again." >&2
      exit 1
    fi ;;
esac
