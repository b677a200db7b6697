#!/bin/sh
# SPDX-License-Identifier: MIT
# Build a GRUB2 (BIOS) ISO that boots mica.elf with multiboot2.
# Usage: mkiso.sh [-m '<file> [module options]']... <mica.elf> <out.iso>
#                 [extra boot options...]
# Each -m adds a multiboot2 module (a domain's kernel or ramdisk; options as
# for QEMU's -initrd), for platforms without QEMU's multiboot1 loader.
set -e
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
modules=""
n=0
while [ "$1" = "-m" ]; do
    file=${2%% *}
    opts=""
    [ "$file" = "$2" ] || opts=${2#* }
    cp "$file" "$dir/boot/m$n"
    # GRUB hands the module the words after the file name; Mica reads the
    # first word of a module's command line as its path, as with -initrd;
    # --nounzip keeps a gzip ramdisk as the guest expects it.
    modules="$modules
    module2 --nounzip /boot/m$n /boot/m$n $opts"
    n=$((n + 1))
    shift 2
done
elf=$1
out=$2
shift 2
cp "$elf" "$dir/boot/mica.elf"
cat > "$dir/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "Mica" {
    multiboot2 /boot/mica.elf $*$modules
    boot
}
CFG
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || {
    echo "mkiso: grub-mkrescue failed" >&2
    grub-mkrescue -o "$out" "$dir"
}
