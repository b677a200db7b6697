# SPDX-License-Identifier: MIT
"""Scheduler scenarios: more vCPUs than pCPUs, checked against Mica's
"sched: report" (boot option sched_report=<delay_ms>,<window_ms>) by the
checks of sched_report.py. The rows' extra field `sched` holds what those
checks expect:
  policy  the report's policy name (default "credit")
  share   {domain name: (lo, hi)}: run time in % of the whole machine
  pcpu    {domain name: (lo, hi)}: run time in % of one pCPU
  wake    {"name", "max_us", "min_wakes", "guest_over_pct", "guest_max_us"}:
          wake latency of a sched_wake domain (sched_report.check_wake)

The guests (test/guests/sched_spin.c, sched_wake.c) run for seconds=<n>
from their own start; the report window (1 s after the first domain starts,
3 s long) lies inside every guest's run.

Time: the share, cap and pin rows run QEMU with -icount (ICOUNT):
one host thread runs both pCPUs by turns and virtual time advances with
the instructions executed, so a run is reproducible to the nanosecond and
nearly blind to the host's load (only console output still takes host
time). In real time a host that deschedules one of QEMU's threads for a
few hundred ms (seen on a loaded 2-core host) charges that time to
whichever vCPU was on the frozen pCPU, and shares moved by 10 pp from run
to run. The price: pCPUs never run truly at once there, so `sched-wake`
runs in real time with one thread per pCPU, which also exercises the
scheduler's locking.
"""

REPORT = "on_empty=poweroff sched_report=1000,3000"
TSLICE_US = 30000
SPIN = "guest:sched_spin type=hvm mem=4M"
WAKE = "guest:sched_wake type=hvm mem=4M"
CHECKS = ["cpus", "no-fail", "all-success"]
# 2 ns of virtual time per instruction (500 MIPS); sleep=off: when every
# pCPU halts, time jumps to the next timer instead of waiting for it.
ICOUNT = ["-icount", "shift=1,sleep=off"]
DONE = [r"sched: report over 3\d\d\d ms on 2 pCPUs", r"No domains left",
        r"Powering off"]


def spinners(specs, seconds=6):
    """[(name, extra domain options)] -> sched_spin modules."""
    return [f"{SPIN} name={n} {opts} -- seconds={seconds}".replace("  ", " ")
            for n, opts in specs]


def around(pct, tol=5):
    return (round(pct - tol, 1), round(pct + tol, 1))


def add_shares(scenario):
    weights = [("w1a", "weight=256"), ("w1b", "weight=256"), ("w2", "weight=512"),
               ("w4", "weight=1024")]
    first = [r"Domain 1 \(w1a\): HVM", r"Domain 4 \(w4\): HVM"]

    # Four CPU-bound domains on two pCPUs, weights 1:1:2:4: each gets its
    # weight's share of the machine (w4, one vCPU, can use at most 50%).
    scenario("sched-weights", args=REPORT, modules=spinners(weights), qemu=ICOUNT,
             expect=first + DONE, checks=CHECKS + ["sched-shares"],
             sched={"share": {"w1a": around(12.5), "w1b": around(12.5),
                              "w2": around(25), "w4": around(50)}})

    # The same domains under round robin: weights ignored, 25% each. Shows
    # that sched-shares can tell a weighted policy from an unweighted one.
    scenario("sched-rr-weights", args="sched=rr " + REPORT, modules=spinners(weights),
             qemu=ICOUNT, expect=first + DONE, checks=CHECKS + ["sched-shares"],
             sched={"policy": "rr", "share": {n: around(25) for n, _ in weights}})

    # A cap is a ceiling even with a pCPU to spare: at most 25% of a pCPU
    # (+2 pp for the accounting tick at the window's edges) while the
    # uncapped domain beside it gets a whole pCPU. The lower bound only
    # says the cap is not a starvation.
    scenario("sched-cap", args=REPORT, qemu=ICOUNT,
             modules=spinners([("capped", "cap=25"), ("free", "")]),
             expect=[r"Domain 2 \(free\): HVM"] + DONE, checks=CHECKS + ["sched-pcpu"],
             sched={"pcpu": {"capped": (17, 27), "free": (90, 100)}})

    # A cap below the fair share under contention: the capped domain stays
    # at 30% of a pCPU, the three others share the rest ((200 - 30) / 3 %
    # of a pCPU, 28.3% of the machine, each).
    free3 = [("free1", ""), ("free2", ""), ("free3", "")]
    scenario("sched-cap-contended", args=REPORT, qemu=ICOUNT,
             modules=spinners([("capped", "cap=30")] + free3),
             expect=[r"Domain 4 \(free3\): HVM"] + DONE,
             checks=CHECKS + ["sched-pcpu", "sched-shares"],
             sched={"pcpu": {"capped": (22, 32)},
                    "share": {n: around(28.3) for n, _ in free3}})

    # Pinning: cpu=1 puts two domains on pCPU 1 (half of it each); the
    # unpinned one is left pCPU 0 to itself.
    scenario("sched-pin", args=REPORT, qemu=ICOUNT,
             modules=spinners([("pin1a", "cpu=1"), ("pin1b", "cpu=1"), ("any", "")]),
             expect=[r"Domain 3 \(any\): HVM"] + DONE, checks=CHECKS + ["sched-pcpu"],
             sched={"pcpu": {"pin1a": around(50), "pin1b": around(50),
                             "any": (90, 100)}})


