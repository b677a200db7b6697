// SPDX-License-Identifier: MIT
/* Unit tests of the buddy allocator (mm/buddy.c) against a host frame table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#include <hv/errno.h>
#include <hv/mm.h>

#define NONE (~0ULL)

static struct buddy bd;
static struct page_info *frames;

static void table_new(uint64_t nr)
{
    frames = calloc(nr ? nr : 1, sizeof(*frames));
    assert_non_null(frames);
    buddy_init(&bd, frames, nr);
    test_log_clear();
}

static int teardown(void **state)
{
    (void)state;
    free(frames);
    frames = NULL;
    return 0;
}

static uint64_t bsize(unsigned int order)
{
    return 1ULL << order;
}

/* Walk the block list of one order, checking each block; returns frames. */
static uint64_t check_list(unsigned int o, uint8_t *covered)
{
    uint64_t prev = NONE, total = 0, steps = 0;

    for (uint64_t m = bd.free_head[o]; m != NONE; m = frames[m].list_next) {
        assert_true(++steps <= bd.nr_frames);
        assert_true(m < bd.nr_frames);
        assert_int_equal(frames[m].flags, PGF_FREE);
        assert_int_equal(frames[m].order, o);
        assert_int_equal(frames[m].list_prev, prev);
        assert_int_equal(m & (bsize(o) - 1), 0);
        assert_true(m + bsize(o) <= bd.nr_frames);
        for (uint64_t i = m; i < m + bsize(o); i++) {
            assert_int_equal(covered[i], 0);
            covered[i] = 1;
            assert_int_equal(frames[i].owner, DOMID_FREE);
            if (i != m)
                assert_int_equal(frames[i].flags, 0);
        }
        /* Maximal merging: the buddy is never a free block of this order. */
        if (o < BUDDY_MAX_ORDER && (m ^ bsize(o)) < bd.nr_frames) {
            const struct page_info *b = &frames[m ^ bsize(o)];

            assert_false((b->flags & PGF_FREE) && b->order == o);
        }
        total += bsize(o);
        prev = m;
    }
    return total;
}

/* Invariants of the whole allocator; returns the free frame count. */
static uint64_t check_buddy(void)
{
    uint8_t *covered = calloc(bd.nr_frames + 1, 1);
    uint64_t total = 0;

    assert_non_null(covered);
    for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++)
        total += check_list(o, covered);
    assert_int_equal(total, bd.nr_free);
    assert_int_equal(total, buddy_free_frames(&bd));
    for (uint64_t i = 0; i < bd.nr_frames; i++) {
        if (covered[i])
            continue;
        assert_int_not_equal(frames[i].owner, DOMID_FREE);
        assert_int_equal(frames[i].flags & PGF_FREE, 0);
    }
    free(covered);
    return total;
}

static unsigned int list_len(unsigned int o)
{
    unsigned int n = 0;

    for (uint64_t m = bd.free_head[o]; m != NONE; m = frames[m].list_next)
        n++;
    return n;
}

/* Exactly one free block, of the given order at mfn 0. */
static void assert_single_block(unsigned int order)
{
    check_buddy();
    for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++)
        assert_int_equal(list_len(o), o == order ? 1 : 0);
    assert_int_equal(bd.free_head[order], 0);
    assert_int_equal(bd.nr_free, bsize(order));
}

/* A copy of everything buddy_free must leave alone when it refuses. */
struct snapshot {
    struct page_info *frames;
    uint64_t heads[BUDDY_MAX_ORDER + 1];
    uint64_t nr_free, nr_added;
};

static void snap_take(struct snapshot *s)
{
    s->frames = malloc(bd.nr_frames * sizeof(*frames));
    assert_non_null(s->frames);
    memcpy(s->frames, frames, bd.nr_frames * sizeof(*frames));
    memcpy(s->heads, bd.free_head, sizeof(s->heads));
    s->nr_free = bd.nr_free;
    s->nr_added = bd.nr_added;
}

static void snap_check(struct snapshot *s)
{
    assert_memory_equal(s->frames, frames, bd.nr_frames * sizeof(*frames));
    assert_memory_equal(s->heads, bd.free_head, sizeof(s->heads));
    assert_int_equal(s->nr_free, bd.nr_free);
    assert_int_equal(s->nr_added, bd.nr_added);
    free(s->frames);
}

