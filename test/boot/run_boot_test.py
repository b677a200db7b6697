#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot Mica in QEMU (the VMX twins: in Bochs, bochs.py) for one scenario
of scenarios.py and check the serial log and the exit status; on failure
print why and the tail of the log."""
import argparse
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bochs  # noqa: E402
from scenarios import CTRL_A3, SCENARIOS  # noqa: E402
from sched_report import CHECKS as SCHED_CHECKS  # noqa: E402

MEM_MIB = {"128M": 128, "256M": 256, "4G": 4096}
MAX_DOMAINS_SWITCH = 16  # Ctrl-A rounds to get the input back to Mica


def qemu_command(sc, build, iso_dir):
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-cpu", sc["cpu"],
           "-accel", sc["accel"], "-smp", str(sc["smp"]), "-m", sc["mem"],
           "-device", "intel-iommu", "-display", "none", "-no-reboot",
           "-serial", "stdio", "-monitor", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    if sc["accel"] == "tcg":
        cmd += sc.get("qemu", [])  # TCG options such as -icount
    cmd += os.environ.get("MICA_QEMU_EXTRA", "").split()  # e.g. "-d cpu_reset -D q.log"
    elf = os.path.join(build, "mica.elf")
    if sc["modules"]:
        cmd += ["-initrd", ",".join(module_arg(m, build) for m in sc["modules"])]
    if sc["boot"] == "kernel":
        return cmd + ["-kernel", elf, "-append", sc["args"]]
    iso = os.path.join(iso_dir, "mica.iso")
    subprocess.run(["sh", os.path.join(ROOT, "scripts", "mkiso.sh"), elf, iso]
                   + sc["args"].split(), check=True)
    return cmd + ["-cdrom", iso]


def module_file(module, build):
    """'guest:<name> opts' names a test guest of build/guests; 'file:<path>'
    a file relative to the build directory: '<file path> opts'."""
    image, _, opts = module.partition(" ")
    kind, _, name = image.rpartition(":")
    if kind == "guest":
        path = os.path.join(build, "guests", name + ".elf")
    elif kind == "linux":
        path = os.path.join(build, "linux", name)
    else:
        path = os.path.join(build, image)
    return path + (" " + opts if opts else "")


def module_arg(module, build):
    """A module for QEMU's -initrd, commas escaped."""
    return module_file(module, build).replace(",", ",,")


def unread(fd):
    """Bytes waiting in a terminal's input queue (FIONREAD)."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]


class Console:
    """The serial port: QEMU's stdio on pipes, or the master side of the
    pseudo-terminal Bochs' COM1 is on (term: master and slave fds); a
    reader thread collects lines. Bochs' own output is kept apart (output())."""

    def __init__(self, cmd, log_path, term=None):
        self.out = tempfile.TemporaryFile() if term else None
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL if term else subprocess.PIPE,
            stdout=self.out or subprocess.PIPE, stderr=subprocess.STDOUT)
        self.fd = term[0] if term else self.proc.stdout.fileno()
        self.wfd = term[0] if term else self.proc.stdin.fileno()
        self.slave = term[1] if term else None   # kept open to see what is unread
        self.lines = []
        self.log = open(log_path, "w")
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _chunks(self):
        while True:
            try:
                data = os.read(self.fd, 4096)
            except OSError:   # EIO: no one has the pty's other side open
                if self.proc.poll() is not None:
                    return
                time.sleep(0.05)   # Bochs has not opened it yet
                continue
            if not data:
                return
            yield data

    def _read(self):
        pending = b""
        for data in self._chunks():
            *done, pending = (pending + data).split(b"\n")
            for raw in done:
                self._add(raw)
        if pending:
            self._add(pending)

    def _add(self, raw):
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line)
        with self.lock:
            self.lines.append(line)
        self.log.write(line + "\n")
        self.log.flush()

    def output(self):
        """What Bochs printed (not the serial port)."""
        if not self.out:
            return ""
        self.out.seek(0)
        return self.out.read().decode("utf-8", "replace")

    def wait_for(self, regex, deadline):
        pat = re.compile(regex)
        while time.time() < deadline:
            with self.lock:
                if any(pat.search(line) for line in self.lines):
                    return True
            if self.proc.poll() is not None:
                time.sleep(0.2)
                with self.lock:
                    return any(pat.search(line) for line in self.lines)
            time.sleep(0.05)
        return False

    def focus_is_mica(self):
        """Where serial input goes: Mica until a switch line says otherwise."""
        with self.lock:
            said = [line for line in self.lines if "*** Serial input to" in line]
        return not said or "Serial input to Mica" in said[-1]

    def dump_state(self, keys="rtv"):
        """A scenario that ran out of time: move the input to Mica (Ctrl-A
        three times until it says so) and press debug keys, so that the
        log shows the scheduler's, the timers' and the HVM vCPUs' state; a Mica that no
        longer answers shows that too."""
        for _ in range(MAX_DOMAINS_SWITCH):
            if self.focus_is_mica() or self.proc.poll() is not None:
                break
            seen = len(self.lines)
            self.type(CTRL_A3)
            end = time.time() + 3
            while len(self.lines) == seen and time.time() < end:
                time.sleep(0.05)
        if not self.focus_is_mica():
            return "input could not be moved to Mica"
        seen = len(self.lines)
        self.type(keys)
        time.sleep(3)
        return f"debug keys {keys!r} pressed: {len(self.lines) - seen} lines of answer"

    def type(self, keys):
        if self.out is None:
            os.write(self.wfd, keys.encode())
            return
        # Bochs moves what is in the pty into its 16-byte receive FIFO at
        # the line's rate, guest time, and drops what does not fit; Mica
        # drains the FIFO every 10 ms. Keys queued while Bochs is held up
        # on a busy host would arrive as one burst: each key is typed
        # only once Bochs has read the one before.
        for ch in keys.encode():
            os.write(self.wfd, bytes([ch]))
            while self.proc.poll() is None and unread(self.slave):
                time.sleep(0.005)
            time.sleep(bochs.KEY_DELAY)


