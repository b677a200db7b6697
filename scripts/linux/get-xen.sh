#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch Debian's Xen 4.17 hypervisor (without installing it) for the
# side-by-side benchmarks in bench/.
# Usage: get-xen.sh <outdir>
# Writes <outdir>/xen.elf (the multiboot ELF32 that QEMU's -kernel loads;
# Debian ships it gzipped, which QEMU's multiboot loader cannot take) and
# <outdir>/xen-package ("<package> <version> <sha256 of xen.elf>"), which
# makes a second run a no-op while Debian's candidate stays the same.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

[ $# -eq 1 ] || { echo "usage: $0 <outdir>" >&2; exit 2; }
out=$1
mkdir -p "$out"
pkg=xen-hypervisor-4.17-amd64

need_pkgs apt dpkg coreutils gzip

ver=$(apt_candidate "$pkg")
if [ -z "$ver" ]; then
    apt_update_once
    ver=$(apt_candidate "$pkg")
fi
[ -n "$ver" ] || die "no candidate version for $pkg"

if [ -s "$out/xen.elf" ] && [ -s "$out/xen-package" ]; then
    read -r old_pkg old_ver old_sum < "$out/xen-package" || true
    if [ "$old_pkg $old_ver" = "$pkg $ver" ] &&
        [ "$old_sum" = "$(sha256_of "$out/xen.elf")" ]; then
        log "up to date: $pkg $ver"
        exit 0
    fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log "downloading $pkg $ver"
apt_download "$pkg" "$tmp"
dpkg -x "$tmp"/"$pkg"_*.deb "$tmp/root"
set -- "$tmp"/root/boot/xen-4.17*-amd64.gz
{ [ $# -eq 1 ] && [ -f "$1" ]; } || die "$pkg holds no single /boot/xen-4.17*-amd64.gz"
gzip -dc "$1" > "$out/xen.elf.tmp"
head -c 5 "$out/xen.elf.tmp" | od -An -tx1 | grep -q '7f 45 4c 46 01' ||
    die "$1 does not hold an ELF32 image"
mv "$out/xen.elf.tmp" "$out/xen.elf"
echo "$pkg $ver $(sha256_of "$out/xen.elf")" > "$out/xen-package"
log "Xen ($pkg $ver) in $out/xen.elf"
