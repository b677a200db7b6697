# SPDX-License-Identifier: MIT
"""Boot scenarios: one row per QEMU boot, checked by run_boot_test.py.

Fields
  name     test name (ctest: boot.<name>)
  boot     "kernel" (qemu -kernel, multiboot1) or "iso" (GRUB2, multiboot2)
  smp, mem QEMU -smp and -m
  args     Mica command line
  exit     expected QEMU exit status (0: ACPI power-off or reboot with
           -no-reboot; 3: panic=exit through isa-debug-exit)
  expect   regular expressions that must each match a line, in order
  forbid   regular expressions that must match no line (optional)
  keys     (after-line regex, keys) pairs typed on the serial console
  checks   extra checks by name: "cpus" (every CPU online), "memory" (the
           reported free memory matches the map), "timers" (every CPU's
           timer self-test fired)
  cpu      QEMU -cpu model (default: the reference EPYC with SVM and NPT)
  modules  boot modules: "guest:<name> <domain options> [-- <guest cmdline>]"
           for test/guests kernels, "linux:<file> ..." for build/linux files
  vendor   "amd" (SVM, the default) or "intel" (VMX): every row that boots an
           HVM or PVH guest has a "vmx-<name>" twin, run under the Bochs
           with VMX that MICA_BOCHS names (bochs.py), else under KVM with
           a VMX-capable CPU where the host offers nested VMX, else
           reported as skipped, with the reason (run_boot_test.py)
  accel    QEMU -accel (default tcg; the VMX twins use kvm)
  qemu     more QEMU arguments under TCG, e.g. -icount (optional; rows
           run under KVM go without)
"""

EPYC = "EPYC,+svm,+npt"
POWEROFF = "on_empty=poweroff"
FAULT_LINES = [
    r"Injecting a deliberate fault",
    r"FATAL: exception",
    r"RIP: \[<ffff82d08[0-9a-f]+>\] \w+",
    r"RAX: [0-9a-f]{16}",
    r"CR0: [0-9a-f]{16}",
    r"Backtrace:",
    r"\[<ffff82d08[0-9a-f]+>\] start_mica_percpu\+0x",
    r"\*\*\*\* PANIC on CPU 0: exiting \*\*\*\*",
]

SCENARIOS = []


def scenario(name, **kw):
    row = dict(name=name, boot="kernel", smp=2, mem="128M", args=POWEROFF,
               exit=0, expect=[], keys=[], checks=["cpus", "memory", "timers"],
               cpu=EPYC, timeout=180, modules=[], vendor="amd", accel="tcg")
    row.update(kw)
    SCENARIOS.append(row)


# The matrix of the foundation issue: both loaders, 1/2/4 CPUs, 128M/4G.
for boot in ("kernel", "iso"):
    for smp in (1, 2, 4):
        for mem in ("128M", "4G"):
            scenario(f"{boot}-smp{smp}-{mem}", boot=boot, smp=smp, mem=mem,
                     expect=[r"Mica hypervisor .* via multiboot%d" %
                             (1 if boot == "kernel" else 2),
                             r"TSC: [0-9.]+ MHz, LAPIC timer: [0-9.]+ MHz",
                             r"Boot complete", r"Powering off"])

# Deliberate faults: the register dump, a symbolized backtrace, exit 3.
FAULT_EXC = {"ud": r"6 \(#UD", "gp": r"13 \(#GP", "pf": r"14 \(#PF",
             "de": r"0 \(#DE", "wx": r"14 \(#PF", "stack": r"8 \(#DF"}
for kind, exc in FAULT_EXC.items():
    lines = list(FAULT_LINES)
    lines[1] = r"FATAL: exception " + exc
    lines.insert(1, r"Stopped 1 of 1 other CPUs")
    scenario(f"fault-{kind}", args=f"fault={kind} panic=exit", exit=3,
             expect=lines, checks=["cpus"])
scenario("fault-smp4", smp=4, args="fault=pf panic=exit", exit=3,
         expect=[r"Stopped 3 of 3 other CPUs", r"FATAL: exception 14",
                 r"PANIC on CPU 0: exiting"], checks=["cpus"])
scenario("fault-reboot", args="fault=ud panic=reboot", exit=0,
         expect=[r"FATAL: exception 6", r"PANIC on CPU 0: rebooting"],
         checks=[])

# Debug keys typed on the serial console; 'R' reboots (QEMU -no-reboot exits).
scenario("debug-keys", smp=2, args="",
         keys=[(r"Boot complete", "h"), (r"key 'R'", "m"),
               (r"Heap: ", "c"), (r"CPU1: APIC id", "t"),
               (r"Timers at", "R")],
         expect=[r"key 'h' .* show this message", r"key 'm' .* memory",
                 r"Physical memory map:", r"Memory: \d+ KiB RAM in map",
                 r"CPUs: 2 online", r"CPU0: APIC id 0, online",
                 r"CPU1: APIC id 1, online", r"Timers at \d+ ns",
                 r"CPU1: \d+ timer interrupts", r"Rebooting at the console's request"])

# Bad options are reported and ignored, never fatal.
scenario("bad-options", args="mem=12Q maxcpus=abc bogus=1 com1=0x3f8,12345 "
         "loglvl=loud fault " + POWEROFF,
         expect=[r"ignoring boot option mem=12Q: malformed size",
                 r"ignoring boot option maxcpus=abc: malformed number",
                 r"ignoring boot option bogus=1: unknown option",
                 r"ignoring boot option com1=0x3f8,12345",
                 r"ignoring boot option loglvl=loud",
                 r"Boot complete", r"Powering off"])
