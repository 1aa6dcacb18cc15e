# Two commands do all the set-up: `make run` and `make test`. Both are idempotent.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Django 6 needs Python 3.12+. The machine's python3 may be older, and pyenv's
# shims fail unless a version is selected, so try the real interpreters in turn.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9] python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then echo $$p; break; fi; done)

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install install-dev run test test-browser browser-deps lint format migrate seed clean bench bench-search screenshots

help:
	@echo "make run    - install, migrate, seed and serve at http://$(HOST):$(PORT) (SQLite)"
	@echo "make test   - install the dev extras and run the whole test suite"
	@echo "make lint   - ruff check and ruff format --check"

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12+ found. Install Python 3.12 or 3.13 (e.g. 'pyenv install 3.13') and retry."; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml requirements.lock
	$(PY) -m pip install --quiet -c requirements.lock .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -c requirements.lock ".[dev]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	DEBUG=true $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=true $(PY) manage.py seed

# Links in e-mails (SITE_URL) lead to the address served here, unless SITE_URL is set.
# A server listening on every interface (0.0.0.0) is reached at 127.0.0.1 on this machine.
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

run: seed
	DEBUG=true SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium (never a downloaded browser). It is
# installed when missing and we may; otherwise those tests skip, saying why.
CHROMIUM ?= /usr/bin/chromium
browser-deps:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (apt-get)..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "Could not install Chromium: the browser tests will be skipped."; \
	else echo "Chromium is missing and cannot be installed here: the browser tests will be skipped."; fi

test: install-dev browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test-browser: install-dev browser-deps
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Search speed on 100,000 questions and 300,000 answers (PostgreSQL; builds the
# archive once in its own database, then times searches). Not part of `make test`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/askexperts_bench
bench-search: install
	psql "$(BENCH_DATABASE_URL)" -c "select 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres askexperts_bench
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=true $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=true $(PY) manage.py bench_search --questions 100000

# Pages under load: gunicorn (production settings) on PostgreSQL with 1,000 and
# 100,000 demo questions, measured with wrk; writes docs/performance.md. Not in `make test`.
bench: install
	bash scripts/bench

# The README's pictures: the main pages at desktop and phone width, from a
# fresh seeded database of their own.
SCREENSHOT_DB ?= sqlite:////tmp/askexperts-screenshots.sqlite3
screenshots: install-dev browser-deps
	rm -f /tmp/askexperts-screenshots.sqlite3
	DATABASE_URL=$(SCREENSHOT_DB) DEBUG=true $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(SCREENSHOT_DB) DEBUG=true $(PY) manage.py screenshots

clean:
	rm -rf $(VENV) .pytest_cache staticfiles db.sqlite3
