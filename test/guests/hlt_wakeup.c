// SPDX-License-Identifier: MIT
// Guest: HLT sleeps until the LAPIC timer interrupt, and not less than the
// programmed time; HLT with the interrupt already pending returns at once.
#include "apic.h"
#include "guest.h"
#include "pc.h"

const char test_name[] = "hlt_wakeup";

#define VEC_TIMER 0x40
#define VEC_SPURIOUS 0xff
#define SLEEP_US 10000

static void test_sleep(uint32_t per_ms)
{
    unsigned int wakeups = 0;
    uint64_t t0, us, limit = us_to_tsc(1000000);

    lapic_write(APIC_LVT_TIMER, VEC_TIMER);
    t0 = rdtsc();
    lapic_write(APIC_TMICT, per_ms * (SLEEP_US / 1000));
    while (lapic_timer_irqs == 0 && rdtsc() - t0 < limit) {
        sti_hlt();
        cli();
        wakeups++;
    }
    CHECK(lapic_timer_irqs == 1, "HLT: %u timer interrupts after %u wakeups",
          lapic_timer_irqs, wakeups);
    us = tsc_to_us(lapic_timer_irq_tsc - t0);
    info("HLT woke %u time(s); timer of %u us fired after %llu us", wakeups, SLEEP_US,
         (unsigned long long)us);
    CHECK(us >= SLEEP_US * 95 / 100, "HLT: timer of %u us fired after %llu us", SLEEP_US,
          (unsigned long long)us);
    CHECK(wakeups == 1, "HLT returned %u times before the timer interrupt", wakeups);
}

/* The timer expires while IF=0: the interrupt waits in IRR, and "sti; hlt"
 * must take it at once rather than sleep. */
static void test_pending(uint32_t per_ms)
{
    uint64_t t0, us, limit = us_to_tsc(50000);

    lapic_write(APIC_TMICT, per_ms / 10);
    t0 = rdtsc();
    while (!lapic_vector_set(APIC_IRR, VEC_TIMER) && rdtsc() - t0 < limit)
        cpu_relax();
    CHECK(lapic_vector_set(APIC_IRR, VEC_TIMER),
          "timer expired with IF=0 but vector %#x not pending in IRR (TMCCT %#x)",
          VEC_TIMER, lapic_read(APIC_TMCCT));
    CHECK(lapic_timer_irqs == 1, "timer interrupt delivered with IF=0");
    info("HLT with the timer interrupt pending (hangs if it is lost)");
    t0 = rdtsc();
    sti_hlt();
    cli();
    us = tsc_to_us(rdtsc() - t0);
    CHECK(lapic_timer_irqs == 2,
          "HLT with a pending interrupt returned without delivering it");
    CHECK(us < 500000, "HLT with a pending interrupt slept %llu us",
          (unsigned long long)us);
}

void test_main(void)
{
    uint32_t per_ms;

    tsc_khz();
    pic_remap(0x20, 0x28);
    lapic_timer_stamp_init(VEC_TIMER, VEC_SPURIOUS);
    per_ms = lapic_timer_ticks_per_ms(APIC_TDCR_DIV1);
    test_sleep(per_ms);
    test_pending(per_ms);
    if (lapic_spurious_irqs)
        info("%u spurious LAPIC interrupts", lapic_spurious_irqs);
}
