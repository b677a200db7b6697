// SPDX-License-Identifier: MIT
/* Per-CPU one-shot timers on the LAPIC timer (TSC-deadline mode when the
 * CPU has it, else one-shot count-down). Each CPU keeps a sorted list and
 * programs the hardware for its head.
 *
 * Locking: each CPU's list has its own lock, taken with interrupts off.
 * A timer may be re-armed or stopped from another CPU (a vCPU's timers
 * follow it when the scheduler moves it): timer_set() takes it off the
 * old CPU's list and puts it on the current one's. Only one lock is ever
 * held. timer_stop() also waits for a callback running elsewhere, so the
 * owner of a stopped timer may free it.
 *
 * A CPU whose timer interrupt was lost would wait for good: nothing arms
 * its timer again. timer_watchdog.c has the other CPUs look for that.
 */
#include <hv/apic.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include <hv/traps.h>
#include <hv/x86.h>

#define TIMER_MIN_NS 10000ULL /* never program closer than 10 us */

void timer_init(struct timer *t, void (*fn)(void *), void *data, const char *name)
{
    t->next = NULL;
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->name = name;
    t->armed = false;
}

static void timer_hw_program(uint64_t deadline_ns)
{
    uint64_t now = now_ns(), delta;

    this_cpu()->timer_deadline = deadline_ns;
    delta = deadline_ns > now + TIMER_MIN_NS ? deadline_ns - now : TIMER_MIN_NS;
    if (apic_tsc_deadline) {
        wrmsr(MSR_TSC_DEADLINE, rdtsc() + delta * tsc_khz / 1000000);
        return;
    }
    /* Count-down at divider 1; clamp to the 32-bit counter. */
    uint64_t ticks = delta * lapic_timer_khz / 1000000;

    apic->write(APIC_TMICT, (uint32_t)MIN(MAX(ticks, 1ULL), 0xffffffffULL));
}

static void timer_list_remove(struct percpu *pc, struct timer *t)
{
    for (struct timer **pp = &pc->timer_head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->armed = false;
}

static void timer_list_insert(struct percpu *pc, struct timer *t)
{
    struct timer **pp = &pc->timer_head;

    while (*pp && (*pp)->expires <= t->expires)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->armed = true;
}

/* Take t off whichever list holds it; the caller has interrupts off. */
static void timer_unlink(struct timer *t)
{
    while (t->armed) {
        struct percpu *pc = percpu_of[t->cpu];

        spin_lock(&pc->timer_lock);
        if (t->armed && t->cpu == pc->cpu_id)
            timer_list_remove(pc, t);
        spin_unlock(&pc->timer_lock);
    }
}

void timer_set(struct timer *t, uint64_t expires_ns)
{
    uint64_t flags = local_irq_save();
    struct percpu *pc = this_cpu();

    timer_unlink(t);
    spin_lock(&pc->timer_lock);
    t->expires = expires_ns;
    t->cpu = pc->cpu_id;
    timer_list_insert(pc, t);
    if (pc->timer_head == t)
        timer_hw_program(expires_ns);
    spin_unlock(&pc->timer_lock);
    local_irq_restore(flags);
}

void timer_stop(struct timer *t)
{
    uint64_t flags = local_irq_save();
    struct percpu *pc = percpu_of[t->cpu];

    timer_unlink(t);
    local_irq_restore(flags);
    /* A callback already taken off a list may still be running there. */
    while (pc && pc != this_cpu() && __atomic_load_n(&pc->timer_running, __ATOMIC_ACQUIRE) == t)
        cpu_relax();
}

/* Softirq: run every expired timer, then program the next deadline. */
static void timer_softirq(void)
{
    struct percpu *pc = this_cpu();
    uint64_t flags;
    struct timer *t;

    timer_lose_report();
    timer_watchdog();
    flags = local_irq_save();
    spin_lock(&pc->timer_lock);
    while ((t = pc->timer_head) && t->expires <= now_ns()) {
        timer_list_remove(pc, t);
        __atomic_store_n(&pc->timer_running, t, __ATOMIC_RELEASE);
        spin_unlock(&pc->timer_lock);
        local_irq_restore(flags);
        t->fn(t->data);
        __atomic_store_n(&pc->timer_running, NULL, __ATOMIC_RELEASE);
        flags = local_irq_save();
        spin_lock(&pc->timer_lock);
    }
    if (pc->timer_head)
        timer_hw_program(pc->timer_head->expires);
    else
        pc->timer_deadline = 0;
    spin_unlock(&pc->timer_lock);
    local_irq_restore(flags);
}

static void timer_interrupt(struct cpu_regs *regs)
{
    (void)regs;
    this_cpu()->timer_irqs++;
    if (timer_lose_this())
        return;
    softirq_raise(SOFTIRQ_TIMER);
}

void timers_cpu_init(void)
{
    uint32_t mode = apic_tsc_deadline ? APIC_TIMER_TSC_DEADLINE : APIC_TIMER_ONESHOT;

    if (this_cpu()->cpu_id == 0) {
        irq_register(VEC_TIMER, timer_interrupt);
        softirq_register(SOFTIRQ_TIMER, timer_softirq);
    }
    apic->write(APIC_TDCR, 0xb);
    apic->write(APIC_LVT_TIMER, mode | VEC_TIMER);
}

void timers_dump(void)
{
    uint64_t now = now_ns();

    printk("Timers at %lu ns (%s mode):\n", now,
           apic_tsc_deadline ? "TSC-deadline" : "one-shot");
    for (unsigned int c = 0; c < MAX_CPUS; c++) {
        struct percpu *pc = percpu_of[c];

        if (!pc || !pc->online)
            continue;
        printk("  CPU%u: %lu timer interrupts, next deadline %lu ns, %lu overdue wake-ups\n",
               c, pc->timer_irqs, pc->timer_deadline, pc->timer_rescues);
        /* Lists of other CPUs may change under us; this is debug output. */
        for (struct timer *t = pc->timer_head; t; t = t->next)
            printk("    %-16s expires in %ld us\n", t->name, time_us_until(t->expires, now));
    }
}
