#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: Linux boot-to-userspace time, natively in QEMU and under
hypervisors, side by side.

Each run starts QEMU and measures wall time until the test guest prints
"MICA-GUEST: userspace up" (scripts/linux/mk-initramfs.sh), then kills
QEMU. Under TCG only the ratios mean anything. This is a benchmark, not a
test: no timing is ever asserted.

Columns:
  native   the kernel booted by QEMU directly (the reference platform)
  mica     the same kernel as an HVM guest of Mica
  xen-pvh  Xen 4.17 (Debian) with the kernel as a PVH dom0
  xen-pv   Xen 4.17 (Debian) with the kernel as a PV dom0
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_columns as lc  # noqa: E402
from linux_columns import gl  # noqa: E402

# Mica boots a Linux HVM guest (test/boot/scenarios.py, "linux-hvm"). Set
# to False to print "n/a" instead of running the column.
MICA_BOOTS_LINUX = True


def cmd_mica(a):
    if not MICA_BOOTS_LINUX and not a.force_mica:
        raise lc.NotAvailable("not yet supported")
    return lc.cmd_mica(a, "hvm")


COLUMNS = {"native": lc.cmd_native, "mica": cmd_mica,
           "xen-pvh": lc.cmd_xen_pvh, "xen-pv": lc.cmd_xen_pv}


def boot_time(g, a):
    g.expect(gl.BANNER, a.timeout, "banner")
    lc.check_cpus(g, a)
    return g.marks["banner"]


def summarize(times):
    return {"times": times, "median": lc.median(times), "min": min(times)}


def parse_args():
    ap = argparse.ArgumentParser(description="Linux boot-to-userspace time: "
                                 "native QEMU vs Mica vs Xen (ratios)")
    lc.add_common_args(ap, COLUMNS)
    ap.add_argument("--force-mica", action="store_true",
                    help="run the mica column even if MICA_BOOTS_LINUX is False")
    a = ap.parse_args()
    lc.check_common_args(ap, a, COLUMNS)
    return a


def print_table(a, results):
    print(f"Linux boot to userspace (QEMU start -> MICA-GUEST banner), TCG, "
          f"kernel {lc.kernel_version(a)}, {a.smp} vCPU, {a.mem}, {a.runs} run(s)")
    print(f"{'column':<9} {'median s':>9} {'min s':>7} {'x native':>9}  runs")
    base = results.get("native", {}).get("median")
    for name in a.columns:
        r = results[name]
        if r["status"] != "ok":
            print(f"{name:<9} {r['status']} ({r['reason'].splitlines()[0]})")
            continue
        ratio = f"{r['median'] / base:.2f}" if base else "n/a"
        runs = " ".join(f"{t:.2f}" for t in r["times"])
        print(f"{name:<9} {r['median']:>9.2f} {r['min']:>7.2f} {ratio:>9}  {runs}")


def main():
    a = parse_args()
    lc.start(a, "hvm_boot")
    results = lc.run_columns(a, COLUMNS, boot_time, lambda t: f"{t:.2f} s",
                             summarize)
    print_table(a, results)
    return lc.finish(a, results)


if __name__ == "__main__":
    sys.exit(main())
