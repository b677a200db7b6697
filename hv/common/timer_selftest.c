// SPDX-License-Identifier: MIT
/* Boot-time check that every CPU's one-shot timer fires, and not early:
 * each CPU arms a timer TIMER_TEST_NS ahead and reports when it ran. */
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/x86.h>

#define TIMER_TEST_NS 10000000ULL /* 10 ms */

static struct timer test_timers[MAX_CPUS];
static uint64_t armed_at[MAX_CPUS];
static volatile unsigned int remaining;

static void selftest_fired(void *data)
{
    unsigned int cpu = (unsigned int)(uintptr_t)data;
    uint64_t waited = now_ns() - armed_at[cpu];

    if (waited >= TIMER_TEST_NS)
        printk("timer self-test: CPU%u ok, fired after %lu us\n", cpu, waited / 1000);
    else
        printk(LOG_ERR "timer self-test: CPU%u fired EARLY, after %lu us\n", cpu,
               waited / 1000);
    __atomic_fetch_sub(&remaining, 1, __ATOMIC_SEQ_CST);
}

static void selftest_arm(void *unused)
{
    unsigned int cpu = smp_processor_id();

    (void)unused;
    timer_init(&test_timers[cpu], selftest_fired, (void *)(uintptr_t)cpu,
               "timer-selftest");
    armed_at[cpu] = now_ns();
    timer_set(&test_timers[cpu], armed_at[cpu] + TIMER_TEST_NS);
}

void timer_selftest(void);
void timer_selftest(void)
{
    uint64_t give_up = now_ns() + 100 * TIMER_TEST_NS;

    remaining = nr_cpus_online;
    selftest_arm(NULL);
    smp_call_others(selftest_arm, NULL);
    /* Our own timer runs from softirq context: process it while waiting. */
    while (remaining && now_ns() < give_up) {
        softirq_run();
        cpu_relax();
    }
    if (remaining)
        printk(LOG_ERR "timer self-test: %u CPUs' timers never fired\n", remaining);
}
