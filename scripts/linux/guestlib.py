# SPDX-License-Identifier: MIT
"""Drive the Mica Linux test guest (get-kernel.sh + mk-initramfs.sh) on a
QEMU serial console: start QEMU, wait for output, type, time milestones.

Shared by scripts/linux/boot-native.py and bench/hvm_boot.py so that the
native, Mica-hosted and Xen-hosted runs all expect the same lines.
"""
import os
import re
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
    """Run the two image scripts (both leave up-to-date files untouched)."""
    for script in ("get-kernel.sh", "mk-initramfs.sh"):
        subprocess.run(["sh", os.path.join(LINUX_SCRIPTS, script), outdir],
                       check=True)


class GuestError(Exception):
    pass


class Guest:
    """One QEMU process whose serial console is our stdin/stdout pipes.

    Output is kept as raw bytes (the shell prompt ends without a newline,
    so line-based reading would never see it) and as a copy without
    terminal escape sequences, which is what expect() searches.
    """

    def __init__(self, cmd, log_path=None):
        self.cmd = cmd
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.clean = bytearray()
        self.pending = b""     # an escape sequence cut by a read boundary
        self.err = bytearray()
        self.cond = threading.Condition()
        self.log = open(log_path, "wb") if log_path else None
        self.pos = 0           # expect() searches self.clean from here
        self.marks = {}
        self.out_eof = False   # all of QEMU's output is in self.clean
        threading.Thread(target=self._pump, args=(self.proc.stdout, self._out),
                         daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.err.extend),
                         daemon=True).start()

    def _pump(self, stream, sink):
        fd = stream.fileno()
        while True:
            chunk = os.read(fd, 65536)
            with self.cond:
                if chunk:
                    sink(chunk)
                elif stream is self.proc.stdout:
                    self.out_eof = True
                self.cond.notify_all()
            if not chunk:
                return

    def _out(self, chunk):
        if self.log:
            self.log.write(chunk)
            self.log.flush()
        data = self.pending + chunk
        cut = data.rfind(b"\x1b")
        if cut >= 0 and len(data) - cut < 16 and not ANSI.match(data, cut):
            data, self.pending = data[:cut], data[cut:]
        else:
            self.pending = b""
        self.clean.extend(ANSI.sub(b"", data))

    def elapsed(self):
        return time.monotonic() - self.t0

    def expect(self, regex, timeout, name=None):
        """Wait for regex in output not yet consumed; return the match
        (bytes) and record the time under name. Raise GuestError on
        timeout or when QEMU exits first."""
        rx = re.compile(regex.encode())
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.clean, self.pos)
                if m:
                    self.pos = m.end()
                    if name:
                        self.marks[name] = self.elapsed()
                    return m
                # Not before its last output is read: a guest that
                # prints and powers off at once can beat the reader.
                if self.out_eof and self.proc.poll() is not None:
                    raise GuestError(f"QEMU exited ({self.proc.returncode}) "
                                     f"before /{regex}/ appeared")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise GuestError(f"/{regex}/ not seen within {timeout:.0f} s")
                self.cond.wait(min(left, 0.5))

    def type(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def wait_exit(self, timeout):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise GuestError(f"QEMU still running {timeout:.0f} s later")
        self.marks["exit"] = self.elapsed()
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def tail(self, lines=40):
        with self.cond:
            out = bytes(self.clean).decode("utf-8", "replace")
            err = bytes(self.err).decode("utf-8", "replace")
        out = out.replace("\r", "").splitlines()[-lines:]
        # QEMU's TCG warns once per CPUID bit it lacks; drop that noise.
        err = [e for e in err.strip().splitlines()
               if "TCG doesn't support requested feature" not in e]
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
