/* SPDX-License-Identifier: MIT */
/* The small-object heap, separated from its page source so it is testable. */
#ifndef HV_HEAP_H
#define HV_HEAP_H

#include <hv/types.h>

/* Where the heap gets pages: the hypervisor passes the buddy allocator
 * through the direct map; unit tests pass aligned host memory. */
struct heap_page_ops {
    void *(*alloc)(unsigned int order); /* 2^order pages, page-aligned, or NULL */
    void (*free)(void *p, unsigned int order);
};

struct heap_stats {
    uint64_t bytes_in_use; /* sum of requested sizes of live allocations */
    uint64_t pages_held;   /* pages currently taken from the page source */
    uint64_t nr_allocs;    /* live allocations */
};

void heap_init(const struct heap_page_ops *ops);
void *heap_alloc(size_t size);  /* 16-byte aligned; NULL on exhaustion or size 0 */
void *heap_zalloc(size_t size);
/* -EINVAL for a pointer the heap never returned or already freed
 * (double free); the heap is unchanged in that case. NULL is a no-op (0). */
int heap_free(void *p);
void heap_get_stats(struct heap_stats *s);

#endif /* HV_HEAP_H */
