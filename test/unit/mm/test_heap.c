// SPDX-License-Identifier: MIT
/* Unit tests of the small-object heap (mm/heap.c) over a bounded page pool. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#include <hv/errno.h>
#include <hv/heap.h>

/*
 * The page source: a fixed arena handed out first-fit in naturally aligned
 * runs, with a limit on the pages out at once. Freed pages stay mapped (so a
 * late double free reads pool memory, not freed host memory) and are
 * poisoned unless a test wants to see what the heap left in them.
 */
#define POOL_PAGES 4096
#define POOL_FREE (-1)
#define POOL_TAIL (-2)

static uint8_t *pool;
static int8_t pool_order[POOL_PAGES]; /* order at a run's head, or the above */
static uint64_t pool_in_use, pool_limit, pool_allocs, pool_frees;
static bool pool_poison;

static bool pool_run_free(uint64_t first, uint64_t n)
{
    for (uint64_t i = first; i < first + n; i++)
        if (pool_order[i] != POOL_FREE)
            return false;
    return true;
}

static void *pool_alloc(unsigned int order)
{
    uint64_t n = 1ULL << order;

    if (pool_in_use + n > pool_limit)
        return NULL;
    for (uint64_t i = 0; i + n <= POOL_PAGES; i += n) {
        if (!pool_run_free(i, n))
            continue;
        memset(&pool_order[i], POOL_TAIL, n);
        pool_order[i] = (int8_t)order;
        pool_in_use += n;
        pool_allocs++;
        return pool + i * PAGE_SIZE;
    }
    return NULL;
}

static void pool_free(void *p, unsigned int order)
{
    uint64_t off = (uint64_t)((uint8_t *)p - pool), idx, n = 1ULL << order;

    assert_true((uint8_t *)p >= pool && off < (uint64_t)POOL_PAGES * PAGE_SIZE);
    assert_int_equal(off % PAGE_SIZE, 0);
    idx = off / PAGE_SIZE;
    assert_int_equal(pool_order[idx], (int)order);
    for (uint64_t i = idx + 1; i < idx + n; i++)
        assert_int_equal(pool_order[i], POOL_TAIL);
    memset(&pool_order[idx], POOL_FREE, n);
    if (pool_poison)
        memset(p, 0xdb, n * PAGE_SIZE);
    pool_in_use -= n;
    pool_frees++;
}

static const struct heap_page_ops pool_ops = { pool_alloc, pool_free };

static int group_setup(void **state)
{
    (void)state;
    pool = aligned_alloc(PAGE_SIZE, (size_t)POOL_PAGES * PAGE_SIZE);
    return pool ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    free(pool);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    memset(pool, 0xa5, (size_t)POOL_PAGES * PAGE_SIZE);
    memset(pool_order, POOL_FREE, sizeof(pool_order));
    pool_in_use = 0;
    pool_limit = POOL_PAGES;
    pool_allocs = 0;
    pool_frees = 0;
    pool_poison = true;
    heap_init(&pool_ops);
    test_log_clear();
    return 0;
}

static struct heap_stats stats(void)
{
    struct heap_stats s;

    heap_get_stats(&s);
    /* The heap's own count of pages must match what the source handed out. */
    assert_int_equal(s.pages_held, pool_in_use);
    return s;
}

static void assert_stats(uint64_t bytes, uint64_t nr)
{
    struct heap_stats s = stats();

    assert_int_equal(s.bytes_in_use, bytes);
    assert_int_equal(s.nr_allocs, nr);
}

static void assert_empty(void)
{
    assert_stats(0, 0);
    assert_int_equal(stats().pages_held, 0);
    assert_int_equal(pool_in_use, 0);
    assert_int_equal(pool_allocs, pool_frees);
}

static void *alloc_ok(size_t size)
{
    void *p = heap_alloc(size);

    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    return p;
}

static void free_ok(void *p)
{
    assert_int_equal(heap_free(p), 0);
}

/* heap_free must refuse, log the pointer, and change nothing it owns. */
static void assert_free_rejected(void *p)
{
    struct heap_stats before = stats(), after;
    uint64_t frees = pool_frees;
    char ptr[32];

    test_log_clear();
    assert_int_equal(heap_free(p), -EINVAL);
    after = stats();
    assert_memory_equal(&before, &after, sizeof(before));
    assert_int_equal(pool_frees, frees);
    snprintf(ptr, sizeof(ptr), "%p", p);
    assert_non_null(strstr(test_log, "<1>"));
    assert_non_null(strstr(test_log, ptr));
}