scenario("help-option", args="help " + POWEROFF,
         expect=[r"Boot options:", r"com1=<port>", r"maxcpus=<n>",
                 r"Powering off"], checks=[])
scenario("mem-limit", mem="256M", args="mem=64M " + POWEROFF,
         expect=[r"mem=64 MiB: RAM above it ignored", r"Powering off"],
         checks=["cpus", "memory", "timers", "ram<=64M"])
scenario("maxcpus", smp=4, args="maxcpus=2 " + POWEROFF,
         expect=[r"2 of 4 CPUs used \(maxcpus=2\)", r"^\(mica\) 2 CPUs online"],
         checks=["memory"])
# Lost timer interrupts (QEMU 7.2's TCG drops some, hv/common/
# timer_watchdog.c): 10 of CPU1's are dropped on purpose after boot; CPU0
# must find CPU1's deadline overdue and wake it each time, or CPU1 waits
# for good and its guests (sleeping on LAPIC and Xen timers) never finish.
scenario("timer-lose", smp=2, mem="512M", args="timer_lose=10 " + POWEROFF,
         modules=["guest:sched_wake type=hvm mem=64M cpu=1 name=wake -- seconds=4",
                  "guest:pvh_sched type=pvh mem=64M cpu=1 name=pvh"],
         expect=[r"timer_lose=10: dropping that many timer interrupts",
                 r"timer: CPU1's deadline passed \d+ ms ago with no interrupt; woken by CPU0",
                 r"timer_lose: 10 timer interrupts dropped so far",
                 r"Powering off"],
         checks=["no-fail", "all-success", "timers"])
# TSC-deadline timers: QEMU's TCG does not offer the CPUID bit (it warns
# "TCG doesn't support requested feature: CPUID.01H:ECX.tsc-deadline"), so
# that mode is only exercised on hardware; see docs/testing.md.


# HVM test guests (test/guests), one domain each: the guest's own verdict
# line, then Mica's report of the domain's power-off.
HVM_GUESTS = ["cpuid_msr", "portio", "mmio", "irq_pic", "irq_ioapic",
              "lapic_timer", "hlt_wakeup", "exceptions", "hostile", "pae_paging"]
for g in HVM_GUESTS:
    opts = "type=hvm mem=64M" + (" testdev" if g == "mmio" else "")
    scenario(f"hvm-{g}", mem="512M", modules=[f"guest:{g} {opts}"],
             expect=[r"Domain 1 \(guest1\): HVM, 64 MiB",
                     r"^\(d1\) Test result: SUCCESS$",
                     r"Domain 1 \(guest1\) shut down: poweroff",
                     r"Domain 1 \(guest1\) destroyed \(poweroff\); memory scrubbed",
                     r"No domains left", r"Powering off"],
             checks=["no-fail"])

# Isolation: a guest writing all over the address space above its RAM, a
# guest verifying its own memory meanwhile, and one that triple-faults.
scenario("hvm-isolation", smp=4, mem="512M",
         modules=["guest:isolation_victim type=hvm mem=64M name=victim -- rounds=20",
                  "guest:isolation_scribbler type=hvm mem=64M name=scribbler",
                  "guest:triple_fault type=hvm mem=32M name=faulty"],
         expect=[r"\(d\d+\) triple_fault: about to triple fault",
                 r"Domain \d+ \(faulty\) crashed: triple fault",
                 r"Domain \d+ \(faulty\) destroyed \(crash\)",
                 r"\(d1\) Test result: SUCCESS",
                 r"Powering off"],
         checks=["no-fail", "both-success"])

# Hostile boot configuration: a kernel that is no kernel, bad domain
# options. Each domain is refused with a reason; Mica keeps going.
scenario("hvm-bad-config", mem="512M",
         modules=["CMakeCache.txt type=hvm mem=64M name=notakernel",
                  "guest:cpuid_msr type=hvm mem=12Q vcpus=0 name=badopts",
                  "guest:cpuid_msr type=xen name=wrongtype",
                  "guest:cpuid_msr type=pv name=notpv",
                  "guest:cpuid_msr type=pvh vcpus=2 name=smp",
                  "guest:cpuid_msr type=hvm mem=64M weight=0 name=noweight",
                  "guest:cpuid_msr type=hvm mem=64M cap=101 name=bigcap",
                  "guest:cpuid_msr type=hvm mem=64M cpu=7 name=nocpu",
                  "guest:cpuid_msr type=hvm mem=64M name=good"],
         expect=[r"notakernel: the kernel is neither a Linux bzImage nor a multiboot1",
                 r"notakernel: not created",
                 r"domain option mem=12Q: malformed size",
                 r"type=xen is not supported", r"notpv: not created",
                 r"ELF32 kernels are not supported", r"smp: not created",
                 r"noweight: weight=0 out of range \(1\.\.65535\)",
                 r"bigcap: cap=101 above 100% per vCPU \(1 vCPUs\)",
                 r"nocpu: cpu=7 is not an online pCPU",
                 r"\(d\d\) Test result: SUCCESS", r"Powering off"],
         checks=[])


# The stock Debian kernel as an HVM guest (scripts/linux/ fetches it and
# builds the busybox initramfs): to the shell on its 16550, a command typed
# through Mica's console switch (Ctrl-A three times), then poweroff.
CTRL_A3 = "\x01\x01\x01"
LINUX_ARGS = "-- console=ttyS0 panic=-1"
LINUX = ["linux:vmlinuz type=hvm mem=256M name=linux1 " + LINUX_ARGS,
         "linux:initramfs.cpio.gz ramdisk"]
