// SPDX-License-Identifier: MIT
// Guest: LAPIC timer: divide configuration, one-shot and periodic modes,
// current count, ISR/EOI, a masked timer that counts but does not fire, and
// TSC-deadline mode where offered.
#include "apic.h"
#include "guest.h"
#include "pc.h"
#include "traps.h"

const char test_name[] = "lapic_timer";

#define VEC_TIMER 0x40
#define VEC_SPURIOUS 0xff
#define PERIODIC_TICKS 50

static volatile unsigned int ticks, spurious;
static volatile bool isr_seen;
static volatile uint64_t fired_tsc;
static volatile bool tsc_deadline_mode;

static void timer_handler(struct trap_frame *f)
{
    (void)f;
    if (ticks == 0 || tsc_deadline_mode)
        fired_tsc = rdtsc();
    isr_seen = lapic_vector_set(APIC_ISR, VEC_TIMER);
    ticks++;
    lapic_eoi();
}

static void spurious_handler(struct trap_frame *f)
{
    (void)f;
    spurious++;
}

/* Intel SDM vol. 3, "Divide Configuration Register": bits 0, 1 and 3. */
static void test_divide(uint32_t *per_ms_div1)
{
    static const uint32_t tdcr[] = {0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb};
    uint32_t div16;

    for (size_t i = 0; i < ARRAY_SIZE(tdcr); i++) {
        lapic_write(APIC_TDCR, tdcr[i]);
        CHECK_EQ("TDCR read back", lapic_read(APIC_TDCR) & 0xb, tdcr[i]);
    }
    *per_ms_div1 = lapic_timer_ticks_per_ms(APIC_TDCR_DIV1);
    div16 = lapic_timer_ticks_per_ms(APIC_TDCR_DIV16);
    info("timer: %u ticks/ms at divide 1, %u at divide 16", *per_ms_div1, div16);
    CHECK(*per_ms_div1 >= 1000, "timer too slow to test: %u ticks/ms", *per_ms_div1);
    CHECK(div16 * 12 <= *per_ms_div1 && *per_ms_div1 <= div16 * 20,
          "divide 16 gives %u ticks/ms, divide 1 %u: ratio not ~16", div16, *per_ms_div1);
}

static void test_oneshot(uint32_t per_ms)
{
    uint32_t init = per_ms * 5, c0, c1;
    uint64_t t0, us;

    lapic_write(APIC_TDCR, APIC_TDCR_DIV1);
    lapic_write(APIC_LVT_TIMER, VEC_TIMER);
    t0 = rdtsc();
    lapic_write(APIC_TMICT, init);
    c0 = lapic_read(APIC_TMCCT);
    c1 = lapic_read(APIC_TMCCT);
    CHECK(c0 <= init && c1 < c0, "one-shot: current count %#x then %#x, initial %#x", c0,
          c1, init);
    CHECK(sti_wait_count(&ticks, 1, 1000000), "one-shot (5 ms): no interrupt in 1 s");
    us = tsc_to_us(fired_tsc - t0);
    info("one-shot of 5000 us fired after %llu us", (unsigned long long)us);
    CHECK(us >= 4500, "one-shot of 5000 us fired after %llu us", (unsigned long long)us);
    CHECK(isr_seen, "vector %#x not in service (ISR) in its handler", VEC_TIMER);
    CHECK(!lapic_vector_set(APIC_ISR, VEC_TIMER), "vector %#x still in ISR after EOI",
          VEC_TIMER);
    CHECK_EQ("one-shot current count after expiry", lapic_read(APIC_TMCCT), 0);
    sti_delay_us(20000);
    CHECK(ticks == 1, "one-shot fired %u times", ticks);
}

static void test_periodic(uint32_t per_ms)
{
    unsigned int n0;
    uint32_t cc;

    lapic_write(APIC_LVT_TIMER, VEC_TIMER | APIC_LVT_TIMER_PERIODIC);
    lapic_write(APIC_TMICT, per_ms);
    check_irq_rate("periodic LAPIC timer", &ticks, PERIODIC_TICKS, 1000);
    cc = lapic_read(APIC_TMCCT);
    CHECK(cc > 0 && cc <= per_ms, "periodic: current count %#x, initial %#x (no reload?)",
          cc, per_ms);
    lapic_write(APIC_TMICT, 0); /* stops the timer */
    sti_delay_us(1000);
    n0 = ticks;
    sti_delay_us(10000);
    CHECK(ticks == n0, "%u interrupts after writing initial count 0", ticks - n0);
}

