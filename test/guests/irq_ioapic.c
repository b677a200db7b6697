// SPDX-License-Identifier: MIT
// Guest: PIT interrupts through the I/O APIC pin the MADT names for IRQ 0,
// delivered by the LAPIC with EOI; masking; a level-triggered pin's Remote
// IRR and re-delivery.
#include "acpi.h"
#include "apic.h"
#include "guest.h"
#include "pc.h"
#include "traps.h"

const char test_name[] = "irq_ioapic";

#define VEC_EDGE 0x30
#define VEC_LEVEL 0x31
#define VEC_SPURIOUS 0xff
#define PIT_RATE_HZ 1000
#define RATE_TICKS 100
/* RTE bits the I/O APIC owns: delivery status (12) and Remote IRR (14). */
#define RTE_RO_BITS ((1ULL << 12) | IOAPIC_RTE_REMOTE_IRR)

static unsigned int pin;
static uint64_t pin_polarity; /* IOAPIC_RTE_ACTIVE_LOW or 0, from the MADT */
static volatile unsigned int ticks, level_hits, spurious;
static volatile bool remote_irr_seen[2], tmr_seen[2];

static void edge_handler(struct trap_frame *f)
{
    (void)f;
    ticks++;
    lapic_eoi();
}

/* First delivery: EOI with the PIT's OUT still high, so the pin must fire
 * again. Second: restart the count (OUT goes low, 8254 mode 0) and mask the
 * pin, then EOI, which must clear Remote IRR all the same. */
static void level_handler(struct trap_frame *f)
{
    unsigned int n = level_hits;
    uint64_t rte = ioapic_get_rte(pin);

    (void)f;
    if (n < 2) {
        remote_irr_seen[n] = rte & IOAPIC_RTE_REMOTE_IRR;
        tmr_seen[n] = lapic_vector_set(APIC_TMR, VEC_LEVEL);
    }
    level_hits = n + 1;
    if (n >= 1) {
        pit_ch0_oneshot(0xffff);
        ioapic_set_rte(pin, rte | IOAPIC_RTE_MASKED);
    }
    lapic_eoi();
}

static void spurious_handler(struct trap_frame *f)
{
    (void)f;
    spurious++;
}

static void find_pin(void)
{
    uint16_t flags;

    pin = acpi_isa_irq_gsi(0, &flags);
    CHECK(pin == 2, "MADT routes ISA IRQ 0 to GSI %u, expected 2", pin);
    /* MPS INTI flags: polarity in bits 1:0, 3 = active low; ISA default high. */
    pin_polarity = (flags & 3) == 3 ? IOAPIC_RTE_ACTIVE_LOW : 0;
    CHECK(ioapic_pins() >= 24, "I/O APIC has %u pins, expected 24", ioapic_pins());
}

static void test_edge(void)
{
    uint64_t rte = VEC_EDGE | pin_polarity | (uint64_t)lapic_id() << 56, got;
    unsigned int n0;

    ioapic_set_rte(pin, rte);
    got = ioapic_get_rte(pin);
    CHECK((got & ~RTE_RO_BITS) == rte, "pin %u RTE reads %#llx, wrote %#llx", pin,
          (unsigned long long)got, (unsigned long long)rte);
    pit_ch0_periodic(PIT_RATE_HZ);
    CHECK(sti_wait_count(&ticks, 1, 100000),
          "no PIT interrupt on vector %#x through "
          "pin %u (RTE %#llx, LAPIC SVR %#x)",
          VEC_EDGE, pin, (unsigned long long)ioapic_get_rte(pin), lapic_read(APIC_SVR));
    check_irq_rate("PIT through the I/O APIC", &ticks, RATE_TICKS, 1000000 / PIT_RATE_HZ);

    ioapic_set_rte(pin, rte | IOAPIC_RTE_MASKED);
    sti_delay_us(1000);
    n0 = ticks;
    sti_delay_us(20000);
    CHECK(ticks == n0, "%u interrupts while pin %u was masked", ticks - n0, pin);
}

/* 82093AA datasheet, "Remote IRR": set when a level interrupt is accepted,
 * cleared by the EOI; a pin still asserted at EOI is delivered again. The
 * PIT's OUT is the line, active high whatever the MADT says for edge use. */
static void test_level(void)
{
    uint64_t rte = VEC_LEVEL | IOAPIC_RTE_LEVEL | (uint64_t)lapic_id() << 56;

    ioapic_set_rte(pin, rte | IOAPIC_RTE_MASKED);
    pit_ch0_oneshot((uint16_t)(PIT_HZ / 500)); /* OUT high after 2 ms, stays */
    ioapic_set_rte(pin, rte);
    sti_wait_count(&level_hits, 2, 1000000);
    sti_delay_us(5000);
    ioapic_set_rte(pin, rte | IOAPIC_RTE_MASKED);
    CHECK(level_hits >= 1, "level-triggered pin %u: no interrupt", pin);
    CHECK(remote_irr_seen[0], "level-triggered pin %u: Remote IRR clear in the handler",
          pin);
    CHECK(tmr_seen[0], "level-triggered vector %#x: LAPIC TMR bit clear in the handler",
          VEC_LEVEL);
    CHECK(!(ioapic_get_rte(pin) & IOAPIC_RTE_REMOTE_IRR),
          "level-triggered pin %u: Remote IRR still set after EOI", pin);
    info("level-triggered pin %u: %u deliveries", pin, level_hits);
    /* Mica's PIT may drive its output as a pulse rather than a level. */
    if (on_mica() && level_hits == 1) {
        info("level-triggered pin %u: no re-delivery after EOI (PIT output pulsed)", pin);
        return;
    }
    CHECK(level_hits == 2,
          "level-triggered pin %u: %u deliveries, expected 2 (one "
          "again after an EOI with the line high)",
          pin, level_hits);
    CHECK(remote_irr_seen[1], "level-triggered pin %u: Remote IRR clear on re-delivery",
          pin);
}

void test_main(void)
{
    tsc_khz();
    pic_remap(0x20, 0x28); /* and masked: the PIT must arrive only via the I/O APIC */
    trap_set_handler(VEC_EDGE, edge_handler);
    trap_set_handler(VEC_LEVEL, level_handler);
    trap_set_handler(VEC_SPURIOUS, spurious_handler);
    lapic_enable(VEC_SPURIOUS);
    find_pin();
    test_edge();
    test_level();
    if (spurious)
        info("%u spurious LAPIC interrupts", spurious);
}
