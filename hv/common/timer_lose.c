// SPDX-License-Identifier: MIT
/*
 * timer_lose=<n>, for tests: the first n timer interrupts after boot on
 * CPUs other than the boot CPU are dropped, as QEMU 7.2's TCG can drop
 * them (hv/common/timer_watchdog.c): the handler returns before it raises
 * the softirq, so nothing programs that CPU's timer again. The boot CPU
 * keeps its interrupts, so that it can find the overdue CPU and wake it.
 */
#include <hv/boot.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/time.h>

static uint64_t lose_left; /* armed once boot is done */
static uint64_t lost, reported;

void timer_lose_arm(void)
{
    if (!boot_opts.timer_lose)
        return;
    printk(LOG_WARN "timer_lose=%lu: dropping that many timer interrupts, as QEMU's "
           "TCG can\n", boot_opts.timer_lose);
    __atomic_store_n(&lose_left, boot_opts.timer_lose, __ATOMIC_RELEASE);
}

/* In the interrupt handler: true if this one is to be dropped. */
bool timer_lose_this(void)
{
    uint64_t left = __atomic_load_n(&lose_left, __ATOMIC_ACQUIRE);

    if (this_cpu()->cpu_id == 0)
        return false;
    while (left)
        if (__atomic_compare_exchange_n(&lose_left, &left, left - 1, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            __atomic_fetch_add(&lost, 1, __ATOMIC_RELEASE);
            return true;
        }
    return false;
}

/* From the timer softirq: say how many were dropped (not from the IRQ,
 * whose interrupted code may hold the console lock). */
void timer_lose_report(void)
{
    uint64_t n = __atomic_load_n(&lost, __ATOMIC_ACQUIRE);
    uint64_t seen = __atomic_load_n(&reported, __ATOMIC_ACQUIRE);

    if (n == seen || !__atomic_compare_exchange_n(&reported, &seen, n, false,
                                                  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return;
    printk(LOG_WARN "timer_lose: %lu timer interrupts dropped so far\n", n);
}
