# Two commands for a newcomer: `make run` and `make test`. Everything installs into the project:
# uv into .tools/, the locked dependencies into .venv/. Nothing global, nothing downloaded but
# packages: the virtualenv is built with the machine's interpreter, PYTHON (default python3;
# 3.11, 3.12 and 3.13 all work, e.g. `make run PYTHON=python3.13`).
PYTHON ?= python3
VENV ?= .venv
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := $(VENV)/bin/python
# Which interpreter the venv was synced with: changing PYTHON rebuilds it.
STAMP := $(VENV)/.synced-$(subst /,_,$(PYTHON))
PYTEST_ARGS ?=

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-sqlite lint install migrate seed serve bench model training-data clean fuzz chaos

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python >= 3.11 needed; this is " + sys.version.split()[0] + " (set PYTHON=...)")'
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target .tools uv==$(UV_VERSION)

$(STAMP): $(UV) uv.lock pyproject.toml
	@rm -f $(VENV)/.synced-*
	@echo "Installing the locked dependencies into $(VENV) for $(PYTHON) (the first time takes a minute or two)"
	$(UV) sync --frozen --quiet --python "$$(command -v $(PYTHON) || echo $(PYTHON))"
	@touch $@

install: $(STAMP)

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
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite on SQLite only (what .ci/run runs on the other Python versions).
test-sqlite: install
	$(PY) -m pytest -k "not postgresql" $(PYTEST_ARGS)

# BENCH_ARGS=--quick for a check by hand (under three minutes); the full run writes RESULTS.md.
BENCH_ARGS ?= --markdown bench/RESULTS.md
bench: install
	$(PY) bench/references.py
	$(PY) bench/api.py $(BENCH_ARGS)

model: install
	$(PY) -m app.ingest.reference_model train

# Re-convert GROBID's citation corpus (not in the repository: its converted form is) into
# data/grobid/train.xml and the held-out tests/fixtures/grobid_heldout.json.
GROBID_CORPUS ?= ../shared/data/grobid-citations
training-data: install
	$(PY) scripts/grobid_citations.py $(GROBID_CORPUS)

clean:
	rm -rf $(VENV) .venv-* .tools var .pytest_cache .ruff_cache

# Campaigns against live servers on SQLite and PostgreSQL, outside `make test` (docs/limits.md).
fuzz: install
	nice $(PY) -m campaigns.fuzz

chaos: install
	nice $(PY) -m campaigns.chaos
