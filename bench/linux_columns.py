# SPDX-License-Identifier: MIT
"""The Debian Linux test guest booted natively, on Mica and on Xen: the
QEMU command line of each column, the options and the run loop shared by
hvm_boot.py and guest_micro.py.

A column builder takes the parsed arguments and returns a QEMU command, or
raises NotAvailable. `a.kernel_extra` is appended to the guest kernel's
command line in every column (guest_micro.py puts its /init hook there).
"""
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

# Host memory on top of the guest's for a hypervisor's own use, so that
# every column gives Linux the same amount of RAM.
HV_OVERHEAD_MIB = 512

# Mica refuses a domain type it cannot build yet with this line
# (hv/domain/boot_domains.c); a column asking for one is n/a, not failed.
MICA_REFUSES = re.compile(r"type=(\w+) is not supported")

# Linux's own console and boot arguments per Mica domain type: HVM guests
# have a 16550, PVH and PV guests the Xen console ring (hvc0).
MICA_GUESTS = {"hvm": ("vmlinuz", gl.KERNEL_ARGS),
               "pvh": ("vmlinux", "console=hvc0 panic=-1 quiet"),
               "pv": ("vmlinux", "console=hvc0 earlyprintk=xen panic=-1 quiet")}


class NotAvailable(Exception):
    """The column cannot run here; the message says why."""


def mem_mib(mem):
    units = {"M": 1, "G": 1024}
    return int(mem[:-1]) * units[mem[-1].upper()] if mem[-1].isalpha() else int(mem)


def qemu_list(*files):
    """QEMU's -initrd module list: files joined by ',' (a ',' inside one
    is written ',,')."""
    return ",".join(f.replace(",", ",,") for f in files)


def image(a, name):
    path = os.path.join(a.dir, name)
    if not os.path.isfile(path):
        raise NotAvailable(f"{path} missing (use --prepare)")
    return path


def kernel_args(a, base):
    extra = getattr(a, "kernel_extra", "")
    return f"{base} {extra}".strip()


def cmd_native(a):
    return gl.native_args(image(a, "vmlinuz"), image(a, "initramfs.cpio.gz"),
                          append=kernel_args(a, gl.KERNEL_ARGS), smp=a.smp, mem=a.mem)


def cmd_mica(a, dtype):
    kernel, args = MICA_GUESTS[dtype]
    kernel, initrd = image(a, kernel), image(a, "initramfs.cpio.gz")
    if not os.path.isfile(a.mica_elf):
        raise NotAvailable(f"{a.mica_elf} missing (build Mica first)")
    # Module command lines (hv/domain/boot_domains.c): "<kernel> <domain
    # options> -- <guest command line>", then "<ramdisk> ramdisk". Each
    # vCPU is pinned to a pCPU of its own and Mica keeps CPU 0, so QEMU
    # gets one CPU more than the guest has vCPUs.
    # a.domain_extra: more domain options (pv_hypercalls.py: stats).
    opts = f"type={dtype} mem={a.mem} vcpus={a.smp} name=bench {getattr(a, 'domain_extra', '')}"
    guest = f"{kernel} {opts.strip()} -- {kernel_args(a, args)}"
    mem = f"{mem_mib(a.mem) + HV_OVERHEAD_MIB}M"
    return gl.platform_args(smp=a.smp + 1, mem=mem, iommu=True) + [
        "-kernel", a.mica_elf, "-append", a.mica_args,
        "-initrd", qemu_list(guest, f"{initrd} ramdisk")]


def xen_common(a, xen_args, **plat):
    vmlinuz, initrd = image(a, "vmlinuz"), image(a, "initramfs.cpio.gz")
    xen = image(a, "xen.elf")
    mem = f"{mem_mib(a.mem) + HV_OVERHEAD_MIB}M"
    # cpuidle=0: TCG faults on MWAIT, which Xen's idle loop would use on
    # secondary CPUs.
    xen_cmdline = (f"console=com1 com1=115200,8n1 dom0_mem={a.mem},max:{a.mem} "
                   f"cpuidle=0 {xen_args}")
    guest = f"{vmlinuz} {kernel_args(a, 'console=hvc0 earlyprintk=xen panic=-1 quiet')}"
    return gl.platform_args(smp=a.smp, mem=mem, **plat) + [
        "-kernel", xen, "-append", xen_cmdline.strip(),
        "-initrd", qemu_list(guest, initrd)]


def cmd_xen_pvh(a):
    # A PVH dom0 needs an IOMMU. Two TCG quirks are hidden from this
    # column's CPU: TCG reports a guest's RDTSCP as an RDTSC intercept,
    # which Xen 4.17's instruction-length check rejects (dom0 crashes); and
    # with 2+ vCPUs dom0 user space sometimes takes #UD on every AVX
    # instruction (busybox's libc string functions), killing init.
    return xen_common(a, "dom0=pvh", iommu=True, cpu="EPYC,+svm,+npt,-rdtscp,-avx,-avx2")


