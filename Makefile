# Sambruk — the two commands:  make run  ·  make test
# Needs only python3 (>= 3.11), make and git. See README.md and docs/operations.md.

PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

BIN      := $(VENV)/bin
PY       := $(BIN)/python
STAMP    := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
LOCALE   := src/sambruk/locale
PO_FILES := $(shell find src/sambruk -path '*/locale/*/LC_MESSAGES/*.po' 2>/dev/null)
MO_FILES := $(PO_FILES:.po=.mo)

export DJANGO_SETTINGS_MODULE := sambruk.settings

.DEFAULT_GOAL := help
.PHONY: help run setup serve test bench lint format openapi messages translations venv dev clean

help:
	@echo "make run      install, migrate, load reference + demo data, serve on http://$(HOST):$(PORT) with the task worker"
	@echo "make test     install dev dependencies and run the whole test suite (PYTEST_ARGS=... to pass arguments)"
	@echo "make bench    run every bench/bench_*.py script"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make format   ruff format + ruff check --fix"
	@echo "make openapi  regenerate openapi.yaml"
	@echo "make messages extract (needs Debian gettext) and compile translations"

# --- virtual environment ------------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(DEVSTAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP)

venv: $(STAMP)
dev: $(DEVSTAMP)

# --- translations (pure Python: Babel, no Debian gettext needed) ---------------------------

%.mo: %.po | $(STAMP)
	$(BIN)/sambruk compile-translations

translations: $(MO_FILES)

# --- the two commands ---------------------------------------------------------------------

run: $(STAMP) translations
	$(BIN)/sambruk setup
	$(BIN)/sambruk serve --host $(HOST) --port $(PORT)

test: $(DEVSTAMP) translations
	$(BIN)/pytest $(PYTEST_ARGS)

# --- the rest -----------------------------------------------------------------------------

bench: $(DEVSTAMP) translations
	@set -e; for script in bench/bench_*.py; do \
		[ -e "$$script" ] || { echo "no bench/bench_*.py scripts yet"; break; }; \
		echo "== $$script"; \
		$(PY) "$$script"; \
	done

lint: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEVSTAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

openapi: $(STAMP)
	$(PY) manage.py spectacular --file openapi.yaml --validate

# Extraction uses Django's makemessages, which needs xgettext (Debian package gettext).
messages: $(STAMP)
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext: apt-get install gettext"; exit 1; }
	cd src/sambruk && ../../$(PY) ../../manage.py makemessages -l sv -l en --no-obsolete \
		--ignore 'static/*' --ignore '*/tests/*'
	cd src/sambruk && ../../$(PY) ../../manage.py makemessages -d djangojs -l sv -l en --no-obsolete \
		--ignore '*/tests/*'
	$(MAKE) translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
