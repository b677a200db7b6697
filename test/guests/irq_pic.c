// SPDX-License-Identifier: MIT
// Guest: PIT channel 0 interrupts through the 8259 pair (remapped to
// 0x20/0x28): rate, EOI, IRR/ISR reads through OCW3, masking.
#include "apic.h"
#include "guest.h"
#include "pc.h"
#include "traps.h"

const char test_name[] = "irq_pic";

#define VEC_MASTER 0x20
#define VEC_SLAVE 0x28
#define PIT_RATE_HZ 1000
#define RATE_TICKS 100

static volatile unsigned int ticks, spurious;
static volatile uint16_t isr_in_handler, isr_after_eoi;

static void pit_handler(struct trap_frame *f)
{
    (void)f;
    if (ticks == 0)
        isr_in_handler = pic_read_isr();
    pic_eoi(0);
    if (ticks == 0)
        isr_after_eoi = pic_read_isr();
    ticks++;
}

/* IRQ 7 / 15 without the ISR bit: a spurious interrupt, no EOI owed
 * (8259A datasheet, "Interrupt Sequence"). */
static void spurious_handler(struct trap_frame *f)
{
    (void)f;
    spurious++;
}

static void test_irr_before_sti(void)
{
    uint64_t t0 = rdtsc(), limit = us_to_tsc(100000);

    /* IF is clear: the PIT's first tick must show up as a request. */
    while (!(pic_read_irr() & 1) && rdtsc() - t0 < limit)
        cpu_relax();
    CHECK(pic_read_irr() & 1,
          "IRR %#x: IRQ 0 not requested 100 ms after starting the PIT", pic_read_irr());
    CHECK((pic_read_isr() & 1) == 0, "ISR %#x: IRQ 0 in service before any INTA",
          pic_read_isr());
}

static void test_delivery(void)
{
    /* The PIC reaches the CPU through LINT0 in ExtINT mode when the LAPIC
     * is enabled (Intel SDM vol. 3, "Local Vector Table"). */
    CHECK(sti_wait_count(&ticks, 1, 100000),
          "no interrupt on vector %#x after sti (IRR %#x, IMR %#x, LAPIC SVR %#x, "
          "LVT LINT0 %#x)",
          VEC_MASTER, pic_read_irr(), pic_get_mask(), lapic_read(APIC_SVR),
          lapic_read(APIC_LVT_LINT0));
    CHECK(isr_in_handler & 1, "ISR %#x in the handler: IRQ 0 not in service",
          isr_in_handler);
    CHECK(!(isr_after_eoi & 1), "ISR %#x after EOI: IRQ 0 still in service",
          isr_after_eoi);
    check_irq_rate("PIT through the 8259", &ticks, RATE_TICKS, 1000000 / PIT_RATE_HZ);
}

static void test_mask(void)
{
    unsigned int n;

    pic_set_mask(0xffff);
    CHECK_EQ("IMR read back", pic_get_mask(), 0xffff);
    sti_delay_us(1000); /* an interrupt already acknowledged may still land */
    n = ticks;
    sti_delay_us(20000);
    CHECK(ticks == n, "%u interrupts while IRQ 0 was masked", ticks - n);
}

void test_main(void)
{
    tsc_khz();
    pic_remap(VEC_MASTER, VEC_SLAVE);
    CHECK_EQ("IMR after initialization", pic_get_mask(), 0xffff);
    trap_set_handler(VEC_MASTER, pit_handler);
    trap_set_handler(VEC_MASTER + 7, spurious_handler);
    trap_set_handler(VEC_SLAVE + 7, spurious_handler);
    pic_set_mask(0xfffe);
    CHECK_EQ("IMR read back", pic_get_mask(), 0xfffe);
    pit_ch0_periodic(PIT_RATE_HZ);
    test_irr_before_sti();
    test_delivery();
    test_mask();
    if (spurious)
        info("%u spurious interrupts (IRQ 7/15)", spurious);
}
