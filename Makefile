# MetroKB: `make run` sets up and serves; `make test` runs the tests (what .ci/run calls).
PY := .venv/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: setup run ingest test bench system

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

# Debian packages the tests run for real: Chromium for the browser tests of the UI (never `playwright
# install`), PostgreSQL for the learner store on a database server, LibreOffice to read .doc/.wps and poppler's
# pdftoppm to render scanned PDF pages for OCR (libgl1: the OpenCV wheel rapidocr pulls in links it).
SYSTEM_PACKAGES := chromium chromium-driver fonts-noto-cjk postgresql libreoffice-writer-nogui poppler-utils libgl1
system:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null)

test: setup system
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) -m pytest -q

bench: setup
	.venv/bin/metrokb bench
