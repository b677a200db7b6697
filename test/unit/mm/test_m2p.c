// SPDX-License-Identifier: MIT
/* Unit tests of mm/m2p.c: the M2P's two mappings and its entries. */
#include <string.h>

#include <hv/errno.h>
#include <hv/layout.h>
#include <hv/m2p.h>

#include "pt_host.h"
#include "test_support.h"

static struct pt_ctx pt;

static int setup(void **state)
{
    (void)state;
    pt_host_init(&pt, false);
    return 0;
}

static void expect_mapped(vaddr_t va, paddr_t *pa, uint64_t *flags)
{
    int level = 0;

    assert_int_equal(pt_lookup(&pt, va, pa, flags, &level), 0);
    assert_int_equal(level, 1);
}

/* 1024 frames need two M2P pages, each mapped read-only for guests at
 * slot 256 and writable for the hypervisor only at slot 260. */
static void test_m2p_mappings(void **state)
{
    paddr_t ro_pa, rw_pa;
    uint64_t ro, rw;

    (void)state;
    assert_int_equal(m2p_init(&pt, 1024), 0);
    for (uint64_t off = 0; off < 2 * 4096; off += 4096) {
        expect_mapped(RO_MPT_VIRT_START + off, &ro_pa, &ro);
        expect_mapped(RW_MPT_VIRT_START + off, &rw_pa, &rw);
        assert_int_equal(ro_pa, rw_pa);
        assert_true((ro & (PTE_U | PTE_NX)) == (PTE_U | PTE_NX));
        assert_false(ro & PTE_W);
        assert_true(rw & PTE_W);
        assert_false(rw & PTE_U);
        /* every entry starts as "no pfn" */
        const uint64_t *e = pt_host_p2v(NULL, ro_pa);
        for (unsigned int i = 0; i < 512; i++)
            assert_int_equal(e[i], M2P_INVALID);
    }
    assert_int_equal(pt_lookup(&pt, RO_MPT_VIRT_START + 2 * 4096, NULL, NULL, NULL),
                     -ENOENT);
    /* the guest-visible slot is user-accessible all the way down */
    assert_true(((uint64_t *)pt_host_p2v(NULL, pt.root))[256] & PTE_U);
    assert_false(((uint64_t *)pt_host_p2v(NULL, pt.root))[260] & PTE_U);
}

static void test_m2p_init_limits(void **state)
{
    (void)state;
    assert_int_equal(m2p_init(&pt, (RO_MPT_VIRT_END - RO_MPT_VIRT_START) / 8 + 1),
                     -EINVAL);
    pt_host_limit = 3; /* the root and two tables: no room for the data */
    assert_int_equal(m2p_init(&pt, 512), -ENOMEM);
}

/* The early allocator's budget covers what m2p_init takes. */
static void test_m2p_boot_budget(void **state)
{
    static const uint64_t sizes[] = {1, 512, 513, 4096, 20000};

    (void)state;
    for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
        pt_host_init(&pt, false);
        assert_int_equal(m2p_init(&pt, sizes[i]), 0);
        assert_true((pt_host_used - 1) * 4096ULL <= m2p_boot_bytes(sizes[i]));
        assert_true(m2p_boot_bytes(sizes[i]) >= ROUNDUP(sizes[i] * 8, 4096));
    }
}

static void test_m2p_entries(void **state)
{
    uint64_t table[8];

    (void)state;
    memset(table, 0xff, sizeof(table));
    m2p_use_table(table, 8);
    m2p_set(_mfn(3), 0x1234);
    assert_int_equal(m2p_get(_mfn(3)), 0x1234);
    assert_int_equal(table[3], 0x1234);
    assert_int_equal(m2p_get(_mfn(4)), M2P_INVALID);
    m2p_set(_mfn(8), 1); /* outside: ignored */
    assert_int_equal(m2p_get(_mfn(8)), M2P_INVALID);
    assert_int_equal(m2p_get(_mfn(~0ULL)), M2P_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_m2p_mappings, setup),
        cmocka_unit_test_setup(test_m2p_init_limits, setup),
        cmocka_unit_test_setup(test_m2p_boot_budget, setup),
        cmocka_unit_test_setup(test_m2p_entries, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
