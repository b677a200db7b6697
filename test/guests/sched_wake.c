// SPDX-License-Identifier: MIT
// Guest: a vCPU that blocks and wakes often, for the scheduler's wake
// latency. For "seconds=<n>" (default 2) it arms the LAPIC one-shot timer
// for "period_us=<n>" (default 5000) and halts until the interrupt, and
// measures with the TSC how late each wake-up came: the time the vCPU
// waited for a pCPU after its timer fired, plus the delivery path.
#include "apic.h"
#include "guest.h"
#include "pc.h"

const char test_name[] = "sched_wake";

#define VEC_TIMER 0x40
#define VEC_SPURIOUS 0xff
#define DEFAULT_SECONDS 2
/* TSC calibration span; descheduling within it does not matter. */
#define CALIBRATE_MS 100
#define MAX_SECONDS 3600
#define DEFAULT_PERIOD_US 5000
#define MIN_PERIOD_US 100
#define MAX_PERIOD_US 100000
#define HANG_US 2000000
/* Wake-ups this late are reported as they happen, so that the log shows
 * what else went on then (at most LATE_LINES of them). */
#define LATE_REPORT_US 30000
#define LATE_LINES 20

/* The lateness buckets of Mica's "sched: wake latency" line. */
static const uint64_t bucket_us[] = { 10, 100, 1000, 10000, 30000 };
static const char *const bucket_name[] = { "<10us", "<100us", "<1ms",
                                           "<10ms", "<30ms", ">=30ms" };

struct lateness {
    uint64_t t0; /* TSC at the first sleep */
    uint64_t wakes, sum_us, max_us, max_at, stray; /* max_at: TSC of the worst */
    unsigned int late_lines;
    uint64_t hist[ARRAY_SIZE(bucket_name)];
};

static void account(struct lateness *l, uint64_t late_us, uint64_t at)
{
    unsigned int b = 0;

    while (b < ARRAY_SIZE(bucket_us) && late_us >= bucket_us[b])
        b++;
    l->hist[b]++;
    l->wakes++;
    l->sum_us += late_us;
    if (late_us > l->max_us) {
        l->max_us = late_us;
        l->max_at = at;
    }
    if (late_us >= LATE_REPORT_US && l->late_lines++ < LATE_LINES)
        info("woken %llu us late at %llu ms", (unsigned long long)late_us,
             (unsigned long long)(tsc_to_us(at - l->t0) / 1000));
}

/* One sleep of period_us. The deadline counts from just before the TMICT
 * write, so an exit for that write shows as lateness, never as earliness. */
static void sleep_once(struct lateness *l, uint32_t count, uint64_t period_us)
{
    unsigned int seen = lapic_timer_irqs;
    uint64_t t_arm = rdtsc(), hang = us_to_tsc(HANG_US), fired, due;

    lapic_write(APIC_TMICT, count);
    while (lapic_timer_irqs == seen) {
        sti_hlt();
        cli();
        if (lapic_timer_irqs == seen)
            l->stray++;
        CHECK(rdtsc() - t_arm < hang,
              "no timer interrupt %u us after arming a %llu us one-shot", HANG_US,
              (unsigned long long)period_us);
    }
    fired = lapic_timer_irq_tsc;
    due = t_arm + us_to_tsc(period_us);
    /* The timer counts the same clock as the TSC calibration it was derived
     * from; firing before 95% of the period is an early interrupt, not
     * jitter (the bound hlt_wakeup uses). */
    CHECK(tsc_to_us(fired - t_arm) >= period_us * 95 / 100,
          "one-shot of %llu us fired after %llu us", (unsigned long long)period_us,
          (unsigned long long)tsc_to_us(fired - t_arm));
    account(l, fired > due ? tsc_to_us(fired - due) : 0, fired);
}

/* Times are ms since the first sleep. */
static void report(const struct lateness *l, uint64_t period_us)
{
    uint64_t ms = tsc_to_us(rdtsc() - l->t0) / 1000;
    uint64_t max_at = l->max_at > l->t0 ? tsc_to_us(l->max_at - l->t0) / 1000 : 0;
    char buf[160];
    int n = 0;

    info("%llu wakes in %llu ms (period %llu us), lateness avg %llu us max %llu us "
         "(at %llu ms), %llu stray wake-ups",
         (unsigned long long)l->wakes, (unsigned long long)ms,
         (unsigned long long)period_us, (unsigned long long)(l->sum_us / l->wakes),
         (unsigned long long)l->max_us, (unsigned long long)max_at,
         (unsigned long long)l->stray);
    for (unsigned int b = 0; b < ARRAY_SIZE(bucket_name); b++)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, " %s %llu", bucket_name[b],
                      (unsigned long long)l->hist[b]);
    info("lateness:%s", buf);
}

void test_main(void)
{
    unsigned long secs = mb_cmdline_ulong("seconds", DEFAULT_SECONDS);
    unsigned long period = mb_cmdline_ulong("period_us", DEFAULT_PERIOD_US);
    static struct lateness l;
    uint64_t end;
    uint32_t per_ms;

    CHECK(secs >= 1 && secs <= MAX_SECONDS, "seconds=%lu: expected 1..%u", secs,
          MAX_SECONDS);
    CHECK(period >= MIN_PERIOD_US && period <= MAX_PERIOD_US,
          "period_us=%lu: expected %u..%u", period, MIN_PERIOD_US, MAX_PERIOD_US);
    tsc_calibrate_pm(CALIBRATE_MS);
    pic_remap(0x20, 0x28);
    lapic_timer_stamp_init(VEC_TIMER, VEC_SPURIOUS);
    per_ms = lapic_timer_ticks_per_ms(APIC_TDCR_DIV1);
    CHECK((uint64_t)per_ms * period / 1000 <= 0xffffffffULL && per_ms >= 1000,
          "LAPIC timer at %u ticks/ms: period not representable", per_ms);
    lapic_write(APIC_LVT_TIMER, VEC_TIMER);
    info("sleeping %lu us at a time for %lu s", period, secs);
    l.t0 = rdtsc();
    end = l.t0 + us_to_tsc((uint64_t)secs * 1000000);
    while (rdtsc() < end)
        sleep_once(&l, (uint32_t)((uint64_t)per_ms * period / 1000), period);
    report(&l, period);
}
