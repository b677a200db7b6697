# SPDX-License-Identifier: MIT
# Thin wrapper: `make run` boots Mica in QEMU, `make test` runs every test.
# Both install missing Debian packages first (scripts/deps.sh).
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build linux run run-bare run-iso test unit clean

# The embedded default: the stock Debian kernel as an HVM guest on the
# serial console (Ctrl-A three times gives it the input).
LINUX_DIR = $(BUILD)/linux
GUEST_ARGS ?= console=ttyS0
MODULES ?= $(LINUX_DIR)/vmlinuz type=hvm mem=256M name=debian -- $(GUEST_ARGS),$(LINUX_DIR)/initramfs.cpio.gz ramdisk

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

linux:
	sh scripts/linux/get-kernel.sh $(LINUX_DIR)
	sh scripts/linux/mk-initramfs.sh $(LINUX_DIR)

run: build linux
	MODULES="$(MODULES)" sh scripts/qemu.sh $(BUILD)/mica.elf $(MICA_ARGS)

run-bare: build
	sh scripts/qemu.sh $(BUILD)/mica.elf $(MICA_ARGS)

run-iso: build
	sh scripts/qemu.sh --iso $(BUILD)/mica.iso

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) $(CTEST_ARGS)

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -L unit

clean:
	rm -rf $(BUILD)
