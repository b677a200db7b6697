// SPDX-License-Identifier: MIT
/* The lost-timer-interrupt watchdog (hv/common/timer_watchdog.c): which
 * other CPUs it wakes, and when. this_cpu() reads %gs:0, so the test
 * points the GS base at the CPU it plays. */
#include <asm/prctl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>
#include <hv/percpu.h>
#include <hv/time.h>

#include "test_support.h"

#define MS 1000000ULL

struct percpu *percpu_of[MAX_CPUS];
static struct percpu cpu[3];
static uint64_t fake_now;
static unsigned int raised[3]; /* SOFTIRQ_TIMER raises per CPU */

uint64_t now_ns(void)
{
    return fake_now;
}

void softirq_raise_on(unsigned int c, enum softirq_nr nr)
{
    if (nr == SOFTIRQ_TIMER)
        raised[c]++;
}

static int setup(void **state)
{
    (void)state;
    memset(cpu, 0, sizeof(cpu));
    memset(raised, 0, sizeof(raised));
    for (unsigned int c = 0; c < 3; c++) {
        cpu[c].self = &cpu[c];
        cpu[c].cpu_id = c;
        cpu[c].online = true;
        percpu_of[c] = &cpu[c];
    }
    fake_now = 1000 * MS;
    test_log_clear();
    return syscall(SYS_arch_prctl, ARCH_SET_GS, &cpu[0]) ? -1 : 0; /* we are CPU0 */
}

static void on_time_or_idle_cpus_are_left_alone(void **state)
{
    (void)state;
    cpu[1].timer_deadline = 0;                       /* nothing armed */
    cpu[2].timer_deadline = fake_now - 50 * MS + 1;  /* late, not overdue yet */
    timer_watchdog();
    assert_int_equal(raised[1] + raised[2], 0);
}

static void an_overdue_cpu_is_woken_once_per_period(void **state)
{
    (void)state;
    cpu[2].timer_deadline = fake_now - 60 * MS;
    timer_watchdog();
    assert_int_equal(raised[2], 1);
    assert_int_equal(cpu[2].timer_rescues, 1);
    assert_non_null(strstr(test_log, "CPU2's deadline passed 60 ms ago"));
    fake_now += 49 * MS;
    timer_watchdog();                                /* not again so soon */
    assert_int_equal(raised[2], 1);
    fake_now += 1 * MS;
    timer_watchdog();                                /* the wake-up was lost too */
    assert_int_equal(raised[2], 2);
}

static void a_cpu_whose_softirq_waits_is_busy_not_lost(void **state)
{
    (void)state;
    cpu[1].timer_deadline = fake_now - 500 * MS;
    cpu[1].softirq_pending = 1U << SOFTIRQ_TIMER;
    timer_watchdog();
    assert_int_equal(raised[1], 0);
    cpu[1].softirq_pending = 1U << SOFTIRQ_SCHED;    /* another softirq: still lost */
    timer_watchdog();
    assert_int_equal(raised[1], 1);
}

static void itself_and_offline_cpus_are_skipped(void **state)
{
    (void)state;
    cpu[0].timer_deadline = fake_now - 500 * MS;
    cpu[1].timer_deadline = fake_now - 500 * MS;
    cpu[1].online = false;
    timer_watchdog();
    assert_int_equal(raised[0] + raised[1], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(on_time_or_idle_cpus_are_left_alone, setup),
        cmocka_unit_test_setup(an_overdue_cpu_is_woken_once_per_period, setup),
        cmocka_unit_test_setup(a_cpu_whose_softirq_waits_is_busy_not_lost, setup),
        cmocka_unit_test_setup(itself_and_offline_cpus_are_skipped, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
