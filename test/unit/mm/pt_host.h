/* SPDX-License-Identifier: MIT */
/* Page-table frames in host memory, posing as physical memory, for the
 * unit tests of code that builds tables through a struct pt_ctx. */
#ifndef TEST_PT_HOST_H
#define TEST_PT_HOST_H

#include <hv/pagetable.h>

#define PT_HOST_FRAMES 64

extern unsigned int pt_host_used;  /* frames handed out, the root included */
extern unsigned int pt_host_limit; /* allocation fails beyond this many */

/* Forget every frame, then give pt a fresh root and the host allocator. */
void pt_host_init(struct pt_ctx *pt, bool allow_1g);
paddr_t pt_host_alloc(void *opaque);
/* The host address of an allocated frame (asserts that it is one). */
void *pt_host_p2v(void *opaque, paddr_t pa);

#endif /* TEST_PT_HOST_H */
