// SPDX-License-Identifier: MIT
/* What credit and rr share: placement, idle stealing, affinity, pause;
 * and the boost scenario that tells them apart. */
#include <stdio.h>
#include <string.h>

#include "test_support.h"

#include "sim.h"

static struct sim sim;

static const struct sched_ops *ops_of(void **state)
{
    return *state;
}

static struct sim_unit *hog(void)
{
    return sim_unit(&sim, sim_domain(&sim, SCHED_DEFAULT_WEIGHT, 0), 0, 0, 0);
}

/* Two units queued on pCPU 0 with both pCPUs idle and nobody tickled:
 * the next tick sends pCPU 1 to steal one. */
static void test_idle_cpu_steals_within_a_tick(void **state)
{
    struct sim_unit *a, *b;

    sim_init(&sim, ops_of(state), 2);
    a = hog();
    b = hog();
    sim_queue_on(&sim, a, 0);
    sim_queue_on(&sim, b, 0);
    sim_run(&sim, SCHED_TICK_NS - 1);
    assert_null(sim.s.cpu[1].curr);
    sim_run(&sim, 1);
    assert_non_null(sim.s.cpu[0].curr);
    assert_non_null(sim.s.cpu[1].curr);
    assert_int_equal(sim.s.nr_steals, 1);
    assert_true(sim.s.cpu[1].curr->cpu == 1);
    assert_int_equal(sim.errors, 0);
}

/* Two units pinned to pCPU 0 next to an idle pCPU 1, plus one that may
 * go anywhere: the idle pCPU must take only the roam one. */
static void test_affinity_respected(void **state)
{
    struct sim_unit *a, *b, *roam;

    sim_init(&sim, ops_of(state), 2);
    a = sim_unit(&sim, sim_domain(&sim, SCHED_DEFAULT_WEIGHT, 0), 0, 0, 1);
    b = sim_unit(&sim, sim_domain(&sim, SCHED_DEFAULT_WEIGHT, 0), 0, 0, 1);
    roam = sim_unit(&sim, sim_domain(&sim, SCHED_DEFAULT_WEIGHT, 0), 2 * SIM_MS,
                    3 * SIM_MS, 0);
    b->u.cpu = 1; /* last ran on a pCPU it may no longer use */
    sim_start(&sim, a);
    sim_start(&sim, b);
    sim_start(&sim, roam);
    sim_run(&sim, 5000 * SIM_MS);
    assert_int_equal(a->ran_on, 1);
    assert_int_equal(b->ran_on, 1);
    assert_true(a->runtime_ns > 2000 * SIM_MS && b->runtime_ns > 2000 * SIM_MS);
    assert_true(roam->ran_on & 2);
    assert_int_equal(sim.errors, 0);
}

/* A waking unit whose last pCPU is busy goes straight to an idle one. */
static void test_wake_prefers_idle_cpu(void **state)
{
    struct sim_unit *a, *b;

    sim_init(&sim, ops_of(state), 2);
    a = hog();
    b = hog();
    b->u.cpu = 0;
    sim_start(&sim, a);
    sim_run(&sim, 5 * SIM_MS);
    sim_start(&sim, b);
    sim_run(&sim, SIM_MS);
    assert_ptr_equal(sim.s.cpu[1].curr, &b->u);
    assert_int_equal(b->max_wake_lat_ns, 0);
    assert_int_equal(sim.s.nr_steals, 0);
}

static void test_pause_dequeues(void **state)
{
    struct sim_unit *a, *b, *queued;
    uint64_t ran;

    sim_init(&sim, ops_of(state), 1);
    a = hog();
    b = hog();
    sim_start(&sim, a);
    sim_start(&sim, b);
    sim_run(&sim, 45 * SIM_MS);
    queued = a->u.queued ? a : b;
    assert_true(queued->u.queued);
    sim_pause(&sim, queued);
    assert_false(queued->u.queued);
    assert_null(runq_peek(&sim.s, 0));
    ran = queued->runtime_ns;
    sim_run(&sim, 1000 * SIM_MS);
    assert_int_equal(queued->runtime_ns, ran);
    /* Pausing the running one leaves the pCPU idle. */
    sim_pause(&sim, queued == a ? b : a);
    sim_run(&sim, 100 * SIM_MS);
    assert_null(sim.s.cpu[0].curr);
    assert_int_equal(sim.errors, 0);
}

static void test_offline_never_runs(void **state)
{
    struct sim_unit *off;

    sim_init(&sim, ops_of(state), 2);
    off = hog();
    sim_start(&sim, hog());
    sim_run(&sim, 1000 * SIM_MS);
    assert_int_equal(off->runtime_ns, 0);
    assert_false(off->u.queued);
    /* The other pCPU stayed idle rather than run it. */
    assert_true(!sim.s.cpu[0].curr != !sim.s.cpu[1].curr);
}

/* Worst wake-to-run latency of a 1 ms run / 5 ms block unit among four
 * CPU hogs on two pCPUs. */
static uint64_t boost_scenario(const struct sched_ops *ops)
{
    struct sim_unit *io;
    unsigned int i;

    sim_init(&sim, ops, 2);
    io = sim_unit(&sim, sim_domain(&sim, SCHED_DEFAULT_WEIGHT, 0), SIM_MS, 5 * SIM_MS, 0);
    sim_start(&sim, io);
    for (i = 0; i < 4; i++)
        sim_start(&sim, hog());
    sim_run(&sim, 10000 * SIM_MS);
    printf("  %s: max wake latency %llu us over %llu wakes\n", ops->name,
           (unsigned long long)(io->max_wake_lat_ns / 1000),
           (unsigned long long)io->nr_wakes);
    return io->max_wake_lat_ns;
}

static void test_boost_discriminates(void **state)
{
    (void)state;
    assert_true(boost_scenario(&sched_credit_ops) <= SIM_MS);
    assert_true(boost_scenario(&sched_rr_ops) > SCHED_DEFAULT_TSLICE_NS);
}

/* rr ignores weights: two hogs of weights 1 and 3 split a pCPU evenly. */
static void test_rr_ignores_weights(void **state)
{
    static char buf[4096];
    struct textbuf out;

    (void)state;
    sim_init(&sim, &sched_rr_ops, 1);
    sim_start(&sim, sim_unit(&sim, sim_domain(&sim, 100, 0), 0, 0, 0));
    sim_start(&sim, sim_unit(&sim, sim_domain(&sim, 300, 10), 0, 0, 0));
    sim_run(&sim, 3000 * SIM_MS);
    assert_true(sim_share(&sim, &sim.unit[0]) > 49 && sim_share(&sim, &sim.unit[0]) < 51);
    textbuf_init(&out, buf, sizeof(buf));
    sim.s.ops->dump(&sim.s, &out);
    assert_non_null(strstr(buf, "sched rr"));
    assert_non_null(strstr(buf, "cpu0: running"));
}

#define BOTH(t)                                                                          \
    cmocka_unit_test_prestate(t, (void *)&sched_credit_ops),                             \
        cmocka_unit_test_prestate(t, (void *)&sched_rr_ops)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_idle_cpu_steals_within_a_tick),
        BOTH(test_affinity_respected),
        BOTH(test_wake_prefers_idle_cpu),
        BOTH(test_pause_dequeues),
        BOTH(test_offline_never_runs),
        cmocka_unit_test(test_boost_discriminates),
        cmocka_unit_test(test_rr_ignores_weights),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