scenario("linux-hvm", mem="1G", timeout=600, modules=LINUX,
         keys=[(r"\(d1\) mica-guest# ", CTRL_A3),
               (r"Serial input to d1", "echo hello-from-$((6*7))\n"),
               (r"\(d1\) hello-from-42", "poweroff\n")],
         expect=[r"linux1: Linux boot protocol 2\.\d+",
                 r"\(d1\) \[ +[0-9.]+\] Linux version 6\.1",
                 r"\(d1\) .*ACPI: APIC 0x0+E0.*MICA +MICAHVM",
                 r"\(d1\) .*ttyS0 at I/O 0x3f8 \(irq = 4, base_baud = 115200\) is a 16550A",
                 r"\(d1\) MICA-GUEST: userspace up",
                 r"\(d1\) hello-from-42",
                 r"Domain 1 \(linux1\) shut down: poweroff",
                 r"Powering off"],
         checks=["no-fail"])

# Two Linux guests at once, each with its own console: input is switched
# to one, then the other, and each answers on its own (dN) lines.
LINUX2 = ["linux:vmlinuz type=hvm mem=256M name=linux1 " + LINUX_ARGS,
          "linux:initramfs.cpio.gz ramdisk",
          "linux:vmlinuz type=hvm mem=256M name=linux2 " + LINUX_ARGS,
          "linux:initramfs.cpio.gz ramdisk"]
scenario("linux-hvm-two", smp=3, mem="1G", timeout=900, modules=LINUX2,
         keys=[(r"\(d1\) mica-guest# ", ""), (r"\(d2\) mica-guest# ", CTRL_A3),
               (r"Serial input to d1", "echo one-$((1+1))\n"),
               (r"\(d1\) one-2", "poweroff\n"),
               (r"Domain 1 \(linux1\) destroyed", CTRL_A3),
               (r"Serial input to d2", "echo two-$((2+1))\n"),
               (r"\(d2\) two-3", "poweroff\n")],
         expect=[r"Domain 1 \(linux1\): HVM", r"Domain 2 \(linux2\): HVM",
                 r"\(d1\) one-2", r"Domain 1 \(linux1\) shut down: poweroff",
                 r"\(d2\) two-3", r"Domain 2 \(linux2\) shut down: poweroff",
                 r"Powering off"],
         checks=["no-fail", "no-crosstalk"])


# PVH test guests (test/guests/pvh): the Xen hypercall ABI family by
# family, hostile arguments included; each prints its own verdict through
# console_io and powers off with SCHEDOP_shutdown.
PVH_GUESTS = ["pvh_version", "pvh_memory", "pvh_hvmop", "pvh_vcpu", "pvh_evtchn",
              "pvh_sched", "pvh_console", "pvh_balloon", "pvh_gnttab"]
for g in PVH_GUESTS:
    scenario(f"{g}", mem="512M", modules=[f"guest:{g} type=pvh mem=64M"],
             expect=[r"Domain 1 \(guest1\): PVH, 64 MiB",
                     r"^\(d1\) Test result: SUCCESS$",
                     r"Domain 1 \(guest1\) shut down: poweroff",
                     r"Powering off"],
             checks=["no-fail"])

# Two vCPUs: vCPU 0 acts on vCPU 1 while it is down (is_up, its vcpu_info,
# timers and event channels, hostile ids included), then starts it with
# INIT-SIPI; vCPU 1 runs its own timer and blocks until vCPU 0's IPI.
scenario("pvh_vcpu_smp", smp=3, mem="512M",
         modules=["guest:pvh_vcpu_smp type=pvh mem=64M vcpus=2"],
         expect=[r"Domain 1 \(guest1\): PVH, 64 MiB, 2 vCPUs",
                 r"^\(d1\) Test result: SUCCESS$",
                 r"Domain 1 \(guest1\) shut down: poweroff",
                 r"Powering off"],
         checks=["no-fail"])

# Event channels between two domains, both directions.
scenario("pvh_evtchn_pair", smp=3, mem="512M",
         modules=["guest:pvh_evtchn_pair_a type=pvh mem=64M -- peer=2 role=a",
                  "guest:pvh_evtchn_pair_b type=pvh mem=64M -- peer=1 role=b"],
         expect=[r"Domain 1 \(guest1\): PVH", r"Domain 2 \(guest2\): PVH",
                 r"Powering off"],
         checks=["no-fail", "both-success"])

# Shutdown reasons reported per domain: a guest-declared crash and a guest
# that corrupts its console ring, beside one that exits normally.
scenario("pvh_shutdown_reasons", smp=4, mem="512M",
         modules=["guest:pvh_shutdown_crash type=pvh mem=64M name=crasher",
                  "guest:pvh_console_corrupt type=pvh mem=64M name=corrupter",
                  "guest:pvh_version type=pvh mem=64M name=fine"],
         # Domain ids are reused once a domain is gone: match by name.
         expect=[r"Domain \d+ \(crasher\) crashed: the guest reported a crash",
                 r"Domain \d+ \(corrupter\) crashed: console ring indices out of range",
                 r"Domain \d+ \(fine\) shut down: poweroff",
                 r"Powering off"],
         checks=[])

