// SPDX-License-Identifier: MIT
/* Unit tests of svm/svm_asid.c: per-pCPU, generation-based ASIDs. */
#include "test_support.h"
#include "../../../svm/svm_asid.h"

#define NR_ASIDS 16 /* QEMU TCG's figure: ASIDs 1..15 for guests */

static struct svm_asid_cpu cpu0, cpu1;

static int setup(void **state)
{
    (void)state;
    svm_asid_cpu_init(&cpu0, NR_ASIDS, true);
    svm_asid_cpu_init(&cpu1, NR_ASIDS, true);
    return 0;
}

/* One VMRUN of t on pCPU cpu that was entered. */
static enum svm_asid_flush run(struct svm_asid_cpu *c, unsigned int cpu,
                               struct svm_asid_tag *t, bool want_flush)
{
    enum svm_asid_flush f = svm_asid_assign(c, cpu, t, want_flush);

    svm_asid_flushed(c);
    return f;
}

/* The first VMRUN on a pCPU flushes everything a previous user left. */
static void test_first_run_flushes_all(void **state)
{
    struct svm_asid_tag a = { 0 }, b = { 0 };

    (void)state;
    assert_int_equal(run(&cpu0, 0, &a, false), SVM_ASID_FLUSH_ALL);
    assert_int_equal(a.asid, 1);
    assert_int_equal(run(&cpu0, 0, &b, false), SVM_ASID_FLUSH_NONE);
    assert_int_equal(b.asid, 2);
}

/* 15 vCPUs on one pCPU: 15 distinct non-zero ASIDs, no flush after the
 * first; running again keeps each one's ASID, still without a flush. */
static void test_distinct_within_generation(void **state)
{
    struct svm_asid_tag t[NR_ASIDS - 1] = { 0 };
    uint32_t seen = 0;

    (void)state;
    for (unsigned int i = 0; i < NR_ASIDS - 1; i++) {
        assert_int_equal(run(&cpu0, 0, &t[i], false),
                         i ? SVM_ASID_FLUSH_NONE : SVM_ASID_FLUSH_ALL);
        assert_in_range(t[i].asid, 1, NR_ASIDS - 1);
        assert_false(seen & (1U << t[i].asid));
        seen |= 1U << t[i].asid;
    }
    for (unsigned int round = 0; round < 3; round++) {
        for (unsigned int i = 0; i < NR_ASIDS - 1; i++) {
            uint32_t before = t[i].asid;

            assert_int_equal(run(&cpu0, 0, &t[i], false), SVM_ASID_FLUSH_NONE);
            assert_int_equal(t[i].asid, before);
        }
    }
}

/* The 16th vCPU exhausts the ASIDs: new generation, ASID 1 again, and a
 * flush of all; the vCPUs of the old generation then get fresh ASIDs. */
static void test_exhaustion_bumps_generation(void **state)
{
    struct svm_asid_tag t[NR_ASIDS] = { 0 };
    uint64_t gen;

    (void)state;
    for (unsigned int i = 0; i < NR_ASIDS - 1; i++)
        run(&cpu0, 0, &t[i], false);
    gen = cpu0.generation;
    assert_int_equal(run(&cpu0, 0, &t[NR_ASIDS - 1], false), SVM_ASID_FLUSH_ALL);
    assert_int_equal(cpu0.generation, gen + 1);
    assert_int_equal(t[NR_ASIDS - 1].asid, 1);
    /* t[0] held ASID 1 in the old generation: it may not keep it. */
    assert_int_equal(run(&cpu0, 0, &t[0], false), SVM_ASID_FLUSH_NONE);
    assert_int_equal(t[0].asid, 2);
    assert_int_equal(t[0].generation, gen + 1);
}

/* A flush is requested until a VMRUN has really been entered: a VMRUN
 * that failed (VMEXIT_INVALID) flushed nothing. */
static void test_flush_pending_until_entered(void **state)
{
    struct svm_asid_tag a = { 0 }, b = { 0 };

    (void)state;
    assert_int_equal(svm_asid_assign(&cpu0, 0, &a, false), SVM_ASID_FLUSH_ALL);
    assert_int_equal(svm_asid_assign(&cpu0, 0, &a, false), SVM_ASID_FLUSH_ALL);
    assert_int_equal(svm_asid_assign(&cpu0, 0, &b, false), SVM_ASID_FLUSH_ALL);
    svm_asid_flushed(&cpu0);
    assert_int_equal(svm_asid_assign(&cpu0, 0, &a, false), SVM_ASID_FLUSH_NONE);
}

