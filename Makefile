# Two commands for a newcomer: `make run` and `make test`. Everything installs into the project:
# uv into .tools/, the locked dependencies into .venv/. Nothing global.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint install migrate seed serve bench model clean

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced

migrate: install
	$(PY) -m app migrate

seed: migrate
	$(PY) -m app seed

# Rate limits are on when serving for real (off in tests): RATE_LIMITS=0 make run turns them off.
run: seed
	RATE_LIMITS=$${RATE_LIMITS:-1} $(PY) -m app serve

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy app

test: lint
	$(PY) -m pytest

bench: install
	$(PY) bench/references.py
	$(PY) bench/api.py --seconds 10

model: install
	$(PY) -m app.ingest.reference_model train

clean:
	rm -rf $(VENV) .tools var .pytest_cache .ruff_cache