static void fill(void *p, size_t size, unsigned int seed)
{
    for (size_t i = 0; i < size; i++)
        ((uint8_t *)p)[i] = (uint8_t)(seed * 131 + i * 7);
}

static void check_fill(const void *p, size_t size, unsigned int seed)
{
    for (size_t i = 0; i < size; i++)
        if (((const uint8_t *)p)[i] != (uint8_t)(seed * 131 + i * 7))
            fail_msg("object %u (%zu bytes) overwritten at byte %zu", seed,
                     size, i);
}

static void test_size_zero_and_null(void **state)
{
    (void)state;
    assert_null(heap_alloc(0));
    assert_null(heap_zalloc(0));
    assert_int_equal(heap_free(NULL), 0);
    assert_int_equal(pool_allocs, 0);
    assert_empty();
}

#define ALL_SIZES 2100

static void test_all_sizes(void **state)
{
    static void *p[ALL_SIZES + 1];
    uint64_t bytes = 0, nr = 0;

    (void)state;
    for (size_t sz = 1; sz <= ALL_SIZES; sz++) {
        p[sz] = alloc_ok(sz);
        fill(p[sz], sz, (unsigned int)sz);
        bytes += sz;
        assert_stats(bytes, ++nr);
    }
    /* Every object intact after all were written: no two overlap. */
    for (size_t sz = 1; sz <= ALL_SIZES; sz++)
        check_fill(p[sz], sz, (unsigned int)sz);
    for (size_t start = 1; start <= 2; start++) {
        for (size_t sz = start; sz <= ALL_SIZES; sz += 2) {
            check_fill(p[sz], sz, (unsigned int)sz);
            free_ok(p[sz]);
            bytes -= sz;
            assert_stats(bytes, --nr);
        }
    }
    assert_empty();
}

static void test_class_boundaries(void **state)
{
    /* Requested size and the slot spacing (class) it must get. */
    static const size_t cases[][2] = {
        { 16, 16 }, { 17, 32 }, { 64, 64 }, { 65, 128 },
        { 256, 256 }, { 257, 512 }, { 1024, 1024 },
    };
    uint8_t *a[ARRAY_SIZE(cases)], *b[ARRAY_SIZE(cases)];

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint64_t pages = stats().pages_held;

        a[i] = alloc_ok(cases[i][0]);
        b[i] = alloc_ok(cases[i][0]);
        /* Two small objects of a new class share one fresh slab page. */
        assert_int_equal(stats().pages_held, pages + 1);
        assert_int_equal(b[i] - a[i], cases[i][1]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        free_ok(a[i]);
        free_ok(b[i]);
    }
    assert_empty();
}

static void test_zalloc_zeroes(void **state)
{
    uint8_t *p, *keep, *z, *big;

    (void)state;
    p = alloc_ok(200);
    keep = alloc_ok(200);
    memset(p, 0xff, 200);
    free_ok(p);
    z = heap_zalloc(200);
    assert_ptr_equal(z, p); /* the dirty slot was reused... */
    for (int i = 0; i < 200; i++)
        assert_int_equal(z[i], 0); /* ...and zeroed */
    big = heap_zalloc(30000); /* pool pages hold 0xa5 */
    assert_non_null(big);
    for (int i = 0; i < 30000; i++)
        assert_int_equal(big[i], 0);
    free_ok(big);
    free_ok(z);
    free_ok(keep);
    assert_empty();
}

static void test_large_allocations(void **state)
{
    static const struct { size_t size; unsigned int order; } cases[] = {
        { 1025, 0 }, { 4064, 0 }, { 4065, 1 }, { 8160, 1 },
        { 8161, 2 }, { 100000, 5 },
    };
    void *p[ARRAY_SIZE(cases)];
    uint64_t bytes = 0;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint64_t pages = stats().pages_held;
        uintptr_t head;

        p[i] = alloc_ok(cases[i].size);
        fill(p[i], cases[i].size, (unsigned int)i);
        bytes += cases[i].size;
        assert_stats(bytes, i + 1);
        assert_int_equal(stats().pages_held, pages + (1ULL << cases[i].order));
        head = ((uintptr_t)p[i] & ~(uintptr_t)(PAGE_SIZE - 1)) - (uintptr_t)pool;
        assert_int_equal(pool_order[head / PAGE_SIZE], cases[i].order);
    }
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        check_fill(p[i], cases[i].size, (unsigned int)i);
        free_ok(p[i]);
    }
    assert_empty();

    /* Requests no page run could hold fail without asking the source. */
    assert_null(heap_alloc(SIZE_MAX));
    assert_null(heap_alloc(SIZE_MAX - 8));
    assert_null(heap_alloc((size_t)PAGE_SIZE << 21));
    assert_int_equal(pool_allocs, pool_frees);
    assert_empty();
}

