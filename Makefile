# The two commands: `make run` (try the platform) and `make test` (the whole suite).
# Everything else here is what those two need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.8

# uv installs into our venv and never downloads an interpreter of its own.
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test lint messages compilemessages ci-checks clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(BIN)/uv sync --frozen --quiet
	@touch $@

compilemessages: install
	@$(BIN)/pybabel compile --domain django --directory locale --statistics

# Re-extract the catalogues after changing strings (needs GNU gettext's xgettext).
messages: install
	$(BIN)/python manage.py makemessages --locale nl --locale en --no-obsolete --ignore '.venv/*' --ignore 'data/*'

run: install compilemessages
	@$(BIN)/python scripts/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# What CI checks besides the tests: lint and migrations complete.
ci-checks: install compilemessages
	$(BIN)/ruff check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# Two pytest-xdist processes (one per core); `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2

test: install compilemessages
	@$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data
