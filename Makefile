# Set-up and entry points. Every target installs what is missing first and is
# quick when nothing changed (make tracks the build outputs below).
SHELL := /bin/bash
NATIVE_NODE := packages/native/build/Release/pmemts_native.node
NATIVE_SRC := $(shell find packages/native/src -name '*.cpp' -o -name '*.hpp' -o -name '*.c' 2>/dev/null) packages/native/binding.gyp
TS_SRC := $(shell find packages/*/src -name '*.ts' 2>/dev/null) $(wildcard packages/*/tsconfig.json)
STAMPS := .make-stamps
DEMO_POOL ?= data/bank.pool

.PHONY: all deps build demo test bench torture clean

all: build

# Debian's PMDK (libpmemobj 1.12). Installed with apt-get when we are root.
$(STAMPS)/pmdk:
	@mkdir -p $(STAMPS)
	@if ! dpkg -s libpmemobj-dev libpmempool-dev pmdk-tools >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing PMDK from Debian (libpmemobj-dev libpmem-dev libpmempool-dev pmdk-tools)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libpmemobj-dev libpmem-dev libpmempool-dev pmdk-tools >/dev/null || exit 1; \
	  else \
	    echo "pmemts needs PMDK: run 'sudo apt-get install libpmemobj-dev libpmem-dev libpmempool-dev pmdk-tools'"; exit 1; \
	  fi; \
	fi
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json packages/*/package.json $(STAMPS)/pmdk
	npm ci --no-audit --no-fund
	@touch $@

$(NATIVE_NODE): $(NATIVE_SRC) node_modules/.package-lock.json
	npm run build --workspace @pmemts/native --silent
	@touch $@

$(STAMPS)/tsc: $(TS_SRC) $(NATIVE_NODE) tsconfig.base.json tsconfig.json
	npx tsc -b
	@chmod +x packages/cli/dist/main.js
	@# npm ci links workspace bins only when their file exists, which dist/main.js does not yet: link it
	@# now, so the README's `npx pmemts` resolves on a fresh clone.
	@ln -sfn ../@pmemts/cli/dist/main.js node_modules/.bin/pmemts
	@touch $@

deps: $(STAMPS)/pmdk node_modules/.package-lock.json

build: $(STAMPS)/tsc

demo: build
	@mkdir -p $(dir $(DEMO_POOL))
	node packages/examples/dist/demo.js $(DEMO_POOL)

# ts-jest compiles each test file alone and does not type-check across files: the tests' own
# type check runs first (about 11 s).
test: build
	npx tsc --noEmit -p test/tsconfig.json
	npx jest

# Competitors (lmdb-js, better-sqlite3) are installed only here, so make test stays lean.
bench/node_modules/.package-lock.json: bench/package.json
	cd bench && npm ci --no-audit --no-fund --foreground-scripts
	@touch $@

bench: build bench/node_modules/.package-lock.json
	node bench/run.js

torture: build
	PMEMTS_TORTURE=1 npx jest --runInBand test/crash test/fault test/model test/collections/map.kill.test.ts

# The API reference of @pmemts/core, decorators and native from their TSDoc comments (typedoc.json), into
# docs/api/. Any warning fails it, an exported symbol without documentation included.
.PHONY: docs
docs: build
	npx typedoc

clean:
	rm -rf $(STAMPS) packages/*/dist packages/*/build packages/*/*.tsbuildinfo data
