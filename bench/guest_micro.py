#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: Linux user-space micro-operations (null syscall, fork, page
fault, context switch, mmap) natively in QEMU and under hypervisors, side
by side.

Each run boots the test guest (Debian's kernel and the busybox initramfs of
scripts/linux/mk-initramfs.sh) with mica.run=mica-micro on the kernel
command line: /init runs bench/linux/micro.c instead of a shell, which
prints "MICA-BENCH <op> <ns/op> ..." per operation and "MICA-BENCH done",
and the guest powers off. Wall time to the guest's banner is kept too
(boot to user space). Under TCG only the ratios mean anything. This is a
benchmark, not a test: no timing is ever asserted.

Columns (Mica columns whose domain type Mica refuses are n/a):
  native    the kernel booted by QEMU directly (the reference platform)
  mica-hvm  the kernel as an HVM domain of Mica
  mica-pvh  the kernel (ELF) as a PVH domain of Mica
  mica-pv   the kernel (ELF) as a PV domain of Mica
  xen-pvh   Xen 4.17 (Debian) with the kernel as a PVH dom0
  xen-pv    Xen 4.17 (Debian) with the kernel as a PV dom0
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_columns as lc  # noqa: E402
from linux_columns import gl  # noqa: E402

COLUMNS = {"native": lc.cmd_native,
           "mica-hvm": lambda a: lc.cmd_mica(a, "hvm"),
           "mica-pvh": lambda a: lc.cmd_mica(a, "pvh"),
           "mica-pv": lambda a: lc.cmd_mica(a, "pv"),
           "xen-pvh": lc.cmd_xen_pvh,
           "xen-pv": lc.cmd_xen_pv}

# bench/linux/micro.c's operations, in the order it runs them.
OPS = ["null_syscall", "fork_exit_wait", "pagefault", "ctxsw", "mmap_munmap_64k"]
# Whole lines only: output arrives in pieces.
RESULT = r"MICA-BENCH (\w+) ?([^\r\n]*)\r*\n"
INFO = r"MICA-BENCH-INFO clocksource=(\S+) "


def bench_once(g, a):
    """One boot's figures: {"boot": s, "clocksource": name, op: ns}."""
    g.expect(gl.BANNER, a.timeout, "banner")
    lc.check_cpus(g, a)
    out = {"boot": g.marks["banner"],
           "clocksource": g.expect(INFO, a.timeout).group(1).decode()}
    while True:
        m = g.expect(RESULT, a.timeout)
        op, rest = m.group(1).decode(), m.group(2).decode()
        if op == "done":
            break
        if op not in OPS:
            raise gl.GuestError(f"mica-micro: {m.group(0).decode().strip()}")
        out[op] = float(rest.split()[0])
    missing = [op for op in a.ops if op not in out]
    if missing:
        raise gl.GuestError(f"no result for {missing}")
    return out


def describe(fig):
    return f"boot {fig['boot']:.2f} s, " + " ".join(
        f"{op}={ns:.0f}" for op, ns in fig.items() if op in OPS) + " ns"


def summarize(runs):
    keys = [k for k in runs[0] if k != "clocksource"]
    # tsc-early in one boot and tsc in another are the same clock: Linux
    # had not switched yet when the program asked.
    sources = sorted({r["clocksource"] for r in runs})
    return {"runs": runs, "clocksource": "/".join(sources),
            "median": {k: lc.median([r[k] for r in runs]) for k in keys}}


def cell(r, key, base):
    if r["status"] != "ok":
        return r["status"]
    v = r["median"][key]
    text = f"{v:.2f}" if key == "boot" else f"{v:.0f}"
    return f"{text} x{v / base['median'][key]:.2f}" if base else text


def print_table(a, results):
    print(f"Linux user space, median of {a.runs} boot(s), ns/op (boot: s) and "
          f"x native; TCG, kernel {lc.kernel_version(a)}, {a.smp} vCPU, {a.mem}")
    base = results.get("native")
    base = base if base and base["status"] == "ok" else None
    print(f"{'op':<16}" + "".join(f"{c:>17}" for c in a.columns))
    for key in a.ops + ["boot"]:
        print(f"{key:<16}" + "".join(f"{cell(results[c], key, base):>17}"
                                     for c in a.columns))
    print(f"{'clocksource':<16}" + "".join(f"{results[c].get('clocksource', '-'):>17}"
                                           for c in a.columns))
    for c in a.columns:
        if results[c]["status"] == "n/a":
            print(f"{c}: n/a ({results[c]['reason']})")


def parse_args():
    ap = argparse.ArgumentParser(description="Linux user-space micro-benchmarks: "
                                 "native QEMU vs Mica vs Xen (ratios)")
    lc.add_common_args(ap, COLUMNS)
    ap.add_argument("--ms", type=int, default=200,
                    help="guest time per timed batch (default %(default)s)")
    ap.add_argument("--reps", type=int, default=5,
                    help="timed batches per operation in a boot; the guest "
                    "prints their median (default %(default)s)")
    ap.add_argument("--kernel-args", default="",
                    help="more arguments for Linux in every column")
    ap.add_argument("--ops", default=",".join(OPS),
                    help="comma-separated subset of %(default)s")
    a = ap.parse_args()
    lc.check_common_args(ap, a, COLUMNS)
    a.ops = [o for o in a.ops.split(",") if o]
    if any(o not in OPS for o in a.ops) or not a.ops:
        ap.error(f"--ops: choose from {','.join(OPS)}")
    # /init's hook (mk-initramfs.sh): commas become spaces. No names
    # means all operations (and a shorter command line).
    names = "" if a.ops == OPS else "," + ",".join(a.ops)
    a.kernel_extra = f"{a.kernel_args} mica.run=mica-micro,-t,{a.ms},-r,{a.reps}{names}"
    return a


def main():
    a = parse_args()
    lc.start(a, "guest_micro")
    results = lc.run_columns(a, COLUMNS, bench_once, describe, summarize)
    print_table(a, results)
    return lc.finish(a, results, ms=a.ms, reps=a.reps)


if __name__ == "__main__":
    sys.exit(main())