def add(scenario):
    add_shares(scenario)
    load = spinners([(f"spin{i}", "") for i in range(1, 5)], seconds=7)

    # A domain that sleeps 5 ms at a time beside four CPU-bound ones, in
    # real time (one QEMU thread per pCPU: with -icount the pCPUs take
    # turns of several ms, which the waker would see as latency). With the
    # boost on wake, Mica puts it on a pCPU within one time slice every
    # time (runnable to running), and at least a quarter of the window's
    # 600 wake-ups happen. The guest's own lateness (timer due to handler)
    # also holds QEMU's timer delivery on a busy host, tens of ms at worst
    # even natively: at most 1% of wake-ups 30 ms late or more, and no
    # bound on its maximum. (Under sched=rr the waker waits ~90 ms per
    # wake-up.) The spinners, moved between pCPUs that really run at once,
    # must each get 5% of the machine at least.
    scenario("sched-wake", args=REPORT,
             modules=[f"{WAKE} name=waker -- seconds=6 period_us=5000"] + load,
             expect=[r"Domain 5 \(spin4\): HVM"] + DONE,
             checks=CHECKS + ["sched-wake", "sched-shares"],
             sched={"wake": {"name": "waker", "max_us": TSLICE_US, "min_wakes": 150,
                             "guest_over_pct": 1, "guest_max_us": None},
                    "share": {f"spin{i}": (5, 50) for i in range(1, 5)}})

    # More vCPUs than ASIDs (QEMU offers 16: 15 for guests): 20 domains,
    # 16 of them pinned to pCPU 1, which must recycle its ASIDs on every
    # round of its run queue; the other 4 move between the pCPUs and come
    # back to stale ASID tags. Every domain must finish its own run.
    # Before ASIDs were recycled, domain 16 was refused ("out of ASIDs").
    pinned = [(f"p{i}", "cpu=1") for i in range(1, 17)]
    free = [(f"f{i}", "") for i in range(1, 5)]
    scenario("sched-asid-recycle", mem="256M", args="on_empty=poweroff",
             modules=spinners(pinned + free, seconds=3),
             expect=[r"SVM: CPU1: all 15 guest ASIDs in use, recycling them",
                     r"No domains left", r"Powering off"], checks=CHECKS)

    # The 'r' debug key while three domains share two pCPUs: only the
    # header is fixed ("Scheduler: credit"). Not typed during sched-wake:
    # printing it holds up the scheduler for as long as the console takes.
    scenario("sched-debug-key", args="on_empty=poweroff",
             modules=spinners([(f"k{i}", "") for i in range(1, 4)], seconds=3),
             keys=[(r"\(d3\) sched_spin: spinning", "r")],
             expect=[r"Domain 3 \(k3\): HVM", r"Scheduler: credit", r"No domains left",
                     r"Powering off"], checks=CHECKS)
