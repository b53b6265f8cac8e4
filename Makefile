# ferrotok developer entry points. Everything runs in ./.venv, created on first use from the pinned
# requirements-test.txt; stamp files keep repeated runs quick (no reinstall, no rebuild when nothing changed).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(VIRTUAL_ENV)/bin:$(PATH)
# Cargo profile of the extension: `dev-release` (optimised, no LTO: quick to build on 2 cores) for tests and
# the demo; `make bench` rebuilds with `release` (fat LTO). One stamp per profile, the other one is dropped
# when the .so is rebuilt.
PROFILE ?= dev-release

REQ_STAMP := $(VENV)/.stamp-requirements
BUILD_STAMP = $(VENV)/.stamp-build-$(PROFILE)
RUST_SOURCES := $(shell find rust -name '*.rs' 2>/dev/null) Cargo.toml Cargo.lock pyproject.toml

.PHONY: test demo bench bench-full lint fuzz build venv clean pytest cargo-test
.PRECIOUS: $(VENV)/.stamp-build-%

venv: $(REQ_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(REQ_STAMP): requirements-test.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

# Builds the Rust extension into the venv (editable: python/ is used in place, _core*.so lands in it).
$(VENV)/.stamp-build-%: $(REQ_STAMP) $(RUST_SOURCES)
	rm -f $(VENV)/.stamp-build-* python/ferrotok/_core*.so
	maturin develop --profile $* --quiet
	touch $@

build: $(BUILD_STAMP)

cargo-test:
	cargo test --quiet

pytest: $(BUILD_STAMP)
	$(PY) -m pytest -q

test: lint cargo-test pytest

demo: $(BUILD_STAMP)
	$(PY) -m ferrotok demo

bench:
	$(MAKE) build PROFILE=release
	$(PY) -m pytest benches/test_bench.py -q --benchmark-only --benchmark-group-by=group -p no:cacheprovider
	$(PY) benches/compare.py --quick

# The whole grid (with transformers 4.x's pure-Python GPT-2 in .venv-bench4), rewriting BENCHMARKS.md.
bench-full:
	$(MAKE) build PROFILE=release
	test -x .venv-bench4/bin/python || $(PY) benches/compare.py --setup
	$(PY) benches/compare.py --write-md
	cargo bench --bench stages

# stubtest imports the built extension and checks python/ferrotok/_core.pyi against it.
lint: $(BUILD_STAMP)
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	PYO3_PYTHON=$(abspath $(PY)) cargo clippy --all-targets --features python -- -D warnings
	PYO3_PYTHON=$(abspath $(PY)) cargo clippy --lib --features abi3 -- -D warnings
	ruff check .
	ruff format --check .
	$(PY) -m mypy.stubtest ferrotok._core

# Every fuzz target for 60 s each (needs cargo-fuzz; see fuzz/README.md). FUZZ_SECONDS=600 for longer runs.
FUZZ_SECONDS ?= 60
fuzz:
	bash fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) target python/ferrotok/_core*.so
