// SPDX-License-Identifier: MIT
/* The frame table, the early (bump) allocator used before it exists, and
 * the glue between the buddy allocator, the heap and the direct map.
 *
 * Locking: the buddy allocator has its own lock; the early allocator runs
 * on the boot CPU before any other CPU is started.
 */
#include <hv/heap.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/paging.h>
#include <hv/panic.h>
#include <hv/printk.h>

extern const char __image_start[], __image_end[];

struct buddy frame_allocator;
struct page_info *frame_table;
struct mem_stats mem_stats;
static paddr_t early_start, early_next, early_end;

#define IMAGE_START_PA ((paddr_t)__image_start - HV_VIRT_OFFSET)
#define IMAGE_END_PA ((paddr_t)__image_end - HV_VIRT_OFFSET)

/* The early allocator takes the RAM right above the image, which the boot
 * page tables map 1:1 (below 4 GiB). */
void frames_early_init(const struct memmap *m)
{
    for (unsigned int i = 0; i < m->nr; i++) {
        const struct memmap_entry *e = &m->e[i];

        if (e->type != MEMMAP_RAM || e->base > IMAGE_END_PA ||
            e->base + e->len <= IMAGE_END_PA)
            continue;
        early_start = early_next = ROUNDUP(IMAGE_END_PA, PAGE_SIZE);
        early_end = MIN(e->base + e->len, GiB(4));
        return;
    }
    panic("the RAM after the image (0x%lx) is not in the memory map",
          IMAGE_END_PA);
}

paddr_t early_alloc(uint64_t bytes)
{
    paddr_t pa = early_next;

    bytes = ROUNDUP(bytes, PAGE_SIZE);
    if (early_end - early_next < bytes)
        panic("early allocator exhausted: need %lu bytes more", bytes);
    early_next += bytes;
    /* Still on the boot tables, which map the first 4 GiB 1:1. */
    memset((void *)pa, 0, bytes);
    return pa;
}

/* Hand RAM [base, end) to the buddy allocator, minus what is in use. */
static void frames_add(paddr_t base, paddr_t end)
{
    const paddr_t used_start = IMAGE_START_PA, used_end = early_end;

    base = ROUNDUP(MAX(base, MiB(1)), PAGE_SIZE);
    end = ROUNDDOWN(end, PAGE_SIZE);
    if (base < used_end && end > used_start) {
        frames_add(base, used_start);
        frames_add(used_end, end);
        return;
    }
    if (end <= base)
        return;
    buddy_add_range(&frame_allocator, paddr_to_mfn(base),
                    (end - base) >> PAGE_SHIFT);
    mem_stats.handed_to_buddy += (end - base) >> PAGE_SHIFT;
}

void frames_init(const struct memmap *m)
{
    uint64_t nr_frames = memmap_ram_end(m) >> PAGE_SHIFT;

    buddy_init(&frame_allocator, frame_table, nr_frames);
    /* The early allocator ends here: what it did not hand out is freed. */
    early_end = early_next;
    for (unsigned int i = 0; i < m->nr; i++) {
        const struct memmap_entry *e = &m->e[i];

        paddr_t base = ROUNDUP(e->base, PAGE_SIZE);
        paddr_t end = ROUNDDOWN(e->base + e->len, PAGE_SIZE);

        /* Only whole frames are RAM we can use. */
        if (e->type != MEMMAP_RAM || end <= base)
            continue;
        mem_stats.map_ram += (end - base) >> PAGE_SHIFT;
        if (base < MiB(1))
            mem_stats.low_kept += (MIN(end, MiB(1)) - base) >> PAGE_SHIFT;
        frames_add(base, end);
    }
    mem_stats.image = (IMAGE_END_PA - IMAGE_START_PA) >> PAGE_SHIFT;
    mem_stats.early = (early_end - early_start) >> PAGE_SHIFT;
}

mfn_t alloc_frames(unsigned int order)
{
    return buddy_alloc(&frame_allocator, order, DOMID_XEN);
}

void free_frames(mfn_t mfn, unsigned int order)
{
    BUG_ON(buddy_free(&frame_allocator, mfn, order));
}

void *alloc_page_zeroed(void)
{
    mfn_t mfn = alloc_frames(0);
    void *va;

    if (mfn_eq(mfn, INVALID_MFN))
        return NULL;
    va = __va(mfn_to_paddr(mfn));
    memset(va, 0, PAGE_SIZE);
    return va;
}

void free_page(void *va)
{
    free_frames(paddr_to_mfn(__pa(va)), 0);
}

static void *heap_pages_alloc(unsigned int order)
{
    mfn_t mfn = alloc_frames(order);

    return mfn_eq(mfn, INVALID_MFN) ? NULL : __va(mfn_to_paddr(mfn));
}

static void heap_pages_free(void *p, unsigned int order)
{
    free_frames(paddr_to_mfn(__pa(p)), order);
}

static const struct heap_page_ops hv_heap_ops = {
    .alloc = heap_pages_alloc,
    .free = heap_pages_free,
};

void heap_setup(void)
{
    heap_init(&hv_heap_ops);
}

void *xmalloc(size_t size)
{
    return heap_alloc(size);
}

void *xzalloc(size_t size)
{
    return heap_zalloc(size);
}

void xfree(void *p)
{
    BUG_ON(heap_free(p));
}
