// SPDX-License-Identifier: MIT
/* Unit tests of ept/ept.c: EPT entries built from p2m blocks. */
#include <stdlib.h>
#include <string.h>

#include <hv/ept.h>
#include <hv/errno.h>

#include "test_support.h"

#define POOL_PAGES 256
#define POOL_BASE 0x40000000ULL

static uint8_t *pool;
static unsigned int next_page;

static paddr_t pool_alloc(void *opaque)
{
    (void)opaque;
    if (next_page == POOL_PAGES)
        return 0;
    memset(pool + next_page * PAGE_SIZE, 0, PAGE_SIZE);
    return POOL_BASE + (next_page++) * PAGE_SIZE;
}

static void pool_free(void *opaque, paddr_t pa)
{
    (void)opaque;
    assert_true(pa >= POOL_BASE && pa < POOL_BASE + POOL_PAGES * PAGE_SIZE);
}

static void *pool_va(void *opaque, paddr_t pa)
{
    (void)opaque;
    assert_true(pa >= POOL_BASE && pa < POOL_BASE + POOL_PAGES * PAGE_SIZE);
    return pool + (pa - POOL_BASE);
}

static const struct npt_page_ops ops = { pool_alloc, pool_free, pool_va, NULL };
static struct ept e;

static int setup(void **state)
{
    (void)state;
    pool = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
    next_page = 0;
    return pool && !ept_init(&e, &ops, EPT_MT_WB) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ept_destroy(&e);
    free(pool);
    return 0;
}

/* The entries on the walk to gpa; returns the leaf and its level. */
static uint64_t walk(uint64_t gpa, int *level, uint64_t upper[4])
{
    uint64_t table = ept_root(&e), ent = 0;

    for (int lvl = 4; lvl >= 1; lvl--) {
        ent = ((uint64_t *)pool_va(NULL, table))[(gpa >> (12 + 9 * (lvl - 1))) & 511];
        *level = lvl;
        if (!(ent & EPT_R) || lvl == 1 || (ent & EPT_LARGE))
            return ent;
        upper[4 - lvl] = ent;
        table = ent & PTE_ADDR_MASK;
    }
    return ent;
}

static void test_4k_leaf(void **state)
{
    uint64_t upper[4] = { 0 }, leaf;
    int level;

    (void)state;
    assert_int_equal(ept_map(&e, 0x5000, 0x12345000, PAGE_SIZE), 0);
    leaf = walk(0x5000, &level, upper);
    assert_int_equal(level, 1);
    /* RWX, WB (6) in bits 5:3, PAT honoured (bit 6 clear), no bit 7. */
    assert_int_equal(leaf, 0x12345000ULL | EPT_R | EPT_W | EPT_X | (6 << 3));
    /* Non-leaf entries: RWX and bits 7:3 zero (reserved there). */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(upper[i] & 7, 7);
        assert_int_equal(upper[i] & 0xf8, 0);
    }
}

static void test_2m_leaf_and_split(void **state)
{
    uint64_t upper[4], leaf;
    int level;
    paddr_t pa;

    (void)state;
    assert_int_equal(ept_map(&e, 0x200000, 0x80000000, 0x200000), 0);
    leaf = walk(0x200000, &level, upper);
    assert_int_equal(level, 2);
    assert_int_equal(leaf, 0x80000000ULL | 7 | (6 << 3) | EPT_LARGE);
    /* Unmapping one page splits it; the rest keeps RWX and WB. */
    assert_int_equal(ept_unmap(&e, 0x201000, PAGE_SIZE), 0);
    leaf = walk(0x202000, &level, upper);
    assert_int_equal(level, 1);
    assert_int_equal(leaf, 0x80002000ULL | 7 | (6 << 3));
    assert_int_equal(ept_lookup(&e, 0x201000, &pa), -ENOENT);
    assert_int_equal(ept_lookup(&e, 0x3ff123, &pa), 0);
    assert_int_equal(pa, 0x801ff123ULL);
}

static void test_memtypes(void **state)
{
    struct ept uc;

    (void)state;
    for (unsigned int mt = 0; mt < 8; mt++)
        assert_int_equal(ept_memtype_valid(mt), mt == 0 || mt == 1 || mt == 4 || mt == 5 || mt == 6);
    assert_int_equal(ept_init(&uc, &ops, (enum ept_memtype)2), -EINVAL);
    assert_int_equal(ept_leaf_attrs(EPT_MT_UC), 0);
    assert_int_equal(ept_leaf_attrs(EPT_MT_WT), 4 << 3);
}

/* EPTP: root, 4-level walk (3 in bits 5:3), memory type in bits 2:0. */
static void test_eptp(void **state)
{
    (void)state;
    assert_int_equal(ept_eptp(0x1234000, EPT_MT_WB), 0x1234000ULL | 0x18 | 6);
    assert_int_equal(ept_eptp(0x1234fff, EPT_MT_UC), 0x1234000ULL | 0x18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_4k_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_2m_leaf_and_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memtypes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eptp, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
