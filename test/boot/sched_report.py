# SPDX-License-Identifier: MIT
"""Mica's scheduler report and the scheduler test guests, read from a serial
log; the boot checks built on them. Shared by run_boot_test.py and
bench/sched.py.

The report (boot option sched_report=<delay_ms>,<window_ms>):
  (mica) sched: report over <W> ms on <N> pCPUs (<policy>)
  (mica) sched: d<id> <name> weight <w> cap <c> vcpus <n> run <ms> ms share <x>% \
pcpu <x>% wakes <n> wake-avg <us> us wake-max <us> us
  (mica) sched: idle <ms> ms switches <n> switch-avg <ns> ns steals <n>
  (mica) sched: wake latency: <10us <n> <100us <n> <1ms <n> <10ms <n> <30ms <n> >=30ms <n>
"""
import re

BUCKETS = ["<10us", "<100us", "<1ms", "<10ms", "<30ms", ">=30ms"]
_HIST = " ".join(re.escape(b) + r" (\d+)" for b in BUCKETS)
HEAD = re.compile(r"\(mica\) sched: report over (\d+) ms on (\d+) pCPUs? \(([\w-]+)\)\s*$")
DOM = re.compile(r"\(mica\) sched: d(\d+) (.+?) weight (\d+) cap (\d+) vcpus (\d+) "
                 r"run (\d+) ms share ([0-9.]+)% pcpu ([0-9.]+)% wakes (\d+) "
                 r"wake-avg (\d+) us wake-max (\d+) us\s*$")
TOTAL = re.compile(r"\(mica\) sched: idle (\d+) ms switches (\d+) switch-avg (\d+) ns "
                   r"steals (\d+)\s*$")
HIST = re.compile(r"\(mica\) sched: wake latency: " + _HIST + r"\s*$")
ANY = re.compile(r"\(mica\) sched: ")
DOM_FIELDS = ["id", "name", "weight", "cap", "vcpus", "run_ms", "share", "pcpu",
              "wakes", "wake_avg_us", "wake_max_us"]

CREATED = re.compile(r"\(mica\) Domain (\d+) \(([^)]*)\): (?:HVM|PVH)")
SPIN = re.compile(r"^\(d(\d+)\) sched_spin: (\d+) chunks in (\d+) ms \((\d+) chunks/s\), "
                  r"longest stall (\d+) us \(ending at (\d+) ms\)")
SPIN_TSC = re.compile(r"^\(d(\d+)\) sched_spin: tsc spin (\d+)\.\.(\d+) counted (\d+)\.\.(\d+), "
                      r"(\d+) kHz")
WAKE = re.compile(r"^\(d(\d+)\) sched_wake: (\d+) wakes in (\d+) ms \(period (\d+) us\), "
                  r"lateness avg (\d+) us max (\d+) us \(at (\d+) ms\)")
WAKE_HIST = re.compile(r"^\(d(\d+)\) sched_wake: lateness: " + _HIST)


class Report:
    """One report: window_ms, ncpus, policy, doms {name: {field: value}},
    idle_ms, switches, switch_avg_ns, steals, hist [6 counts], the raw
    lines, and the report lines that matched no format (unparsed)."""

    def __init__(self, m):
        self.window_ms, self.ncpus, self.policy = int(m[1]), int(m[2]), m[3]
        self.doms, self.hist, self.totals = {}, None, None
        self.lines, self.unparsed = [m.string], []

    def add(self, line):
        self.lines.append(line)
        if m := DOM.search(line):
            d = dict(zip(DOM_FIELDS, m.groups()))
            for k in DOM_FIELDS:
                if k != "name":
                    d[k] = float(d[k]) if k in ("share", "pcpu") else int(d[k])
            self.doms[d["name"]] = d
        elif m := TOTAL.search(line):
            self.idle_ms, self.switches, self.switch_avg_ns, self.steals = map(int, m.groups())
            self.totals = True
        elif m := HIST.search(line):
            self.hist = [int(n) for n in m.groups()]
        else:
            self.unparsed.append(line)

    def text(self):
        return "\n".join("    " + line for line in self.lines)


def parse_reports(lines):
    """Every report in the log, in order."""
    reports = []
    for line in lines:
        if m := HEAD.search(line):
            reports.append(Report(m))
        elif reports and reports[-1].hist is None and ANY.search(line):
            reports[-1].add(line)  # the histogram line ends a report
    return reports


