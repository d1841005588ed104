# TIM Console — developer entry points.
#   make run    install, migrate, start sandbox + job consumer + console on http://127.0.0.1:5000
#   make test   install the test extra (and Debian's Chromium when missing), run the whole suite
# Variables: PYTHON (interpreter that creates .venv), PYTEST_ARGS (extra pytest arguments),
# JOBS (test processes, default one per core up to 4; JOBS=1 runs in one process),
# HOST/PORT (console address for `make run`), SANDBOX_PORT.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARTIFACTS ?= test-artifacts
PYTEST_ARGS ?=
# pytest-xdist: test files are spread over JOBS processes, each with its own sandbox, databases
# and browser; a file's tests stay together (module fixtures are made once)
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)
XDIST = $(if $(filter-out 0 1,$(JOBS)),-n $(JOBS) --dist loadfile,-p no:xdist)
CHROMIUM := /usr/bin/chromium
# axe-core for the accessibility test (tests/browser/test_accessibility.py), from npm into .venv/node
AXE_VERSION := 4.14.1
AXE := $(VENV)/node/node_modules/axe-core/axe.min.js

.DEFAULT_GOAL := help
.PHONY: help run test install install-test chromium axe vendor vendor-check lint clean i18n bench bench-deps

help:
	@echo "make run           start the console (with the IM sandbox unless TIM_APP_ID is set)"
	@echo "make test          run the whole test suite (artifacts in $(ARTIFACTS)/)"
	@echo "make axe           install axe-core (npm) for the accessibility test (make test does)"
	@echo "make vendor        re-fetch htmx + sse from npm and check their pinned hashes"
	@echo "make vendor-check  check the committed vendored files against their hashes"
	@echo "make i18n          re-extract the UI strings, update and compile the zh_Hans catalog"
	@echo "make clean         remove caches and test artifacts (keeps .venv and instance/)"
	@echo "make bench-deps    install wrk (Debian) and the bench extra (py-spy) for the benchmarks"
	@echo "make bench         run the callback and directory benchmarks (BENCH_ARGS, DIRECTORY_ARGS)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per extra, redone when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# third-party IM SDKs for tests/sandbox/test_third_party_sdk.py; --no-deps: their pins
	@# (requests==2.25.1) must not downgrade ours, and their real deps are already installed
	$(BIN)/python -m pip install --quiet --no-deps tencentcloud-sdk-python-im==0.9.4 timsdk==1.1.12
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

run: install
	@HOST=$(or $(HOST),127.0.0.1) PORT=$(or $(PORT),5000) SANDBOX_PORT=$(or $(SANDBOX_PORT),9300) \
		scripts/run.sh

# Browser tests drive Debian's Chromium; Playwright's own browser download is never used.
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "warning: $(CHROMIUM) is missing and apt-get needs root; browser tests will skip" >&2; exit 0; fi; \
	echo "Installing Debian's chromium for the browser tests"; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# axe-core (WCAG checks run inside the page by the accessibility test). npm comes from Debian
# when missing; without it the test skips (and fails under CI).
$(AXE): | $(BIN)/python
	@if ! command -v npm >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then sudo=""; \
		elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
		else echo "warning: npm is missing and apt-get needs root; the accessibility test will skip" >&2; exit 0; fi; \
		echo "Installing Debian's npm for axe-core"; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	fi; \
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix $(VENV)/node axe-core@$(AXE_VERSION)

axe: $(AXE)

# The suite's wall time is printed last (whatever pytest's outcome, whose status make returns).
test: install-test chromium axe
	@mkdir -p $(ARTIFACTS)
	@start=$$(date +%s.%N); status=0; \
	TEST_ARTIFACTS=$(abspath $(ARTIFACTS)) $(BIN)/python -m pytest \
		--junitxml=$(ARTIFACTS)/junit.xml $(XDIST) $(PYTEST_ARGS) || status=$$?; \
	$(BIN)/python -c 'import sys, time; print(f"make test: the suite took {time.time() - float(sys.argv[1]):.1f} s of wall time")' $$start; \
	exit $$status

vendor:
	scripts/vendor.sh

vendor-check:
	scripts/vendor.sh --check

# Translations (see babel.cfg): templates/_macros would be skipped by pybabel's default --ignore-dirs.
# New strings arrive untranslated in translations/zh_Hans/LC_MESSAGES/messages.po: translate them,
# then run `make i18n` again so the .mo matches (tests/web/test_i18n.py checks both).
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k _l --ignore-dirs ".* $(VENV)" --no-location --sort-output \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations
	$(BIN)/pybabel compile -d translations

clean:
	rm -rf $(ARTIFACTS) .pytest_cache build
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Benchmarks (tests/bench/, not part of the suite): wrk from Debian's packages drives the callback
# benchmark (its Python load generator is the fallback), py-spy profiles a live worker.
BENCH_ARGS ?= --seconds 10 --viewers 0
DIRECTORY_ARGS ?= --accounts 100000
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $@

bench-deps: $(VENV)/.installed-bench
	@if command -v wrk >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "warning: wrk is missing and apt-get needs root; the callback benchmark uses its Python load" >&2; exit 0; fi; \
	echo "Installing Debian's wrk for the callback benchmark"; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk

bench: install-test bench-deps
	$(BIN)/python tests/bench/callback_ingest.py $(BENCH_ARGS)
	$(BIN)/python tests/bench/directory.py $(DIRECTORY_ARGS)