# Classic PV test guests (test/guests/pv): the kernel in ring 3 on the PV
# runtime, its own verdict through console_io, SCHEDOP_shutdown to end.
scenario("pv_hello", mem="512M",
         modules=["guest:pv_hello type=pv mem=64M -- hello-cmdline initrd=elf",
                  "guest:pv_crash ramdisk"],
         expect=[r"Domain 1 \(guest1\): PV, 64 MiB",
                 r"^\(d1\) pv_hello: PV guest kernel in ring 3 \(CS 0xe033\)",
                 r"^\(d1\) pv_hello: console ring line$",
                 r"^\(d1\) pv_hello: SCHEDOP_poll on masked port \d+ ended by the port",
                 r"^\(d1\) Test result: SUCCESS$",
                 r"Domain 1 \(guest1\) shut down: poweroff",
                 r"Powering off"],
         checks=["no-fail"])
# And on an Intel CPU model (still TCG, no VT-x): SYSCALL, SWAPGS and the
# bounces do not depend on the vendor.
scenario("pv_hello-intel", mem="512M", cpu="Skylake-Client,-vmx",
         modules=["guest:pv_hello type=pv mem=64M -- hello-cmdline"],
         expect=[r"Domain 1 \(guest1\): PV, 64 MiB",
                 r"^\(d1\) Test result: SUCCESS$",
                 r"Domain 1 \(guest1\) shut down: poweroff", r"Powering off"],
         checks=["no-fail"])
# Hostile arguments to the PV hypercalls: refused, the guest runs on.
scenario("pv_hostile", mem="512M", modules=["guest:pv_hostile type=pv mem=64M"],
         expect=[r"^\(d1\) pv_hostile: hostile arguments refused",
                 r"^\(d1\) Test result: SUCCESS$",
                 r"Domain 1 \(guest1\) shut down: poweroff", r"Powering off"],
         checks=["no-fail"])


def pv_guest(name, lines, opts=""):
    """A PV test guest's row: its own lines, then its verdict and poweroff."""
    scenario(name, mem="512M", modules=[f"guest:{name} type=pv mem=64M{opts}"],
             expect=[rf"^\(d1\) {name}: {line}" for line in lines] +
                    [r"^\(d1\) Test result: SUCCESS$",
                     r"Domain 1 \(guest1\) shut down: poweroff", r"Powering off"],
             checks=["no-fail"])


# A PV guest's own GDT: set_gdt and update_descriptor, its data and code
# segments used, system descriptors and unsafe frames refused; multicall
# with per-entry refusals; port I/O under the virtual IOPL.
pv_guest("pv_gdt", [r"own GDT: data segment 0x13, code segment 0xb used",
                    r"system descriptors, writable frames, page tables refused",
                    r"multicall per-entry refusals, port I/O under IOPL 1"])
# The failsafe callback: selectors that cannot be reloaded at switch-in
# (the guest dropped their descriptor) come to the guest kernel in the
# failsafe frame, null loaded.
pv_guest("pv_failsafe", [r"failsafe callback: ES and FS 0x13 wanted, null loaded, one callback"])
# A PV guest's own LDT: selectors with TI=1 used, call gates, unsafe
# frames and hypervisor ranges refused while the guest keeps its LDT.
pv_guest("pv_ldt", [r"own LDT: selectors 0xf 0x17 0x1f loaded and read through",
                    r"call gates, writable and page-table frames, hypervisor ranges refused"])
# Hardware breakpoints of a PV guest: a watchpoint on its own variable
# fires (#DB bounced, DR6 through get_debugreg), the hypervisor's own
# access to it is ignored; breakpoints in the hypervisor refused.
pv_guest("pv_debugreg", [r"breakpoints in the hypervisor, GD, I/O breakpoints, reserved bits refused",
                         r"data breakpoint fired 3 times, DR6.B0 seen, hypervisor access ignored"])
# Writable page tables: direct writes to the guest's own L1 entries done
# through the PV MMU; unsafe ones come back as #PF.
pv_guest("pv_ptwr", [r"direct L1 writes \(MOV, XCHG, AND\) through the PV MMU",
                     r"refused L1 writes come back as #PF, entries unchanged"])
# A PV guest starts its second vCPU as Linux does (VCPUOP_initialise, up),
# with an LDT and a debug register, after hostile vCPU contexts are
# refused; then takes vCPUs down and up again (VCPUOP_down, is_up, up),
# and sends virtual NMIs (VCPUOP_send_nmi).
pv_guest("pv_vcpu_up", [r"hostile vCPU contexts refused",
                        r"vCPU 1 started by VCPUOP_initialise and VCPUOP_up",
                        r"VCPUOP_down and VCPUOP_up: vCPU 1 stopped and resumed, each vCPU downing itself",
                        r"virtual NMIs: dropped without a callback, one held until the "
                        r"callback's iret, one ending vCPU 1's SCHEDOP_poll"],
         " vcpus=2")
# Hypercall counts (hv/xen/hcstats.c): the `stats` option prints the
# domain's table at its end, exactly what the guest did (its INT3 handler
# returns by iret).
scenario("pv_hcstats", mem="512M",
         modules=["guest:pv_hcstats type=pv mem=64M stats name=counted"],
         expect=[r"^\(d1\) pv_hcstats: 3 mmu_update \(5 requests\), 2 mmuext_op",
                 r"^\(d1\) Test result: SUCCESS$",
                 r"Domain 1 \(counted\) shut down: poweroff",
                 r"^\(mica\) hcstats d1 begin$",
                 r"^\(mica\) hcstats d1 hypercall mmu_update 3$",
                 r"^\(mica\) hcstats d1 hypercall multicall 1$",
                 r"^\(mica\) hcstats d1 hypercall update_va_mapping 2$",
                 r"^\(mica\) hcstats d1 hypercall iret 2$",
                 r"^\(mica\) hcstats d1 hypercall mmuext_op 2$",
                 r"^\(mica\) hcstats d1 entries mmu_update 5$",
                 r"^\(mica\) hcstats d1 entries mmuext_op 3$",
                 r"^\(mica\) hcstats d1 entries multicall 2$",
                 r"^\(mica\) hcstats d1 trap bp 2$",
                 r"^\(mica\) hcstats d1 end hypercalls \d+$",
                 r"Powering off"],
         forbid=[r"hcstats d1 hypercall (set_gdt|grant_table_op|hc)",
                 r"hcstats d1 entries (?!mmu_update 5$|mmuext_op 3$|multicall 2$)",
                 r"hcstats d1 trap (?!bp)"],
         checks=["no-fail"])