static void test_reuse_after_free(void **state)
{
    void *a, *b, *c, *d;

    (void)state;
    a = alloc_ok(100);
    b = alloc_ok(100);
    free_ok(a);
    c = alloc_ok(100);
    assert_ptr_equal(c, a);
    assert_int_equal(stats().pages_held, 1);
    d = alloc_ok(100);
    assert_ptr_not_equal(d, b);
    assert_ptr_not_equal(d, c);
    free_ok(b);
    free_ok(c);
    free_ok(d);
    assert_empty();
}

static void test_double_free_small(void **state)
{
    void *a, *b, *c, *d;

    (void)state;
    a = alloc_ok(40);
    b = alloc_ok(40);
    free_ok(a);
    assert_free_rejected(a);
    assert_non_null(strstr(test_log, "double free"));
    /* The slot went on the free side once, so it comes back once. */
    c = alloc_ok(40);
    d = alloc_ok(40);
    assert_ptr_equal(c, a);
    assert_ptr_not_equal(d, a);
    assert_ptr_not_equal(d, b);
    free_ok(b);
    free_ok(c);
    free_ok(d);
    assert_empty();
    assert_free_rejected(d); /* its slab went back to the source */
    assert_empty();
}

static void test_double_free_released_page(void **state)
{
    void *a;

    (void)state;
    pool_poison = false; /* leave the heap's own marks in freed pages */
    a = alloc_ok(500);
    free_ok(a);
    assert_empty();
    assert_free_rejected(a);
    a = alloc_ok(9000);
    free_ok(a);
    assert_free_rejected(a);
    assert_non_null(strstr(test_log, "double free"));
    assert_empty();
}

static void test_double_free_large(void **state)
{
    void *a, *b;

    (void)state;
    a = alloc_ok(20000);
    b = alloc_ok(3000);
    free_ok(a);
    assert_free_rejected(a);
    assert_stats(3000, 1);
    free_ok(b);
    assert_free_rejected(b);
    assert_empty();
}

