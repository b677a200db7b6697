// SPDX-License-Identifier: MIT
/* The frame table, the early (bump) allocator used before it exists, and
 * the glue between the buddy allocator, the heap and the direct map.
 *
 * Locking: the buddy allocator has its own lock; the early allocator runs
 * on the boot CPU before any other CPU is started.
 */
#include <hv/boot.h>
#include <hv/heap.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/m2p.h>
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

/*
 * Ranges the allocators must not hand out while booting: the image and the
 * boot modules (until the domain builder has copied them).
 */
#define MAX_RESERVED (BOOT_MODULES_MAX + 2)
static struct { paddr_t start, end; } reserved[MAX_RESERVED];
static unsigned int nr_reserved;

static void reserve_range(paddr_t start, paddr_t end)
{
    BUG_ON(nr_reserved == MAX_RESERVED);
    reserved[nr_reserved].start = ROUNDDOWN(start, PAGE_SIZE);
    reserved[nr_reserved].end = ROUNDUP(end, PAGE_SIZE);
    nr_reserved++;
}

/* Is a reserved range overlapping [start, end)? The lowest one is returned
 * in [*res_start, *res_end). Released ranges are empty and never match. */
static bool reserved_overlap(paddr_t start, paddr_t end, paddr_t *res_start,
                             paddr_t *res_end)
{
    bool found = false;

    for (unsigned int i = 0; i < nr_reserved; i++) {
        if (reserved[i].start < end && reserved[i].end > start &&
            (!found || reserved[i].start < *res_start)) {
            *res_start = reserved[i].start;
            *res_end = reserved[i].end;
            found = true;
        }
    }
    return found;
}

/* Bytes the early allocator must provide: the frame table, the M2P, and
 * page tables for the image, the direct map and the frame table mapping. */
static uint64_t early_budget(const struct memmap *m)
{
    uint64_t frames = memmap_ram_end(m) >> PAGE_SHIFT;

    return ROUNDUP(frames * sizeof(struct page_info), PAGE_SIZE) + MiB(2) +
           ROUNDUP((frames / 512 + 1) * PAGE_SIZE / 64, PAGE_SIZE) +
           m2p_boot_bytes(frames);
}

/* The early allocator takes the first stretch of RAM between 1 MiB and
 * 4 GiB (the boot tables map that 1:1) that avoids every reserved range. */
void frames_early_init(const struct memmap *m, const struct boot_info *bi)
{
    uint64_t need = early_budget(m);

    reserve_range(IMAGE_START_PA, IMAGE_END_PA);
    for (unsigned int i = 0; i < MIN(bi->nr_modules, BOOT_MODULES_MAX); i++)
        reserve_range(bi->module[i].start, bi->module[i].end);
    for (unsigned int i = 0; i < m->nr; i++) {
        paddr_t s = ROUNDUP(MAX(m->e[i].base, MiB(1)), PAGE_SIZE);
        paddr_t e = ROUNDDOWN(MIN(m->e[i].base + m->e[i].len, GiB(4)), PAGE_SIZE);
        paddr_t res_start = 0, res_end = 0;

        if (m->e[i].type != MEMMAP_RAM)
            continue;
        while (s + need <= e) {
            if (!reserved_overlap(s, s + need, &res_start, &res_end)) {
                early_start = early_next = s;
                early_end = s + need;
                reserve_range(early_start, early_end);
                return;
            }
            s = res_end;
        }
    }
    panic("no %lu KiB of free RAM below 4 GiB for the frame table", need >> 10);
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

static void buddy_give(paddr_t base, paddr_t end)
{
    if (end <= base)
        return;
    buddy_add_range(&frame_allocator, paddr_to_mfn(base), (end - base) >> PAGE_SHIFT);
    mem_stats.handed_to_buddy += (end - base) >> PAGE_SHIFT;
}

/* Hand RAM [base, end) to the buddy allocator, minus reserved ranges. */
static void frames_add(paddr_t base, paddr_t end)
{
    paddr_t res_start = 0, res_end = 0;

    base = MAX(base, MiB(1));
    while (base < end) {
        if (!reserved_overlap(base, end, &res_start, &res_end)) {
            buddy_give(base, end);
            return;
        }
        if (res_start > base)
            buddy_give(base, res_start);
        base = res_end;
    }
}

void frames_init(const struct memmap *m)
{
    uint64_t nr_frames = memmap_ram_end(m) >> PAGE_SHIFT;

    buddy_init(&frame_allocator, frame_table, nr_frames);
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
    /* reserved[0] is the image, the last entry the early range. */
    for (unsigned int i = 1; i + 1 < nr_reserved; i++)
        mem_stats.modules += (reserved[i].end - reserved[i].start) >> PAGE_SHIFT;
}

/* The domain builder is done with the modules: their RAM becomes free. */
void boot_modules_release(void)
{
    /* reserved[0] is the image, reserved[1..] the modules, the last one
     * the early allocator's range. */
    for (unsigned int i = 1; i + 1 < nr_reserved; i++) {
        paddr_t s = reserved[i].start, e = reserved[i].end;

        reserved[i].start = reserved[i].end = 0;
        mem_stats.modules -= (e - s) >> PAGE_SHIFT;
        frames_add(s, e);
    }
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
