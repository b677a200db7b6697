/* SPDX-License-Identifier: MIT */
/* Time: the TSC as clock source, per-CPU one-shot timers, softirqs. */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <hv/types.h>

extern uint64_t tsc_khz;         /* calibrated TSC frequency */
extern uint64_t lapic_timer_khz; /* LAPIC timer input clock, divider 1 */

void time_calibrate(void);       /* boot CPU, interrupts off */
uint64_t now_ns(void);           /* nanoseconds since boot, all CPUs agree */
uint64_t tsc_to_ns(uint64_t tsc); /* a host TSC value on the now_ns() scale */
void udelay(uint64_t us);
/* Microseconds from now to when, negative once past (debug output). */
static inline long time_us_until(uint64_t when, uint64_t now)
{
    return (long)(when - now) / 1000;
}

/*
 * One-shot timers, per CPU. A timer runs its function in softirq context
 * on the CPU it was set on.
 *
 * Locking: each CPU's list has its own lock, taken with interrupts off;
 * a timer may be re-armed or stopped from another CPU (hv/common/timer.c).
 */
struct timer {
    struct timer *next;
    uint64_t expires;          /* now_ns() deadline */
    void (*fn)(void *data);
    void *data;
    const char *name;          /* shown by the 't' debug key */
    unsigned int cpu;
    bool armed;
};

void timer_init(struct timer *t, void (*fn)(void *), void *data, const char *name);
void timer_set(struct timer *t, uint64_t expires_ns);
void timer_stop(struct timer *t);
void timers_cpu_init(void);       /* per CPU: LAPIC timer mode and vector */
void timers_dump(void);
/* From each CPU's timer softirq: wake the other CPUs whose timer
 * interrupt is overdue (hv/common/timer_watchdog.c). */
void timer_watchdog(void);
/* timer_lose=<n> (tests, hv/common/timer_lose.c): arm after boot; the
 * interrupt handler asks whether to drop this one; the softirq reports. */
void timer_lose_arm(void);
bool timer_lose_this(void);
void timer_lose_report(void);

/* Softirqs: deferred work run with interrupts enabled, outside IRQ handlers. */
enum softirq_nr { SOFTIRQ_TIMER, SOFTIRQ_CALL, SOFTIRQ_SCHED, NR_SOFTIRQS };
void softirq_register(enum softirq_nr nr, void (*fn)(void));
void softirq_raise(enum softirq_nr nr);
void softirq_raise_on(unsigned int cpu, enum softirq_nr nr);
void softirq_run(void);

#endif /* HV_TIME_H */
