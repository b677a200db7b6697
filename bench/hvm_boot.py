#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: Linux boot-to-userspace time, natively in QEMU and under
hypervisors, side by side.

Each run starts QEMU and measures wall time until the test guest prints
"MICA-GUEST: userspace up" (scripts/linux/mk-initramfs.sh), then kills
QEMU. Under TCG only the ratios mean anything. This is a benchmark, not a
test: no timing is ever asserted.

Columns:
  native   the kernel booted by QEMU directly (the reference platform)
  mica     the same kernel as an HVM guest of Mica
  xen-pvh  Xen 4.17 (Debian) with the kernel as a PVH dom0
  xen-pv   Xen 4.17 (Debian) with the kernel as a PV dom0
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts", "linux"))
import guestlib as gl  # noqa: E402

# Mica boots a Linux HVM guest (test/boot/scenarios.py, "linux-hvm"). Set
# to False to print "n/a" instead of running the column.
MICA_BOOTS_LINUX = True

# Host memory on top of the guest's for a hypervisor's own use, so that
# every column gives Linux the same amount of RAM.
HV_OVERHEAD_MIB = 512


class NotAvailable(Exception):
    """The column cannot run here; the message says why."""


def mem_mib(mem):
    units = {"M": 1, "G": 1024}
    return int(mem[:-1]) * units[mem[-1].upper()] if mem[-1].isalpha() else int(mem)


def qemu_list(*files):
    """QEMU's -initrd module list: files joined by ',' (a ',' inside one
    is written ',,')."""
    return ",".join(f.replace(",", ",,") for f in files)


def images(a):
    vmlinuz = os.path.join(a.dir, "vmlinuz")
    initrd = os.path.join(a.dir, "initramfs.cpio.gz")
    for f in (vmlinuz, initrd):
        if not os.path.isfile(f):
            raise NotAvailable(f"{f} missing (use --prepare)")
    return vmlinuz, initrd


def cmd_native(a):
    vmlinuz, initrd = images(a)
    return gl.native_args(vmlinuz, initrd, smp=a.smp, mem=a.mem)


def cmd_mica(a):
    vmlinuz, initrd = images(a)
    elf = a.mica_elf
    if not MICA_BOOTS_LINUX and not a.force_mica:
        raise NotAvailable("not yet supported")
    if not os.path.isfile(elf):
        raise NotAvailable(f"{elf} missing (build Mica first)")
    # Module command lines (hv/domain/boot_domains.c): "<kernel> <domain
    # options> -- <guest command line>", then "<ramdisk> ramdisk". Each
    # vCPU is pinned to a pCPU of its own and Mica keeps CPU 0, so QEMU
    # gets one CPU more than the guest has vCPUs.
    guest = (f"{vmlinuz} type=hvm mem={a.mem} vcpus={a.smp} name=bench "
             f"-- {gl.KERNEL_ARGS}")
    mem = f"{mem_mib(a.mem) + HV_OVERHEAD_MIB}M"
    return gl.platform_args(smp=a.smp + 1, mem=mem, iommu=True) + [
        "-kernel", elf, "-append", a.mica_args,
        "-initrd", qemu_list(guest, f"{initrd} ramdisk")]


def xen_common(a, dom0_args, xen_args, **plat):
    vmlinuz, initrd = images(a)
    xen = os.path.join(a.dir, "xen.elf")
    if not os.path.isfile(xen):
        raise NotAvailable(f"{xen} missing (use --prepare)")
    mem = f"{mem_mib(a.mem) + HV_OVERHEAD_MIB}M"
    # cpuidle=0: TCG faults on MWAIT, which Xen's idle loop would use on
    # secondary CPUs.
    xen_cmdline = (f"console=com1 com1=115200,8n1 dom0_mem={a.mem},max:{a.mem} "
                   f"cpuidle=0 {xen_args}")
    guest = f"{vmlinuz} console=hvc0 earlyprintk=xen panic=-1 quiet {dom0_args}"
    return gl.platform_args(smp=a.smp, mem=mem, **plat) + [
        "-kernel", xen, "-append", xen_cmdline.strip(),
        "-initrd", qemu_list(guest.strip(), initrd)]


def cmd_xen_pvh(a):
    # A PVH dom0 needs an IOMMU. Two TCG quirks are hidden from this
    # column's CPU: TCG reports a guest's RDTSCP as an RDTSC intercept,
    # which Xen 4.17's instruction-length check rejects (dom0 crashes); and
    # with 2+ vCPUs dom0 user space sometimes takes #UD on every AVX
    # instruction (busybox's libc string functions), killing init.
    return xen_common(a, "", "dom0=pvh", iommu=True,
                      cpu="EPYC,+svm,+npt,-rdtscp,-avx,-avx2")


def cmd_xen_pv(a):
    # smap=0: under TCG a 64-bit PV dom0 takes a fatal #PF while Xen
    # builds its first exception frame on the guest stack with SMAP on.
    return xen_common(a, "", "smap=0")


