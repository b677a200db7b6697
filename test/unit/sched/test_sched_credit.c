// SPDX-License-Identifier: MIT
/* Credit policy on the simulated core: shares, caps, boost, starvation. */
#include <stdio.h>
#include <string.h>

#include "test_support.h"

#include "sim.h"

#define SECONDS(n) ((uint64_t)(n)*1000 * SIM_MS)

static struct sim sim;

/* n CPU-bound single-vCPU domains of the given weights and caps. */
static void cpu_bound(unsigned int n, const unsigned int *weight, const unsigned int *cap)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        sim_start(&sim,
                  sim_unit(&sim, sim_domain(&sim, weight[i], cap ? cap[i] : 0), 0, 0, 0));
}

static void expect_share(unsigned int i, double want, double tol)
{
    double got = sim_share(&sim, &sim.unit[i]);

    printf("  unit %u: %.2f%% (want %.2f +- %.1f)\n", i, got, want, tol);
    assert_true(got >= want - tol && got <= want + tol);
}

static void test_shares_follow_weights_2cpus(void **state)
{
    static const unsigned int w[] = {256, 256, 512, 1024};
    static const double want[] = {12.5, 12.5, 25, 50};
    unsigned int i;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 2);
    cpu_bound(4, w, NULL);
    sim_run(&sim, SECONDS(10));
    for (i = 0; i < 4; i++)
        expect_share(i, want[i], 2);
    assert_int_equal(sim.errors, 0);
    assert_true(sim.s.nr_accounts >= 330);
}

static void test_shares_follow_weights_1cpu(void **state)
{
    static const unsigned int w[] = {100, 300};

    (void)state;
    sim_init(&sim, &sched_credit_ops, 1);
    cpu_bound(2, w, NULL);
    sim_run(&sim, SECONDS(10));
    expect_share(0, 25, 2);
    expect_share(1, 75, 2);
    assert_int_equal(sim.errors, 0);
}

/* A domain's weight is its own, however many vCPUs it has. */
static void test_shares_per_domain_not_per_vcpu(void **state)
{
    struct sched_domain *two, *one;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 2);
    two = sim_domain(&sim, 256, 0);
    one = sim_domain(&sim, 256, 0);
    sim_start(&sim, sim_unit(&sim, two, 0, 0, 0));
    sim_start(&sim, sim_unit(&sim, two, 0, 0, 0));
    sim_start(&sim, sim_unit(&sim, one, 0, 0, 0));
    sim_start(&sim, sim_unit(&sim, one, 0, 0, 0));
    sim_start(&sim, sim_unit(&sim, one, 0, 0, 0));
    sim_run(&sim, SECONDS(10));
    assert_true(sim_share(&sim, &sim.unit[0]) + sim_share(&sim, &sim.unit[1]) > 48);
    assert_true(sim_share(&sim, &sim.unit[0]) + sim_share(&sim, &sim.unit[1]) < 52);
}

static void test_adjust_takes_effect(void **state)
{
    static const unsigned int w[] = {256, 256};
    uint64_t before;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 1);
    cpu_bound(2, w, NULL);
    sim_run(&sim, SECONDS(2));
    sim.dom[1].weight = 768;
    sim.s.ops->adjust(&sim.s, &sim.dom[1]);
    before = sim.unit[1].runtime_ns;
    sim_run(&sim, SECONDS(4));
    /* 4 s at 1:3 gives the second unit 3 s, give or take. */
    assert_true(sim.unit[1].runtime_ns - before > SECONDS(3) - 150 * SIM_MS);
    assert_true(sim.unit[1].runtime_ns - before < SECONDS(3) + 150 * SIM_MS);
}

/* Share of one pCPU, in percent. */
static double pcpu_share(const struct sim_unit *su)
{
    return 100.0 * su->runtime_ns / sim.now;
}

static void test_cap_holds_on_idle_machine(void **state)
{
    static const unsigned int w[] = {256}, cap[] = {25};
    struct sched_domain *sd;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 2);
    cpu_bound(1, w, cap);
    sd = sim_domain(&sim, 256, 50); /* two vCPUs, 50% of one pCPU in all */
    sim_start(&sim, sim_unit(&sim, sd, 0, 0, 0));
    sim_start(&sim, sim_unit(&sim, sd, 0, 0, 0));
    sim_run(&sim, SECONDS(10));
    printf("  capped 25: %.2f%%, capped 50 (2 vCPUs): %.2f%%\n", pcpu_share(&sim.unit[0]),
           pcpu_share(&sim.unit[1]) + pcpu_share(&sim.unit[2]));
    assert_true(pcpu_share(&sim.unit[0]) <= 25.5);
    assert_true(pcpu_share(&sim.unit[0]) >= 23);
    assert_true(pcpu_share(&sim.unit[1]) + pcpu_share(&sim.unit[2]) <= 50.5);
    assert_true(pcpu_share(&sim.unit[1]) + pcpu_share(&sim.unit[2]) >= 46);
    assert_int_equal(sim.errors, 0);
}

