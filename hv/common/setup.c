// SPDX-License-Identifier: MIT
/* start_mica(): the boot sequence from the first C instruction to idle. */
#include <hv/acpi.h>
#include <hv/apic.h>
#include <hv/boot.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/paging.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/traps.h>
#include <hv/x86.h>

#define MICA_VERSION "0.1"

struct boot_info boot_info;
struct acpi_info acpi_info;
struct memmap boot_memmap;

void memmap_print(const struct memmap *m);
void mem_summary_print(void);
void debugkeys_init(void);
void timer_selftest(void);

static const void *acpi_map_fw(void *opaque, paddr_t pa, size_t len)
{
    (void)opaque;
    return ioremap(pa, len, PAGE_HV_RO);
}

static const struct acpi_mem_ops acpi_ops = { .map = acpi_map_fw };

/* Without a multiboot2 RSDP tag: the EBDA's first KiB, then the BIOS
 * area 0xe0000-0xfffff (ACPI, "Finding the RSDP on IA-PC Systems"). */
static paddr_t acpi_locate_rsdp(void)
{
    const uint16_t *ebda_seg = ioremap(0x40e, 2, PAGE_HV_RO);
    paddr_t rsdp = 0;

    if (ebda_seg && *ebda_seg)
        rsdp = acpi_scan_rsdp(&acpi_ops, (paddr_t)*ebda_seg << 4, 1024);
    if (!rsdp)
        rsdp = acpi_scan_rsdp(&acpi_ops, 0xe0000, 0x20000);
    return rsdp;
}

static void acpi_setup(void)
{
    paddr_t rsdp = boot_info.rsdp ? boot_info.rsdp : acpi_locate_rsdp();

    if (!rsdp || acpi_parse(&acpi_ops, rsdp, &acpi_info))
        panic("no usable ACPI MADT: cannot find the CPUs and interrupt controllers");
    printk("ACPI: RSDP at 0x%lx (revision %u), MADT at 0x%lx, LAPIC at 0x%lx\n",
           acpi_info.rsdp_addr, acpi_info.revision, acpi_info.madt_addr,
           acpi_info.lapic_addr);
    for (unsigned int i = 0; i < acpi_info.nr_cpus; i++)
        printk("ACPI: CPU %u: APIC id %u%s\n", i, acpi_info.cpu[i].apic_id,
               acpi_info.cpu[i].x2apic ? " (x2APIC entry)" : "");
    for (unsigned int i = 0; i < acpi_info.nr_overrides; i++)
        printk("ACPI: override ISA IRQ %u -> GSI %u, flags 0x%x\n",
               acpi_info.override[i].source, acpi_info.override[i].gsi,
               acpi_info.override[i].flags);
    if (acpi_info.nr_bad_tables)
        printk(LOG_WARN "ACPI: %u bad tables skipped\n", acpi_info.nr_bad_tables);
}

static void memory_setup(void)
{
    boot_memmap = boot_info.map;
    memmap_sanitize(&boot_memmap);
    if (boot_opts.mem_limit) {
        memmap_clip_ram(&boot_memmap, boot_opts.mem_limit);
        printk("mem=%lu MiB: RAM above it ignored\n", boot_opts.mem_limit >> 20);
    }
    memmap_print(&boot_memmap);
    frames_early_init(&boot_memmap, &boot_info);
    paging_init(&boot_memmap);
    frames_init(&boot_memmap);
    heap_setup();
    mem_summary_print();
    if (!paging_check_wx())
        panic("hypervisor image is not mapped W^X");
    printk("Paging: image W^X, direct map at 0x%lx, %s pages\n",
           (uint64_t)DIRECTMAP_VIRT_START, hv_pt.allow_1g ? "1 GiB" : "2 MiB");
}

/* Runs on the boot CPU's own per-CPU stack. */
static __noreturn void start_mica_percpu(void)
{
    struct percpu *pc = this_cpu();

    lapic_init();
    time_calibrate();
    sched_init();
    cpu_common_init(pc);
    printk("CPU0 online (APIC id %u, %s)\n", pc->apic_id, apic->name);
    pic_disable();
    ioapic_init();
    local_irq_enable();
    smp_bring_up(&acpi_info, (unsigned int)boot_opts.max_cpus);
    printk("%u CPU%s online\n", nr_cpus_online, nr_cpus_online == 1 ? "" : "s");
    timer_selftest();
    debugkeys_init();
    fault_inject_maybe();
    if (boot_domains_create()) {
        printk("Boot complete: %u domain%s running. Debug keys: 'h' for help; "
               "Ctrl-A three times switches the input\n", domains_alive(),
               domains_alive() == 1 ? "" : "s");
        timer_lose_arm();
    } else {
        /* None configured, or all already ended while later ones were built. */
        printk("Boot complete: no domains running. Debug keys: 'h' for help\n");
        if (boot_opts.poweroff_when_empty)
            machine_poweroff();
    }
    cpu_idle_loop();
}

/* Until the per-CPU areas exist, GS points here so this_cpu() works. */
static struct percpu boot_percpu = { .self = &boot_percpu };

void start_mica(uint32_t magic, paddr_t info)
{
    int rc;

    wrmsr(MSR_GS_BASE, (uint64_t)&boot_percpu);
    idt_init();
    idt_load();
    rc = multiboot_parse(magic, info, &boot_info);

    bootopts_parse(boot_info.cmdline);
    console_init();
    printk("Mica hypervisor " MICA_VERSION " (x86-64), booted by %s via multiboot%u\n",
           boot_info.loader[0] ? boot_info.loader : "an unnamed loader",
           boot_info.protocol);
    printk("Command line: %s\n", boot_info.cmdline);
    bootopts_report();
    if (boot_opts.help)
        bootopts_print_help();
    if (rc)
        panic("no memory map from the boot loader (magic 0x%x, error %d)", magic, rc);
    memory_setup();
    acpi_setup();
    apic_early_init(acpi_info.lapic_addr);
    smp_boot_cpu_init(start_mica_percpu);
}
