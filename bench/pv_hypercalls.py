#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: hypercalls per operation of a PV Linux guest on Mica.

For each operation of bench/linux/micro.c the Debian kernel boots as a PV
domain with Mica's `stats` option twice: once running exactly N iterations
(mica.run=mica-micro,-n,N,<op>) and once N=0 (the same program, setup and
teardown, no iteration). When the domain ends Mica prints its counts
(hv/xen/hcstats.c: "hcstats d<id> <group> <name> <count>"); the difference
divided by N (by 2N for ctxsw: two switches per round trip) is what one
operation costs in hypercalls, page-table requests, bounces and emulations.
Counts do not depend on TCG's speed, except for timer-driven work (timer
hypercalls, event upcalls) that falls into the N-iteration run: with
--runs > 1 the table gives the median and the spread shows that noise.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_columns as lc  # noqa: E402
from linux_columns import gl  # noqa: E402

# Iterations per operation: enough that one more or less timer tick
# during the run is far below 0.01 per operation.
ITERS = {"null_syscall": 20000, "fork_exit_wait": 200, "pagefault": 8192,
         "ctxsw": 2000, "mmap_munmap_64k": 2000}
PER_ITER = {"ctxsw": 2}  # operations per iteration (micro.c ops_per_iter)
RESULT = r"MICA-BENCH (\w+) ?([^\r\n]*)\r*\n"
STAT = r"hcstats d\d+ (\w+) (\S+) (\d+)\r*\n"
# Ratios of two counts: requests per batching call.
BATCHES = [("mmu_update requests per call", ("entries", "mmu_update"),
            ("hypercall", "mmu_update")),
           ("mmuext_op ops per call", ("entries", "mmuext_op"), ("hypercall", "mmuext_op")),
           ("multicall entries per call", ("entries", "multicall"),
            ("hypercall", "multicall"))]


def counts_once(g, a):
    """One boot: {(group, name): count} of the domain's table at its end."""
    g.expect(gl.BANNER, a.timeout, "banner")
    while True:
        m = g.expect(RESULT, a.timeout)
        if m.group(1) == b"done":
            break
        if m.group(1) == b"error":
            raise gl.GuestError(m.group(0).decode().strip())
    g.expect(r"hcstats d\d+ begin", a.timeout)
    out = {}
    while True:
        m = g.expect(STAT, a.timeout)
        group, name, n = (x.decode() for x in m.groups())
        if group == "end":
            return out
        out[(group, name)] = int(n)


def boot(a, op, n, i):
    a.kernel_extra = f"mica.run=mica-micro,-n,{n},{op}"
    return lc.boot(a, f"{op}-n{n}", i, lc.cmd_mica(a, "pv"), lambda g: counts_once(g, a))


def per_op(a, op):
    """{(group, name): [count per operation, one per run]}."""
    n = a.iters[op]
    ops = n * PER_ITER.get(op, 1)
    runs = {}
    for i in range(a.runs):
        base, full = boot(a, op, 0, i), boot(a, op, n, i)
        for key in set(base) | set(full):
            runs.setdefault(key, []).append((full.get(key, 0) - base.get(key, 0)) / ops)
        total = sum(v for k, v in full.items() if k[0] == "hypercall") - \
            sum(v for k, v in base.items() if k[0] == "hypercall")
        print(f"  {op} run {i + 1}/{a.runs}: {total / ops:.2f} hypercalls per op",
              file=sys.stderr)
    return runs


def table_rows(results):
    """Every count that is at least 0.05 per operation somewhere, then the
    batch sizes."""
    keys = sorted({k for r in results.values() for k, v in r.items()
                   if abs(lc.median(v)) >= 0.05})
    rows = [(f"{g} {n}", {op: lc.median(r.get((g, n), [0])) for op, r in results.items()})
            for g, n in keys]
    for label, num, den in BATCHES:
        cells = {}
        for op, r in results.items():
            d = lc.median(r.get(den, [0]))
            cells[op] = lc.median(r.get(num, [0])) / d if d >= 0.05 else None
        rows.append((label, cells))
    return rows


def print_table(a, results):
    print(f"PV Linux on Mica: counts per operation (N iterations minus N=0, / N), "
          f"median of {a.runs} run(s); kernel {lc.kernel_version(a)}, {a.mem}")
    ops = list(results)
    print("| count | " + " | ".join(f"`{op}` (N={a.iters[op]})" for op in ops) + " |")
    print("|---|" + "---:|" * len(ops))
    for label, cells in table_rows(results):
        print(f"| {label} | " + " | ".join("-" if cells[op] is None else f"{cells[op]:.2f}"
                                           for op in ops) + " |")


def parse_args():
    ap = argparse.ArgumentParser(description="hypercalls per operation of PV Linux on Mica")
    lc.add_common_args(ap, {"mica-pv": None})
    ap.set_defaults(runs=1)
    ap.add_argument("--ops", default=",".join(ITERS),
                    help="comma-separated subset of %(default)s")
    ap.add_argument("--iters", dest="iters_spec", default="",
                    help="op=N,... to change the iterations per operation")
    a = ap.parse_args()
    lc.check_common_args(ap, a, {"mica-pv": None})
    a.ops = [o for o in a.ops.split(",") if o]
    a.iters = dict(ITERS)
    for item in filter(None, a.iters_spec.split(",")):
        op, _, n = item.partition("=")
        if op not in ITERS or not n.isdigit() or int(n) < 1:
            ap.error(f"--iters: bad item {item!r}")
        a.iters[op] = int(n)
    if not a.ops or any(o not in ITERS for o in a.ops):
        ap.error(f"--ops: choose from {','.join(ITERS)}")
    a.domain_extra = "stats"
    return a


def main():
    a = parse_args()
    lc.start(a, "pv_hypercalls")
    results = {}
    try:
        for op in a.ops:
            results[op] = per_op(a, op)
    except (RuntimeError, lc.NotAvailable) as e:
        print(f"failed: {e}")
        return 1
    print_table(a, results)
    print(f"serial logs: {a.log_dir}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({op: {f"{g} {n}": v for (g, n), v in r.items()}
                       for op, r in results.items()}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
