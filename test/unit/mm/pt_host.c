// SPDX-License-Identifier: MIT
/* Page-table frames in host memory for unit tests (pt_host.h). */
#include <string.h>

#include "pt_host.h"
#include "test_support.h"

/* A non-zero, otherwise unused, physical base. */
#define PT_HOST_BASE 0x7a000000ULL

static uint8_t frames[PT_HOST_FRAMES][4096] __attribute__((aligned(4096)));
unsigned int pt_host_used;
unsigned int pt_host_limit;

paddr_t pt_host_alloc(void *opaque)
{
    (void)opaque;
    if (pt_host_used >= pt_host_limit)
        return 0;
    memset(frames[pt_host_used], 0, sizeof(frames[0]));
    return PT_HOST_BASE + (paddr_t)pt_host_used++ * 4096;
}

void *pt_host_p2v(void *opaque, paddr_t pa)
{
    (void)opaque;
    assert_true(pa >= PT_HOST_BASE);
    assert_true((pa & 0xfff) == 0);
    assert_true(pa - PT_HOST_BASE < (paddr_t)pt_host_used * 4096);
    return frames[(pa - PT_HOST_BASE) / 4096];
}

void pt_host_init(struct pt_ctx *pt, bool allow_1g)
{
    pt_host_used = 0;
    pt_host_limit = PT_HOST_FRAMES;
    memset(pt, 0, sizeof(*pt));
    pt->alloc_table = pt_host_alloc;
    pt->phys_to_virt = pt_host_p2v;
    pt->allow_1g = allow_1g;
    pt->root = pt_host_alloc(NULL);
}
