#!/bin/sh
# SPDX-License-Identifier: MIT
# Build a GRUB2 (BIOS) ISO that boots mica.elf with multiboot2.
# Usage: mkiso.sh <mica.elf> <out.iso> [extra boot options...]
set -e
elf=$1
out=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$elf" "$dir/boot/mica.elf"
cat > "$dir/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "Mica" {
    multiboot2 /boot/mica.elf $*
    boot
}
CFG
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || {
    echo "mkiso: grub-mkrescue failed" >&2
    grub-mkrescue -o "$out" "$dir"
}