/* buddy_free must refuse, log the mfn, and change nothing. */
static void assert_free_rejected(uint64_t mfn, unsigned int order)
{
    struct snapshot s;
    char hex[32];

    snap_take(&s);
    test_log_clear();
    assert_int_equal(buddy_free(&bd, _mfn(mfn), order), -EINVAL);
    snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)mfn);
    assert_non_null(strstr(test_log, "<1>"));
    assert_non_null(strstr(test_log, hex));
    snap_check(&s);
}

static uint64_t alloc_ok(unsigned int order, uint16_t owner)
{
    mfn_t m = buddy_alloc(&bd, order, owner);

    assert_false(mfn_eq(m, INVALID_MFN));
    assert_int_equal(mfn_x(m) & (bsize(order) - 1), 0);
    return mfn_x(m);
}

static void free_ok(uint64_t mfn, unsigned int order)
{
    assert_int_equal(buddy_free(&bd, _mfn(mfn), order), 0);
}

static void test_init_all_reserved(void **state)
{
    (void)state;
    table_new(300);
    for (uint64_t i = 0; i < 300; i++) {
        assert_int_equal(frames[i].flags, PGF_RESERVED);
        assert_int_equal(frames[i].owner, DOMID_IO);
        assert_int_equal(frames[i].list_next, NONE);
    }
    assert_int_equal(buddy_free_frames(&bd), 0);
    assert_true(mfn_eq(buddy_alloc(&bd, 0, 1), INVALID_MFN));
    assert_free_rejected(5, 0);
    check_buddy();
}

static void test_single_block_split_merge(void **state)
{
    uint64_t m;

    (void)state;
    table_new(1024);
    buddy_add_range(&bd, _mfn(0), 1024);
    assert_int_equal(bd.nr_added, 1024);
    assert_single_block(10);

    /* An order-0 allocation splits the block into one block per order. */
    m = alloc_ok(0, 1);
    assert_int_equal(m, 0);
    assert_int_equal(bd.nr_free, 1023);
    for (unsigned int o = 0; o < 10; o++) {
        assert_int_equal(list_len(o), 1);
        assert_int_equal(bd.free_head[o], bsize(o));
    }
    check_buddy();
    free_ok(m, 0);
    assert_single_block(10);
}

/* Allocate a mixed set, free it in the order given by `perm`. */
static void split_merge_round(const unsigned int *orders, const int *perm,
                              int n)
{
    uint64_t mfn[16];
    uint64_t used = 0;

    for (int i = 0; i < n; i++) {
        mfn[i] = alloc_ok(orders[i], (uint16_t)(i + 1));
        used += bsize(orders[i]);
        assert_int_equal(bd.nr_free, 1024 - used);
    }
    check_buddy();
    for (int i = 0; i < n; i++) {
        free_ok(mfn[perm[i]], orders[perm[i]]);
        used -= bsize(orders[perm[i]]);
        assert_int_equal(check_buddy(), 1024 - used);
    }
    assert_single_block(10);
}

