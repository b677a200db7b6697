#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: Mica's scheduler with more vCPUs than pCPUs, under QEMU TCG.

Throughput: Mica on -smp <pCPUs> with 1, 2, 4 ... 64 CPU-bound domains
(test/guests/sched_spin.c, one vCPU, mem=4M each). Every guest spins
uncounted for --warmup s, counts fixed chunks of work for --seconds s, then
spins --warmup s more, so that all counting happens while all domains
compete (domains are built one after the other). The table gives the
aggregate chunks per second relative to one domain (one domain can use one
pCPU, so the ideal is min(domains, pCPUs)), the spread between domains,
and, from Mica's sched_report, how busy the pCPUs were and how many
context switches it made and at what cost.

Wake latency: a sched_wake domain (LAPIC one-shot every 5 ms + HLT) started
after --wake-loads CPU-bound ones; Mica's wake-latency histogram
(runnable to running) beside the guest's own (timer due to handler).

Under TCG only the ratios mean anything: absolute chunks/s, ns and us are
those of an emulated CPU on a shared host. Nothing here asserts a time;
the exit status is 1 only if a run did not produce its figures.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(ROOT, "scripts", "linux"))
sys.path.insert(0, os.path.join(ROOT, "test", "boot"))
import guestlib as gl  # noqa: E402
import sched_report as sr  # noqa: E402

MICA_TSC = re.compile(r"\(mica\) TSC: ([0-9.]+) MHz")
VERDICT = re.compile(r"^\(d\d+\) Test result: SUCCESS$")
NOT_BUILT = re.compile(r"\(mica\) .*(out of|not created|no free)")


class RunError(Exception):
    pass


def boot(a, tag, modules, report, timeout):
    """One QEMU run of Mica with the given modules; returns the log lines
    and the host's 1-minute load average at its end (other work on the
    host slows QEMU's pCPU threads and shows in every figure)."""
    mem = 192 + 4 * len(modules)
    args = f"on_empty=poweroff sched_report={report[0]},{report[1]} {a.mica_args}"
    cmd = gl.platform_args(smp=a.smp, mem=f"{mem}M") + [
        "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
        "-kernel", a.mica_elf, "-append", args.strip(),
        "-initrd", ",".join(m.replace(",", ",,") for m in modules)]
    if a.verbose:
        print("  " + " ".join(cmd), file=sys.stderr)
    log = os.path.join(a.log_dir, tag + ".log")
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), "timeout"
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.replace("\r", ""))
    with open(log, "w") as f:
        f.write(out)
    lines = out.splitlines()
    ok = sum(1 for line in lines if VERDICT.match(line))
    if rc != 0 or ok != len(modules):
        # Mica's reasons for domains it did not build come first.
        why = [line for line in lines if NOT_BUILT.search(line)][:3]
        tail = "\n".join("  | " + s for s in why + ["..."] + lines[-10:])
        raise RunError(f"{tag}: exit {rc}, {ok} of {len(modules)} verdicts SUCCESS; "
                       f"log {log}\n{tail}")
    return lines, os.getloadavg()[0]


def one_report(lines, tag):
    reports = sr.parse_reports(lines)
    if len(reports) != 1 or reports[0].hist is None or reports[0].unparsed:
        raise RunError(f"{tag}: no complete sched: report in the log")
    return reports[0]


def spin_module(a, name, seconds, warmup):
    return (f"{a.spin} type=hvm mem=4M name={name} -- seconds={seconds} "
            f"warmup={warmup}")