def cmd_xen_pv(a):
    # smap=0: under TCG a 64-bit PV dom0 takes a fatal #PF while Xen
    # builds its first exception frame on the guest stack with SMAP on.
    return xen_common(a, "smap=0")


def add_common_args(ap, columns):
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=gl.DEFAULT_DIR,
                    help="guest images and xen.elf (default %(default)s)")
    ap.add_argument("--prepare", action="store_true",
                    help="fetch/build the kernel, initramfs and Xen into --dir first")
    ap.add_argument("--columns", default=",".join(columns),
                    help="comma-separated subset of %(default)s")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="512M", help="guest RAM")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds allowed for the boot to the banner, and for "
                    "each line awaited after it")
    ap.add_argument("--mica-elf", default=os.path.join(gl.ROOT, "build", "mica.elf"))
    # on_empty=poweroff: a domain that crashes ends QEMU at once rather
    # than at --timeout.
    ap.add_argument("--mica-args", default="on_empty=poweroff",
                    help="Mica's own command line (default %(default)s)")
    ap.add_argument("--log-dir", help="serial logs (default: a new temp dir)")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print QEMU commands")


def check_common_args(ap, a, columns):
    a.columns = [c for c in a.columns.split(",") if c]
    bad = [c for c in a.columns if c not in columns]
    if bad or a.runs < 1:
        ap.error(f"unknown column(s) {bad}" if bad else "--runs must be >= 1")


def start(a, prog):
    """--prepare's downloads, then the directory for the serial logs."""
    if a.prepare:
        gl.ensure_images(a.dir)
        if any(c.startswith("xen") for c in a.columns):
            subprocess.run(["sh", os.path.join(gl.LINUX_SCRIPTS, "get-xen.sh"), a.dir],
                           check=True)
    a.log_dir = a.log_dir or tempfile.mkdtemp(prefix=f"mica-bench-{prog}-")
    os.makedirs(a.log_dir, exist_ok=True)


def boot(a, name, i, cmd, body):
    """Boot cmd once, serial log kept as <name>-<i+1>.log, and return
    body(guest). A Mica domain type Mica refuses makes the column n/a;
    any other failure raises RuntimeError with the log's tail."""
    log = os.path.join(a.log_dir, f"{name}-{i + 1}.log")
    g = gl.Guest(cmd, log)
    try:
        return body(g)
    except gl.GuestError as e:
        refused = MICA_REFUSES.search(bytes(g.clean).decode("utf-8", "replace"))
        if refused:
            raise NotAvailable(f"Mica {refused.group(1).upper()} domains not built yet")
        raise RuntimeError(f"run {i + 1}: {e}; log {log}\n{g.tail(15)}")
    finally:
        g.kill()


def check_cpus(g, a):
    cpus = int(g.expect(gl.CPUS, 30).group(1))
    if cpus != a.smp:
        raise gl.GuestError(f"guest sees {cpus} CPUs, expected {a.smp}")


def commands(a, columns, results):
    """{column: QEMU command} of the columns that can run; the others get
    their n/a result."""
    cmds = {}
    for name in a.columns:
        try:
            cmds[name] = columns[name](a)
        except NotAvailable as e:
            results[name] = {"status": "n/a", "reason": str(e)}
            continue
        if a.verbose:
            print(f"  {name}: {' '.join(cmds[name])}", file=sys.stderr)
    return cmds


def run_columns(a, columns, once, describe, summarize):
    """{column: result}. Each column is booted a.runs times, round robin,
    so that a change of load on the host hits every column alike.
    once(guest, a) returns one boot's figures, describe(figures) a text
    for the progress line, summarize([figures]) an "ok" result's fields."""
    results, runs = {}, {}
    cmds = commands(a, columns, results)
    for i in range(a.runs):
        for name in list(cmds):
            try:
                fig = boot(a, name, i, cmds[name], lambda g: once(g, a))
            except NotAvailable as e:
                results[name] = {"status": "n/a", "reason": str(e)}
            except RuntimeError as e:
                results[name] = {"status": "failed", "reason": str(e)}
            else:
                runs.setdefault(name, []).append(fig)
                print(f"  {name} run {i + 1}/{a.runs}: {describe(fig)}", file=sys.stderr)
                continue
            del cmds[name]
    for name in cmds:
        results[name] = dict(status="ok", **summarize(runs[name]))
    return {name: results[name] for name in a.columns}


def median(xs):
    return statistics.median(xs)


def kernel_version(a):
    kv = os.path.join(a.dir, "kernel-version")
    return open(kv).read().strip() if os.path.exists(kv) else "?"


def finish(a, results, **meta):
    """Print the failures and the log dir, write --json; the exit status:
    1 if a column that should have run failed (n/a is not a failure)."""
    for name in a.columns:
        if results[name]["status"] == "failed":
            print(f"\n{name} failed: {results[name]['reason']}")
    print(f"serial logs: {a.log_dir}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(smp=a.smp, mem=a.mem, runs=a.runs, results=results, **meta),
                      f, indent=2)
    return 1 if any(r["status"] == "failed" for r in results.values()) else 0