static void test_foreign_pointers(void **state)
{
    static uint8_t buf[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    uint8_t *p, *page;

    (void)state;
    memset(buf, 0xa5, sizeof(buf));
    assert_free_rejected(buf + 64);
    assert_free_rejected(buf);
    /* Pool memory the heap was never given. */
    assert_free_rejected(pool + (POOL_PAGES - 1) * PAGE_SIZE + 48);
    p = alloc_ok(64);
    fill(p, 64, 1);
    /* A byte-for-byte copy of a heap page elsewhere is not a heap page. */
    page = (uint8_t *)((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1));
    memcpy(buf, page, PAGE_SIZE);
    assert_free_rejected(buf + (p - page));
    assert_free_rejected(p + 1);
    assert_free_rejected(p + 8);
    assert_free_rejected(p + 16);
    check_fill(p, 64, 1);
    free_ok(p);
    assert_empty();
}

/* Fill one slab page of a class; returns its objects, how many in *n. */
static uint8_t *fill_slab(size_t size, void **objs, int *n)
{
    uint8_t *page = NULL;

    *n = 0;
    for (;;) {
        uint8_t *p = alloc_ok(size);

        if (!page)
            page = (uint8_t *)((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1));
        if (p < page || p >= page + PAGE_SIZE) {
            free_ok(p);
            return page;
        }
        fill(p, size, (unsigned int)*n);
        objs[(*n)++] = p;
    }
}

static bool is_obj(void **objs, int n, const uint8_t *p)
{
    for (int i = 0; i < n; i++)
        if (objs[i] == p)
            return true;
    return false;
}

/* Only the exact pointers handed out are accepted, anywhere in the run. */
static void probe_every_offset(uint8_t *base, size_t len, void **objs, int n)
{
    for (size_t off = 0; off < len; off++)
        if (!is_obj(objs, n, base + off))
            assert_int_equal(heap_free(base + off), -EINVAL);
}

static void test_every_offset_refused(void **state)
{
    static const size_t sizes[] = { 16, 48, 1024 };
    void *objs[PAGE_SIZE / 16];
    uint8_t *page, *big;
    int n;

    (void)state;
    for (size_t c = 0; c < ARRAY_SIZE(sizes); c++) {
        page = fill_slab(sizes[c], objs, &n);
        assert_true(n > 1);
        probe_every_offset(page, PAGE_SIZE, objs, n);
        assert_stats(n * sizes[c], (uint64_t)n);
        for (int i = 0; i < n; i++) {
            check_fill(objs[i], sizes[c], (unsigned int)i);
            free_ok(objs[i]);
        }
        assert_empty();
    }
    big = alloc_ok(6000);
    fill(big, 6000, 9);
    objs[0] = big;
    probe_every_offset((uint8_t *)((uintptr_t)big & ~(uintptr_t)(PAGE_SIZE - 1)),
                       2 * PAGE_SIZE, objs, 1);
    check_fill(big, 6000, 9);
    assert_stats(6000, 1);
    free_ok(big);
    assert_empty();
}

static void test_exhaustion(void **state)
{
    static void *objs[POOL_PAGES];
    uint64_t n = 0;
    void *p;

    (void)state;
    pool_limit = 3;
    while ((p = heap_alloc(64)) != NULL) {
        assert_true(n < POOL_PAGES);
        objs[n++] = p;
    }
    assert_true(n > 3);
    assert_int_equal(stats().pages_held, 3);
    assert_stats(n * 64, n);
    /* Anything needing another page fails cleanly too. */
    assert_null(heap_alloc(16));
    assert_null(heap_alloc(5000));
    assert_null(heap_zalloc(2000));
    assert_stats(n * 64, n);
    free_ok(objs[0]);
    objs[0] = alloc_ok(64);
    for (uint64_t i = 0; i < n; i++)
        free_ok(objs[i]);
    assert_empty();

    /* Room for one page but not for a two-page run. */
    pool_limit = 1;
    assert_null(heap_alloc(6000));
    p = alloc_ok(3000);
    free_ok(p);
    assert_empty();
}

/* xorshift64*: a fixed sequence on every host. */
static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

#define STRESS_LIVE 512

struct live_obj {
    uint8_t *p;
    size_t size;
    unsigned int seed;
};

static struct live_obj live[STRESS_LIVE];
static int nr_live;
static uint64_t live_bytes;

static size_t stress_size(void)
{
    uint64_t r = rng() % 100;

    if (r < 80)
        return 1 + rng() % 1024;
    if (r < 95)
        return 1025 + rng() % 3000;
    return 4097 + rng() % 20000;
}

static void stress_alloc(unsigned int seed)
{
    size_t size = stress_size();
    bool zero = rng() % 4 == 0;
    uint8_t *p = zero ? heap_zalloc(size) : heap_alloc(size);

    assert_non_null(p);
    for (size_t i = 0; zero && i < size; i++)
        assert_int_equal(p[i], 0);
    assert_int_equal((uintptr_t)p % 16, 0);
    if (((uintptr_t)p & 0xfff) == 0)
        fail_msg("object at a page start: no room for a header");
    fill(p, size, seed);
    live[nr_live++] = (struct live_obj){ p, size, seed };
    live_bytes += size;
}

static void stress_free(void)
{
    int k = (int)(rng() % (uint64_t)nr_live);
    struct live_obj o = live[k];

    check_fill(o.p, o.size, o.seed);
    free_ok(o.p);
    if (rng() % 16 == 0)
        assert_free_rejected(o.p);
    live[k] = live[--nr_live];
    live_bytes -= o.size;
}

static void test_stress_random(void **state)
{
    (void)state;
    rng_state = 0x6d6963612d686561ULL;
    nr_live = 0;
    live_bytes = 0;
    for (unsigned int step = 0; step < 30000; step++) {
        if (nr_live < STRESS_LIVE && (nr_live == 0 || rng() % 100 < 55))
            stress_alloc(step);
        else
            stress_free();
        assert_stats(live_bytes, (uint64_t)nr_live);
        if (step % 1000 == 0)
            for (int i = 0; i < nr_live; i++)
                check_fill(live[i].p, live[i].size, live[i].seed);
    }
    while (nr_live)
        stress_free();
    assert_empty();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_size_zero_and_null, setup),
        cmocka_unit_test_setup(test_all_sizes, setup),
        cmocka_unit_test_setup(test_class_boundaries, setup),
        cmocka_unit_test_setup(test_zalloc_zeroes, setup),
        cmocka_unit_test_setup(test_large_allocations, setup),
        cmocka_unit_test_setup(test_reuse_after_free, setup),
        cmocka_unit_test_setup(test_double_free_small, setup),
        cmocka_unit_test_setup(test_double_free_released_page, setup),
        cmocka_unit_test_setup(test_double_free_large, setup),
        cmocka_unit_test_setup(test_foreign_pointers, setup),
        cmocka_unit_test_setup(test_every_offset_refused, setup),
        cmocka_unit_test_setup(test_exhaustion, setup),
        cmocka_unit_test_setup(test_stress_random, setup),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
