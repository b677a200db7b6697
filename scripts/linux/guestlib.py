# SPDX-License-Identifier: MIT
"""Drive the Mica Linux test guest (get-kernel.sh + mk-initramfs.sh) on a
QEMU serial console: start QEMU, wait for output, type, time milestones.

Shared by scripts/linux/boot-native.py and bench/hvm_boot.py so that the
native, Mica-hosted and Xen-hosted runs all expect the same lines.
"""
import os
import re
import select
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINUX_SCRIPTS = os.path.join(ROOT, "scripts", "linux")
DEFAULT_DIR = os.environ.get("MICA_LINUX_DIR", os.path.join(ROOT, "build", "linux"))

# What the guest prints (mk-initramfs.sh's /init) and how we talk to it.
BANNER = r"MICA-GUEST: userspace up \(kernel [^)]+\)"
CPUS = r"MICA-GUEST: (\d+) CPUs"
PROMPT = r"mica-guest# "
ECHO_CMD = "echo hello-from-$((6*7))"
ECHO_REPLY = r"hello-from-42"

KERNEL_ARGS = "console=ttyS0 earlyprintk=ttyS0 panic=-1 quiet"
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def platform_args(smp=1, mem="512M", iommu=False, cpu="EPYC,+svm,+npt"):
    """The project's reference QEMU platform (DESIGN.md), serial on stdio."""
    args = ["qemu-system-x86_64", "-machine", "q35", "-cpu", cpu,
            "-accel", "tcg", "-m", mem, "-smp", str(smp),
            "-display", "none", "-monitor", "none", "-serial", "stdio",
            "-no-reboot"]
    if iommu:
        args += ["-device", "intel-iommu"]
    return args


def native_args(vmlinuz, initrd, append=KERNEL_ARGS, **plat):
    return platform_args(**plat) + ["-kernel", vmlinuz, "-initrd", initrd,
                                    "-append", append]


def ensure_images(outdir):
    """Run the two image scripts (each is a no-op when up to date)."""
    for script in ("get-kernel.sh", "mk-initramfs.sh"):
        subprocess.run(["sh", os.path.join(LINUX_SCRIPTS, script), outdir],
                       check=True)


class GuestError(Exception):
    pass


class Guest:
    """One QEMU process whose serial console is our stdin/stdout pipes.

    Output is kept as raw bytes (the shell prompt ends without a newline,
    so line-based reading would never see it); searches run on the text
    with terminal escape sequences removed.
    """

    def __init__(self, cmd, log_path=None):
        self.cmd = cmd
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.buf = bytearray()
        self.err = bytearray()
        self.cond = threading.Condition()
        self.log = open(log_path, "wb") if log_path else None
        self.pos = 0           # search start: output before it is consumed
        self.marks = {}
        for stream, sink in ((self.proc.stdout, self.buf), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    def _pump(self, stream, sink):
        fd = stream.fileno()
        while True:
            chunk = os.read(fd, 65536)
            with self.cond:
                if not chunk:
                    self.cond.notify_all()
                    return
                sink.extend(chunk)
                if sink is self.buf and self.log:
                    self.log.write(chunk)
                    self.log.flush()
                self.cond.notify_all()

    def elapsed(self):
        return time.monotonic() - self.t0

    def text(self, start=0):
        return ANSI.sub(b"", bytes(self.buf[start:])).decode("utf-8", "replace")

    def expect(self, regex, timeout, name=None):
        """Wait for regex in output not yet consumed; return its match and
        record the time under name. Raise GuestError on timeout or exit."""
        rx = re.compile(regex)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.text(self.pos))
                if m:
                    self.pos += len(self._raw_prefix(m.end()))
                    if name:
                        self.marks[name] = self.elapsed()
                    return m
                if self.proc.poll() is not None:
                    raise GuestError(f"QEMU exited ({self.proc.returncode}) "
                                     f"before /{regex}/ appeared")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise GuestError(f"/{regex}/ not seen within {timeout:.0f} s")
                self.cond.wait(min(left, 0.5))

    def _raw_prefix(self, clean_len):
        """Bytes of raw output (from pos) that hold clean_len cleaned chars;
        good enough to advance past a match (escapes don't split text)."""
        raw = bytes(self.buf[self.pos:])
        for end in range(len(raw) + 1):
            if len(ANSI.sub(b"", raw[:end]).decode("utf-8", "replace")) >= clean_len:
                return raw[:end]
        return raw

    def type(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def wait_exit(self, timeout):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise GuestError(f"QEMU still running {timeout:.0f} s after poweroff")
        self.marks["exit"] = self.elapsed()
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def tail(self, lines=40):
        out = self.text().replace("\r", "").splitlines()[-lines:]
        err = bytes(self.err).decode("utf-8", "replace").strip().splitlines()
        # QEMU's TCG warns once per unsupported CPUID bit; keep the rest.
        err = [e for e in err if "TCG doesn't support requested feature" not in e]
        s = "\n".join("  | " + line for line in out)
        if err:
            s += "\n  QEMU stderr:\n" + "\n".join("  ! " + e for e in err[-lines:])
        return s


def boot_to_banner(cmd, timeout, log_path=None):
    """Start QEMU and return (seconds to banner, guest) — the benchmark's
    measure. The caller owns the guest and must kill() it."""
    g = Guest(cmd, log_path)
    g.expect(BANNER, timeout, "banner")
    return g.marks["banner"], g
