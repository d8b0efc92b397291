# The two commands of the README's quick start:
#   make run   installs everything and serves the portal with demo data (SQLite, tasks in-process)
#   make test  installs everything and runs the whole suite (PostgreSQL, Redis, Chromium)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test system system-test install install-test messages migrate demo check sso-demo

run: system install messages
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The portal with government single sign-on against the local test OIDC provider (port 8001).
sso-demo: system install-test messages
	BIN=$(BIN) PORT=$(PORT) bash scripts/sso-demo.sh

test: system-test install-test messages
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

system:
	bash scripts/install-system-packages.sh

system-test:
	bash scripts/install-system-packages.sh --test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Translations are compiled, not committed: the .po files are the source.
messages: install
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv -v 0
