// SPDX-License-Identifier: MIT
/* Buddy allocator: naturally aligned blocks of 2^order frames over a frame table. */
#include <hv/errno.h>
#include <hv/mm.h>
#include <hv/printk.h>

/*
 * Design: every frame is in exactly one of three states, told apart by its
 * page_info alone so that a bad free can be refused without searching:
 *
 *   reserved   flags == PGF_RESERVED; never handed out (holes, firmware).
 *   free       owner == DOMID_FREE. The first frame of a free block (its
 *              head) also has PGF_FREE, its order, and is linked into
 *              free_head[order]; the other frames have flags == 0.
 *   allocated  flags == 0 and owner is whoever asked for the block.
 *
 * Marking every frame of a free block DOMID_FREE (not only the head) is what
 * makes "free part of a free block" detectable in O(1) per frame. The cost is
 * a pass over the block on free, which the allocation side pays anyway when
 * it records the owner on every frame.
 *
 * Free blocks are kept maximal: a block never sits on a list while its buddy
 * is a free head of the same order. The free lists are doubly linked through
 * list_next/list_prev (mfns, BUDDY_NONE at either end) so that taking a block
 * out of the middle of a list while merging is O(1).
 *
 * Locking: buddy.lock protects the free lists, nr_free, nr_added and the
 * list/flags/order/owner fields of every frame in the table. It is a leaf
 * lock; messages are logged after it is dropped.
 */

#define BUDDY_NONE (~0ULL)

static inline uint64_t buddy_block_frames(unsigned int order)
{
    return 1ULL << order;
}

static void buddy_list_push(struct buddy *b, uint64_t mfn, unsigned int order)
{
    struct page_info *pg = &b->frames[mfn];
    uint64_t head = b->free_head[order];

    pg->list_prev = BUDDY_NONE;
    pg->list_next = head;
    if (head != BUDDY_NONE)
        b->frames[head].list_prev = mfn;
    b->free_head[order] = mfn;
    pg->flags = PGF_FREE;
    pg->order = (uint8_t)order;
}

static void buddy_list_del(struct buddy *b, uint64_t mfn)
{
    struct page_info *pg = &b->frames[mfn];

    if (pg->list_prev != BUDDY_NONE)
        b->frames[pg->list_prev].list_next = pg->list_next;
    else
        b->free_head[pg->order] = pg->list_next;
    if (pg->list_next != BUDDY_NONE)
        b->frames[pg->list_next].list_prev = pg->list_prev;
    pg->list_next = BUDDY_NONE;
    pg->list_prev = BUDDY_NONE;
    pg->flags = 0;
    pg->order = 0;
}

/* Give every frame of a block the same clean state and owner. */
static void buddy_mark(struct buddy *b, uint64_t mfn, uint64_t n, uint16_t owner)
{
    for (uint64_t i = mfn; i < mfn + n; i++) {
        struct page_info *pg = &b->frames[i];

        pg->list_next = BUDDY_NONE;
        pg->list_prev = BUDDY_NONE;
        pg->count = 0;
        pg->type_count = 0;
        pg->owner = owner;
        pg->type = PGT_NONE;
        pg->flags = 0;
        pg->order = 0;
    }
}

static bool buddy_is_free_head(const struct buddy *b, uint64_t mfn,
                               unsigned int order)
{
    const struct page_info *pg = &b->frames[mfn];

    return (pg->flags & PGF_FREE) && pg->order == order;
}

/*
 * Put a block whose frames are already marked DOMID_FREE on its list,
 * merging with its buddy for as long as the buddy is a whole free block of
 * the same order; a buddy that is only part of a larger or smaller free
 * block cannot merge, which keeps every block naturally aligned.
 */
static void buddy_insert(struct buddy *b, uint64_t mfn, unsigned int order)
{
    while (order < BUDDY_MAX_ORDER) {
        uint64_t buddy = mfn ^ buddy_block_frames(order);

        if (buddy >= b->nr_frames || !buddy_is_free_head(b, buddy, order))
            break;
        buddy_list_del(b, buddy);
        mfn &= ~buddy_block_frames(order);
        order++;
    }
    buddy_list_push(b, mfn, order);
}

void buddy_init(struct buddy *b, struct page_info *frames, uint64_t nr_frames)
{
    b->frames = frames;
    b->nr_frames = nr_frames;
    buddy_mark(b, 0, nr_frames, DOMID_IO);
    for (uint64_t i = 0; i < nr_frames; i++)
        frames[i].flags = PGF_RESERVED;
    for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++)
        b->free_head[o] = BUDDY_NONE;
    b->nr_free = 0;
    b->nr_added = 0;
    spin_lock_init(&b->lock);
}

/* Largest order whose block starts at `mfn` (natural alignment) and fits in `len`. */
static unsigned int buddy_fit_order(uint64_t mfn, uint64_t len)
{
    unsigned int order = BUDDY_MAX_ORDER;
    unsigned int len_order = 63U - (unsigned int)__builtin_clzll(len);

    if (mfn && (unsigned int)__builtin_ctzll(mfn) < order)
        order = (unsigned int)__builtin_ctzll(mfn);
    return MIN(order, len_order);
}

