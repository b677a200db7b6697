// SPDX-License-Identifier: MIT
/* Unit tests of ept/npt.c: nested page tables built from p2m blocks. */
#include <stdlib.h>
#include <string.h>

#include <hv/errno.h>
#include <hv/npt.h>

#include "test_support.h"

#define POOL_PAGES 1024
#define POOL_BASE 0x40000000ULL /* fake machine address of the pool */

static uint8_t *pool;
static bool used[POOL_PAGES];
static unsigned int in_use, limit;

static paddr_t pool_alloc(void *opaque)
{
    (void)opaque;
    if (in_use >= limit)
        return 0;
    for (unsigned int i = 0; i < POOL_PAGES; i++) {
        if (!used[i]) {
            used[i] = true;
            in_use++;
            memset(pool + i * PAGE_SIZE, 0, PAGE_SIZE);
            return POOL_BASE + i * PAGE_SIZE;
        }
    }
    return 0;
}

static void pool_free(void *opaque, paddr_t pa)
{
    unsigned int i = (unsigned int)((pa - POOL_BASE) / PAGE_SIZE);

    (void)opaque;
    assert_true(pa >= POOL_BASE && i < POOL_PAGES && used[i]); /* no double free */
    used[i] = false;
    in_use--;
}

static void *pool_va(void *opaque, paddr_t pa)
{
    (void)opaque;
    assert_true(pa >= POOL_BASE && pa < POOL_BASE + POOL_PAGES * PAGE_SIZE);
    return pool + (pa - POOL_BASE);
}

static const struct npt_page_ops ops = { pool_alloc, pool_free, pool_va, NULL };

static int setup(void **state)
{
    (void)state;
    pool = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
    memset(used, 0, sizeof(used));
    in_use = 0;
    limit = POOL_PAGES;
    return pool ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(pool);
    return 0;
}

/* Walk the tables by hand: the leaf entry for gpa and its level. */
static uint64_t walk(const struct npt *n, uint64_t gpa, int *level, uint64_t *upper_and)
{
    uint64_t table = npt_root(n), e = 0;

    *upper_and = ~0ULL;
    for (int lvl = 4; lvl >= 1; lvl--) {
        const uint64_t *t = pool_va(NULL, table);

        e = t[(gpa >> (12 + 9 * (lvl - 1))) & 511];
        *level = lvl;
        if (!(e & PTE_P) || lvl == 1 || (e & PTE_PS))
            return e;
        *upper_and &= e;
        table = e & PTE_ADDR_MASK;
    }
    return e;
}

static void test_ram_blocks_map_with_user_writable_entries(void **state)
{
    struct npt n;
    uint64_t upper, e;
    paddr_t pa;
    int level;

    (void)state;
    assert_int_equal(npt_init(&n, &ops), 0);
    /* 4 MiB of RAM as two 2 MiB blocks, then one 4 KiB page. */
    assert_int_equal(npt_map(&n, 0, 0x80000000ULL, 0x400000), 0);
    assert_int_equal(npt_map(&n, 0x400000, 0x90000000ULL, PAGE_SIZE), 0);

    e = walk(&n, 0x200123, &level, &upper);
    assert_int_equal(level, 2);                     /* a 2 MiB leaf */
    assert_true(e & PTE_PS);
    assert_true((e & (PTE_P | PTE_W | PTE_U)) == (PTE_P | PTE_W | PTE_U));
    assert_false(e & PTE_NX);                       /* guest RAM is executable */
    assert_true((upper & (PTE_P | PTE_W | PTE_U)) == (PTE_P | PTE_W | PTE_U));

    e = walk(&n, 0x400000, &level, &upper);
    assert_int_equal(level, 1);
    assert_true(e & PTE_U);

    assert_int_equal(npt_lookup(&n, 0x3ff008, &pa), 0);
    assert_int_equal(pa, 0x80000000ULL + 0x3ff008);
    assert_int_equal(npt_lookup(&n, 0x401000, &pa), -ENOENT); /* a hole */
    assert_int_equal(npt_lookup(&n, 1ULL << 52, &pa), -ENOENT);
    npt_destroy(&n);
    assert_int_equal(in_use, 0);                    /* every table page freed */
}

/* Table pages run out: the map fails cleanly and teardown frees all. */
static void test_exhaustion_and_teardown(void **state)
{
    struct npt n;
    int rc = 0;

    (void)state;
    limit = 6;
    assert_int_equal(npt_init(&n, &ops), 0);
    for (uint64_t g = 0; g < 64 && !rc; g++)   /* 4 KiB pages, 1 GiB apart */
        rc = npt_map(&n, g << 30, 0x80000000ULL, PAGE_SIZE);
    assert_int_equal(rc, -ENOMEM);
    assert_true(npt_table_pages(&n) > 0);
    npt_destroy(&n);
    assert_int_equal(in_use, 0);
}

/* More table pages than one tracking page holds (511): teardown still
 * returns every one. */
static void test_many_tables_tracked(void **state)
{
    struct npt n;

    (void)state;
    assert_int_equal(npt_init(&n, &ops), 0);
    for (uint64_t g = 0; g < 600; g++) /* one L1 per 2 MiB region */
        assert_int_equal(npt_map(&n, g << 21, 0x80000000ULL, PAGE_SIZE), 0);
    assert_int_equal(npt_table_pages(&n), 1 + 1 + 2 + 600); /* L4, L3, 2 L2, L1s */
    assert_int_equal(in_use, npt_table_pages(&n) + 2);     /* + 2 tracking pages */
    npt_destroy(&n);
    assert_int_equal(in_use, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ram_blocks_map_with_user_writable_entries,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_exhaustion_and_teardown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_tables_tracked, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