static void test_cap_holds_next_to_competitors(void **state)
{
    static const unsigned int w[] = {256, 256, 256}, cap[] = {25, 0, 0};

    (void)state;
    sim_init(&sim, &sched_credit_ops, 1);
    cpu_bound(2, w, cap);
    sim_run(&sim, SECONDS(10));
    expect_share(0, 24.5, 1);
    expect_share(1, 75.5, 1);
    /* Above the uncapped fair share (1/3 of a pCPU) the cap does not bind. */
    sim_init(&sim, &sched_credit_ops, 1);
    cpu_bound(3, w, (const unsigned int[]){50, 0, 0});
    sim_run(&sim, SECONDS(10));
    expect_share(0, 33.3, 2);
}

/* The I/O-bound unit (1 ms run, 5 ms block) among four CPU hogs on two
 * pCPUs; its worst wake-to-run latency. */
static void test_boost_wakes_fast(void **state)
{
    static const unsigned int w[] = {256, 256, 256, 256};
    struct sim_unit *io;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 2);
    io = sim_unit(&sim, sim_domain(&sim, 256, 0), SIM_MS, 5 * SIM_MS, 0);
    sim_start(&sim, io);
    cpu_bound(4, w, NULL);
    sim_run(&sim, SECONDS(10));
    printf("  io: %llu wakes, max latency %llu ns, runtime %llu ms\n",
           (unsigned long long)io->nr_wakes, (unsigned long long)io->max_wake_lat_ns,
           (unsigned long long)(io->runtime_ns / SIM_MS));
    assert_true(io->nr_wakes > 1500);
    assert_true(io->max_wake_lat_ns <= SIM_MS);
    assert_int_equal(sim.errors, 0);
}

/* 1 vs 65535 alone, then with a second heavy unit. */
static void test_no_starvation_extreme_weights(void **state)
{
    static const unsigned int w[] = {1, SCHED_MAX_WEIGHT, SCHED_MAX_WEIGHT};
    unsigned int i, n;

    (void)state;
    for (n = 2; n <= 3; n++) {
        sim_init(&sim, &sched_credit_ops, 1);
        cpu_bound(n, w, NULL);
        sim_run(&sim, SECONDS(10));
        for (i = 0; i < n; i++) {
            printf("  unit %u: %.2f%%, longest wait %llu ms\n", i,
                   sim_share(&sim, &sim.unit[i]),
                   (unsigned long long)(sim_max_wait(&sim, &sim.unit[i]) / SIM_MS));
            assert_true(sim_max_wait(&sim, &sim.unit[i]) <= 34 * SCHED_DEFAULT_TSLICE_NS);
        }
        /* Starvation relief, not a fair share: the heavy units still dominate. */
        assert_true(sim_share(&sim, &sim.unit[0]) < 10);
    }
}

/* A domain that cannot use its weighted share (one vCPU, weight 8 of 11
 * on two pCPUs) leaves the rest to the others by weight: 1:2 of a pCPU. */
static void test_unused_share_redistributed(void **state)
{
    static const unsigned int w[] = {100, 200, 800};

    (void)state;
    sim_init(&sim, &sched_credit_ops, 2);
    cpu_bound(3, w, NULL);
    sim_run(&sim, SECONDS(10));
    expect_share(0, 16.7, 2);
    expect_share(1, 33.3, 2);
    expect_share(2, 50, 2);
}

/* A unit that ran little while active does not bank credit: once it turns
 * CPU-bound it gets its weighted quarter, not half or more on savings. */
static void test_idle_units_do_not_hoard(void **state)
{
    static const unsigned int w[] = {768};
    struct sim_unit *io;
    uint64_t before;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 1);
    cpu_bound(1, w, NULL);
    io = sim_unit(&sim, sim_domain(&sim, 256, 0), SIM_MS, 29 * SIM_MS, 0);
    sim_start(&sim, io);
    sim_run(&sim, SECONDS(5));
    io->run_ns = 0; /* CPU-bound from its next wake on */
    before = io->runtime_ns;
    sim_run(&sim, SECONDS(1));
    printf("  turned CPU-bound: %llu ms of 1000\n",
           (unsigned long long)((io->runtime_ns - before) / SIM_MS));
    assert_true(io->runtime_ns - before < 320 * SIM_MS);
    assert_true(io->runtime_ns - before > 200 * SIM_MS);
}

