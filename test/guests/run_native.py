#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run one test guest natively under QEMU (TCG, no hypervisor) and check its
serial log: exactly one verdict line, "Test result: SUCCESS", and QEMU's exit
status 0 (ACPI power-off, or the reset of a triple fault with -no-reboot).
On failure print why and the tail of the log."""
import argparse
import os
import re
import subprocess
import sys

VERDICT_OK = "Test result: SUCCESS"
# QEMU's complaints about EPYC features TCG lacks: noise in every log.
TCG_NOISE = re.compile(r"warning: TCG doesn't support requested feature")
QEMU_ARGS = ["-machine", "q35", "-cpu", "EPYC,+svm,+npt", "-accel", "tcg",
             "-m", "128M", "-smp", "1", "-display", "none", "-monitor", "none",
             "-serial", "stdio", "-no-reboot"]


def run_qemu(qemu, elf, timeout):
    """Returns (exit status or None on timeout, log lines)."""
    cmd = [qemu] + QEMU_ARGS + ["-kernel", elf]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        status = None
    text = out.decode("utf-8", "replace")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    return status, [line.rstrip("\r") for line in text.split("\n")]


def check(lines, status, args):
    errors = []
    if status is None:
        errors.append(f"QEMU still running after {args.timeout} s")
    elif status != 0:
        errors.append(f"QEMU exit status {status}, expected 0")
    verdicts = [line for line in lines
                if line == VERDICT_OK or line.startswith("FAIL:")]
    if args.no_verdict:
        if verdicts:
            errors.append(f"unexpected verdict line(s): {verdicts}")
    elif len(verdicts) != 1:
        errors.append(f"{len(verdicts)} verdict lines, expected exactly one")
    elif verdicts[0] != VERDICT_OK:
        errors.append(f"verdict: {verdicts[0]}")
    for want in args.expect:
        if want not in lines:
            errors.append(f"missing line: {want!r}")
    if "poweroff failed" in lines:
        errors.append("the guest could not power off")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("elf", help="guest image (ELF32 multiboot)")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--log", help="write the serial log here")
    ap.add_argument("--expect", action="append", default=[],
                    help="a line that must appear exactly (repeatable)")
    ap.add_argument("--no-verdict", action="store_true",
                    help="the guest prints no verdict line (triple_fault)")
    args = ap.parse_args()

    status, lines = run_qemu(args.qemu, args.elf, args.timeout)
    if args.log:
        os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
        with open(args.log, "w") as f:
            f.write("\n".join(lines))
    errors = check(lines, status, args)
    name = os.path.basename(args.elf)
    lines = [line for line in lines if not TCG_NOISE.search(line)]
    if errors:
        print(f"FAIL {name}:")
        for e in errors:
            print(f"  {e}")
        print("---- last 30 lines of the serial log ----")
        print("\n".join(lines[-30:]))
        return 1
    print("\n".join(line for line in lines if line))
    print(f"PASS {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
