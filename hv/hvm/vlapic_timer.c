// SPDX-License-Identifier: MIT
/* Virtual local APIC timer: one-shot, periodic and TSC-deadline modes.
 *
 * SDM "APIC Timer": the current count decrements at the bus clock divided
 * by the divide configuration and raises the LVT timer vector at zero;
 * periodic mode reloads the initial count. Nothing ticks here: the state is
 * the absolute time of the next expiry, and the current count is derived
 * from it, so reads are exact at any `now` and reloads cannot drift.
 */
#include <hv/hvm/vlapic.h>

#define NS_PER_SEC 1000000000ULL
_Static_assert(NS_PER_SEC % VLAPIC_BUS_HZ == 0,
               "the bus clock must divide 1 GHz into whole nanoseconds");
#define NS_PER_BUS_TICK (NS_PER_SEC / VLAPIC_BUS_HZ)

#define TDCR_WRITABLE 0xbU

static unsigned int timer_mode(uint32_t lvt)
{
    return (lvt & VLAPIC_TIMER_MODE_MASK) >> VLAPIC_TIMER_MODE_SHIFT;
}

static bool timer_tsc_mode(uint32_t lvt)
{
    return timer_mode(lvt) == VLAPIC_TIMER_TSC_DEADLINE;
}

/* Nanoseconds per count. SDM "Divide Configuration Register": bits 3 and
 * 1:0 form n; the divisor is 2^(n+1), where n = 7 wraps to divide-by-1. */
static uint64_t timer_ns_per_count(const struct vlapic *v)
{
    unsigned int n = ((v->tdcr >> 1) & 4) | (v->tdcr & 3);

    return (1ULL << ((n + 1) & 7)) * NS_PER_BUS_TICK;
}

static uint64_t timer_period(const struct vlapic *v)
{
    return (uint64_t)v->tmict * timer_ns_per_count(v);
}

static bool timer_periodic(const struct vlapic *v)
{
    return timer_mode(v->lvt[VLAPIC_LVT_TIMER]) == VLAPIC_TIMER_PERIODIC;
}

/* The expiry the count is heading for at `now`: for a periodic timer whose
 * deadline has passed unpolled, the first reload point after `now`. */
static uint64_t timer_next_expiry(const struct vlapic *v, uint64_t now)
{
    uint64_t d = v->timer_deadline_ns;
    uint64_t period;

    if (d == HVM_NO_DEADLINE || now < d || !timer_periodic(v))
        return d;
    period = timer_period(v);
    if (!period)
        return d;
    return d + period * ((now - d) / period + 1);
}

void vlapic_timer_reset(struct vlapic *v)
{
    v->tmict = 0;
    v->tdcr = 0;
    v->timer_deadline_ns = HVM_NO_DEADLINE;
    v->tsc_deadline_ns = 0;
}

uint32_t vlapic_timer_read_tmcct(const struct vlapic *v, uint64_t now_ns)
{
    uint64_t d, ns_per_count;

    /* SDM "TSC-Deadline Mode": the current count reads 0. */
    if (timer_tsc_mode(v->lvt[VLAPIC_LVT_TIMER]))
        return 0;
    d = timer_next_expiry(v, now_ns);
    if (d == HVM_NO_DEADLINE || d <= now_ns)
        return 0;
    ns_per_count = timer_ns_per_count(v);
    return (uint32_t)((d - now_ns + ns_per_count - 1) / ns_per_count);
}

void vlapic_timer_write_tmict(struct vlapic *v, uint32_t val, uint64_t now_ns)
{
    /* Ignored in TSC-deadline mode; writing 0 stops the timer. */
    if (timer_tsc_mode(v->lvt[VLAPIC_LVT_TIMER]))
        return;
    v->tmict = val;
    v->timer_deadline_ns =
        val ? now_ns + timer_period(v) : HVM_NO_DEADLINE;
}

/* A new divisor takes effect from now: the remaining count is kept and
 * runs down at the new rate. An expiry already due is left for vlapic_poll
 * so it is not lost. */
void vlapic_timer_write_tdcr(struct vlapic *v, uint32_t val, uint64_t now_ns)
{
    uint32_t count = vlapic_timer_read_tmcct(v, now_ns);

    v->tdcr = val & TDCR_WRITABLE;
    if (v->timer_deadline_ns == HVM_NO_DEADLINE ||
        v->timer_deadline_ns <= now_ns || !count)
        return;
    v->timer_deadline_ns = now_ns + count * timer_ns_per_count(v);
}

/* SDM "TSC-Deadline Mode": switching into or out of TSC-deadline mode
 * disarms the timer. One-shot <-> periodic keeps counting; the mode in
 * force at expiry decides whether it reloads. */
void vlapic_timer_write_lvt(struct vlapic *v, uint32_t val)
{
    bool was_tsc = timer_tsc_mode(v->lvt[VLAPIC_LVT_TIMER]);

    v->lvt[VLAPIC_LVT_TIMER] = val;
    if (was_tsc == timer_tsc_mode(val))
        return;
    v->tmict = 0;
    v->timer_deadline_ns = HVM_NO_DEADLINE;
    v->tsc_deadline_ns = 0;
}

/* Expiry: deliver the LVT vector unless masked (edge-triggered, SDM "Local
 * Vector Table": timer interrupts are always edge). */
static void timer_fire(struct vlapic *v)
{
    uint32_t lvt = v->lvt[VLAPIC_LVT_TIMER];

    if (!(lvt & VLAPIC_LVT_MASKED))
        vlapic_set_irq(v, lvt & VLAPIC_LVT_VECTOR, false);
}

static uint64_t timer_poll_tsc(struct vlapic *v, uint64_t now_ns)
{
    if (!v->tsc_deadline_ns)
        return HVM_NO_DEADLINE;
    if (now_ns < v->tsc_deadline_ns)
        return v->tsc_deadline_ns;
    v->tsc_deadline_ns = 0;
    timer_fire(v);
    return HVM_NO_DEADLINE;
}

/* Several periods missed by a late poll coalesce into one interrupt (the
 * IRR holds one per vector anyway); the next deadline stays on the grid of
 * the original start. */
uint64_t vlapic_poll(struct vlapic *v, uint64_t now_ns)
{
    if (!vlapic_hw_enabled(v))
        return HVM_NO_DEADLINE;
    if (timer_tsc_mode(v->lvt[VLAPIC_LVT_TIMER]))
        return timer_poll_tsc(v, now_ns);
    if (v->timer_deadline_ns == HVM_NO_DEADLINE ||
        now_ns < v->timer_deadline_ns)
        return v->timer_deadline_ns;
    timer_fire(v);
    if (timer_periodic(v) && v->tmict)
        v->timer_deadline_ns = timer_next_expiry(v, now_ns);
    else
        v->timer_deadline_ns = HVM_NO_DEADLINE;
    return v->timer_deadline_ns;
}

void vlapic_set_tsc_deadline_ns(struct vlapic *v, uint64_t deadline_ns)
{
    if (timer_tsc_mode(v->lvt[VLAPIC_LVT_TIMER]))
        v->tsc_deadline_ns = deadline_ns;
}

uint64_t vlapic_get_tsc_deadline_ns(const struct vlapic *v)
{
    return timer_tsc_mode(v->lvt[VLAPIC_LVT_TIMER]) ? v->tsc_deadline_ns : 0;
}