/* Free [mfn, end), all reserved frames, as maximal aligned blocks. */
static void buddy_add_run(struct buddy *b, uint64_t mfn, uint64_t end)
{
    while (mfn < end) {
        unsigned int order = buddy_fit_order(mfn, end - mfn);

        buddy_mark(b, mfn, buddy_block_frames(order), DOMID_FREE);
        buddy_insert(b, mfn, order);
        mfn += buddy_block_frames(order);
    }
}

static bool buddy_is_reserved(const struct buddy *b, uint64_t mfn)
{
    return b->frames[mfn].flags & PGF_RESERVED;
}

/*
 * Only reserved frames are taken: handing in a range twice, or one that
 * overlaps frames already allocated, must not put a frame on the lists twice.
 */
static uint64_t buddy_add_reserved(struct buddy *b, uint64_t mfn, uint64_t end)
{
    uint64_t added = 0;

    while (mfn < end) {
        uint64_t run = mfn;

        while (run < end && buddy_is_reserved(b, run))
            run++;
        buddy_add_run(b, mfn, run);
        added += run - mfn;
        mfn = run;
        while (mfn < end && !buddy_is_reserved(b, mfn))
            mfn++;
    }
    return added;
}

void buddy_add_range(struct buddy *b, mfn_t start, uint64_t nr)
{
    uint64_t mfn = mfn_x(start);
    uint64_t in_table = 0, added;

    if (mfn < b->nr_frames)
        in_table = MIN(nr, b->nr_frames - mfn);
    spin_lock(&b->lock);
    added = buddy_add_reserved(b, mfn, mfn + in_table);
    b->nr_free += added;
    b->nr_added += added;
    spin_unlock(&b->lock);
    if (added != nr)
        printk(LOG_WARN "buddy: add_range mfn 0x%lx+0x%lx: %lu frames outside "
                        "the table or not reserved, ignored\n",
               mfn, nr, nr - added);
}

/* Lowest order >= `order` with a free block, or BUDDY_MAX_ORDER + 1. */
static unsigned int buddy_find_order(const struct buddy *b, unsigned int order)
{
    while (order <= BUDDY_MAX_ORDER && b->free_head[order] == BUDDY_NONE)
        order++;
    return order;
}

mfn_t buddy_alloc(struct buddy *b, unsigned int order, uint16_t owner)
{
    unsigned int o;
    uint64_t mfn;

    /* DOMID_FREE on an allocated frame would make it look free. */
    if (order > BUDDY_MAX_ORDER || owner == DOMID_FREE)
        return INVALID_MFN;
    spin_lock(&b->lock);
    o = buddy_find_order(b, order);
    if (o > BUDDY_MAX_ORDER) {
        spin_unlock(&b->lock);
        return INVALID_MFN;
    }
    mfn = b->free_head[o];
    buddy_list_del(b, mfn);
    /* Keep the lower half at each split; the upper half goes back free. */
    while (o > order) {
        o--;
        buddy_list_push(b, mfn + buddy_block_frames(o), o);
    }
    buddy_mark(b, mfn, buddy_block_frames(order), owner);
    b->nr_free -= buddy_block_frames(order);
    spin_unlock(&b->lock);
    return _mfn(mfn);
}

/* Why a block may not be freed, or NULL when it may. */
static const char *buddy_free_check(const struct buddy *b, uint64_t mfn,
                                    unsigned int order)
{
    uint64_t n;

    if (order > BUDDY_MAX_ORDER)
        return "order too large";
    n = buddy_block_frames(order);
    if (mfn >= b->nr_frames)
        return "outside the frame table";
    if (mfn & (n - 1))
        return "misaligned for its order";
    if (n > b->nr_frames - mfn)
        return "runs past the frame table";
    for (uint64_t i = mfn; i < mfn + n; i++) {
        if (b->frames[i].flags & PGF_RESERVED)
            return "reserved frame";
        if (b->frames[i].owner == DOMID_FREE)
            return "already free (double free)";
    }
    return NULL;
}

int buddy_free(struct buddy *b, mfn_t mfn, unsigned int order)
{
    uint64_t m = mfn_x(mfn);
    const char *why;

    spin_lock(&b->lock);
    why = buddy_free_check(b, m, order);
    if (!why) {
        buddy_mark(b, m, buddy_block_frames(order), DOMID_FREE);
        buddy_insert(b, m, order);
        b->nr_free += buddy_block_frames(order);
    }
    spin_unlock(&b->lock);
    if (why) {
        printk(LOG_ERR "buddy: bad free of mfn 0x%lx order %u: %s\n", m, order,
               why);
        return -EINVAL;
    }
    return 0;
}

uint64_t buddy_free_frames(const struct buddy *b)
{
    /* A racy snapshot is all a caller of a lock-free read can expect. */
    return __atomic_load_n(&b->nr_free, __ATOMIC_RELAXED);
}