static void test_split_merge_free_orders(void **state)
{
    static const unsigned int orders[10] = { 0, 3, 1, 0, 2, 5, 0, 4, 1, 6 };
    static const int fwd[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    static const int rev[10] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
    static const int mix[10] = { 3, 9, 0, 6, 1, 8, 4, 2, 7, 5 };

    (void)state;
    table_new(1024);
    buddy_add_range(&bd, _mfn(0), 1024);
    split_merge_round(orders, fwd, 10);
    split_merge_round(orders, rev, 10);
    split_merge_round(orders, mix, 10);
}

static void test_alignment_fragmented(void **state)
{
    (void)state;
    table_new(2048);
    buddy_add_range(&bd, _mfn(5), 1000);
    buddy_add_range(&bd, _mfn(1100), 901);
    for (unsigned int order = 0; order <= 9; order++) {
        uint64_t got[2048];
        int n = 0;
        mfn_t m;

        while (!mfn_eq(m = buddy_alloc(&bd, order, 3), INVALID_MFN)) {
            uint64_t x = mfn_x(m);

            assert_int_equal(x & (bsize(order) - 1), 0);
            /* Wholly inside one added range. */
            assert_true((x >= 5 && x + bsize(order) <= 1005) ||
                        (x >= 1100 && x + bsize(order) <= 2001));
            got[n++] = x;
        }
        check_buddy();
        while (n--)
            free_ok(got[n], order);
        assert_int_equal(check_buddy(), 1901);
    }
}

static void test_exhaustion(void **state)
{
    static uint64_t got[1000];
    uint64_t n = 0;
    mfn_t m;

    (void)state;
    table_new(1000);
    buddy_add_range(&bd, _mfn(0), 1000);
    while (!mfn_eq(m = buddy_alloc(&bd, 0, 9), INVALID_MFN)) {
        assert_true(n < 1000);
        got[n++] = mfn_x(m);
    }
    assert_int_equal(n, 1000);
    assert_int_equal(buddy_free_frames(&bd), 0);
    for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++) {
        assert_int_equal(bd.free_head[o], NONE);
        assert_true(mfn_eq(buddy_alloc(&bd, o, 9), INVALID_MFN));
    }
    assert_true(mfn_eq(buddy_alloc(&bd, BUDDY_MAX_ORDER + 1, 9), INVALID_MFN));
    check_buddy();
    for (uint64_t i = 0; i < n; i++)
        free_ok(got[i], 0);
    assert_int_equal(check_buddy(), 1000);
    /* 1000 = 512 + 256 + 128 + 64 + 32 + 8: one block each, fully merged. */
    for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++)
        assert_int_equal(list_len(o), (1000 >> o) & 1);
}

static void test_double_free_detected(void **state)
{
    uint64_t a, b, c;

    (void)state;
    table_new(64);
    buddy_add_range(&bd, _mfn(0), 64);
    a = alloc_ok(2, 1);
    b = alloc_ok(2, 1);
    free_ok(a, 2);
    assert_free_rejected(a, 2);     /* the same block again */
    assert_free_rejected(a + 1, 0); /* a frame inside a free block */
    assert_free_rejected(a, 0);     /* the head of a free block */
    assert_free_rejected(0, 6);     /* a block overlapping free frames */
    assert_free_rejected(b & ~7ULL, 3); /* b's block plus its free buddy */
    check_buddy();

    /* Nothing was disturbed: the allocator keeps working exactly. */
    c = alloc_ok(2, 2);
    assert_int_equal(c, a);
    free_ok(c, 2);
    free_ok(b, 2);
    assert_free_rejected(b, 2);
    assert_single_block(6);
}

static void test_bad_free_rejected(void **state)
{
    uint64_t a, big;

    (void)state;
    table_new(1000);
    buddy_add_range(&bd, _mfn(16), 984);
    a = alloc_ok(2, 4);
    assert_free_rejected(3, 0);                /* reserved (never added) */
    assert_free_rejected(1000, 0);             /* just outside the table */
    assert_free_rejected(mfn_x(INVALID_MFN), 0);
    assert_free_rejected(a + 1, 1);            /* misaligned, all allocated */
    assert_free_rejected(a + 2, 2);            /* misaligned, half allocated */
    assert_free_rejected(a, BUDDY_MAX_ORDER + 1);
    assert_free_rejected(992, 4);              /* runs past the table */
    assert_free_rejected(0, 5);                /* covers reserved frames */
    check_buddy();

    /* The refusals left the allocator intact. */
    big = alloc_ok(3, 4);
    free_ok(big, 3);
    free_ok(a, 2);
    assert_int_equal(check_buddy(), 984);
}

static void test_free_past_table_end(void **state)
{
    uint64_t a;

    (void)state;
    table_new(1000);
    buddy_add_range(&bd, _mfn(992), 8);
    a = alloc_ok(3, 4);
    assert_int_equal(a, 992);
    /* Every frame inside the table is allocated; the rest does not exist. */
    assert_free_rejected(992, 4);
    assert_free_rejected(992, 10);
    free_ok(a, 3);
    assert_int_equal(check_buddy(), 8);
}

