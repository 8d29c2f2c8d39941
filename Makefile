# qtmap task file: `make serve` (install + run the app), `make test` (install + run every test).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: serve test lint bench data browser-deps

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Debian's Chromium (the browser tests drive it headless) and fonts with Vietnamese glyphs.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

serve: $(BIN)/.installed
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(BIN)/.installed browser-deps
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .

bench: $(BIN)/.installed browser-deps
	$(BIN)/python -m bench.run

data: $(BIN)/.installed
	$(BIN)/python -m data.build