# The 'v' key shows every domain's vCPUs (the runner presses it when a
# scenario runs out of time): a PVH guest busy for 3 s with its LAPIC,
# PIC and UART, and a PV guest lingering in user mode and its kernel.
scenario("vcpu-dump-key", smp=2, mem="512M",
         modules=["guest:pvh_cpu_state type=pvh mem=64M cpu=1 name=pvh -- ms=3000",
                  "guest:pv_hello type=pv mem=64M cpu=1 name=pv -- hello-cmdline linger=3000"],
         keys=[(r"^\(d2\) pv_hello: user mode:", "v")],
         expect=[r"'v' pressed",
                 r"^\(mica\) d1 PVH: guest time \d+ ms$",
                 r"^\(mica\)   vCPU0: (running|halted), sched (running|runnable|blocked), "
                 r"exits \d+, wake timer",
                 r"^\(mica\)     LAPIC: IRR top (none|0x[0-9a-f]+), ISR top (none|0x[0-9a-f]+), "
                 r"TPR 0x0",
                 r"^\(mica\)     Xen: (not )?blocked, upcall pending [01] mask [01], NMI none, "
                 r"single-shot (off|in)",
                 r"^\(mica\)   PIC: IRR [0-9a-f]{2}/[0-9a-f]{2} ISR .* IMR ff/ff",
                 r"^\(mica\)   UART: IER 0x0 LSR 0x60 ",
                 r"^\(mica\) d2 PV: 1 vCPU$",
                 r"^\(mica\)   vCPU0: (kernel|user) mode at 0xffffffff80[0-9a-f]{6}, "
                 r"(running|halted), sched (running|runnable|blocked), NMIs open",
                 r"^\(mica\)     Xen: (not )?blocked, upcall pending [01] mask [01]",
                 r"^\(d1\) pvh_cpu_state: \d+ rounds in 3000 ms", r"Powering off"],
         checks=["no-fail", "all-success"])

# The 'H' key prints every domain's counts while it runs: pv_hello
# lingering in a loop of INT3s (#BP bounces) and console lines.
scenario("pv_hcstats-key", mem="512M",
         modules=["guest:pv_hello type=pv mem=64M name=hello -- hello-cmdline linger=2000"],
         keys=[(r"^\(d1\) pv_hello: user mode:", "H")],
         expect=[r"'H' pressed",
                 r"^\(mica\) hcstats d1 begin$",
                 r"^\(mica\) hcstats d1 hypercall console_io [1-9]\d*$",
                 r"^\(mica\) hcstats d1 trap bp [1-9]\d*$",
                 r"^\(mica\) hcstats d1 event syscall [1-9]\d*$",
                 r"^\(mica\) hcstats d1 end hypercalls [1-9]\d*$",
                 r"^\(d1\) pv_hello: lingered 2000 ms",
                 r"^\(d1\) Test result: SUCCESS$",
                 r"Powering off"],
         checks=["no-fail"])
# Hostile PV MMU requests from a guest beside another PV domain (whose
# frames it finds through the M2P): hypervisor and foreign frames, writable
# page tables, type confusion, cycles, hypervisor L4 slots, a batch stopping
# at its bad entry, bad multicall entries; each refused, the guest runs on.
# The hypervisor's log of the refusals stops after its budget: the last of
# the guest's burst of 64 (entry 0x10003f025) is never logged.
scenario("pv_mmu_hostile", mem="768M",
         modules=["guest:pv_hello type=pv mem=64M name=other -- hello-cmdline linger=3000",
                  "guest:pv_mmu_hostile type=pv mem=64M name=hostile"],
         expect=[r"^\(d2\) pv_mmu_hostile: hypervisor frame 0x[0-9a-f]+ refused",
                 r"^\(d2\) pv_mmu_hostile: another domain's frame 0x[0-9a-f]+ .* refused",
                 r"^\(d2\) pv_mmu_hostile: writable mappings of page tables refused",
                 r"^\(d2\) pv_mmu_hostile: page-table cycles .* refused",
                 r"^\(d2\) pv_mmu_hostile: writes to L4 slots 256-271 refused",
                 r"^\(d2\) pv_mmu_hostile: batch of 3, bad middle entry: first applied, pdone 1",
                 r"^\(d2\) pv_mmu_hostile: own L1 pinned, refused as L2 and writable, unpinned",
                 r"^\(d2\) pv_mmu_hostile: multicall: bad mmu_update, update_va_mapping, mmuext_op",
                 r"^\(d2\) pv_mmu_hostile: grant frames 0x[0-9a-f]+, 0x[0-9a-f]+ mapped writable; they and shared_info never tables",
                 r"^\(d2\) pv_mmu_hostile: 64 refusals in a burst",
                 r"^\(d2\) Test result: SUCCESS$",
                 r"Domain 2 \(hostile\) shut down: poweroff", r"Powering off"],
         forbid=[r"L1 entry 0x10003f025 refused"],
         checks=["no-fail"])
