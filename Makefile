# SPDX-License-Identifier: MIT
# Thin wrapper: `make run` boots Mica in QEMU, `make test` runs every test.
# Both install missing Debian packages first (scripts/deps.sh).
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build run run-iso test unit clean

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

run: build
	sh scripts/qemu.sh $(BUILD)/mica.elf $(MICA_ARGS)

run-iso: build
	sh scripts/qemu.sh --iso $(BUILD)/mica.iso

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) $(CTEST_ARGS)

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -L unit

clean:
	rm -rf $(BUILD)
