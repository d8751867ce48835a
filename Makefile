# MetroKB: `make run` sets up and serves; `make test` runs the tests (what .ci/run calls).
PY := .venv/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: setup run ingest test bench browser

setup: .venv/.installed

.venv/.installed: pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q torch==2.13.0
	.venv/bin/pip install -q -e ".[test]"
	touch $@

run: setup
	.venv/bin/metrokb serve --host $(HOST) --port $(PORT)

ingest: setup
	$(PY) ingest.py

# Debian's Chromium for the browser test of the chat UI (never `playwright install`).
browser:
	@dpkg -s chromium chromium-driver fonts-noto-cjk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null)

test: setup browser
	$(PY) -m pytest -q

bench: setup
	.venv/bin/metrokb bench