def throughput(a, n):
    """Aggregate rate and Mica's report for n spinning domains."""
    tag = f"spin-{n}"
    warm = a.warmup + (n * a.build_ms + 999) // 1000
    mods = [spin_module(a, f"s{i}", a.seconds, warm) for i in range(1, n + 1)]
    # The report window: the middle of the counting windows.
    report = (warm * 1000 + 500, a.seconds * 1000 - 1000)
    lines, host_load = boot(a, tag, mods, report, a.timeout + 2 * warm + a.seconds)
    r = one_report(lines, tag)
    mhz = next((float(m[1]) for line in lines if (m := MICA_TSC.search(line))), None)
    g = [v for v in sr.guest_results(lines).values() if "count0" in v and "chunks" in v]
    if len(g) != n or not mhz:
        raise RunError(f"{tag}: {len(g)} of {n} sched_spin results, TSC {mhz} MHz")
    # Each rate over its own counting window at Mica's TSC rate; the windows
    # must all lie where every domain spins, or the sum is not contention.
    rates = [v["chunks"] * mhz * 1e6 / (v["count1"] - v["count0"]) for v in g]
    first_end, last_start = min(v["spin1"] for v in g), max(v["spin0"] for v in g)
    nested = all(last_start <= v["count0"] and v["count1"] <= first_end for v in g)
    return {"domains": n, "rate": sum(rates), "min_rate": min(rates),
            "spread_s": (last_start - min(v["spin0"] for v in g)) / mhz / 1e6,
            "max_rate": max(rates), "nested": nested, "window_ms": r.window_ms,
            "busy_pcpus": sum(d["run_ms"] for d in r.doms.values()) / r.window_ms,
            "idle_ms": r.idle_ms, "switches": r.switches,
            "switch_avg_ns": r.switch_avg_ns, "steals": r.steals, "policy": r.policy,
            "host_load": host_load}


def wake_latency(a, load):
    """Mica's and the guest's wake-latency figures, sched_wake last of
    load + 1 domains."""
    tag = f"wake-{load}"
    build_s = (load * a.build_ms + 999) // 1000
    mods = [spin_module(a, f"s{i}", a.seconds + 2 * build_s + 2, 0)
            for i in range(1, load + 1)]
    # Built last, the waker runs its whole time beside all the others; the
    # report window starts once it has surely started and ends before it.
    mods.append(f"{a.wake} type=hvm mem=4M name=waker -- seconds={a.seconds + build_s} "
                "period_us=5000")
    report = (build_s * 1000 + 1000, a.seconds * 1000 - 1000)
    lines, host_load = boot(a, tag, mods, report, a.timeout + 2 * build_s + a.seconds)
    r = one_report(lines, tag)
    d, g = r.doms.get("waker"), sr.guest_results(lines).get("waker", {})
    if not d or "hist" not in g:
        raise RunError(f"{tag}: no report line or no lateness line for the waker")
    return {"load": load, "pcpus": r.ncpus, "wakes": d["wakes"],
            "hv_avg_us": d["wake_avg_us"], "hv_max_us": d["wake_max_us"],
            "hv_hist": r.hist, "guest_wakes": g["wakes"], "guest_avg_us": g["late_avg_us"],
            "guest_max_us": g["late_max_us"], "guest_hist": g["hist"], "host_load": host_load}


