# ferrotok developer entry points. Everything runs in ./.venv, created on first use from the pinned
# requirements-test.txt; stamp files keep repeated runs quick (no reinstall, no rebuild when nothing changed).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(VIRTUAL_ENV)/bin:$(PATH)
# maturin build profile for the extension; `make test BUILD_FLAGS=` builds in debug (faster to compile).
BUILD_FLAGS ?= --release

REQ_STAMP := $(VENV)/.stamp-requirements
BUILD_STAMP := $(VENV)/.stamp-build
RUST_SOURCES := $(shell find rust -name '*.rs' 2>/dev/null) Cargo.toml Cargo.lock pyproject.toml

.PHONY: test demo bench lint fuzz build venv clean pytest cargo-test

venv: $(REQ_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(REQ_STAMP): requirements-test.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

# Builds the Rust extension into the venv (editable: python/ is used in place, _core*.so lands in it).
$(BUILD_STAMP): $(REQ_STAMP) $(RUST_SOURCES)
	maturin develop $(BUILD_FLAGS) --quiet
	touch $@

build: $(BUILD_STAMP)

cargo-test:
	cargo test --quiet

pytest: $(BUILD_STAMP)
	$(PY) -m pytest -q

test: cargo-test pytest

demo: $(BUILD_STAMP)
	@if [ -f python/ferrotok/__main__.py ]; then $(PY) -m ferrotok demo; else $(PY) scripts/walkthrough.py; fi

bench: $(BUILD_STAMP)
	@if [ -x bench/run.sh ]; then bench/run.sh; \
	elif [ -d bench ]; then $(PY) -m pytest bench -q --benchmark-only; \
	else echo "no benchmarks yet (bench/ is written by the benchmark work)"; fi

lint: $(REQ_STAMP)
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	PYO3_PYTHON=$(abspath $(PY)) cargo clippy --all-targets --features python -- -D warnings
	ruff check .
	ruff format --check .

fuzz:
	@if [ -x fuzz/run.sh ]; then fuzz/run.sh; \
	elif [ -f fuzz/run.sh ]; then bash fuzz/run.sh; \
	else echo "no fuzz targets yet (fuzz/run.sh is written by the fuzzing work)"; fi

clean:
	rm -rf $(VENV) target python/ferrotok/_core*.so
