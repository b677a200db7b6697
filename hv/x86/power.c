// SPDX-License-Identifier: MIT
/* Reboot and ACPI S5 power-off. */
#include <hv/acpi.h>
#include <hv/boot.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/x86.h>

/* FADT fields (ACPI 6.x, "Fixed ACPI Description Table"). */
#define FADT_DSDT 40
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_X_DSDT 140
#define PM1_SLP_EN (1U << 13)
#define PM1_SLP_TYP_SHIFT 10

static const void *fw_map(void *opaque, paddr_t pa, size_t len)
{
    (void)opaque;
    return ioremap(pa, len, PAGE_HV_RO);
}

static const struct acpi_mem_ops fw_ops = { .map = fw_map };

/*
 * SLP_TYPa for S5 from the DSDT's \_S5 package: NameOp '_S5_' PackageOp
 * PkgLength NumElements, then the first element (ACPI "AML Encoding").
 */
static int s5_slp_typ(const uint8_t *aml, uint32_t len)
{
    for (uint32_t i = 1; i + 10 < len; i++) {
        const uint8_t *p = aml + i;

        if (memcmp(p, "_S5_", 4) || p[4] != 0x12 ||
            (p[-1] != 0x08 && !(p[-1] == '\\' && i >= 2 && p[-2] == 0x08)))
            continue;
        p += 5 + 1 + (p[5] >> 6); /* skip PkgLength */
        p++;                      /* NumElements */
        if (*p == 0x0a)           /* BytePrefix */
            return p[1] & 7;
        return *p <= 1 ? *p : (*p & 7); /* ZeroOp / OneOp / raw byte */
    }
    return -1;
}

static void acpi_poweroff(void)
{
    paddr_t fadt_pa = acpi_find_table(&fw_ops, acpi_info.rsdp_addr, "FACP");
    const uint8_t *fadt, *dsdt;
    uint32_t len, pm1a, dsdt_len;
    uint64_t dsdt_pa = 0;
    int typ;

    if (!fadt_pa || !(fadt = fw_map(NULL, fadt_pa, 36)))
        return;
    memcpy(&len, fadt + 4, 4);
    if (len < FADT_PM1B_CNT + 4 || !(fadt = fw_map(NULL, fadt_pa, len)))
        return;
    memcpy(&pm1a, fadt + FADT_PM1A_CNT, 4);
    if (len >= FADT_X_DSDT + 8)
        memcpy(&dsdt_pa, fadt + FADT_X_DSDT, 8);
    if (!dsdt_pa)
        memcpy(&dsdt_pa, fadt + FADT_DSDT, 4);
    if (!pm1a || !dsdt_pa || !(dsdt = fw_map(NULL, dsdt_pa, 36)))
        return;
    memcpy(&dsdt_len, dsdt + 4, 4);
    if (dsdt_len > MiB(1) || !(dsdt = fw_map(NULL, dsdt_pa, dsdt_len)) ||
        (typ = s5_slp_typ(dsdt, dsdt_len)) < 0)
        return;
    outw((uint16_t)pm1a, (uint16_t)((typ << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
    udelay(100000);
}

void machine_poweroff(void)
{
    printk("Powering off\n");
    local_irq_disable();
    if (acpi_info.rsdp_addr)
        acpi_poweroff();
    printk(LOG_ERR "ACPI power-off failed; halting\n");
    panic_park_cpu();
}

void machine_reboot(void)
{
    local_irq_disable();
    /* The keyboard controller's reset line, then the PCI reset register. */
    for (int i = 0; i < 100 && (inb(0x64) & 0x02); i++)
        udelay(50);
    outb(0x64, 0xfe);
    udelay(50000);
    outb(0xcf9, 0x02);
    outb(0xcf9, 0x06);
    udelay(50000);
    /* Last resort: a triple fault through an empty IDT. */
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed idtr = { 0, 0 };
    asm volatile("lidt %0; int3" : : "m"(idtr));
    panic_park_cpu();
}
