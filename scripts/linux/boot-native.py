#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot the Mica test guest (Debian kernel + busybox initramfs) directly in
QEMU, with no hypervisor, and check it end to end: banner, CPU count,
shell prompt, a typed command's answer, and a clean poweroff (QEMU exit 0).

This validates the guest images; the Mica-hosted boot test expects the
same lines (see guestlib.py). Exits non-zero with the log tail on failure.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestlib as gl  # noqa: E402


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=gl.DEFAULT_DIR,
                    help="where vmlinuz and initramfs.cpio.gz are (default %(default)s)")
    ap.add_argument("--prepare", action="store_true",
                    help="run get-kernel.sh and mk-initramfs.sh into --dir first")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--iommu", action="store_true", help="add -device intel-iommu")
    ap.add_argument("--append", default=gl.KERNEL_ARGS, help="kernel command line")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds allowed to reach the prompt (TCG is slow)")
    ap.add_argument("--log", help="write the raw serial output here")
    return ap.parse_args()


def run(g, smp, timeout):
    g.expect(gl.BANNER, timeout, "banner")
    m = g.expect(gl.CPUS, 30, "cpus")
    if int(m.group(1)) != smp:
        raise gl.GuestError(f"guest sees {int(m.group(1))} CPUs, QEMU has {smp}")
    g.expect(gl.PROMPT, 60, "prompt")
    g.type(gl.ECHO_CMD + "\r")
    g.expect(gl.ECHO_REPLY, 30, "echo")
    g.expect(gl.PROMPT, 30)
    g.type("poweroff\r")
    rc = g.wait_exit(60)
    if rc != 0:
        raise gl.GuestError(f"QEMU exited with status {rc} after poweroff")


def main():
    a = parse_args()
    if a.prepare:
        gl.ensure_images(a.dir)
    vmlinuz = os.path.join(a.dir, "vmlinuz")
    initrd = os.path.join(a.dir, "initramfs.cpio.gz")
    for f in (vmlinuz, initrd):
        if not os.path.isfile(f):
            print(f"boot-native: {f} is missing (run with --prepare, or "
                  "scripts/linux/get-kernel.sh and mk-initramfs.sh)", file=sys.stderr)
            return 2
    cmd = gl.native_args(vmlinuz, initrd, a.append, smp=a.smp, mem=a.mem,
                         iommu=a.iommu)
    g = gl.Guest(cmd, a.log)
    try:
        run(g, a.smp, a.timeout)
    except gl.GuestError as e:
        g.kill()
        print(f"boot-native: FAIL: {e} (after {g.elapsed():.1f} s)\n"
              f"  command: {' '.join(cmd)}\n  serial log tail:\n{g.tail()}")
        return 1
    t = g.marks
    kv = os.path.join(a.dir, "kernel-version")
    kver = open(kv).read().strip() if os.path.exists(kv) else "?"
    print(f"boot-native: PASS: kernel {kver}, {a.smp} CPU(s), {a.mem}")
    print(f"  banner {t['banner']:.1f} s, prompt {t['prompt']:.1f} s, "
          f"echo answered {t['echo']:.1f} s, QEMU exited {t['exit']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
