#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host-side tests of sched_report.py: the report and guest-line parsers and
the checks, on a log in the format Mica and the guests print."""
import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sched_report as sr  # noqa: E402

LOG = """\
(mica) sched: credit, time slice 30 ms
(mica) Domain 1 (w1a): HVM, 4 MiB, 1 vCPU
(mica) Domain 2 (w4): HVM, 4 MiB, 1 vCPU
(d1) sched_spin: spinning for 6 s
(mica) sched: report over 3000 ms on 2 pCPUs (credit)
(mica) sched: d1 w1a weight 256 cap 0 vcpus 1 run 1510 ms share 25.1% pcpu 50.3% \
wakes 0 wake-avg 0 us wake-max 0 us
(mica) sched: d2 w4 weight 1024 cap 0 vcpus 1 run 2990 ms share 49.8% pcpu 99.6% \
wakes 12 wake-avg 40 us wake-max 31000 us
(mica) sched: idle 400 ms switches 200 switch-avg 1500 ns steals 3
(mica) sched: wake latency: <10us 1 <100us 2 <1ms 3 <10ms 4 <30ms 5 >=30ms 6
(mica) sched: d2 w4 destroyed
(d1) sched_spin: 1234 chunks in 6000 ms (205 chunks/s), longest stall 30100 us (ending at 42 ms), state 0x1
(d1) sched_spin: tsc spin 100..9000 counted 200..8000, 2600000 kHz
(d1) Test result: SUCCESS
(mica) Domain 1 (w1a) destroyed (poweroff); memory scrubbed
(mica) Domain 1 (waker): HVM, 4 MiB, 1 vCPU
(d1) sched_wake: 900 wakes in 6001 ms (period 5000 us), lateness avg 70 us max 29000 us \
(at 17 ms), 0 stray wake-ups
(d1) sched_wake: lateness: <10us 0 <100us 800 <1ms 90 <10ms 10 <30ms 0 >=30ms 0
""".splitlines()

SC = {"smp": 2, "sched": {"share": {"w1a": (20, 30), "w4": (45, 55)},
                          "pcpu": {"w4": (90, 100)},
                          "wake": {"name": "w4", "max_us": 30000, "min_wakes": 10,
                                   "guest_over_pct": 1, "guest_max_us": 120000}}}


class ParseTest(unittest.TestCase):
    def test_report_fields(self):
        (r,) = sr.parse_reports(LOG)
        self.assertEqual((r.window_ms, r.ncpus, r.policy), (3000, 2, "credit"))
        self.assertEqual(sorted(r.doms), ["w1a", "w4"])
        w4 = r.doms["w4"]
        self.assertEqual((w4["id"], w4["weight"], w4["run_ms"], w4["wake_max_us"]),
                         (2, 1024, 2990, 31000))
        self.assertAlmostEqual(w4["share"], 49.8)
        self.assertEqual((r.idle_ms, r.switches, r.switch_avg_ns, r.steals),
                         (400, 200, 1500, 3))
        self.assertEqual(r.hist, [1, 2, 3, 4, 5, 6])
        self.assertEqual(r.unparsed, [], "lines after the histogram are not the report's")

    def test_guest_results_follow_reused_ids(self):
        g = sr.guest_results(LOG)
        self.assertEqual(g["w1a"]["chunks"], 1234)
        self.assertEqual((g["w1a"]["count1"], g["w1a"]["khz"]), (8000, 2600000))
        self.assertEqual((g["waker"]["late_max_us"], g["waker"]["late_max_at_ms"]),
                         (29000, 17))
        self.assertEqual(g["w1a"]["stall_end_ms"], 42)
        self.assertEqual(g["waker"]["hist"], [0, 800, 90, 10, 0, 0])

    def test_no_report(self):
        self.assertIn("0 'sched: report' headers", sr.check_shares(LOG[:4], SC))


class CheckTest(unittest.TestCase):
    def test_in_range_passes(self):
        self.assertIsNone(sr.check_shares(LOG, SC))
        self.assertIsNone(sr.check_pcpu(LOG, SC))

    def test_out_of_range_fails_with_report(self):
        sc = dict(SC, sched={"share": {"w4": (12.5, 17.5)}})
        err = sr.check_shares(LOG, sc)
        self.assertIn("w4 share 49.8%, expected 12.5..17.5%", err)
        self.assertIn("sched: idle 400 ms", err)

    def test_policy_and_cpus_must_match(self):
        self.assertIn("expected 2 (rr)",
                      sr.check_shares(LOG, dict(SC, sched={"policy": "rr", "share": {}})))
        self.assertIn("expected 4 (credit)", sr.check_shares(LOG, dict(SC, smp=4)))

    def test_missing_domain(self):
        sc = dict(SC, sched={"pcpu": {"nosuch": (0, 100)}})
        self.assertIn("no report line for domain 'nosuch'", sr.check_pcpu(LOG, sc))

    def test_malformed_line_is_reported(self):
        log = [line.replace("steals 3", "steals many") for line in LOG]
        self.assertIn("unparsed report lines", sr.check_shares(log, SC))

    def test_wake(self):
        err = sr.check_wake(LOG, SC)
        self.assertIn("hypervisor wake-max 31000 us > 30000 us", err)
        self.assertIn("no 'sched_wake: ... lateness' lines from w4", err)
        wake = dict(SC["sched"]["wake"], max_us=40000, min_wakes=13)
        self.assertIn("only 12 wakes", sr.check_wake(LOG, dict(SC, sched={"wake": wake})))

    def test_wake_guest_tail(self):
        wake = dict(SC["sched"]["wake"], name="waker", min_wakes=0, max_us=10**6)
        log = [line.replace("d2 w4 ", "d2 waker ") for line in LOG]
        self.assertIsNone(sr.check_wake(log, dict(SC, sched={"wake": wake})))
        tail = [line.replace("<30ms 0 >=30ms 0", "<30ms 0 >=30ms 10") for line in log]
        err = sr.check_wake(tail, dict(SC, sched={"wake": wake}))
        self.assertIn("1.1% of the guest's 900 wake-ups >= 30 ms late", err)
        self.assertIn("(d1) sched_wake: lateness:", err)
        wake["guest_max_us"] = 20000
        self.assertIn("guest's own max lateness 29000 us > 20000 us",
                      sr.check_wake(log, dict(SC, sched={"wake": wake})))


if __name__ == "__main__":
    unittest.main()
