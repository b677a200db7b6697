/* SPDX-License-Identifier: MIT */
/* Machine frames: per-frame page_info and the frame allocator interface. */
#ifndef HV_MM_H
#define HV_MM_H

#include <hv/spinlock.h>
#include <hv/types.h>
#include <public/xen.h>

/* Owners recorded in page_info.owner: a domain id (below
 * DOMID_FIRST_RESERVED), DOMID_XEN (the hypervisor), DOMID_IO (MMIO and
 * firmware: never allocatable), or DOMID_FREE. */
#define DOMID_FREE 0x7ff5U /* Mica name: in the buddy allocator (Xen's DOMID_ANY
                              value, which no frame can be owned by) */

/* page_info.flags */
#define PGF_FREE (1U << 0)     /* on a buddy free list (head of a block) */
#define PGF_RESERVED (1U << 1) /* never RAM we may allocate (holes, firmware) */
#define PGF_VALIDATED (1U << 2) /* page-table type: every entry holds its
                                   references (mm/pv_mm_type.c) */
#define PGF_PINNED (1U << 3)    /* PV: MMUEXT_PIN_* holds a type reference */
#define PGF_SHARED (1U << 4)    /* PV: a hypervisor page given to the domain
                                   (shared_info, grant frames): see pv_mm_share */

/* page_info.type: what the frame may be used as (PV validation rules). */
enum page_type {
    PGT_NONE = 0,
    PGT_WRITABLE,
    PGT_L1,
    PGT_L2,
    PGT_L3,
    PGT_L4,
    PGT_SEG_DESC,
};

/*
 * One per machine frame, indexed by mfn in the frame table. Fields beyond
 * owner/flags/order are unused until PV guests arrive but are laid out now
 * so that the frame table never changes shape.
 */
struct page_info {
    uint64_t list_next;   /* buddy free list: next free block (mfn), or ~0 */
    uint64_t list_prev;   /* buddy free list: previous free block, or ~0 */
    uint32_t count;       /* general references (mappings, grants) */
    uint32_t type_count;  /* references of the current type */
    uint16_t owner;       /* DOMID_* or a domain id */
    uint8_t type;         /* enum page_type */
    uint8_t flags;        /* PGF_* */
    uint8_t order;        /* buddy order of a free block (valid with PGF_FREE) */
    uint8_t pad[3];
};
_Static_assert(sizeof(struct page_info) == 32, "page_info layout");

#define BUDDY_MAX_ORDER 20 /* largest block: 2^20 frames = 4 GiB */

/*
 * Buddy allocator over a frame table. All frames start reserved; ranges of
 * usable RAM are handed in with buddy_add_range().
 *
 * Locking: buddy.lock protects the free lists, free counts and the
 * flags/order/owner fields of every frame in the table.
 */
struct buddy {
    struct page_info *frames; /* the frame table, indexed by mfn */
    uint64_t nr_frames;       /* frames covered by the table */
    uint64_t free_head[BUDDY_MAX_ORDER + 1]; /* mfn of first free block, ~0 if none */
    uint64_t nr_free;         /* free frames in all lists */
    uint64_t nr_added;        /* frames ever handed in by buddy_add_range */
    spinlock_t lock;
};

/* Set up an allocator over `frames[0..nr_frames)`; every frame reserved. */
void buddy_init(struct buddy *b, struct page_info *frames, uint64_t nr_frames);
/* Free RAM frames [start, start+nr) into the allocator (any alignment). */
void buddy_add_range(struct buddy *b, mfn_t start, uint64_t nr);
/* Allocate 2^order contiguous, naturally aligned frames owned by `owner`.
 * Returns INVALID_MFN when no block is large enough. */
mfn_t buddy_alloc(struct buddy *b, unsigned int order, uint16_t owner);
/* Return a block. -EINVAL for a frame outside the table, a reserved or
 * already-free frame (double free), or a misaligned block; nothing changes then. */
int __must_check buddy_free(struct buddy *b, mfn_t mfn, unsigned int order);
uint64_t buddy_free_frames(const struct buddy *b);

/* The hypervisor's own allocator, over the whole frame table (mm/frames.c). */
extern struct buddy frame_allocator;
extern struct page_info *frame_table;
mfn_t alloc_frames(unsigned int order);
void free_frames(mfn_t mfn, unsigned int order);
/* A zeroed page for hypervisor use, returned by its direct-map address. */
void *alloc_page_zeroed(void);
void free_page(void *va);

/* Small-object heap (mm/heap.c). */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void xfree(void *p);

#endif /* HV_MM_H */
