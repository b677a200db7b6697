// SPDX-License-Identifier: MIT
/* Unit tests of the hypercall counters and their table (hv/xen/hcstats.c). */
#include <string.h>

#include "test_support.h"

#include <hv/hcstats.h>
#include <hv/textbuf.h>
#include <hv/xen.h>

static struct domain dom;
static struct vcpu vcpu[3];
static struct xen_vcpu xv[2];

/* vCPUs 0 and 1 have Xen state; vCPU 2 has none (counts nothing). */
static int setup(void **state)
{
    (void)state;
    memset(xv, 0, sizeof(xv));
    dom = (struct domain){ .id = 7, .nr_vcpus = 3 };
    for (unsigned int i = 0; i < 3; i++) {
        vcpu[i] = (struct vcpu){ .domain = &dom, .id = i, .xen = i < 2 ? &xv[i] : NULL };
        dom.vcpu[i] = &vcpu[i];
    }
    return 0;
}

static void test_counts_per_vcpu_summed(void **state)
{
    struct hcstats sum;

    (void)state;
    for (int i = 0; i < 3; i++)
        hcstats_call(&vcpu[0], 1);
    hcstats_call(&vcpu[1], 1);
    hcstats_call(&vcpu[1], 63);
    hcstats_call(&vcpu[1], 64);      /* beyond the table: one bucket */
    hcstats_call(&vcpu[0], ~0ULL);
    hcstats_call(&vcpu[2], 1);       /* no Xen state: not counted */
    for (int i = 0; i < 5; i++)
        hcstats_batch(&vcpu[i & 1], HCSTAT_MMU_UPDATE_REQS);
    hcstats_batch(&vcpu[0], NR_HCSTAT_BATCH); /* out of range: ignored */
    hcstats_trap(&vcpu[0], 14);
    hcstats_trap(&vcpu[1], 14);
    hcstats_trap(&vcpu[1], 32);      /* ignored */
    hcstats_event(&vcpu[0], HCSTAT_SYSCALL);
    hcstats_event(&vcpu[0], NR_HCSTAT_EVENT);
    assert_int_equal(xv[0].stats.calls[1], 3);
    assert_int_equal(xv[1].stats.calls[1], 1);
    hcstats_domain_sum(&dom, &sum);
    assert_int_equal(sum.calls[1], 4);
    assert_int_equal(sum.calls[63], 1);
    assert_int_equal(sum.calls[64], 2);
    assert_int_equal(sum.batch[HCSTAT_MMU_UPDATE_REQS], 5);
    assert_int_equal(sum.batch[HCSTAT_MMUEXT_OPS], 0);
    assert_int_equal(sum.traps[14], 2);
    assert_int_equal(sum.events[HCSTAT_SYSCALL], 1);
    assert_int_equal(sum.events[HCSTAT_UPCALL], 0);
    /* A vCPU slot not created yet is skipped. */
    dom.vcpu[1] = NULL;
    hcstats_domain_sum(&dom, &sum);
    assert_int_equal(sum.calls[1], 3);
}

/* One line per nonzero count, in a fixed order, between begin and end. */
static void test_format(void **state)
{
    static const char want[] =
        "hcstats d7 begin\n"
        "hcstats d7 hypercall mmu_update 3\n"
        "hcstats d7 hypercall hc7 2\n"
        "hcstats d7 hypercall multicall 1\n"
        "hcstats d7 hypercall update_va_mapping 12345678901\n"
        "hcstats d7 hypercall hc_other 4\n"
        "hcstats d7 entries mmu_update 5\n"
        "hcstats d7 entries multicall 2\n"
        "hcstats d7 trap ud 1\n"
        "hcstats d7 trap pf 9\n"
        "hcstats d7 trap vec31 1\n"
        "hcstats d7 event syscall 6\n"
        "hcstats d7 event ptwr 8\n"
        "hcstats d7 end hypercalls 12345678911\n";
    struct hcstats s = { 0 };
    char buf[2048];
    struct textbuf out;

    (void)state;
    s.calls[1] = 3, s.calls[7] = 2, s.calls[13] = 1, s.calls[14] = 12345678901ULL;
    s.calls[64] = 4;
    s.batch[HCSTAT_MMU_UPDATE_REQS] = 5, s.batch[HCSTAT_MULTICALL_CALLS] = 2;
    s.traps[6] = 1, s.traps[14] = 9, s.traps[31] = 1;
    s.events[HCSTAT_SYSCALL] = 6, s.events[HCSTAT_EMUL_PTWR] = 8;
    textbuf_init(&out, buf, sizeof(buf));
    hcstats_format(&s, 7, &out);
    assert_string_equal(buf, want);
    assert_false(out.truncated);
}

static void test_format_empty(void **state)
{
    struct hcstats s = { 0 };
    char buf[256];
    struct textbuf out;

    (void)state;
    textbuf_init(&out, buf, sizeof(buf));
    hcstats_format(&s, 12, &out);
    assert_string_equal(buf, "hcstats d12 begin\nhcstats d12 end hypercalls 0\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_counts_per_vcpu_summed, setup),
        cmocka_unit_test_setup(test_format, setup),
        cmocka_unit_test_setup(test_format_empty, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
