# Everything a newcomer needs: `make run` serves the demo, `make test` runs the suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Local development runs with DEBUG on and a throwaway key; production sets its own.
# The demo acts as on 2024-10-08: Q3 2024 has just ended and its reports are due.
DEMO_TODAY ?= 2024-10-08
DEV_ENV := DJANGO_DEBUG=1 KPI_TODAY=$(DEMO_TODAY)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint format messages bench bench-exports bench-briefing bench-two-servers clean help

help:
	@echo "make run    - install, migrate, load the 2024 plan + demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install test tools, lint, and run the whole suite (DATABASE_URL selects the database)"
	@echo "make lint (ruff, import-linter, mypy) / make format / make messages / make bench / make bench-exports / make bench-briefing / make bench-two-servers"

$(VENV)/bin/python:
	@py=$$(scripts/find-python) && echo "Using $$py" && $$py -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@ $(VENV)/.installed-run

setup: $(VENV)/.installed-run
	$(DEV_ENV) $(MANAGE) migrate --no-input
	$(DEV_ENV) $(MANAGE) load_plan 2024
	$(DEV_ENV) $(MANAGE) setup_demo

# The notices' worker (db_worker) runs beside the server and stops with it.
run: setup
	@echo "kpitracker: http://$(HOST):$(PORT)/  (demo accounts: admin, leader, reviewer, staff, staff2; password kpi-demo-2024)"
	$(DEV_ENV) $(MANAGE) db_worker --interval 2 & worker=$$!; \
	trap 'kill $$worker' EXIT INT TERM; \
	$(DEV_ENV) $(MANAGE) runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy  # the typed core: the modules listed in pyproject.toml [tool.mypy]

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The suite runs on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process).
# Bytecode is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE):
# otherwise every worker compiles the project and rewrites the tests' asserts again,
# about 2 s of each worker's start.
TEST_WORKERS ?= auto
test: lint
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Collect new strings into locale/*.po and recompile the committed .mo files (needs GNU
# gettext); tests/test_i18n.py fails while a string is untranslated or the .mo is stale.
messages: $(VENV)/.installed-test
	$(DEV_ENV) $(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench --no-obsolete
	$(DEV_ENV) $(MANAGE) compilemessages --ignore=.venv

# Benchmarks, run by hand (numbers in the README and the closing notes), not by `make test`.
bench: $(VENV)/.installed-test
	$(PY) bench/run.py

bench-exports: $(VENV)/.installed-test
	$(PY) bench/export_bench.py

bench-briefing: $(VENV)/.installed-test
	$(PY) bench/briefing.py

# Two gunicorns on one PostgreSQL: sessions, lockouts, reports and files hold across both.
bench-two-servers: $(VENV)/.installed-test
	$(PY) bench/two_servers.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .mypy_cache