def check_in_order(lines, patterns):
    i = 0
    for pat in patterns:
        rx = re.compile(pat)
        while i < len(lines) and not rx.search(lines[i]):
            i += 1
        if i == len(lines):
            return f"expected line not found (in order): /{pat}/"
        i += 1
    return None


def check_cpus(lines, sc):
    want = sc["smp"]
    online = [line for line in lines if re.search(r"CPU\d+ online \(APIC id", line)]
    summary = [line for line in lines if re.search(r"\(mica\) \d+ CPUs? online$", line)]
    if len(online) != want:
        return f"{len(online)} 'CPUn online' lines, expected {want}"
    if not summary or int(summary[-1].split()[1]) != want:
        return f"summary line {summary[-1:]} does not say {want} CPUs"
    return None


def parse_memory(lines):
    """Whole 4 KiB frames of RAM in the first printed map, and the summary
    line that follows it (the 'm' key prints both again later)."""
    frames = 0
    for line in lines:
        if "KiB RAM in map" in line:
            return frames * 4096, line
        m = re.search(r"\(mica\)   ([0-9a-f]{16}) - ([0-9a-f]{16}) RAM$", line)
        if m:
            base, end = int(m.group(1), 16), int(m.group(2), 16)
            frames += max(0, end // 4096 - (base + 4095) // 4096)
    return frames * 4096, None


def check_memory(lines, sc):
    """The map's RAM must agree with -m, and the free memory reported must
    be exactly the map's RAM less what Mica itself keeps or uses."""
    ram, summary = parse_memory(lines)
    if not summary:
        return "no 'Memory:' summary line"
    nums = [int(n) for n in re.findall(r"(\d+) KiB", summary)]
    map_kib, free, low, image, early, modules, used = nums
    if map_kib != ram // 1024:
        return f"summary says {map_kib} KiB RAM, the printed map sums to {ram // 1024}"
    if free + low + image + early + modules + used != map_kib:
        return (f"free {free} + kept {low} + image {image} + early {early} + "
                f"modules {modules} + allocated {used} != {map_kib} KiB in map")
    limit = MEM_MIB[sc["mem"]] * 1024
    if "ram<=64M" in sc["checks"]:
        limit = 64 * 1024
        if map_kib > limit:
            return f"{map_kib} KiB RAM despite mem=64M"
        return None
    # QEMU's firmware keeps under 1 MiB of -m (the 640 KiB-1 MiB hole and
    # its tables at the top of low RAM); all the rest must be in the map.
    if not (limit - 1024 <= map_kib <= limit):
        return f"map has {map_kib} KiB RAM, QEMU was given {limit} KiB"
    if free < map_kib - image - early - low - 256:
        return f"only {free} KiB free of {map_kib} KiB"
    return None


def check_timers(lines, sc):
    fired = [line for line in lines if re.search(r"timer self-test: CPU\d+ ok", line)]
    if len(fired) != sc["smp"]:
        return f"{len(fired)} CPUs passed the timer self-test, expected {sc['smp']}"
    return None


def check_no_fail(lines, sc):
    bad = [line for line in lines if re.search(r"^\(d\d+\) FAIL", line)
           or "FATAL" in line or "PANIC" in line]
    return f"failure lines: {bad[:3]}" if bad else None


def check_both_success(lines, sc):
    ok = {m.group(1) for line in lines
          if (m := re.match(r"\((d\d+)\) Test result: SUCCESS$", line))}
    return None if {"d1", "d2"} <= ok else f"SUCCESS only from {sorted(ok)}"


def check_no_crosstalk(lines, sc):
    """Each guest's answer appears only on its own console lines."""
    bad = [line for line in lines if re.search(r"\(d2\) one-2|\(d1\) two-3", line)]
    return f"output on the wrong console: {bad[:2]}" if bad else None


def check_all_success(lines, sc):
    """Every module's domain printed the verdict SUCCESS."""
    ok = [line for line in lines if re.match(r"\(d\d+\) Test result: SUCCESS$", line)]
    want = len(sc["modules"])
    return None if len(ok) >= want else f"{len(ok)} of {want} domains said SUCCESS"


CHECKS = {"no-crosstalk": check_no_crosstalk, "cpus": check_cpus, "memory": check_memory, "timers": check_timers,
          "no-fail": check_no_fail, "both-success": check_both_success,
          "all-success": check_all_success, **SCHED_CHECKS}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start(sc, build, tmp, log_path):
    """The machine for this scenario and its time limit: QEMU, or Bochs
    for the VMX twins when MICA_BOCHS names one."""
    if sc["vendor"] != "intel" or not bochs.binary():
        return Console(qemu_command(sc, build, tmp), log_path), sc["timeout"]
    master, slave = pty.openpty()
    tty.setraw(slave)
    cmd = bochs.command(sc, build, tmp, os.ttyname(slave),
                        [module_file(m, build) for m in sc["modules"]],
                        os.path.join(ROOT, "scripts", "mkiso.sh"))
    return Console(cmd, log_path, term=(master, slave)), bochs.timeout(sc)


def run(sc, build):
    log_dir = os.path.join(build, "test-logs")
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, sc["name"] + ".log")
    with tempfile.TemporaryDirectory() as tmp:
        con, limit = start(sc, build, tmp, log_path)
        deadline = time.time() + limit
        errors = []
        for after, keys in sc["keys"]:
            if not con.wait_for(after, deadline):
                errors.append(f"never saw /{after}/ to type {keys!r}")
                break
            con.type(keys)
        try:
            status = con.proc.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            errors.append(f"still running after {limit} s; {con.dump_state()}")
            con.proc.kill()
            con.proc.wait()
            status = None
        time.sleep(0.2)
    if con.out and status is not None:
        status, why = bochs.exit_status(status, con.output())
        if why:
            errors.append(f"Bochs: {why}")
    lines = con.lines
    if status is not None and status != sc["exit"]:
        errors.append(f"exit status {status}, expected {sc['exit']}")
    err = check_in_order(lines, sc["expect"])
    if err:
        errors.append(err)
    for pat in sc.get("forbid", []):
        bad = [line for line in lines if re.search(pat, line)]
        if bad:
            errors.append(f"forbidden line /{pat}/: {bad[0]!r} ({len(bad)} in all)")
    for name in sc["checks"]:
        if name in CHECKS:
            err = CHECKS[name](lines, sc)
            if err:
                errors.append(f"{name}: {err}")
    return errors, lines, log_path


