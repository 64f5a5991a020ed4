#!/usr/bin/env bash
# Set up, then run the linters and the whole test suite (on SQLite unless DATABASE_URL is set),
# on every core: pyproject's -n auto.
set -euo pipefail
cd "$(dirname "$0")/.."
# Bytecode is cached: each test worker would otherwise compile every module again (≈4 s each).
unset PYTHONDONTWRITEBYTECODE
bash scripts/setup.sh
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> import contracts"
.venv/bin/lint-imports
echo "==> tests"
exec .venv/bin/python -m pytest "$@"
