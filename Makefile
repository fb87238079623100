# HutSync — `make run` and `make test` do all set-up on a fresh Debian or Ubuntu machine.
SHELL := /bin/bash
APT_PACKAGES := libsqlite3-dev libcurl4-openssl-dev libsodium-dev libdeflate-dev pkg-config
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: deps build run test interop format lint clean vectors bench sim fuzz

## deps: install the system libraries when missing (apt as root; otherwise print the command and stop).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing system packages. Run:"; echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

## run: build and start the demo (a relay and two nodes on loopback, in ./hutsync-demo); Ctrl-C stops it.
run: build
	$(SWIFT) run $(SWIFT_BUILD_FLAGS) hutsync demo

## test: the whole test suite (builds first; end-to-end tests use the built binary), then the interop check. Tests
## run one at a time: many drive child processes synchronously, and in parallel they starved the two cooperative
## threads the in-process servers of other tests need (a long poll answered 30 s late); serially it is barely slower.
test: build
	@set -o pipefail; $(SWIFT) test --disable-xctest --no-parallel $(SWIFT_BUILD_FLAGS) 2>&1 | tee .build/test-output.log
	@$(MAKE) --no-print-directory interop
	@count=$$(grep -oE 'Test run with [0-9]+ tests' .build/test-output.log | grep -oE '[0-9]+' | tail -n 1); \
	  echo "swift-testing: $${count:-0} passed, 0 failed"

## interop: an independent Python implementation checks the published test vectors byte for byte.
interop:
	@python3 -c 'import nacl, cryptography' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check pynacl cryptography
	python3 Tests/interop/check_vectors.py

## vectors: print the protocol test vectors as the code computes them (docs/vectors/ holds the committed ones).
vectors: build
	$(SWIFT) run $(SWIFT_BUILD_FLAGS) hutsync wire vectors

## sim: the seeded simulation of the whole network on a release build, SEEDS seeds from START (make test runs 200
## in debug). Ends with "simulation: N seeds, F failures"; a failed seed prints a one-line replay command.
SEEDS ?= 200
START ?= 1
sim: deps
	@set -o pipefail; SIM_SEEDS=$(SEEDS) SIM_START=$(START) $(SWIFT) test -c release --disable-xctest \
	  --filter SimulationTests 2>&1 | grep -E --line-buffered "simulation:|simulated:|failed|error:|^ +[a-z]"

## bench: the benchmarks on a release build (2–3 minutes after the build; `BENCH_FLAGS=--quick` for a smoke run,
## `--json` for one JSON object). docs/performance.md records a full run.
bench: deps
	$(SWIFT) build -c release --product hutsync
	.build/release/hutsync bench $(BENCH_FLAGS)

## fuzz: build the libFuzzer targets in Fuzz/ (or FUZZ_TARGETS) and run each for FUZZ_SECONDS; fails on a crash.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/fuzz.sh $(FUZZ_TARGETS)

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

clean:
	rm -rf .build
