#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch the stock Debian kernel (without installing it) for Mica's guests.
# Usage: get-kernel.sh <outdir>
# Writes <outdir>/vmlinuz (bzImage), <outdir>/vmlinux (its ELF, for PVH),
# <outdir>/config, <outdir>/kernel-version (uname -r) and
# <outdir>/kernel-package ("<package> <version> <sha256 of vmlinuz>"), which
# makes a second run a no-op while Debian's candidate stays the same.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

[ $# -eq 1 ] || { echo "usage: $0 <outdir>" >&2; exit 2; }
out=$1
mkdir -p "$out"

need_pkgs apt dpkg coreutils gzip xz-utils zstd lz4 bzip2 python3

# The metapackage names exactly one versioned image package; ask apt which.
resolve_image_pkg() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 ~ /^[|]?Depends:$/ { print $2 }' |
        grep -E '^linux-image-6\.1\.[0-9]+-[0-9]+-amd64$' | head -n 1 || true
}

pkg=$(resolve_image_pkg)
if [ -z "$pkg" ]; then
    apt_update_once
    pkg=$(resolve_image_pkg)
fi
if [ -z "$pkg" ]; then
    # Offline with a usable copy: keep it rather than fail.
    [ -s "$out/vmlinuz" ] && [ -s "$out/kernel-package" ] && {
        log "cannot resolve linux-image-amd64; keeping $(cut -d' ' -f1,2 "$out/kernel-package")"
        exit 0
    }
    die "linux-image-amd64 does not depend on a linux-image-6.1.*-amd64 package"
fi
ver=$(apt_candidate "$pkg")
[ -n "$ver" ] || die "no candidate version for $pkg"

extract_elf() {
    python3 "$here/extract-vmlinux.py" "$out/vmlinuz" "$out/vmlinux.tmp"
    mv "$out/vmlinux.tmp" "$out/vmlinux"
}

if [ -s "$out/vmlinuz" ] && [ -s "$out/kernel-package" ]; then
    read -r old_pkg old_ver old_sum < "$out/kernel-package" || true
    if [ "$old_pkg $old_ver" = "$pkg $ver" ] &&
        [ "$old_sum" = "$(sha256_of "$out/vmlinuz")" ]; then
        [ -s "$out/vmlinux" ] || extract_elf
        log "up to date: $pkg $ver ($(cat "$out/kernel-version"))"
        exit 0
    fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log "downloading $pkg $ver"
apt_download "$pkg" "$tmp"
deb=$(ls "$tmp"/*.deb)
dpkg -x "$deb" "$tmp/root"
set -- "$tmp"/root/boot/vmlinuz-*
{ [ $# -eq 1 ] && [ -f "$1" ]; } || die "$pkg holds no single /boot/vmlinuz-*"
kver=${1##*/vmlinuz-}

cp "$1" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
cp "$tmp/root/boot/config-$kver" "$out/config"
echo "$kver" > "$out/kernel-version"
extract_elf
echo "$pkg $ver $(sha256_of "$out/vmlinuz")" > "$out/kernel-package"
log "kernel $kver ($pkg $ver) in $out"
