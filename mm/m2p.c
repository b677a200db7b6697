// SPDX-License-Identifier: MIT
/* The machine-to-phys table: storage, its two mappings, and its entries. */
#include <hv/errno.h>
#include <hv/layout.h>
#include <hv/lib.h>
#include <hv/m2p.h>

/*
 * Design: one uint64_t per machine frame, in frames of its own taken from
 * the page-table allocator of the hypervisor's tree: at boot that is the
 * early allocator, whose memory no domain ever owns or maps itself. Slot 256 of the
 * hypervisor's L4 gets them read-only with U set, because a PV guest kernel runs at CPL 3
 * and reads the table there (Linux's mfn_to_pfn, XTF); every validated guest L4 copies
 * that slot. The hypervisor writes through slot 260, which has no U and so stays out of
 * guest reach. Frames beyond the table are not mapped: a guest reading past the end takes
 * a page fault, which Linux handles (it reads with an exception fixup).
 *
 * Locking: entries are single 64-bit stores and loads, read by guests at
 * any time; writers of one frame's entry are serialised by its owner's
 * PV MMU lock (or run before the domain does).
 */

static uint64_t *m2p_table;
static uint64_t m2p_nr;

void m2p_use_table(uint64_t *table, uint64_t nr)
{
    m2p_table = table;
    m2p_nr = nr;
}

static int m2p_map_page(struct pt_ctx *pt, uint64_t off)
{
    paddr_t pa = pt->alloc_table(pt->opaque);
    int rc;

    if (!pa)
        return -ENOMEM;
    memset(pt->phys_to_virt(pt->opaque, pa), 0xff, PAGE_SIZE); /* M2P_INVALID */
    rc = pt_map(pt, RO_MPT_VIRT_START + off, pa, PAGE_SIZE, PTE_U | PTE_NX | PTE_G);
    if (!rc)
        rc = pt_map(pt, RW_MPT_VIRT_START + off, pa, PAGE_SIZE, PTE_W | PTE_NX | PTE_G);
    return rc;
}

static uint64_t m2p_pages(uint64_t nr_frames)
{
    return ROUNDUP(nr_frames * sizeof(uint64_t), PAGE_SIZE) >> PAGE_SHIFT;
}

/* Per mapping: one L3, an L2 per 512 L1s and an L1 per 512 pages, each
 * rounded up and possibly straddling one more boundary. */
uint64_t m2p_boot_bytes(uint64_t nr_frames)
{
    uint64_t pages = m2p_pages(nr_frames);
    uint64_t tables = 1 + (pages / (512 * 512) + 2) + (pages / 512 + 2);

    return (pages + 2 * tables) * PAGE_SIZE;
}

int m2p_init(struct pt_ctx *pt, uint64_t nr_frames)
{
    if (nr_frames > (RO_MPT_VIRT_END - RO_MPT_VIRT_START) / sizeof(uint64_t))
        return -EINVAL;
    for (uint64_t off = 0; off < m2p_pages(nr_frames) * PAGE_SIZE; off += PAGE_SIZE) {
        int rc = m2p_map_page(pt, off);

        if (rc)
            return rc;
    }
    m2p_use_table((uint64_t *)RW_MPT_VIRT_START, nr_frames);
    return 0;
}

void m2p_set(mfn_t mfn, uint64_t pfn)
{
    if (mfn_x(mfn) < m2p_nr)
        __atomic_store_n(&m2p_table[mfn_x(mfn)], pfn, __ATOMIC_RELAXED);
}

uint64_t m2p_get(mfn_t mfn)
{
    if (mfn_x(mfn) >= m2p_nr)
        return M2P_INVALID;
    return __atomic_load_n(&m2p_table[mfn_x(mfn)], __ATOMIC_RELAXED);
}
