# motcua — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench install install-run clean fonts browser vendor

## what running needs (make run): the package and its dependencies, nothing for tests
$(RUN_STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	touch $(RUN_STAMP)

## what testing adds (make test, make bench): pytest, mypy, ruff, playwright, schemathesis…
$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install-run: $(RUN_STAMP)
install: $(STAMP)

instance:
	mkdir -p instance

## run: install, migrate the embedded database, load the samples, then serve on :5000
## with the worker and scheduler beside it (embedded broker: no server to install)
run: $(RUN_STAMP) fonts instance
	$(BIN)/motcua db upgrade
	$(BIN)/motcua seed
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/motcua worker --beat > instance/worker.log 2>&1 & \
	echo "worker and scheduler started (log: instance/worker.log)"; \
	$(BIN)/motcua serve --host 127.0.0.1 --port 5000

## fonts: the Unicode font the PDF documents print Vietnamese with (Debian fonts-dejavu-core)
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf -o -n "$$MOTCUA_PDF_FONT_DIR" || \
	  { echo "installing fonts-dejavu-core for PDF documents"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core; }

## browser: Debian's Chromium for the browser tests (Playwright drives it; it downloads nothing)
browser:
	@test -x /usr/bin/chromium || \
	  { echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## test: lint, layer rules, types, then every test (SQLite and PostgreSQL). Two processes,
## each test file in one of them, the slowest files first (tests/file_order.py, so that both
## finish together); the API fuzzing runs on its own afterwards, because
## schemathesis only expands its per-operation tests outside pytest-xdist. The 20 slowest
## tests are listed at the end (keep `make test` under 15 minutes on two cores).
FUZZ := tests/functional/test_api_fuzzing.py
test: $(STAMP) fonts browser lint typecheck
	$(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=20 --ignore $(FUZZ)
	$(BIN)/pytest -q $(FUZZ)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

## bench: throughput of the persisted engine against bare SpiffWorkflow
bench: $(STAMP)
	$(BIN)/python -m bench

## vendor: refresh the front-end builds the admin pages ship (bpmn-js, dmn-js), from the pinned lock
vendor:
	cd admin/static/vendor && npm ci --no-audit --no-fund && \
	  cp node_modules/bpmn-js/dist/bpmn-modeler.production.min.js \
	     node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js bpmn-js/ && \
	  cp -r node_modules/bpmn-js/dist/assets bpmn-js/ && cp node_modules/bpmn-js/LICENSE bpmn-js/ && \
	  node -p "require('bpmn-js/package.json').version" > bpmn-js/VERSION && \
	  cp node_modules/dmn-js/dist/dmn-modeler.production.min.js dmn-js/ && \
	  cp -r node_modules/dmn-js/dist/assets dmn-js/ && cp node_modules/dmn-js/LICENSE dmn-js/ && \
	  node -p "require('dmn-js/package.json').version" > dmn-js/VERSION && rm -rf node_modules

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
