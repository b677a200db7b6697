// SPDX-License-Identifier: MIT
/* Run queues: priority order, FIFO within a priority, flags kept right. */
#include <string.h>

#include "test_support.h"

#include <hv/sched.h>

static struct scheduler s;
static struct sched_domain dom = {.domid = 1};
static struct sched_unit u[6];

static int setup(void **state)
{
    unsigned int i;

    (void)state;
    memset(&s, 0, sizeof(s));
    memset(u, 0, sizeof(u));
    s.nr_cpus = 2;
    for (i = 0; i < 6; i++) {
        u[i].sdom = &dom;
        u[i].vcpu_id = i;
    }
    return 0;
}

/* Queue of cpu as unit indices, -1 terminated. */
static void expect_queue(unsigned int cpu, const int *want)
{
    const struct sched_unit *p = runq_peek(&s, cpu);

    for (; *want >= 0; want++, p = p->next) {
        assert_non_null(p);
        assert_ptr_equal(p, &u[*want]);
        assert_true(p->queued);
        assert_int_equal(p->cpu, cpu);
    }
    assert_null(p);
}

static void test_priority_then_fifo(void **state)
{
    static const enum sched_pri pri[6] = {SCHED_PRI_OVER,  SCHED_PRI_UNDER,
                                          SCHED_PRI_BOOST, SCHED_PRI_UNDER,
                                          SCHED_PRI_OVER,  SCHED_PRI_BOOST};
    static const int want[] = {2, 5, 1, 3, 0, 4, -1};
    unsigned int i;

    (void)state;
    for (i = 0; i < 6; i++) {
        u[i].pri = pri[i];
        runq_insert(&s, 1, &u[i]);
    }
    expect_queue(1, want);
    assert_null(runq_peek(&s, 0));
}

static void test_remove_head_middle_tail(void **state)
{
    static const int after[] = {1, 3, -1};
    unsigned int i;

    (void)state;
    for (i = 0; i < 5; i++) {
        u[i].pri = SCHED_PRI_UNDER;
        runq_insert(&s, 0, &u[i]);
    }
    runq_remove(&s, &u[0]);
    runq_remove(&s, &u[2]);
    runq_remove(&s, &u[4]);
    expect_queue(0, after);
    assert_false(u[0].queued);
    assert_null(u[2].next);
    runq_remove(&s, &u[2]); /* not queued: no effect */
    expect_queue(0, after);
}

static void test_reinsert_moves_to_tail(void **state)
{
    static const int want[] = {1, 2, 0, -1};
    static const int moved[] = {2, 0, -1};
    unsigned int i;

    (void)state;
    for (i = 0; i < 3; i++)
        runq_insert(&s, 0, &u[i]);
    runq_insert(&s, 0, &u[0]);
    expect_queue(0, want);
    runq_insert(&s, 1, &u[1]); /* moving to another pCPU dequeues first */
    expect_queue(0, moved);
    assert_int_equal(u[1].cpu, 1);
    assert_ptr_equal(runq_peek(&s, 1), &u[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_priority_then_fifo, setup),
        cmocka_unit_test_setup(test_remove_head_middle_tail, setup),
        cmocka_unit_test_setup(test_reinsert_moves_to_tail, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
