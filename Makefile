# govwatch developer and operator entry points. `make install` is what both README commands build on.
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install lock test lint demo clean

install: $(BIN)/govwatch

$(BIN)/govwatch: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(BIN)/govwatch

# Re-pin every dependency (needs the package registry; never run at install time).
lock:
	$(BIN)/uv pip compile requirements.in --python-version 3.11 -o requirements.txt

lint: install
	$(BIN)/ruff check govwatch dags plugins tests bench
	$(BIN)/mypy govwatch

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) .govwatch