COLUMNS = {"native": cmd_native, "mica": cmd_mica,
           "xen-pvh": cmd_xen_pvh, "xen-pv": cmd_xen_pv}


def measure(name, cmd, a):
    """Seconds to the banner for each of a.runs boots of cmd."""
    times = []
    for i in range(a.runs):
        log = os.path.join(a.log_dir, f"{name}-{i + 1}.log")
        g = gl.Guest(cmd, log)
        try:
            g.expect(gl.BANNER, a.timeout, "banner")
            times.append(g.marks["banner"])
            cpus = int(g.expect(gl.CPUS, 30).group(1))
            if cpus != a.smp:
                raise gl.GuestError(f"guest sees {cpus} CPUs, expected {a.smp}")
        except gl.GuestError as e:
            raise RuntimeError(f"run {i + 1}: {e}; log {log}\n{g.tail(15)}")
        finally:
            g.kill()
        print(f"  {name} run {i + 1}/{a.runs}: {times[-1]:.2f} s", file=sys.stderr)
    return times


def parse_args():
    ap = argparse.ArgumentParser(description="Linux boot-to-userspace time: "
                                 "native QEMU vs Mica vs Xen (ratios)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=gl.DEFAULT_DIR,
                    help="guest images and xen.elf (default %(default)s)")
    ap.add_argument("--prepare", action="store_true",
                    help="fetch/build the kernel, initramfs and Xen into --dir first")
    ap.add_argument("--columns", default=",".join(COLUMNS),
                    help="comma-separated subset of %(default)s")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="512M", help="guest RAM")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds allowed for one boot")
    ap.add_argument("--mica-elf", default=os.path.join(gl.ROOT, "build", "mica.elf"))
    # on_empty=poweroff: a domain that crashes ends QEMU at once rather
    # than at --timeout.
    ap.add_argument("--mica-args", default="on_empty=poweroff",
                    help="Mica's own command line (default %(default)s)")
    ap.add_argument("--force-mica", action="store_true",
                    help="run the mica column even if MICA_BOOTS_LINUX is False")
    ap.add_argument("--log-dir", help="serial logs (default: a new temp dir)")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print QEMU commands")
    a = ap.parse_args()
    a.columns = [c for c in a.columns.split(",") if c]
    bad = [c for c in a.columns if c not in COLUMNS]
    if bad or a.runs < 1:
        ap.error(f"unknown column(s) {bad}" if bad else "--runs must be >= 1")
    return a


def prepare(a):
    gl.ensure_images(a.dir)
    if any(c.startswith("xen") for c in a.columns):
        subprocess.run(["sh", os.path.join(gl.LINUX_SCRIPTS, "get-xen.sh"), a.dir],
                       check=True)


def run_columns(a):
    results = {}
    for name in a.columns:
        try:
            cmd = COLUMNS[name](a)
        except NotAvailable as e:
            results[name] = {"status": "n/a", "reason": str(e)}
            continue
        if a.verbose:
            print(f"  {name}: {' '.join(cmd)}", file=sys.stderr)
        try:
            t = measure(name, cmd, a)
            results[name] = {"status": "ok", "times": t,
                             "median": statistics.median(t), "min": min(t)}
        except RuntimeError as e:
            results[name] = {"status": "failed", "reason": str(e)}
    return results


def print_table(a, results):
    kv = os.path.join(a.dir, "kernel-version")
    kver = open(kv).read().strip() if os.path.exists(kv) else "?"
    print(f"Linux boot to userspace (QEMU start -> MICA-GUEST banner), TCG, "
          f"kernel {kver}, {a.smp} vCPU, {a.mem}, {a.runs} run(s)")
    print(f"{'column':<9} {'median s':>9} {'min s':>7} {'x native':>9}  runs")
    base = results.get("native", {}).get("median")
    for name in a.columns:
        r = results[name]
        if r["status"] != "ok":
            print(f"{name:<9} {r['status']} ({r['reason'].splitlines()[0]})")
            continue
        ratio = f"{r['median'] / base:.2f}" if base else "n/a"
        runs = " ".join(f"{t:.2f}" for t in r["times"])
        print(f"{name:<9} {r['median']:>9.2f} {r['min']:>7.2f} {ratio:>9}  {runs}")
    for name in a.columns:
        if results[name]["status"] == "failed":
            print(f"\n{name} failed: {results[name]['reason']}")


def main():
    a = parse_args()
    a.log_dir = a.log_dir or tempfile.mkdtemp(prefix="mica-bench-hvm_boot-")
    os.makedirs(a.log_dir, exist_ok=True)
    if a.prepare:
        prepare(a)
    results = run_columns(a)
    print_table(a, results)
    print(f"serial logs: {a.log_dir}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"smp": a.smp, "mem": a.mem, "runs": a.runs,
                       "results": results}, f, indent=2)
    # A column that should have run but did not is an error; n/a is not.
    return 1 if any(r["status"] == "failed" for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
