# Every target builds .venv from nothing when needed, so a fresh machine needs only `make run`
# or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint relay clean translations

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m ui.dev_run

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check app crypto sync ui relay tests bench
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/test_layers.py

# ui/ strings -> ui/translations/*.ts (for translators), then the compiled .qm files shipped
translations: $(STAMP)
	$(BIN)/python -m ui.i18n_build

relay: $(STAMP)
	$(BIN)/coterie-relay

clean:
	rm -rf $(VENV) build *.egg-info