def guest_results(lines):
    """{domain name: {...}} from the sched_spin and sched_wake lines; each
    (dN) is named by the latest "Domain N (name)" line before it, since
    domain ids are reused once a domain is gone."""
    names, out = {}, {}
    for line in lines:
        if m := CREATED.search(line):
            names[m[1]] = m[2]
            continue
        for rx, keys in ((SPIN, ["chunks", "ms", "rate", "stall_us", "stall_end_ms"]),
                         (SPIN_TSC, ["spin0", "spin1", "count0", "count1", "khz"]),
                         (WAKE, ["wakes", "ms", "period_us", "late_avg_us", "late_max_us",
                                 "late_max_at_ms"]),
                         (WAKE_HIST, ["hist"])):
            if m := rx.search(line):
                vals = [int(v) for v in m.groups()[1:]]
                rec = out.setdefault(names.get(m[1], "d" + m[1]), {})
                rec.update({"hist": vals} if keys == ["hist"] else dict(zip(keys, vals)))
    return out


def the_report(lines, sc):
    """(report, None) or (None, why): exactly one well-formed report, of the
    expected policy, over the scenario's pCPUs."""
    reports = parse_reports(lines)
    if len(reports) != 1:
        return None, f"{len(reports)} 'sched: report' headers in the log, expected 1"
    r = reports[0]
    want = sc["sched"].get("policy", "credit")
    if r.unparsed or r.totals is None or r.hist is None:
        why = f"unparsed report lines {r.unparsed[:2]}" if r.unparsed else "incomplete report"
        return None, f"{why}:\n{r.text()}"
    if r.policy != want or r.ncpus != sc["smp"]:
        return None, (f"report is for {r.ncpus} pCPUs ({r.policy}), expected {sc['smp']} "
                      f"({want}):\n{r.text()}")
    return r, None


def _domain(r, name):
    d = r.doms.get(name)
    return d, None if d else f"no report line for domain {name!r}:\n{r.text()}"


def _ranges(lines, sc, key, field, unit):
    """Each named domain's field within [lo, hi]."""
    r, err = the_report(lines, sc)
    if err:
        return err
    bad = []
    for name, (lo, hi) in sc["sched"][key].items():
        d, err = _domain(r, name)
        if err:
            return err
        if not lo <= d[field] <= hi:
            bad.append(f"{name} {field} {d[field]}{unit}, expected {lo}..{hi}{unit}")
    return "; ".join(bad) + ":\n" + r.text() if bad else None


def check_shares(lines, sc):
    """sc["sched"]["share"] = {name: (lo, hi)} in % of the machine."""
    return _ranges(lines, sc, "share", "share", "%")


def check_pcpu(lines, sc):
    """sc["sched"]["pcpu"] = {name: (lo, hi)} in % of one pCPU."""
    return _ranges(lines, sc, "pcpu", "pcpu", "%")


def check_wake(lines, sc):
    """sc["sched"]["wake"] = {"name", "max_us", "min_wakes", "guest_max_us",
    "guest_over_pct"}: the domain's wake-max in Mica's report at most
    max_us, at least min_wakes wake-ups in the window; of the guest's own
    wake-ups at most guest_over_pct % 30 ms or more late, none beyond
    guest_max_us (None: no bound). The guest's lateness also holds the
    host's delay in delivering QEMU's timers, which on a loaded host
    reaches tens of ms even without Mica: hence a bound on the tail."""
    w = sc["sched"]["wake"]
    r, err = the_report(lines, sc)
    if err:
        return err
    d, err = _domain(r, w["name"])
    if err:
        return err
    g = guest_results(lines).get(w["name"], {})
    bad = []
    if d["wake_max_us"] > w["max_us"]:
        bad.append(f"hypervisor wake-max {d['wake_max_us']} us > {w['max_us']} us")
    if d["wakes"] < w["min_wakes"]:
        bad.append(f"only {d['wakes']} wakes in the window, expected >= {w['min_wakes']}")
    if "late_max_us" not in g or "hist" not in g:
        bad.append(f"no 'sched_wake: ... lateness' lines from {w['name']}")
    else:
        over = 100.0 * g["hist"][-1] / max(1, g["wakes"])
        if over > w["guest_over_pct"]:
            bad.append(f"{over:.1f}% of the guest's {g['wakes']} wake-ups >= 30 ms late, "
                       f"more than {w['guest_over_pct']}%")
        if w["guest_max_us"] is not None and g["late_max_us"] > w["guest_max_us"]:
            bad.append(f"guest's own max lateness {g['late_max_us']} us > "
                       f"{w['guest_max_us']} us")
    if bad:
        glines = [line for line in lines if re.search(r"sched_wake: (\d+ wakes|lateness:)", line)]
        return "; ".join(bad) + ":\n" + r.text() + "\n" + "\n".join("    " + x for x in glines)
    return None


CHECKS = {"sched-shares": check_shares, "sched-pcpu": check_pcpu, "sched-wake": check_wake}
