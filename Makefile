.PHONY: demo test journeys lint fmt messages bench
demo: ; bash scripts/demo.sh
test: ; bash scripts/test.sh
journeys: ; .venv/bin/python -m pytest journeys
lint: ; .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports
fmt: ; .venv/bin/ruff check --fix . && .venv/bin/ruff format .
messages:
	.venv/bin/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=data --no-location
	.venv/bin/python manage.py compilemessages --ignore=.venv
bench: ; .venv/bin/python bench/budgets.py
