// SPDX-License-Identifier: MIT
/*
 * Lost timer interrupts, found by the other CPUs. Each CPU programs its
 * LAPIC timer for the head of its timer list (percpu.timer_deadline), and
 * only that interrupt's softirq programs the next one. If the interrupt
 * never comes, the CPU's timers stop for good: halted, it sleeps on; in a
 * guest that loops without exits, it never leaves.
 *
 * QEMU 7.2's TCG loses such interrupts. Every #VMEXIT clears a bit of the
 * CPU's interrupt-request word with a plain read-modify-write, outside the
 * lock under which the APIC timer's thread sets its own request there
 * (target/i386/tcg/sysemu/svm_helper.c, do_vmexit). The vector then waits
 * in IRR and nothing asks for it again. About one linux-hvm-two run in 15
 * hung so, a halted CPU with IF=1 showing IRR 240 in 'info lapic'.
 *
 * So each CPU's timer softirq looks at the others. A CPU whose deadline
 * passed more than TIMER_OVERDUE_NS ago gets SOFTIRQ_TIMER raised with a
 * wake-up IPI (again after as long, if that one is lost too). The IPI makes
 * QEMU look at that APIC again, so the lost vector is taken, and the
 * softirq runs the overdue timers. A periodic count-down would re-raise
 * the interrupt by itself, but under -icount QEMU then stopped delivering
 * a guest-running CPU's timer interrupts altogether (boot.sched-pin got
 * no switches). A machine with one CPU has nobody to look.
 */
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/time.h>

#define TIMER_OVERDUE_NS 50000000ULL /* 50 ms: five scheduler ticks */

static void watch_cpu(struct percpu *pc, uint64_t now)
{
    uint64_t deadline = __atomic_load_n(&pc->timer_deadline, __ATOMIC_ACQUIRE);
    uint64_t next = __atomic_load_n(&pc->timer_watch_next, __ATOMIC_ACQUIRE);

    if (!deadline || now < deadline + TIMER_OVERDUE_NS || now < next)
        return;
    /* Its interrupt came and the softirq waits: a CPU busy for a while
     * (building a domain at boot), not a lost interrupt. */
    if (__atomic_load_n(&pc->softirq_pending, __ATOMIC_ACQUIRE) & (1U << SOFTIRQ_TIMER))
        return;
    /* One CPU sends, the others see the new time. */
    if (!__atomic_compare_exchange_n(&pc->timer_watch_next, &next, now + TIMER_OVERDUE_NS,
                                     false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return;
    __atomic_fetch_add(&pc->timer_rescues, 1, __ATOMIC_RELAXED);
    printk_ratelimited(LOG_INFO "timer: CPU%u's deadline passed %lu ms ago with no "
                       "interrupt; woken by CPU%u\n", pc->cpu_id,
                       (now - deadline) / 1000000, this_cpu()->cpu_id);
    softirq_raise_on(pc->cpu_id, SOFTIRQ_TIMER);
}

void timer_watchdog(void)
{
    uint64_t now = now_ns();

    for (unsigned int c = 0; c < MAX_CPUS; c++) {
        struct percpu *pc = percpu_of[c];

        if (pc && pc != this_cpu() && __atomic_load_n(&pc->online, __ATOMIC_ACQUIRE))
            watch_cpu(pc, now);
    }
}
