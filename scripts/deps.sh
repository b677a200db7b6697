#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages Mica needs to build, test and run; does
# nothing when all are present.
set -e
PKGS="gcc make cmake nasm binutils gawk qemu-system-x86 grub-pc-bin grub-common
      xorriso mtools libcmocka-dev python3 cppcheck"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