SKIP = 77  # ctest SKIP_RETURN_CODE of the vendor=intel rows


def read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def kvm_vmx_unavailable():
    """Why KVM cannot run a VMX guest hypervisor here, or None: it can
    only on an Intel host whose kvm_intel has nested virtualization."""
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm"
    if " vmx" not in (read_text("/proc/cpuinfo") or ""):
        return "host CPU lacks VMX"
    nested = (read_text("/sys/module/kvm_intel/parameters/nested") or "N").strip()
    if nested not in ("Y", "y", "1"):
        return "kvm_intel nested virtualization is off (nested=%s)" % nested
    return None


def vmx_unavailable():
    """Why this machine cannot execute a VMX guest hypervisor, or None.
    QEMU's TCG does not emulate VT-x: a Bochs with VMX (MICA_BOCHS) or
    KVM with nested VMX is needed."""
    if os.environ.get(bochs.ENV):
        return None if bochs.binary() else f"{bochs.ENV}={os.environ[bochs.ENV]} is not executable"
    why = kvm_vmx_unavailable()
    return f"{why}; QEMU TCG does not emulate VT-x and {bochs.ENV} is not set" if why else None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", required=True, help="build directory with mica.elf")
    ap.add_argument("--list", action="store_true", help="print scenario names")
    ap.add_argument("scenario", nargs="?")
    a = ap.parse_args()
    if a.list:
        print(";".join(s["name"] for s in SCENARIOS))
        return 0
    sc = next((s for s in SCENARIOS if s["name"] == a.scenario), None)
    if not sc:
        print(f"unknown scenario {a.scenario!r}", file=sys.stderr)
        return 2
    if sc["vendor"] == "intel":
        reason = vmx_unavailable()
        if reason:
            print(f"SKIP boot.{sc['name']}: {reason}")
            return SKIP
    errors, lines, log_path = run(sc, a.build)
    if errors:
        print(f"FAIL boot.{sc['name']}:")
        for e in errors:
            print("  - " + e)
        print(f"--- last 60 lines of {log_path} ---")
        print("\n".join(lines[-60:]))
        return 1
    print(f"PASS boot.{sc['name']} ({len(lines)} log lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
