// SPDX-License-Identifier: MIT
// Test-guest xAPIC and I/O APIC register access.
#include "apic.h"
#include "pc.h"
#include "traps.h"

#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10

uint32_t lapic_read(unsigned int reg)
{
    return mmio_read32(LAPIC_BASE + reg);
}

void lapic_write(unsigned int reg, uint32_t v)
{
    mmio_write32(LAPIC_BASE + reg, v);
}

void lapic_enable(uint8_t spurious_vector)
{
    lapic_write(APIC_SVR, APIC_SVR_ENABLE | spurious_vector);
    lapic_write(APIC_TPR, 0);
}

void lapic_eoi(void)
{
    lapic_write(APIC_EOI, 0);
}

/* ISR, TMR and IRR are eight 32-bit registers 16 bytes apart (Intel SDM
 * vol. 3, "Interrupt Request Register (IRR), In-Service Register (ISR),
 * and Trigger Mode Register (TMR)"). */
bool lapic_vector_set(unsigned int reg, uint8_t vector)
{
    return (lapic_read(reg + (vector / 32u) * 0x10) >> (vector % 32u)) & 1;
}

uint8_t lapic_id(void)
{
    return (uint8_t)(lapic_read(APIC_ID) >> 24);
}

uint32_t lapic_timer_ticks_per_ms(uint32_t tdcr)
{
    uint32_t c0, c1;
    uint64_t t0, t1;

    lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
    lapic_write(APIC_TDCR, tdcr);
    lapic_write(APIC_TMICT, 0xffffffff);
    c0 = read_with_tsc(lapic_read, APIC_TMCCT, &t0);
    delay_us(20000);
    c1 = read_with_tsc(lapic_read, APIC_TMCCT, &t1);
    lapic_write(APIC_TMICT, 0);
    if (c1 >= c0)
        test_fail("LAPIC timer current count not decreasing (%#x then %#x)", c0, c1);
    return (uint32_t)((uint64_t)(c0 - c1) * tsc_khz() / (t1 - t0));
}

uint32_t ioapic_read(unsigned int index)
{
    mmio_write32(IOAPIC_BASE + IOAPIC_IOREGSEL, index);
    return mmio_read32(IOAPIC_BASE + IOAPIC_IOWIN);
}

void ioapic_write(unsigned int index, uint32_t v)
{
    mmio_write32(IOAPIC_BASE + IOAPIC_IOREGSEL, index);
    mmio_write32(IOAPIC_BASE + IOAPIC_IOWIN, v);
}

uint64_t ioapic_get_rte(unsigned int pin)
{
    uint64_t lo = ioapic_read(IOAPIC_REDIR(pin));

    return lo | (uint64_t)ioapic_read(IOAPIC_REDIR(pin) + 1) << 32;
}

/* The high half (destination) first, so the entry is never unmasked with
 * a stale destination. */
void ioapic_set_rte(unsigned int pin, uint64_t rte)
{
    ioapic_write(IOAPIC_REDIR(pin) + 1, (uint32_t)(rte >> 32));
    ioapic_write(IOAPIC_REDIR(pin), (uint32_t)rte);
}

/* IOAPICVER bits 23:16 hold the highest redirection entry index. */
unsigned int ioapic_pins(void)
{
    return ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
}

volatile unsigned int lapic_timer_irqs, lapic_spurious_irqs;
volatile uint64_t lapic_timer_irq_tsc;

static void timer_stamp_handler(struct trap_frame *f)
{
    (void)f;
    lapic_timer_irq_tsc = rdtsc();
    lapic_timer_irqs++;
    lapic_eoi();
}

/* Spurious interrupts need no EOI (SDM vol. 3, "Spurious Interrupt"). */
static void spurious_count_handler(struct trap_frame *f)
{
    (void)f;
    lapic_spurious_irqs++;
}

void lapic_timer_stamp_init(uint8_t vector, uint8_t spurious_vector)
{
    trap_set_handler(vector, timer_stamp_handler);
    trap_set_handler(spurious_vector, spurious_count_handler);
    lapic_enable(spurious_vector);
}
