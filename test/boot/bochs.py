# SPDX-License-Identifier: MIT
"""The VMX twins (vendor "intel") under a Bochs built with VMX, named by
the environment variable MICA_BOCHS (docs/testing.md, "VT-x"). QEMU's TCG
has no VT-x; Bochs executes it with EPT, VPID and unrestricted guest.

Bochs has no multiboot loader, so Mica and the scenario's modules go on a
GRUB ISO (scripts/mkiso.sh -m). COM1 is a pseudo-terminal whose other end
the runner reads and types into. The bochsrc is written next to the log.
Bochs leaves with status 1 and "ACPI control: soft power off" when Mica
powers the machine off: that counts as QEMU's status 0."""
import os
import re
import subprocess

ENV = "MICA_BOCHS"
CPU_MODEL = "corei7_skylake_x"   # VMX with EPT, VPID, unrestricted guest
IPS = 100000000                  # guest time: instructions / IPS seconds
SLOWDOWN = 3                     # scenario timeouts are for QEMU TCG
KEY_DELAY = 0.02                 # seconds between keys typed on COM1
POWEROFF = "ACPI control: soft power off"


def binary():
    """The Bochs executable MICA_BOCHS names, or None."""
    path = os.environ.get(ENV, "")
    return path if path and os.access(path, os.X_OK) else None


def share_dir(bochs):
    """BIOS images: $BXSHARE, else <prefix>/share/bochs of the binary."""
    prefix = os.path.dirname(os.path.dirname(os.path.realpath(bochs)))
    return os.environ.get("BXSHARE") or os.path.join(prefix, "share", "bochs")


def mem_mib(mem):
    m = re.fullmatch(r"(\d+)([MG])", mem)
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


def bochsrc(sc, iso, tty, log, share):
    return "\n".join([
        f"megs: {mem_mib(sc['mem'])}",
        # ignore_bad_msrs=0: an MSR Bochs lacks faults as on hardware.
        f"cpu: model={CPU_MODEL}, count={sc['smp']}, ips={IPS}, "
        "reset_on_triple_fault=0, ignore_bad_msrs=0",
        f"romimage: file={share}/BIOS-bochs-latest",
        f"vgaromimage: file={share}/VGABIOS-lgpl-latest.bin",
        f"ata0-master: type=cdrom, path={iso}, status=inserted",
        "boot: cdrom",
        f"com1: enabled=1, mode=term, dev={tty}",
        "display_library: nogui",
        # Time follows instructions executed, not the host's clock.
        "clock: sync=none, time0=utc",
        f"log: {log}",
        "panic: action=fatal", "error: action=report",
        "info: action=ignore", "debug: action=ignore", ""])


def command(sc, build, iso_dir, tty, modules, mkiso):
    """Write the ISO and the bochsrc; the command that runs Bochs."""
    bochs = binary()
    iso = os.path.join(iso_dir, "mica.iso")
    mods = []
    for m in modules:
        mods += ["-m", m]
    subprocess.run(["sh", mkiso] + mods + [os.path.join(build, "mica.elf"), iso]
                   + sc["args"].split(), check=True)
    base = os.path.abspath(os.path.join(build, "test-logs", sc["name"]))
    with open(base + ".bochsrc", "w") as f:
        f.write(bochsrc(sc, iso, tty, base + ".bochs.log", share_dir(bochs)))
    return [bochs, "-q", "-f", base + ".bochsrc"]


def timeout(sc):
    return sc["timeout"] * SLOWDOWN


def exit_status(status, output):
    """Bochs' status as QEMU's: a power-off is 0; anything else that made
    Bochs quit is returned as it is, with Bochs' own message."""
    if status == 1 and POWEROFF in output:
        return 0, None
    msg = re.search(r"Bochs is exiting with the following message:\n(.*)", output)
    return status, (msg.group(1).strip() if msg else None)