static void test_add_range_holes(void **state)
{
    static uint8_t seen[1000];
    uint64_t n = 0;
    mfn_t m;

    (void)state;
    table_new(1000);
    buddy_add_range(&bd, _mfn(3), 200);   /* [3, 203) */
    buddy_add_range(&bd, _mfn(300), 517); /* [300, 817) */
    buddy_add_range(&bd, _mfn(999), 1);
    buddy_add_range(&bd, _mfn(2000), 10); /* outside: ignored, warned */
    assert_non_null(strstr(test_log, "<2>"));
    assert_int_equal(bd.nr_added, 718);
    assert_int_equal(check_buddy(), 718);

    while (!mfn_eq(m = buddy_alloc(&bd, 0, 5), INVALID_MFN)) {
        uint64_t x = mfn_x(m);

        assert_true(x < 1000);
        assert_int_equal(seen[x], 0);
        seen[x] = 1;
        assert_true((x >= 3 && x < 203) || (x >= 300 && x < 817) || x == 999);
        n++;
    }
    assert_int_equal(n, 718);

    /* Re-adding allocated frames or a range reaching past the table adds
     * only the frames that were still reserved. */
    test_log_clear();
    buddy_add_range(&bd, _mfn(100), 250); /* [100, 350): holes 203..299 */
    assert_non_null(strstr(test_log, "<2>"));
    assert_int_equal(bd.nr_added, 718 + 97);
    assert_int_equal(check_buddy(), 97);
    buddy_add_range(&bd, _mfn(990), 100); /* 990..998 new, 999 allocated */
    assert_int_equal(check_buddy(), 106);
    assert_int_equal(bd.nr_added, 718 + 106);
}

static void test_add_range_adjacent_merges(void **state)
{
    (void)state;
    table_new(256);
    /* Pieces that only form aligned blocks once all are in. */
    buddy_add_range(&bd, _mfn(1), 2);
    buddy_add_range(&bd, _mfn(7), 100);
    buddy_add_range(&bd, _mfn(107), 149);
    buddy_add_range(&bd, _mfn(3), 4);
    buddy_add_range(&bd, _mfn(0), 1);
    assert_int_equal(bd.nr_added, 256);
    assert_single_block(8);
}

static void test_owner_recorded(void **state)
{
    uint64_t a;

    (void)state;
    table_new(128);
    buddy_add_range(&bd, _mfn(0), 128);
    a = alloc_ok(3, 7);
    for (uint64_t i = a; i < a + 8; i++) {
        assert_int_equal(frames[i].owner, 7);
        assert_int_equal(frames[i].flags, 0);
        assert_int_equal(frames[i].type, PGT_NONE);
        assert_int_equal(frames[i].count, 0);
        assert_int_equal(frames[i].type_count, 0);
    }
    /* Frames around the block are not touched by the owner. */
    assert_int_equal(frames[a + 8].owner, DOMID_FREE);
    assert_int_equal(alloc_ok(0, DOMID_XEN), a + 8);
    assert_int_equal(frames[a + 8].owner, DOMID_XEN);
    /* DOMID_FREE as an owner would make the frames look free. */
    assert_true(mfn_eq(buddy_alloc(&bd, 0, DOMID_FREE), INVALID_MFN));
    check_buddy();
}