static void test_masked(uint32_t per_ms)
{
    unsigned int n0 = ticks;

    lapic_write(APIC_LVT_TIMER, VEC_TIMER | APIC_LVT_MASKED);
    lapic_write(APIC_TMICT, per_ms);
    sti_delay_us(5000);
    CHECK(ticks == n0, "masked timer delivered %u interrupts", ticks - n0);
    CHECK(!lapic_vector_set(APIC_IRR, VEC_TIMER), "masked timer set its IRR bit");
    CHECK_EQ("masked timer current count after 5 ms (counts down anyway)",
             lapic_read(APIC_TMCCT), 0);
}

/* TSC-deadline mode (SDM vol. 3, "TSC-Deadline Mode"): the timer fires
 * when the TSC reaches IA32_TSC_DEADLINE, which then reads back 0. */
#define MSR_TSC_DEADLINE 0x6e0
#define APIC_LVT_TIMER_TSC_DEADLINE (2U << 17)

static void test_tsc_deadline(void)
{
    uint64_t t0, deadline, us;
    unsigned int n0 = ticks;

    if (!(cpuid(1, 0).ecx & (1U << 24))) {
        CHECK(!on_mica(), "Mica must offer TSC-deadline timers (CPUID.1:ECX[24])");
        info("no TSC-deadline timer on this CPU: not tested");
        return;
    }
    lapic_write(APIC_TMICT, 0);
    lapic_write(APIC_LVT_TIMER, VEC_TIMER | APIC_LVT_TIMER_TSC_DEADLINE);
    tsc_deadline_mode = true;
    t0 = rdtsc();
    deadline = t0 + tsc_khz() * 5; /* 5 ms */
    wrmsr(MSR_TSC_DEADLINE, deadline);
    CHECK(rdmsr(MSR_TSC_DEADLINE) == deadline, "IA32_TSC_DEADLINE reads %#llx, wrote %#llx",
          (unsigned long long)rdmsr(MSR_TSC_DEADLINE), (unsigned long long)deadline);
    CHECK(sti_wait_count(&ticks, n0 + 1, 1000000), "TSC deadline (5 ms): no interrupt in 1 s");
    us = tsc_to_us(fired_tsc - t0);
    info("TSC-deadline timer of 5000 us fired after %llu us", (unsigned long long)us);
    CHECK(fired_tsc >= deadline, "TSC-deadline timer fired %llu TSC ticks early",
          (unsigned long long)(deadline - fired_tsc));
    CHECK_EQ("IA32_TSC_DEADLINE after expiry", rdmsr(MSR_TSC_DEADLINE), 0);
    sti_delay_us(20000);
    CHECK(ticks == n0 + 1, "TSC-deadline timer fired %u times", ticks - n0);
    /* A deadline in the past fires at once; writing 0 disarms. */
    wrmsr(MSR_TSC_DEADLINE, rdtsc() - 1000);
    CHECK(sti_wait_count(&ticks, n0 + 2, 1000000), "past TSC deadline: no interrupt");
    wrmsr(MSR_TSC_DEADLINE, rdtsc() + tsc_khz() * 5);
    wrmsr(MSR_TSC_DEADLINE, 0);
    sti_delay_us(20000);
    CHECK(ticks == n0 + 2, "disarmed TSC deadline still fired");
    lapic_write(APIC_LVT_TIMER, VEC_TIMER | APIC_LVT_MASKED);
}

void test_main(void)
{
    uint32_t per_ms;

    tsc_khz();
    pic_remap(0x20, 0x28);
    trap_set_handler(VEC_TIMER, timer_handler);
    trap_set_handler(VEC_SPURIOUS, spurious_handler);
    lapic_enable(VEC_SPURIOUS);
    test_divide(&per_ms);
    test_oneshot(per_ms);
    test_periodic(per_ms);
    test_masked(per_ms);
    test_tsc_deadline();
    if (spurious)
        info("%u spurious LAPIC interrupts", spurious);
}
