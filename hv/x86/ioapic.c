// SPDX-License-Identifier: MIT
/* The legacy 8259 pair (remapped, then masked) and the IOAPICs (all pins
 * masked until a driver routes one). */
#include <hv/apic.h>
#include <hv/boot.h>
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/printk.h>
#include <hv/traps.h>
#include <hv/x86.h>

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))
#define IOAPIC_MASKED (1U << 16)
#define IOAPIC_LEVEL (1U << 15)
#define IOAPIC_ACTIVE_LOW (1U << 13)

struct ioapic {
    volatile uint32_t *mmio;
    uint32_t gsi_base;
    unsigned int nr_pins;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;

static uint32_t ioapic_read(const struct ioapic *io, uint32_t reg)
{
    io->mmio[IOAPIC_REGSEL / 4] = reg;
    return io->mmio[IOAPIC_WIN / 4];
}

static void ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
    io->mmio[IOAPIC_REGSEL / 4] = reg;
    io->mmio[IOAPIC_WIN / 4] = v;
}

/* Remap the 8259s away from the exception vectors, then mask them: a
 * spurious IRQ7/15 then arrives at a harmless vector. */
void pic_disable(void)
{
    static const uint8_t init[2][4] = {
        { 0x11, VEC_IRQ_BASE, 0x04, 0x01 },     /* master: ICW1-4 */
        { 0x11, VEC_IRQ_BASE + 8, 0x02, 0x01 }, /* slave */
    };

    for (int i = 0; i < 2; i++) {
        uint16_t base = i ? 0xa0 : 0x20;

        outb(base, init[i][0]);
        for (int w = 1; w < 4; w++)
            outb(base + 1, init[i][w]);
        outb(base + 1, 0xff);
    }
}

void ioapic_init(void)
{
    for (unsigned int i = 0; i < acpi_info.nr_ioapics; i++) {
        struct ioapic *io = &ioapics[nr_ioapics];

        io->mmio = ioremap(acpi_info.ioapic[i].addr, PAGE_SIZE, PAGE_HV_UC);
        if (!io->mmio)
            continue;
        io->gsi_base = acpi_info.ioapic[i].gsi_base;
        io->nr_pins = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
        for (unsigned int p = 0; p < io->nr_pins; p++) {
            ioapic_write(io, IOAPIC_REDIR(p), IOAPIC_MASKED);
            ioapic_write(io, IOAPIC_REDIR(p) + 1, 0);
        }
        printk("IOAPIC %u at 0x%lx: GSIs %u-%u, all masked\n",
               acpi_info.ioapic[i].id, acpi_info.ioapic[i].addr, io->gsi_base,
               io->gsi_base + io->nr_pins - 1);
        nr_ioapics++;
    }
}

int ioapic_route_isa_irq(unsigned int irq, unsigned int vector, uint32_t apic_id)
{
    uint32_t gsi = irq, lo = vector;

    /* ISA IRQs are edge/high unless an override says otherwise. */
    for (unsigned int i = 0; i < acpi_info.nr_overrides; i++) {
        const struct acpi_override *o = &acpi_info.override[i];

        if (o->source != irq)
            continue;
        gsi = o->gsi;
        if ((o->flags & 3) == 3)
            lo |= IOAPIC_ACTIVE_LOW;
        if (((o->flags >> 2) & 3) == 3)
            lo |= IOAPIC_LEVEL;
    }
    for (unsigned int i = 0; i < nr_ioapics; i++) {
        const struct ioapic *io = &ioapics[i];

        if (gsi < io->gsi_base || gsi >= io->gsi_base + io->nr_pins)
            continue;
        ioapic_write(io, IOAPIC_REDIR(gsi - io->gsi_base) + 1, apic_id << 24);
        ioapic_write(io, IOAPIC_REDIR(gsi - io->gsi_base), lo);
        return 0;
    }
    return -ENOENT;
}
