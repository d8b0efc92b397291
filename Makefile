# The two commands of the README's quick start:
#   make run   installs everything and serves the portal with demo data (SQLite, tasks in-process)
#   make test  installs everything, runs ruff, mypy and the whole suite (PostgreSQL, Redis, Chromium)
# Both install exactly the versions of the lock files (make lock regenerates them).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# The lock files: every package, transitive ones too, with its version and hashes.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
UV_VERSION := 0.13.9

.PHONY: run test lint typecheck lock system system-test install install-test messages sso-demo

run: system install messages
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The portal with government single sign-on against the local test OIDC provider (port 8001).
sso-demo: system install-test messages
	BIN=$(BIN) PORT=$(PORT) bash scripts/sso-demo.sh

test: system-test install-test messages lint typecheck
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

system:
	bash scripts/install-system-packages.sh

system-test:
	bash scripts/install-system-packages.sh --test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The locked packages (pip checks every hash), then the project itself without dependencies.
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(TEST_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Lint, format and the type check of the service layer; make test runs them before pytest.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	DEBUG=true $(BIN)/mypy

# Regenerate both lock files from pyproject.toml after changing a pin there. Versions already
# locked are kept where they still fit; `make lock UPGRADE=--upgrade` moves everything to the
# newest allowed. The runtime lock is resolved inside the test lock, so both agree.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --quiet --extra test --generate-hashes --universal \
		--python-version 3.11 --custom-compile-command "make lock" $(UPGRADE) -o $(TEST_LOCK)
	$(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
		--python-version 3.11 --custom-compile-command "make lock" -c $(TEST_LOCK) -o $(LOCK)

# Translations are compiled, not committed: the .po files are the source.
messages: install
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv -v 0
