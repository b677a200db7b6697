// SPDX-License-Identifier: MIT
// Test-guest ACPI: find tables from the RSDP, power off through PM1a_CNT.
#include "acpi.h"

/* ACPI 6.5, "Root System Description Pointer (RSDP) Structure". */
struct acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t ext_checksum;
    uint8_t reserved[3];
} __packed;

#define FADT_PM1A_CNT_BLK 64 /* "Fixed ACPI Description Table (FADT)" */
#define FADT_PM_TMR_BLK 76
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM_TMR_BLK 208
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN (1U << 13)
#define SLP_TYP_S5 0 /* what QEMU's and Mica's _S5 packages say */

static const struct acpi_rsdp *rsdp;
static uint16_t pm1a_cnt, pm_tmr;

static uint8_t checksum(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (n--)
        sum = (uint8_t)(sum + *b++);
    return sum;
}

static const struct acpi_rsdp *find_rsdp(void)
{
    for (uintptr_t a = 0xe0000; a < 0x100000; a += 16) {
        const struct acpi_rsdp *r = (const struct acpi_rsdp *)a;

        if (memcmp(r->signature, "RSD PTR ", 8) || checksum(r, 20))
            continue;
        if (r->revision >= 2 && checksum(r, sizeof(*r)))
            continue;
        return r;
    }
    return NULL;
}

static bool table_ok(uint64_t addr)
{
    const struct acpi_header *h;

    if (!addr || addr >= 0x100000000ULL)
        return false;
    h = (const struct acpi_header *)(uintptr_t)addr;
    return h->length >= sizeof(*h) && checksum(h, h->length) == 0;
}

const struct acpi_header *acpi_find_table(const char sig[4])
{
    bool x = rsdp && rsdp->revision >= 2 && table_ok(rsdp->xsdt);
    const struct acpi_header *root;
    size_t step = x ? 8 : 4, n;

    if (!rsdp || (!x && !table_ok(rsdp->rsdt)))
        return NULL;
    root = (const struct acpi_header *)(uintptr_t)(x ? rsdp->xsdt : rsdp->rsdt);
    n = (root->length - sizeof(*root)) / step;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *slot = (const uint8_t *)(root + 1) + i * step;
        uint64_t addr = 0;

        memcpy(&addr, slot, step);
        if (table_ok(addr) &&
            memcmp(((const struct acpi_header *)(uintptr_t)addr)->signature, sig, 4) == 0)
            return (const struct acpi_header *)(uintptr_t)addr;
    }
    return NULL;
}

/* The I/O port of a FADT register block: the 32-bit field at off, else
 * the extended one at x_off, a Generic Address Structure in system I/O
 * space (address space id 1) with the port at byte 4. */
static uint16_t fadt_port(const uint8_t *fadt, unsigned int off, unsigned int x_off)
{
    uint32_t blk = 0;

    memcpy(&blk, fadt + off, 4);
    if (!blk && ((const struct acpi_header *)fadt)->length >= x_off + 12 &&
        fadt[x_off] == 1)
        memcpy(&blk, fadt + x_off + 4, 4);
    return (uint16_t)blk;
}

void acpi_init(void)
{
    const uint8_t *fadt;

    rsdp = find_rsdp();
    fadt = (const uint8_t *)acpi_find_table("FACP");
    if (!fadt)
        return;
    pm1a_cnt = fadt_port(fadt, FADT_PM1A_CNT_BLK, FADT_X_PM1A_CNT_BLK);
    pm_tmr = fadt_port(fadt, FADT_PM_TMR_BLK, FADT_X_PM_TMR_BLK);
}

uint16_t acpi_pm_timer_port(void)
{
    return pm_tmr;
}

/* MADT "Interrupt Source Override" entries (type 2) follow the 8-byte
 * local APIC address and flags after the header. */
unsigned int acpi_isa_irq_gsi(unsigned int irq, uint16_t *flags)
{
    const struct acpi_header *madt = acpi_find_table("APIC");
    const uint8_t *p, *end;

    *flags = 0;
    if (!madt)
        return irq;
    p = (const uint8_t *)madt + sizeof(*madt) + 8;
    end = (const uint8_t *)madt + madt->length;
    for (; p + 2 <= end && p[1] >= 2; p += p[1]) {
        uint32_t gsi;

        if (p[0] != 2 || p[1] < 10 || p[3] != irq)
            continue;
        memcpy(&gsi, p + 4, 4);
        memcpy(flags, p + 8, 2);
        return gsi;
    }
    return irq;
}

void halt_forever(void)
{
    for (;;)
        asm volatile("cli; hlt");
}

void poweroff(void)
{
    cli();
    if (pm1a_cnt)
        outw(pm1a_cnt, (SLP_TYP_S5 << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
    for (volatile unsigned int i = 0; i < 1000000; i++)
        cpu_relax();
    printf("poweroff failed\n");
    halt_forever();
}