static void test_max_order_cap(void **state)
{
    /* Room for two maximal blocks: they must not merge beyond the cap. */
    uint64_t nr = bsize(BUDDY_MAX_ORDER + 1) + bsize(BUDDY_MAX_ORDER - 1) + 5;

    (void)state;
    table_new(nr);
    buddy_add_range(&bd, _mfn(0), nr);
    check_buddy();
    assert_int_equal(list_len(BUDDY_MAX_ORDER), 2);
    assert_int_equal(list_len(BUDDY_MAX_ORDER - 1), 1);
    assert_int_equal(list_len(2), 1);
    assert_int_equal(list_len(0), 1);
    /* Either order is fine; together they are the two maximal blocks. */
    assert_int_equal(alloc_ok(BUDDY_MAX_ORDER, 1) + alloc_ok(BUDDY_MAX_ORDER, 1),
                     bsize(BUDDY_MAX_ORDER));
    assert_true(mfn_eq(buddy_alloc(&bd, BUDDY_MAX_ORDER, 1), INVALID_MFN));
    free_ok(0, BUDDY_MAX_ORDER);
    free_ok(bsize(BUDDY_MAX_ORDER), BUDDY_MAX_ORDER);
    assert_int_equal(check_buddy(), nr);
    assert_int_equal(list_len(BUDDY_MAX_ORDER), 2);
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

#define STRESS_FRAMES 4096
#define STRESS_LIVE 256

struct live_block {
    uint64_t mfn;
    unsigned int order;
    uint16_t owner;
};

static struct live_block live[STRESS_LIVE];
static int nr_live;
static bool shadow[STRESS_FRAMES]; /* frame held by a live block */

static void stress_alloc(void)
{
    unsigned int order = (unsigned int)(rng() % 7);
    uint16_t owner = (uint16_t)(rng() % 100);
    mfn_t m = buddy_alloc(&bd, order, owner);

    if (mfn_eq(m, INVALID_MFN))
        return;
    assert_int_equal(mfn_x(m) & (bsize(order) - 1), 0);
    for (uint64_t i = mfn_x(m); i < mfn_x(m) + bsize(order); i++) {
        assert_false(shadow[i]); /* never handed out twice */
        assert_int_equal(frames[i].flags & PGF_RESERVED, 0);
        assert_int_equal(frames[i].owner, owner);
        shadow[i] = true;
    }
    live[nr_live++] = (struct live_block){ mfn_x(m), order, owner };
}

static void stress_free(void)
{
    int k = (int)(rng() % (uint64_t)nr_live);
    struct live_block blk = live[k];

    for (uint64_t i = blk.mfn; i < blk.mfn + bsize(blk.order); i++) {
        assert_true(shadow[i]);
        assert_int_equal(frames[i].owner, blk.owner);
        shadow[i] = false;
    }
    free_ok(blk.mfn, blk.order);
    if (rng() % 8 == 0)
        assert_free_rejected(blk.mfn, blk.order);
    live[k] = live[--nr_live];
}

static void test_stress_random(void **state)
{
    uint64_t added, held = 0;

    (void)state;
    rng_state = 0x6d6963612d627564ULL;
    nr_live = 0;
    memset(shadow, 0, sizeof(shadow));
    table_new(STRESS_FRAMES);
    /* Several unaligned ranges with holes between them. */
    buddy_add_range(&bd, _mfn(1), 700);
    buddy_add_range(&bd, _mfn(777), 1500);
    buddy_add_range(&bd, _mfn(2400), 1601);
    added = bd.nr_added;
    for (int step = 0; step < 20000; step++) {
        if (nr_live < STRESS_LIVE && (nr_live == 0 || rng() % 2))
            stress_alloc();
        else
            stress_free();
        held = 0;
        for (int i = 0; i < nr_live; i++)
            held += bsize(live[i].order);
        assert_int_equal(bd.nr_free + held, added);
        if (step % 256 == 0)
            check_buddy();
    }
    while (nr_live)
        stress_free();
    assert_int_equal(check_buddy(), added);
    for (uint64_t i = 0; i < STRESS_FRAMES; i++) {
        bool in = (i >= 1 && i < 701) || (i >= 777 && i < 2277) ||
                  (i >= 2400 && i < 4001);

        assert_int_equal(frames[i].flags & PGF_RESERVED, in ? 0 : PGF_RESERVED);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_init_all_reserved, teardown),
        cmocka_unit_test_teardown(test_single_block_split_merge, teardown),
        cmocka_unit_test_teardown(test_split_merge_free_orders, teardown),
        cmocka_unit_test_teardown(test_alignment_fragmented, teardown),
        cmocka_unit_test_teardown(test_exhaustion, teardown),
        cmocka_unit_test_teardown(test_double_free_detected, teardown),
        cmocka_unit_test_teardown(test_bad_free_rejected, teardown),
        cmocka_unit_test_teardown(test_free_past_table_end, teardown),
        cmocka_unit_test_teardown(test_add_range_holes, teardown),
        cmocka_unit_test_teardown(test_add_range_adjacent_merges, teardown),
        cmocka_unit_test_teardown(test_owner_recorded, teardown),
        cmocka_unit_test_teardown(test_max_order_cap, teardown),
        cmocka_unit_test_teardown(test_stress_random, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