# PV needs neither AMD-V nor VT-x: the same guest on a CPU without SVM.
scenario("pv_hello-nosvm", mem="512M", cpu="EPYC,-svm",
         modules=["guest:pv_hello type=pv mem=64M -- hello-cmdline"],
         expect=[r"HVM unavailable", r"Domain 1 \(guest1\): PV, 64 MiB",
                 r"^\(d1\) Test result: SUCCESS$",
                 r"Domain 1 \(guest1\) shut down: poweroff", r"Powering off"],
         checks=["no-fail"])
# PV, PVH and HVM vCPUs taking turns on one pCPU: CR3, segment bases and
# selectors, TSS.RSP0 and the SYSCALL MSRs follow each switch.
scenario("pv_shared_cpu", smp=2, mem="768M",
         modules=["guest:pvh_sched type=pvh mem=64M cpu=1 name=pvh",
                  "guest:exceptions type=hvm mem=64M cpu=1 name=hvm",
                  "guest:pv_hello type=pv mem=64M cpu=1 name=pva -- hello-cmdline linger=1500",
                  "guest:pv_hello type=pv mem=64M cpu=1 name=pvb -- hello-cmdline linger=1500"],
         expect=[r"^\(d\d+\) pv_hello: lingered 1500 ms",
                 r"^\(d\d+\) pv_hello: lingered 1500 ms", r"Powering off"],
         checks=["no-fail", "all-success"])
# A PVH vCPU and a busy PV vCPU pinned to one pCPU: the PVH guest reads
# back its MSRs (SYSCALL, KERNEL_GS_BASE, FS base, SYSENTER), CR2,
# descriptor tables, selectors and SSE registers after every round while
# the PV guest runs in between (vmx-linux-pvh-hvm-pv: a PVH Linux beside
# a PV one crashed in its entry code once; the vmx- twin runs this on VT-x,
# which switches none of the MSRs itself).
scenario("pvh_state_pv_shared", smp=2, mem="512M",
         modules=["guest:pvh_cpu_state type=pvh mem=64M cpu=1 name=pvh -- ms=3000",
                  "guest:pv_hello type=pv mem=64M cpu=1 name=pv -- hello-cmdline linger=5000"],
         expect=[r"^\(d1\) pvh_cpu_state: \d+ rounds in 3000 ms, \d+ runstate changes, "
                 r"\d+ ms runnable: state intact",
                 r"^\(d2\) pv_hello: lingered 5000 ms", r"Powering off"],
         checks=["no-fail", "all-success"])
# Broken PV guests are crashed with a reason; a sound one beside them runs on.
scenario("pv_crash", smp=4, mem="512M",
         modules=["guest:pv_crash type=pv mem=32M name=stack -- mode=stack",
                  "guest:pv_crash type=pv mem=32M name=iret -- mode=iret",
                  "guest:pv_crash type=pv mem=32M name=nohandler -- mode=nohandler",
                  "guest:pv_crash type=pv mem=32M name=compat -- mode=compat",
                  "guest:pv_crash type=pv mem=32M name=nouser -- mode=nouser",
                  "guest:pv_hello type=pv mem=64M name=fine -- hello-cmdline"],
         expect=[r"Domain \d+ \(stack\) crashed: PV guest kernel stack unusable",
                 r"Domain \d+ \(iret\) crashed: PV iret with an unreadable frame",
                 r"Domain \d+ \(nohandler\) crashed: PV guest exception without a handler",
                 r"Domain \d+ \(compat\) crashed: PV guest state not resumable",
                 r"Domain \d+ \(nouser\) crashed: PV iret to user mode without user page tables",
                 r"Domain \d+ \(fine\) shut down: poweroff",
                 r"Powering off"],
         checks=[])

# The stock Debian kernel as a PVH guest: Xen PVH detected, the Xen clock
# source, the shell on hvc0 (the PV console ring), a typed command, poweroff.
LINUX_PVH = ["linux:vmlinux type=pvh mem=256M name=pvh1 -- console=hvc0 panic=-1",
             "linux:initramfs.cpio.gz ramdisk"]
scenario("linux-pvh", mem="1G", timeout=600, modules=LINUX_PVH,
         keys=[(r"\(d1\) mica-guest# ", CTRL_A3),
               (r"Serial input to d1", "echo hello-from-$((6*7))\n"),
               (r"\(d1\) hello-from-42", "poweroff\n")],
         expect=[r"pvh1: PVH entry 0x[0-9a-f]+, start_info at",
                 r"\(d1\) .*Hypervisor detected: Xen HVM",
                 r"\(d1\) .*Booting kernel on Xen PVH",
                 r"\(d1\) .*Xen HVM callback vector for event delivery is enabled",
                 r"\(d1\) .*printk: console \[hvc0\] enabled",
                 r"\(d1\) .*clocksource: Switched to clocksource xen",
                 r"\(d1\) MICA-GUEST: userspace up",
                 r"\(d1\) hello-from-42",
                 r"Domain 1 \(pvh1\) shut down: poweroff",
                 r"Powering off"],
         checks=["no-fail"])

# SMP guests: a program pinned to each CPU (taskset) reports the CPU it
# ran on (/proc/self/stat field 39); then a busy loop pinned to each CPU in
# turn, and the per-CPU count of one /proc/interrupts line (LOC: the LAPIC
# timer of HVM; HYP: the Xen event upcall of PVH) must have grown on both.
# The answers are computed so that no echo of the typed line can match.
PIN_CMD = ("for c in 0 1; do echo \"pin$c-on-$(taskset -c $c cut -d' ' -f39 "
           "/proc/self/stat)\"; done\n")
