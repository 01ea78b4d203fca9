# The two commands a newcomer needs: `make site` and `make test`. Both install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PACKAGE ?= data/example
OUT ?= site
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test lint format bench bench-xl fuzz clean install install-test browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# The small plotly.js bundle (scatter and bar, 0.4 MB gzipped) that sites ship; without npm,
# builds fall back to the full bundle inside the plotly package (1.5 MB gzipped).
PLOTLY_BASIC := generator/js/node_modules/plotly.js-basic-dist-min/plotly-basic.min.js
$(PLOTLY_BASIC): generator/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  (cd generator/js && npm ci --silent --no-audit --no-fund) || echo "plotly.js-basic-dist-min could not be installed"; \
	else echo "npm is missing: sites will ship plotly's full bundle (4.8 MB) instead of the basic one"; fi

install: $(VENV)/.installed $(PLOTLY_BASIC)
install-test: $(VENV)/.installed-test $(PLOTLY_BASIC)

## Build the example package into site/
site: install
	$(BIN)/perfsite build $(PACKAGE) --out $(OUT)
	@echo
	@echo "Site built in $(OUT)/ — open $(OUT)/index.html, or run 'make serve' and browse http://127.0.0.1:8000/"

## Serve the site locally with live reload
serve: install
	$(BIN)/perfsite serve $(PACKAGE)

# Browser tests need Debian's chromium (playwright cannot download browsers here), poppler's
# pdftoppm (the printed report as PNG pages) and axe-core from npm; the Excel template is opened
# once in LibreOffice (headless) to prove a spreadsheet program other than Excel reads it.
# A failed installation stops `make test`: browser tests that cannot run would prove nothing.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium, poppler-utils and libreoffice-calc-nogui for the tests…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils libreoffice-calc-nogui >/dev/null) \
	      || { echo "✗ they could not be installed (apt-get install -y chromium poppler-utils libreoffice-calc-nogui)"; exit 1; }; \
	  else echo "✗ chromium, pdftoppm or soffice is missing: run 'sudo apt-get install -y chromium poppler-utils libreoffice-calc-nogui', then make test again"; exit 1; fi; \
	fi
	@if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then \
	  (cd tests/browser && npm ci --silent --no-audit --no-fund) \
	    || { echo "✗ axe-core could not be installed (npm ci in tests/browser)"; exit 1; }; \
	fi

## Run the whole test suite, browser tests included
test: install-test browser-deps
	$(BIN)/python -m pytest -q

## Long run of the property "validate passes => build succeeds" (FUZZ_EXAMPLES packages, ~3 s each)
FUZZ_EXAMPLES ?= 300
fuzz: install-test
	PERFSITE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PERFSITE_FUZZ_LOG=$(abspath fuzz.log) nice $(BIN)/python -m pytest -q -p no:cacheprovider \
	  --hypothesis-show-statistics tests/validation/test_valid_builds.py

lint: install-test
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

format: install-test
	$(BIN)/ruff format generator tests bench
	$(BIN)/ruff check --fix generator tests bench

bench: install-test
	$(BIN)/python bench/run.py

## The XL package too (4,000 measures × 10 years; several minutes)
bench-xl: install-test
	$(BIN)/python bench/run.py S M L XL

clean:
	rm -rf site site-preview build .pytest_cache
