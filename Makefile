# govwatch entry points. `make install` builds .venv from the pinned lock; the README's two commands
# (`make demo`, `make test`) build on it.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
export GOVWATCH_HOME ?= $(CURDIR)/.govwatch

.PHONY: install lock test lint unit demo clean

install: $(BIN)/.installed

$(BIN)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# Re-pin every dependency (needs the package registry; never run at install time).
lock:
	$(BIN)/uv pip compile requirements.in --python-version 3.11 -o requirements.txt

lint: install
	$(BIN)/ruff check govwatch dags plugins tests bench scripts
	$(BIN)/mypy govwatch

unit: install
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

# The whole test suite: lint, types, then unit, integration, DAG and end-to-end tests.
test: install
	sh scripts/system-deps.sh
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -p no:cacheprovider -ra --durations=15

# The main job on the embedded defaults: sample province on loopback, embedded PostgreSQL, Airflow with
# SQLite; runs every DAG once through Airflow and prints where the findings and notices are.
demo: install
	$(BIN)/python scripts/demo_airflow.py

clean:
	rm -rf $(VENV) .govwatch