IRQ_CMD = ("n() {{ awk '$1==\"{0}\" {{print $2, $3}}' /proc/interrupts; }}; set -- $(n); "
           "for c in 0 1; do taskset -c $c sh -c 'i=0; while [ $i -lt 2000 ]; "
           "do i=$((i+1)); done'; done; set -- $@ $(n); echo \"irqs-$1-$2-to-$3-$4\"; "
           "[ $3 -gt $1 ] && [ $4 -gt $2 ] && echo \"irqs-grew-on-$((1+1))-cpus\"\n")


# The same stock kernel as a classic 64-bit PV domU (ring 3, Xen PV ABI)
# with 2 vCPUs: Linux's own PV banner, vCPU 1 started by VCPUOP_initialise/
# up, the shell on hvc0, a typed command, a program pinned to each CPU,
# fork/exec/mmap checked by test/linux/forkexec.c (copy-on-write, exec,
# read-only and unmapped pages fault), poweroff. The prompt line reaches
# the log only with the first typed line, so the input starts at busybox's
# banner. Its hypercall counts are printed at its end (`stats`).
scenario("linux-pv", smp=3, mem="1G", timeout=900,
         modules=["linux:vmlinux type=pv mem=256M vcpus=2 name=pv2 stats -- console=hvc0 panic=-1",
                  "linux:initramfs.cpio.gz ramdisk"],
         keys=[(r"\(d1\) Enter 'help' for a list of built-in commands", CTRL_A3),
               (r"Serial input to d1", "echo hello-from-$((6*7))\n"),
               (r"^\(d1\) hello-from-42", PIN_CMD),
               (r"^\(d1\) pin1-on-\d", "mica-forkexec 16\n"),
               (r"^\(d1\) forkexec: ", "poweroff\n")],
         expect=[r"pv2: PV kernel .* p2m list at 0x8000000000 \(INIT_P2M\)",
                 r"Domain 1 \(pv2\): PV, 256 MiB, 2 vCPUs",
                 r"\(d1\) .*Hypervisor detected: Xen PV",
                 r"\(d1\) .*Booting kernel on Xen$",
                 r"\(d1\) .*printk: console \[hvc0\] enabled",
                 r"\(d1\) .*smp: Brought up 1 node, 2 CPUs",
                 r"\(d1\) .*clocksource: Switched to clocksource xen",
                 r"\(d1\) MICA-GUEST: userspace up",
                 r"\(d1\) MICA-GUEST: 2 CPUs",
                 r"\(d1\) mica-guest# ",
                 r"^\(d1\) hello-from-42",
                 r"^\(d1\) pin0-on-0$", r"^\(d1\) pin1-on-1$",
                 r"^\(d1\) forkexec: 16 rounds ok$",
                 r"Domain 1 \(pv2\) shut down: poweroff",
                 # `stats`: its hypercall counts (hv/xen/hcstats.c) at its end.
                 r"^\(mica\) hcstats d1 hypercall mmu_update [1-9]\d*$",
                 r"^\(mica\) hcstats d1 hypercall multicall [1-9]\d*$",
                 r"^\(mica\) hcstats d1 entries mmu_update [1-9]\d*$",
                 r"^\(mica\) hcstats d1 entries multicall [1-9]\d*$",
                 r"^\(mica\) hcstats d1 trap pf [1-9]\d*$",
                 r"^\(mica\) hcstats d1 event syscall [1-9]\d*$",
                 r"^\(mica\) hcstats d1 end hypercalls [1-9]\d*$",
                 r"Powering off"],
         # Grant-table frames are shared with the domain: Linux maps them.
         forbid=[r"L1 entry 0x[0-9a-f]+ refused", r"still referenced at teardown"],
         checks=["no-fail"])

# The embedded default of `make run`: a PVH, an HVM and a PV Linux side by
# side (the PV prompt reaches the log only with typed input: its banner).
LINUX_PV = ["linux:vmlinux type=pv mem=256M vcpus=2 name=pv1 -- console=hvc0 panic=-1",
            "linux:initramfs.cpio.gz ramdisk"]
scenario("linux-pvh-hvm-pv", smp=3, mem="1G", timeout=900,
         modules=LINUX_PVH + LINUX[:1] + LINUX[1:] + LINUX_PV,
         keys=[(r"\(d1\) mica-guest# ", ""), (r"\(d2\) mica-guest# ", ""),
               (r"\(d3\) Enter 'help' for a list of built-in commands", CTRL_A3),
               (r"Serial input to d1", "poweroff\n"),
               (r"Domain 1 \(pvh1\) destroyed", CTRL_A3),
               (r"Serial input to d2", "poweroff\n"),
               (r"Domain 2 \(linux1\) destroyed", CTRL_A3),
               (r"Serial input to d3", "poweroff\n")],
         expect=[r"Domain 1 \(pvh1\): PVH", r"Domain 2 \(linux1\): HVM",
                 r"Domain 3 \(pv1\): PV", r"\(d3\) .*Booting kernel on Xen$",
                 r"Domain 1 \(pvh1\) shut down: poweroff",
                 r"Domain 2 \(linux1\) shut down: poweroff",
                 r"Domain 3 \(pv1\) shut down: poweroff", r"Powering off"],
         checks=["no-fail"])

def smp_keys(irq_line):
    return [(r"\(d1\) mica-guest# ", CTRL_A3), (r"Serial input to d1", PIN_CMD),
            (r"^\(d1\) pin1-on-\d", IRQ_CMD.format(irq_line)),
            (r"^\(d1\) irqs-\d", "poweroff\n")]


