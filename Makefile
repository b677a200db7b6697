# SPDX-License-Identifier: MIT
# Thin wrapper: `make run` boots Mica in QEMU, `make test` runs every test.
# Both install missing Debian packages first (scripts/deps.sh).
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build linux run run-bare run-iso test unit bench-sched bench-micro \
	bench-hypercalls clean

# The embedded default: the stock Debian kernel twice, as a PVH guest (d1,
# console hvc0) and as an HVM guest (d2, console ttyS0), on the one serial
# console (Ctrl-A three times moves the input: Mica, d1, d2).
LINUX_DIR = $(BUILD)/linux
INITRD = $(LINUX_DIR)/initramfs.cpio.gz ramdisk
MODULES ?= $(LINUX_DIR)/vmlinux type=pvh mem=256M name=debian-pvh -- console=hvc0,$(INITRD),$(LINUX_DIR)/vmlinuz type=hvm mem=256M name=debian-hvm -- console=ttyS0,$(INITRD),$(LINUX_DIR)/vmlinux type=pv mem=256M vcpus=2 name=debian-pv -- console=hvc0,$(INITRD)

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

# Scheduler benchmark (bench/README.md); BENCH_ARGS="--counts 1,2,4 -v" etc.
bench-sched: build
	python3 bench/sched.py --mica-elf $(BUILD)/mica.elf \
		--spin $(BUILD)/guests/sched_spin.elf --wake $(BUILD)/guests/sched_wake.elf $(BENCH_ARGS)

# Linux user-space micro-benchmarks, native vs Mica vs Xen (bench/README.md);
# --prepare fetches the kernel and Xen and rebuilds the initramfs.
bench-micro: build
	python3 bench/guest_micro.py --prepare --dir $(LINUX_DIR) \
		--mica-elf $(BUILD)/mica.elf $(BENCH_ARGS)

# Hypercalls per operation of PV Linux on Mica (bench/README.md); the
# initramfs is rebuilt for the -n option of mica-micro.
bench-hypercalls: build linux
	python3 bench/pv_hypercalls.py --dir $(LINUX_DIR) --mica-elf $(BUILD)/mica.elf $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)
