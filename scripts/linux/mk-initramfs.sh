#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the busybox-static initramfs that Mica's Linux guests boot into.
# Usage: mk-initramfs.sh <outdir>   -> <outdir>/initramfs.cpio.gz
# The guest prints "MICA-GUEST: userspace up (kernel ...)" and
# "MICA-GUEST: N CPUs", then gives a shell with the prompt "mica-guest# " on
# the console; `poweroff` (or `reboot`) ends the VM. With mica.run=<prog>
# on the kernel command line /init runs /bin/<prog> instead of the shell
# and powers off (bench/guest_micro.py). Output is reproducible:
# fixed owners and mtimes, sorted entries, gzip without name or time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

[ $# -eq 1 ] || { echo "usage: $0 <outdir>" >&2; exit 2; }
out=$1
mkdir -p "$out"
: "${SOURCE_DATE_EPOCH:=0}"

need_pkgs apt dpkg cpio gzip findutils coreutils gcc libc6-dev

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# busybox-static is unpacked privately, never installed on the host.
log "downloading busybox-static $(apt_candidate busybox-static)"
apt_download busybox-static "$tmp"
dpkg -x "$tmp"/busybox-static_*.deb "$tmp/pkg"
bb=$tmp/pkg/bin/busybox
[ -x "$bb" ] || die "busybox-static has no /bin/busybox"

root=$tmp/root
mkdir -p "$root"
for d in bin sbin usr/bin usr/sbin proc sys dev tmp root etc; do
    mkdir -p "$root/$d"
done
cp "$bb" "$root/bin/busybox"

# The user-space micro-benchmarks of bench/guest_micro.py, static because
# the initramfs has no libc of its own.
gcc -static -O2 -s -o "$root/bin/mica-micro" "$here/../../bench/linux/micro.c"
# The boot tests' fork/exec/mmap check (test/linux/forkexec.c).
gcc -static -O2 -s -o "$root/bin/mica-forkexec" "$here/../../test/linux/forkexec.c"

# One symlink per applet, where busybox itself says the applet lives.
"$bb" --list-full | while read -r path; do
    [ -e "$root/$path" ] || [ -L "$root/$path" ] && continue
    mkdir -p "$root/$(dirname "$path")"
    ln -s /bin/busybox "$root/$path"
done

# Our /init is a plain script, not busybox init. The applets poweroff/
# reboot/halt signal PID 1, and /init traps those signals (below); Debian's
# ash runs applets ahead of PATH, so that is what a typed `poweroff` does.
# For callers that exec /sbin/poweroff by path, these act directly.
for act in poweroff reboot halt; do
    rm -f "$root/sbin/$act" "$root/bin/$act"
    printf '#!/bin/sh\n# Flush, then %s at once (no init to ask).\nsync\nexec /bin/busybox %s -f\n' \
        "$act" "$act" > "$root/sbin/$act"
    chmod 755 "$root/sbin/$act"
done

cat > "$root/init" <<'INIT'
#!/bin/sh
# PID 1 of Mica's test guest: mount the pseudo file systems, announce
# ourselves on the console, then keep a shell running on it.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root PS1='mica-guest# '
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
echo "MICA-GUEST: userspace up (kernel $(uname -r))"
echo "MICA-GUEST: $(grep -c ^processor /proc/cpuinfo) CPUs"

# busybox poweroff/halt/reboot without -f signal PID 1 (USR2/USR1/TERM),
# as busybox init expects; flush, then act (halt powers off: nobody to
# halt for).
trap 'sync; poweroff -f' USR1 USR2
trap 'sync; reboot -f' TERM INT

# mica.run=<prog>[,<arg>...] on the kernel command line (a dotted name, so
# Linux keeps it out of our environment and argv): run /bin/<prog> with
# those arguments instead of the shell, then power off, so that a
# benchmark needs nobody at the console.
for word in $(cat /proc/cmdline); do
    case $word in
    mica.run=?*)
        set -- $(echo "${word#mica.run=}" | tr , ' ')
        prog=$1; shift
        "/bin/$prog" "$@"
        echo "MICA-GUEST: $prog exited with status $?"
        sync; poweroff -f ;;
    esac
done

# cttyhack opens the real console (ttyS0, hvc0, ...) as the controlling
# tty so that job control and ^C work; setsid gives it its own session.
while :; do
    setsid cttyhack sh &
    wait $!
    echo "MICA-GUEST: shell exited, restarting it"
    sleep 1
done
INIT
chmod 755 "$root/init"

# The kernel opens /dev/console before /init runs; Debian's kernel carries
# one in its built-in initramfs, but add ours where we are allowed to.
if [ "$(id -u)" -eq 0 ]; then
    mknod -m 600 "$root/dev/console" c 5 1
    mknod -m 666 "$root/dev/null" c 1 3
fi

find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9 -n > "$out/initramfs.cpio.gz.tmp"
# Same bytes as before: keep the old file, and its mtime for make & co.
if cmp -s "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"; then
    rm -f "$out/initramfs.cpio.gz.tmp"
else
    mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
fi
log "$out/initramfs.cpio.gz: $(wc -c < "$out/initramfs.cpio.gz") bytes, sha256 $(sha256_of "$out/initramfs.cpio.gz")"