/* A unit that used more than its share while others could not compete
 * (they were pinned to the other pCPU) owes at most a period once they can. */
static void test_debt_is_bounded(void **state)
{
    uint64_t before[3];
    unsigned int i;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 2);
    for (i = 0; i < 3; i++)
        sim_start(&sim, sim_unit(&sim, sim_domain(&sim, 256, 0), 0, 0, i < 2 ? 1 : 0));
    sim_run(&sim, SECONDS(5));
    sim.unit[0].u.affinity = ~0ULL;
    for (i = 0; i < 3; i++)
        before[i] = sim.unit[i].runtime_ns;
    sim_run(&sim, SECONDS(3));
    for (i = 0; i < 3; i++) {
        printf("  unit %u: %llu ms of 6000\n", i,
               (unsigned long long)((sim.unit[i].runtime_ns - before[i]) / SIM_MS));
        assert_true(sim.unit[i].runtime_ns - before[i] > 1800 * SIM_MS);
    }
}

/* An offline vCPU takes no part of its domain's share. */
static void test_offline_vcpus_take_no_share(void **state)
{
    static const unsigned int w[] = {256};
    struct sched_domain *sd;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 1);
    sd = sim_domain(&sim, 768, 0);
    sim_start(&sim, sim_unit(&sim, sd, 0, 0, 0));
    sim_unit(&sim, sd, 0, 0, 0);
    cpu_bound(1, w, NULL);
    sim_run(&sim, SECONDS(10));
    expect_share(0, 75, 2);
    expect_share(2, 25, 2);
}

/* A unit that ran during a period but is blocked when it ends (5 ms of
 * every 29) is still paid, so it stays UNDER and is boosted on wake. */
static void test_blocked_at_accounting_still_paid(void **state)
{
    static const unsigned int w[] = {256, 256};
    struct sim_unit *io;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 1);
    io = sim_unit(&sim, sim_domain(&sim, 256, 0), 5 * SIM_MS, 24 * SIM_MS, 0);
    sim_start(&sim, io);
    cpu_bound(2, w, NULL);
    sim_run(&sim, SECONDS(10));
    assert_true(io->nr_wakes > 300);
    assert_true(io->max_wake_lat_ns <= SIM_MS);
}

static void test_dump_lists_domains(void **state)
{
    static const unsigned int w[] = {256, 512}, cap[] = {0, 40};
    static char buf[4096];
    struct textbuf out;

    (void)state;
    sim_init(&sim, &sched_credit_ops, 2);
    cpu_bound(2, w, cap);
    sim_run(&sim, 100 * SIM_MS);
    textbuf_init(&out, buf, sizeof(buf));
    sim.s.ops->dump(&sim.s, &out);
    assert_non_null(strstr(buf, "sched credit"));
    assert_non_null(strstr(buf, "d2: weight 512 cap 40"));
    assert_non_null(strstr(buf, "cpu1"));
    assert_false(out.truncated);
    /* A buffer too small keeps what fits and says so. */
    textbuf_init(&out, buf, 40);
    sim.s.ops->dump(&sim.s, &out);
    assert_true(out.truncated);
    assert_int_equal(strlen(buf), 39);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shares_follow_weights_2cpus),
        cmocka_unit_test(test_shares_follow_weights_1cpu),
        cmocka_unit_test(test_shares_per_domain_not_per_vcpu),
        cmocka_unit_test(test_adjust_takes_effect),
        cmocka_unit_test(test_unused_share_redistributed),
        cmocka_unit_test(test_idle_units_do_not_hoard),
        cmocka_unit_test(test_debt_is_bounded),
        cmocka_unit_test(test_cap_holds_on_idle_machine),
        cmocka_unit_test(test_cap_holds_next_to_competitors),
        cmocka_unit_test(test_boost_wakes_fast),
        cmocka_unit_test(test_blocked_at_accounting_still_paid),
        cmocka_unit_test(test_offline_vcpus_take_no_share),
        cmocka_unit_test(test_no_starvation_extreme_weights),
        cmocka_unit_test(test_dump_lists_domains),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
