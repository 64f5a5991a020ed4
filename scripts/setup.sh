#!/usr/bin/env bash
# Set everything up, idempotently: system packages (as root), the virtual environment from the
# lock file, the database schema and the compiled translations. Safe to run again at any time.
#
#   bash scripts/setup.sh               development: requirements-dev.lock (tests, linters)
#   bash scripts/setup.sh --production  production: requirements.lock only (or SETUP_PROFILE=production)
set -euo pipefail
cd "$(dirname "$0")/.."

SETUP_PROFILE=${SETUP_PROFILE:-development}
for argument in "$@"; do
  case "$argument" in
    --production) SETUP_PROFILE=production ;;
    *) echo "Unknown option: $argument (the only option is --production)" >&2; exit 2 ;;
  esac
done
case "$SETUP_PROFILE" in
  production) LOCK_FILE=requirements.lock ;;
  development) LOCK_FILE=requirements-dev.lock ;;
  *) echo "SETUP_PROFILE must be development or production, not $SETUP_PROFILE" >&2; exit 2 ;;
esac

# PDF minutes fonts: texlive-lang-chinese carries FandolFang (仿宋; ~49 MB, ~80 MB with the
# TeX Live base it pulls in), fonts-arphic-ukai is 楷体 (~8 MB), fonts-noto-cjk 黑体/宋体.
# chromium (~100 MB with its libraries) is the browser the journeys (journeys/) drive through
# Playwright; Playwright's own browser download is never used. libreoffice-writer-nogui
# (~150 MB) converts the minutes' Word copy to PDF in a test, to prove that it opens.
SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
                 fonts-liberation texlive-lang-chinese fonts-arphic-ukai gettext poppler-utils
                 chromium libreoffice-writer-nogui nginx)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- System packages ------------------------------------------------------------------------
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'pass' >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PYTHON=$(command -v "$candidate"); break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "Python 3.11 or newer is needed (apt-get install python3 python3-venv)." >&2
  exit 1
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then missing+=(python3-venv); fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Some system packages are missing. Run this once, then run this command again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# --- Python environment from the lock file --------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment (.venv) with $PYTHON"
  "$PYTHON" -m venv .venv
fi
# Production installs the runtime pins only; development adds the test and lint tools.
lock_sum=$(cat requirements-pip.lock "$LOCK_FILE" | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
  say "Installing the locked Python packages ($LOCK_FILE)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.lock
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$LOCK_FILE"
  echo "$lock_sum" > .venv/.lock-sha256
fi

# --- Local settings, database and translations ----------------------------------------------
mkdir -p data
SETUP_PROFILE=$SETUP_PROFILE bash scripts/local-env.sh
# Setup's own management commands sign nothing; production settings still demand a key.
export SECRET_KEY="${SECRET_KEY:-setup-only-key-never-used-to-serve-requests}"
say "Compiling translations"
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
# With DEBUG off the settings store static files with WhiteNoise's compressed manifest (hashed
# names), which is what a production server then serves.
say "Collecting static files"
.venv/bin/python manage.py collectstatic --no-input -v 0
say "Migrating the database"
.venv/bin/python manage.py migrate --no-input -v 0
