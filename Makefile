# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# uv (pinned, installed into .tools/) creates .venv from uv.lock, so every
# machine gets exactly the locked versions; Python itself comes from the system
# (3.11+), never downloaded.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install install-dev migrate fixtures serve lint typecheck unit fuzz fuzz-api bench i18n screenshots clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (this project's machines), Python never
# caches bytecode itself and every process compiled SQLAlchemy, Litestar … from source again: the CLI
# took 4 s to start, 1.9 s with the compiled files. Our own code is compiled on every install (cheap,
# incremental) for the same reason.
$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --no-dev --compile-bytecode --python $(PYTHON)
	touch $@

$(VENV)/.installed-dev: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@ $(VENV)/.installed

# ical.js (Thunderbird's parser) for the feed tests, pinned by tests/js/package-lock.json.
tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for tests/browser (Playwright drives it; no browser download). CHROMIUM=/path uses another.
export CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_CHROMIUM := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

/usr/bin/chromium:
	$(APT_CHROMIUM) || { $(SUDO) apt-get update -q && $(APT_CHROMIUM); }

install: $(VENV)/.installed
	@$(BIN)/python -m compileall -q calendar_service
install-dev: $(VENV)/.installed-dev tests/js/node_modules/.installed $(filter /usr/bin/chromium,$(CHROMIUM))
	@$(BIN)/python -m compileall -q calendar_service

## make run: install, migrate the SQLite database under var/, load fixtures/ when empty, serve on 127.0.0.1:8000
run: install migrate fixtures serve

migrate: install
	$(BIN)/calendar-service migrate

fixtures: install
	$(BIN)/calendar-service load-fixtures --if-empty --dir fixtures

serve: install
	$(BIN)/calendar-service serve

## make test: install everything the tests need, lint, type-check, run the whole suite
test: install-dev lint typecheck
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check calendar_service tests bench fuzz
	$(BIN)/ruff format --check calendar_service tests bench fuzz

typecheck: install-dev
	$(BIN)/mypy calendar_service

unit: install-dev
	$(BIN)/python -m pytest tests/unit

## make fuzz: the time-zone, recurrence and scholarship (ranking, assignment, allocation) properties
## with random, many more examples (minutes)
fuzz: install-dev
	HYPOTHESIS_FUZZ=1 $(BIN)/python -m pytest tests/unit/domain/test_properties.py tests/unit/domain/scholarships -q

## make fuzz-api: schemathesis (pinned in fuzz/requirements.txt, its own venv) over the whole API of a real
## server, with and without a staff token; any 5xx or answer the OpenAPI document does not describe fails (minutes)
.tools/schemathesis/.installed: $(UV) fuzz/requirements.txt
	$(UV) venv --quiet --allow-existing --python $(PYTHON) .tools/schemathesis
	$(UV) pip install --quiet --python .tools/schemathesis/bin/python --require-hashes -r fuzz/requirements.txt
	touch $@

fuzz-api: install-dev .tools/schemathesis/.installed
	$(BIN)/python -m fuzz.api

## make bench: feeds (5,000 events), registrations under contention, attendee export (100,000 rows), export writers,
## pages (front page, lists, calendar, event page with 5,000 events);
## figures go in docs/benchmarks.md
bench: install-dev
	$(BIN)/python -m bench.feeds --events 5000 --requests 300
	$(BIN)/python -m bench.registrations
	$(BIN)/python -m bench.exports --rows 100000
	$(BIN)/python -m bench.export_writers --rows 100000
	$(BIN)/python -m bench.pages --events 5000

## make i18n: extract the pages' messages (templates, pages/*.py) into locale/messages.pot and merge them into each
## language's messages.po; then translate what is new or fuzzy and commit the .po (tests fail while any is missing).
## The .po files are read as they are at start-up: nothing to compile.
LOCALE_DIR := calendar_service/pages/locale
i18n: install-dev
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-output --no-wrap \
		--project calendar-service --copyright-holder "calendar-service contributors" -o $(LOCALE_DIR)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) --no-wrap --ignore-obsolete

## make screenshots: the main pages at desktop and phone width, in English and Spanish, into docs/screenshots/
screenshots: install-dev
	$(BIN)/python -m tests.browser.screenshots

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache .hypothesis
