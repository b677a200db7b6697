#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: cost per operation of instructions that exit to the
hypervisor (CPUID, port I/O, LAPIC MMIO) plus a RAM-only reference loop,
natively in QEMU and as an HVM guest of Mica, side by side.

The guest is test/guests/bench_exits.c; it times each operation with the
TSC for about --ms milliseconds and prints
"bench_exits: <op> <ns> ns/op (<n> kop/s)". Under TCG only the ratios mean
anything: natively QEMU emulates the device in the same thread, on Mica
every exit is an emulated VMRUN/#VMEXIT round trip through Mica. This is a
benchmark, not a test: no timing is ever asserted.

Columns:
  native  qemu -kernel bench_exits.elf (the reference platform)
  mica    Mica with bench_exits as its one HVM domain
  xen     n/a: Xen 4.17 starts a multiboot kernel only as dom0, and an HVM
          domU needs a dom0 toolstack (xl), which this setup does not have
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts", "linux"))
import guestlib as gl  # noqa: E402

OPS = ["cpuid", "inb_cmos", "outb_scratch", "mmio_lapic", "ram"]
WHAT = {"cpuid": "CPUID leaf 0 (intercepted)",
        "inb_cmos": "inb 0x71, CMOS index selected once (emulated port)",
        "outb_scratch": "outb 0x3ff, UART scratch (emulated port)",
        "mmio_lapic": "32-bit read of LAPIC version, 0xfee00030 (emulated MMIO)",
        "ram": "32-bit reads walking a 4 KiB RAM page (no exit: the loop cost)"}
LINE = re.compile(r"^(?:\(d\d+\) )?bench_exits: (\w+) ([0-9.]+) ns/op "
                  r"\((\d+) kop/s\)\s*$", re.M)
VERDICT = re.compile(r"^(?:\(d\d+\) )?Test result: SUCCESS\s*$", re.M)
XEN_NA = "n/a (needs a dom0 toolstack)"


def cmd_native(a):
    return gl.platform_args(smp=1, mem="128M") + [
        "-kernel", a.guest, "-append", f"ms={a.ms}"]


def cmd_mica(a):
    # The domain's module: "<kernel> <domain options> -- <guest cmdline>";
    # Mica keeps pCPU 0 and runs the vCPU on pCPU 1.
    module = f"{a.guest} type=hvm mem=64M -- ms={a.ms}".replace(",", ",,")
    return gl.platform_args(smp=2, mem="1G") + [
        "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
        "-kernel", a.mica_elf, "-append", "on_empty=poweroff",
        "-initrd", module]


COLUMNS = {"native": cmd_native, "mica": cmd_mica}


def run_once(name, cmd, a, i):
    """One boot: {op: ns/op}. Raises RuntimeError with the log's tail."""
    log = os.path.join(a.log_dir, f"{name}-{i + 1}.log")
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=a.timeout)
        out, rc = p.stdout.decode("utf-8", "replace").replace("\r", ""), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), "timeout"
    with open(log, "w") as f:
        f.write(out)
    found = {m.group(1): float(m.group(2)) for m in LINE.finditer(out)}
    missing = [op for op in OPS if op not in found]
    if rc != 0 or missing or not VERDICT.search(out):
        tail = "\n".join("  | " + s for s in out.splitlines()[-15:])
        raise RuntimeError(f"run {i + 1}: exit {rc}, missing {missing or 'verdict'}; "
                           f"log {log}\n{tail}")
    return found


def measure(name, cmd, a):
    runs = []
    for i in range(a.runs):
        runs.append(run_once(name, cmd, a, i))
        print(f"  {name} run {i + 1}/{a.runs}: " +
              " ".join(f"{op}={runs[-1][op]:.1f}" for op in OPS), file=sys.stderr)
    return {op: statistics.median(r[op] for r in runs) for op in OPS}, runs


def parse_args():
    ap = argparse.ArgumentParser(description="exit cost per operation: native "
                                 "QEMU vs Mica (ratios)")
    build = os.path.join(gl.ROOT, "build")
    ap.add_argument("--runs", type=int, default=3, help="boots per column (median)")
    ap.add_argument("--ms", type=int, default=1000,
                    help="TSC milliseconds per operation in the guest (10-10000)")
    ap.add_argument("--columns", default="native,mica",
                    help="comma-separated subset of %(default)s")
    ap.add_argument("--guest", default=os.path.join(build, "guests", "bench_exits.elf"))
    ap.add_argument("--mica-elf", default=os.path.join(build, "mica.elf"))
    ap.add_argument("--timeout", type=float, default=120, help="seconds per boot")
    ap.add_argument("--log-dir", help="serial logs (default: a new temp dir)")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print QEMU commands")
    a = ap.parse_args()
    a.columns = [c for c in a.columns.split(",") if c]
    bad = [c for c in a.columns if c not in COLUMNS]
    if bad or a.runs < 1 or not 10 <= a.ms <= 10000:
        ap.error(f"unknown column(s) {bad}" if bad else "--runs >= 1, --ms 10-10000")
    return a


def run_columns(a):
    results = {}
    for name in a.columns:
        need = [a.guest] + ([a.mica_elf] if name == "mica" else [])
        missing = [f for f in need if not os.path.isfile(f)]
        if missing:
            results[name] = {"status": "n/a",
                             "reason": f"{missing[0]} missing (cmake --build build)"}
            continue
        cmd = COLUMNS[name](a)
        if a.verbose:
            print(f"  {name}: {' '.join(cmd)}", file=sys.stderr)
        try:
            med, runs = measure(name, cmd, a)
            results[name] = {"status": "ok", "median": med, "runs": runs}
        except RuntimeError as e:
            results[name] = {"status": "failed", "reason": str(e)}
    return results


def cell(results, name, op):
    r = results.get(name)
    return f"{r['median'][op]:.1f}" if r and r["status"] == "ok" else "-"


def print_table(a, results):
    print(f"VM-exit cost per operation (bench_exits), QEMU TCG, median of "
          f"{a.runs} run(s), ~{a.ms} ms per op")
    print("Under TCG only the ratios mean anything: absolute ns are those of "
          "an emulated CPU, not of hardware.")
    print(f"{'op':<13} {'native ns/op':>12} {'mica ns/op':>11} {'mica/native':>12}  xen")
    nat, mica = results.get("native", {}), results.get("mica", {})
    for op in OPS:
        ratio = "-"
        if nat.get("status") == "ok" and mica.get("status") == "ok":
            ratio = f"{mica['median'][op] / nat['median'][op]:.1f}"
        print(f"{op:<13} {cell(results, 'native', op):>12} "
              f"{cell(results, 'mica', op):>11} {ratio:>12}  n/a")
    print(f"xen: {XEN_NA}: Xen 4.17 boots a multiboot kernel only as dom0, and "
          "an HVM domU is built by xl in dom0")
    for op in OPS:
        print(f"  {op:<13} {WHAT[op]}")
    for name in a.columns:
        r = results[name]
        if r["status"] != "ok":
            print(f"\n{name} {r['status']}: {r['reason']}")


def main():
    a = parse_args()
    a.log_dir = a.log_dir or tempfile.mkdtemp(prefix="mica-bench-exit_rates-")
    os.makedirs(a.log_dir, exist_ok=True)
    results = run_columns(a)
    print_table(a, results)
    print(f"serial logs: {a.log_dir}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"runs": a.runs, "ms": a.ms, "results": results,
                       "xen": XEN_NA}, f, indent=2)
    return 1 if any(r["status"] == "failed" for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