/* A vCPU that moves to another pCPU gets a new ASID there, and a new one
 * again when it comes back, though the first pCPU's generation is the same. */
static void test_migration_gets_new_asid(void **state)
{
    struct svm_asid_tag v = { 0 }, w = { 0 }, x = { 0 };

    (void)state;
    run(&cpu0, 0, &v, false);                /* v: cpu0 ASID 1 */
    run(&cpu1, 1, &w, false);                /* w: cpu1 ASID 1 */
    run(&cpu1, 1, &x, false);                /* x: cpu1 ASID 2 */
    assert_int_equal(run(&cpu1, 1, &v, false), SVM_ASID_FLUSH_NONE);
    assert_int_equal(v.cpu, 1);
    assert_int_equal(v.asid, 3);
    assert_int_equal(run(&cpu0, 0, &v, false), SVM_ASID_FLUSH_NONE);
    assert_int_equal(v.cpu, 0);
    assert_int_equal(v.asid, 2);             /* not ASID 1 again */
}

/* Same ASID number, same generation number, other pCPU: still stale. */
static void test_other_cpu_same_generation(void **state)
{
    struct svm_asid_tag v = { 0 }, w = { 0 };

    (void)state;
    run(&cpu0, 0, &v, false);
    run(&cpu1, 1, &w, false);
    assert_int_equal(v.generation, w.generation);
    assert_int_equal(v.asid, w.asid);
    run(&cpu1, 1, &v, false);
    assert_int_not_equal(v.asid, w.asid);
}

/* A requested flush of one vCPU: by ASID when the CPU can; not needed when
 * it gets a fresh ASID anyway; by a fresh ASID when the CPU cannot. */
static void test_requested_flush(void **state)
{
    struct svm_asid_tag v = { 0 }, w = { 0 }, other = { 0 };
    struct svm_asid_cpu old;

    (void)state;
    run(&cpu1, 1, &other, false);            /* cpu1's first flush of all */
    run(&cpu0, 0, &v, false);
    assert_int_equal(run(&cpu0, 0, &v, true), SVM_ASID_FLUSH_ASID);
    assert_int_equal(v.asid, 1);
    assert_int_equal(run(&cpu1, 1, &v, true), SVM_ASID_FLUSH_NONE);

    svm_asid_cpu_init(&old, NR_ASIDS, false);
    run(&old, 0, &w, false);
    assert_int_equal(run(&old, 0, &w, true), SVM_ASID_FLUSH_NONE);
    assert_int_equal(w.asid, 2);
    assert_int_equal(run(&old, 0, &w, false), SVM_ASID_FLUSH_NONE);
    assert_int_equal(w.asid, 2);
}

/* 64 vCPUs round robin on two pCPUs (migrating every turn) for many
 * rounds: at any moment no two current tags of one pCPU and generation
 * share an ASID, and every generation started with a flush of all. */
static void test_many_vcpus_round_robin(void **state)
{
    struct svm_asid_tag t[64] = { 0 };
    struct svm_asid_cpu *cpus[2] = { &cpu0, &cpu1 };
    uint64_t gens[2] = { cpu0.generation, cpu1.generation };

    (void)state;
    for (unsigned int step = 0; step < 64 * 20; step++) {
        unsigned int i = step % 64, c = (step / 64 + i) % 2;
        enum svm_asid_flush f = run(cpus[c], c, &t[i], false);

        assert_true(f == SVM_ASID_FLUSH_ALL || cpus[c]->generation == gens[c]);
        assert_true(f != SVM_ASID_FLUSH_ALL || cpus[c]->generation == gens[c] + 1);
        gens[c] = cpus[c]->generation;
        for (unsigned int j = 0; j < 64; j++)
            assert_false(j != i && t[j].cpu == c && t[j].generation == gens[c] &&
                         t[j].asid == t[i].asid);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_first_run_flushes_all, setup),
        cmocka_unit_test_setup(test_distinct_within_generation, setup),
        cmocka_unit_test_setup(test_exhaustion_bumps_generation, setup),
        cmocka_unit_test_setup(test_flush_pending_until_entered, setup),
        cmocka_unit_test_setup(test_migration_gets_new_asid, setup),
        cmocka_unit_test_setup(test_other_cpu_same_generation, setup),
        cmocka_unit_test_setup(test_requested_flush, setup),
        cmocka_unit_test_setup(test_many_vcpus_round_robin, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