def median_run(fn, a, arg, key):
    runs = []
    for i in range(a.runs):
        runs.append(fn(a, arg))
        print(f"  {fn.__name__}({arg}) run {i + 1}/{a.runs} done", file=sys.stderr)
    runs.sort(key=lambda r: r[key])
    return runs[len(runs) // 2]


def print_throughput(a, rows):
    base = next((r["rate"] for r in rows if r["domains"] == 1), None)
    print(f"CPU-bound domains on {a.smp} pCPUs ({rows[0]['policy'] if rows else '?'}), "
          f"QEMU TCG, {a.seconds} s counted per domain, median of {a.runs} run(s)")
    print(f"{'domains':>7} {'chunks/s':>10} {'x 1 dom':>8} {'min/max':>8} "
          f"{'busy pCPUs':>10} {'idle ms':>8} {'switch/s':>8} {'switch ns':>9} "
          f"{'steals':>6} {'starts s':>8} {'host load':>9}")
    for r in rows:
        rel = f"{r['rate'] / base:.2f}" if base else "-"
        flag = "" if r["nested"] else "  (counting windows not nested: raise --warmup)"
        print(f"{r['domains']:>7} {r['rate']:>10.0f} {rel:>8} "
              f"{r['min_rate'] / r['max_rate']:>8.2f} {r['busy_pcpus']:>10.2f} "
              f"{r['idle_ms']:>8} {r['switches'] * 1000 / r['window_ms']:>8.0f} "
              f"{r['switch_avg_ns']:>9} {r['steals']:>6} {r['spread_s']:>8.2f} "
              f"{r['host_load']:>9.1f}{flag}")


def print_wake(rows):
    print("\nWake latency of sched_wake (5 ms LAPIC one-shot + HLT) beside CPU-bound "
          "domains: Mica (runnable->running, report window) | guest (timer due->handler)")
    print(f"{'load':>4} {'wakes':>6} {'avg us':>7} {'max us':>7}  "
          + " ".join(f"{b:>6}" for b in sr.BUCKETS) + " | "
          f"{'wakes':>6} {'avg us':>7} {'max us':>7}  "
          + " ".join(f"{b:>6}" for b in sr.BUCKETS) + f" {'host load':>9}")
    for r in rows:
        print(f"{r['load']:>4} {r['wakes']:>6} {r['hv_avg_us']:>7} {r['hv_max_us']:>7}  "
              + " ".join(f"{n:>6}" for n in r["hv_hist"]) + " | "
              f"{r['guest_wakes']:>6} {r['guest_avg_us']:>7} {r['guest_max_us']:>7}  "
              + " ".join(f"{n:>6}" for n in r["guest_hist"]) + f" {r['host_load']:>9.1f}")


def parse_args():
    ap = argparse.ArgumentParser(description="Mica scheduler: throughput with 1..64 "
                                 "domains and wake latency under load (QEMU TCG)")
    build = os.path.join(ROOT, "build")
    ap.add_argument("--counts", default="1,2,4,8,16,32,64",
                    help="numbers of CPU-bound domains (default %(default)s)")
    ap.add_argument("--wake-loads", default="0,4,16",
                    help="CPU-bound domains beside sched_wake (default %(default)s)")
    ap.add_argument("--smp", type=int, default=2, help="pCPUs (QEMU -smp)")
    ap.add_argument("--seconds", type=int, default=6, help="counted seconds per guest")
    ap.add_argument("--warmup", type=int, default=2,
                    help="uncounted seconds before and after, plus the build time")
    ap.add_argument("--build-ms", type=int, default=100,
                    help="allowance per domain for Mica to build it (default %(default)s)")
    ap.add_argument("--runs", type=int, default=1, help="boots per row (median)")
    ap.add_argument("--mica-args", default="", help="more Mica options, e.g. sched=rr")
    ap.add_argument("--spin", default=os.path.join(build, "guests", "sched_spin.elf"))
    ap.add_argument("--wake", default=os.path.join(build, "guests", "sched_wake.elf"))
    ap.add_argument("--mica-elf", default=os.path.join(build, "mica.elf"))
    ap.add_argument("--timeout", type=float, default=180, help="seconds per boot, "
                    "plus the guests' own run time")
    ap.add_argument("--log-dir", help="serial logs (default: a new temp dir)")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print QEMU commands")
    a = ap.parse_args()
    a.counts = [int(n) for n in a.counts.split(",") if n]
    a.wake_loads = [int(n) for n in a.wake_loads.split(",") if n]
    if a.seconds < 2 or a.runs < 1 or any(n < 1 for n in a.counts):
        ap.error("--seconds >= 2, --runs >= 1, --counts >= 1")
    return a


def main():
    a = parse_args()
    missing = [f for f in (a.mica_elf, a.spin, a.wake) if not os.path.isfile(f)]
    if missing:
        print(f"{missing[0]} missing (cmake --build build)", file=sys.stderr)
        return 1
    a.log_dir = a.log_dir or tempfile.mkdtemp(prefix="mica-bench-sched-")
    os.makedirs(a.log_dir, exist_ok=True)
    spin, wake, failed = [], [], []
    for fn, args, out, key in ((throughput, a.counts, spin, "rate"),
                               (wake_latency, a.wake_loads, wake, "hv_max_us")):
        for arg in args:
            try:
                out.append(median_run(fn, a, arg, key))
            except RunError as e:
                failed.append(str(e))
    print_throughput(a, spin)
    print_wake(wake)
    print("\nUnder TCG only the ratios mean anything; absolute figures are those of "
          "an emulated CPU on a shared host.")
    for e in failed:
        print(f"\nfailed: {e}")
    print(f"serial logs: {a.log_dir}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"smp": a.smp, "seconds": a.seconds, "runs": a.runs,
                       "throughput": spin, "wake": wake, "failed": failed}, f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
