#!/bin/sh
# SPDX-License-Identifier: MIT
# Boot Mica in QEMU on the reference platform, serial console on stdio.
# Usage: qemu.sh [--iso] <mica.elf|mica.iso> [boot options...]
# Environment: SMP (default 2), MEM (default 2G), MODULES (boot modules,
# QEMU -initrd syntax), QEMU_EXTRA.
set -e
iso=0
if [ "$1" = "--iso" ]; then iso=1; shift; fi
img=$1
shift
SMP=${SMP:-2}
MEM=${MEM:-2G}
if [ $iso = 1 ]; then
    boot="-cdrom $img"
else
    boot="-kernel $img -append \"$*\""
    [ -n "${MODULES:-}" ] && boot="$boot -initrd \"$MODULES\""
fi
echo "qemu.sh: Mica on $SMP CPUs, $MEM RAM. Serial console here; Ctrl-T x quits QEMU (Ctrl-A is left to Mica)." >&2
eval exec qemu-system-x86_64 -machine q35 -cpu EPYC,+svm,+npt -accel tcg \
    -smp "$SMP" -m "$MEM" -device intel-iommu \
    -display none -serial mon:stdio -echr 0x14 -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=4 \
    $QEMU_EXTRA $boot