SMP_LINES = [r"^\(d1\) pin0-on-0$", r"^\(d1\) pin1-on-1$", r"^\(d1\) irqs-grew-on-2-cpus$"]

# An SMP HVM guest: the second vCPU is started by the guest's own LAPIC
# INIT-SIPI-SIPI (real mode at the SIPI vector), on a pCPU of its own.
scenario("linux-hvm-smp", smp=3, mem="1G", timeout=600,
         modules=["linux:vmlinuz type=hvm mem=256M vcpus=2 name=smp -- console=ttyS0 panic=-1",
                  "linux:initramfs.cpio.gz ramdisk"],
         keys=smp_keys("LOC:"),
         expect=[r"Domain 1 \(smp\): HVM, 256 MiB, 2 vCPUs",
                 r"d1: vCPU1 started by SIPI at 0x[0-9a-f]+",
                 r"\(d1\) .*smp: Brought up 1 node, 2 CPUs",
                 r"\(d1\) MICA-GUEST: 2 CPUs"] + SMP_LINES +
                [r"Domain 1 \(smp\) shut down: poweroff", r"Powering off"],
         checks=["no-fail"])

# An SMP PVH guest: Linux starts vCPU1 through the vLAPIC too (6.1 keeps
# native INIT-SIPI for PVH), after registering its vcpu_info; each CPU gets
# its own VIRQ_TIMER and IPI event channels (xen-percpu lines).
scenario("linux-pvh-smp", smp=3, mem="1G", timeout=600,
         modules=["linux:vmlinux type=pvh mem=256M vcpus=2 name=pvh2 -- console=hvc0 panic=-1",
                  "linux:initramfs.cpio.gz ramdisk"],
         keys=smp_keys("HYP:"),
         expect=[r"Domain 1 \(pvh2\): PVH, 256 MiB, 2 vCPUs",
                 r"\(d1\) .*smpboot: Allowing 2 CPUs",
                 r"\(d1\) .*Booting kernel on Xen PVH",
                 r"\(d1\) .*installing Xen timer for CPU 1",
                 r"d1: vCPU1 started by SIPI at 0x[0-9a-f]+",
                 r"\(d1\) .*cpu 1 spinlock event irq \d+",
                 r"\(d1\) .*smp: Brought up 1 node, 2 CPUs",
                 r"\(d1\) .*clocksource: Switched to clocksource xen",
                 r"\(d1\) MICA-GUEST: 2 CPUs"] + SMP_LINES +
                [r"Domain 1 \(pvh2\) shut down: poweroff", r"Powering off"],
         checks=["no-fail"])

# Steal time: both vCPUs of a PVH Linux pinned to one pCPU (cpu=1) and kept
# busy for 3 s of guest time, so each waits runnable about half of it. Linux
# reads that from the runstate area Mica writes (VCPUOP_register_runstate_
# memory_area) into the "steal" column of /proc/stat (field 9 of the "cpu"
# line, in 1/100 s). Two CPUs half-starved for 3 s give about 300; the
# bounds only rule out "none" and "garbage" (more than 2 CPUs x 3 s).
# (HVM domains do not offer the Xen ABI, so an HVM Linux shows no steal.)
STEAL_CMD = ("s() { awk '$1==\"cpu\" {print $9}' /proc/stat; }; a=$(s); "
             "for c in 0 1; do taskset -c $c sh -c 'e=$(($(date +%s)+3)); "
             "while [ $(date +%s) -lt $e ]; do :; done' & done; wait; b=$(s); "
             "echo \"steal-$a-to-$b\"; [ $((b-a)) -ge 50 ] && [ $((b-a)) -le 700 ] "
             "&& echo \"steal-grew-by-$((b-a))\"; echo \"steal-$((1+1))-done\"\n")
scenario("linux-pvh-steal", smp=2, mem="1G", timeout=300,
         modules=["linux:vmlinux type=pvh mem=256M vcpus=2 cpu=1 name=steal -- "
                  "console=hvc0 panic=-1",
                  "linux:initramfs.cpio.gz ramdisk"],
         keys=[(r"\(d1\) mica-guest# ", CTRL_A3), (r"Serial input to d1", STEAL_CMD),
               (r"^\(d1\) steal-2-done", "poweroff\n")],
         expect=[r"Domain 1 \(steal\): PVH, 256 MiB, 2 vCPUs",
                 r"\(d1\) .*smp: Brought up 1 node, 2 CPUs",
                 r"^\(d1\) steal-\d+-to-\d+$", r"^\(d1\) steal-grew-by-\d+$",
                 r"Domain 1 \(steal\) shut down: poweroff", r"Powering off"],
         forbid=[r"runstate area .* not writable"],
         checks=["no-fail"])

# The scheduler's scenarios (scenarios_sched.py).
from scenarios_sched import add as add_sched  # noqa: E402
add_sched(scenario)


# The vendor dimension: the same HVM and PVH boots on Intel VT-x. QEMU's
# TCG has no VMX, so these need Bochs (MICA_BOCHS) or KVM with nested VMX
# (cpu "host").
VMX_CPU = "host,+vmx"


def boots_hvm_or_pvh(row):
    return any(" type=hvm" in m or " type=pvh" in m for m in row["modules"])


# Lines of the SVM backend itself (its ASIDs) are not expected of VMX.
for row in [r for r in SCENARIOS if boots_hvm_or_pvh(r)]:
    SCENARIOS.append(dict(row, name="vmx-" + row["name"], vendor="intel",
                          cpu=VMX_CPU, accel="kvm",
                          expect=[e for e in row["expect"] if not e.startswith("SVM: ")]))
