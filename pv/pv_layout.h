/* SPDX-License-Identifier: MIT */
/* The PV domain builder's plan: the kernel's Xen notes and segments, and
 * where every bootstrap element goes in the guest's virtual space. */
#ifndef PV_LAYOUT_H
#define PV_LAYOUT_H

#include <hv/pvh_loader.h>
#include <hv/types.h>

#define PV_MAX_SEGS 16

/* One PT_LOAD segment: filesz bytes from file_off, then zeroes to memsz,
 * at guest pseudo-physical address gpa (p_paddr - PADDR_OFFSET). */
struct pv_seg {
    uint64_t gpa;
    uint64_t file_off;
    uint64_t filesz;
    uint64_t memsz;
};

/*
 * The bootstrap region (xen-abi.md §4.3): one run of virtual addresses
 * from virt_base mapped 1:1 onto the first pfns, pfn = (va - virt_base)
 * >> 12. Every field ending in _va is page aligned and inside
 * [virt_base, end); the elements follow each other in this order.
 */
struct pv_layout {
    uint64_t virt_base;
    uint64_t entry;              /* ENTRY note, else e_entry */
    uint64_t hypercall_page;     /* HYPERCALL_PAGE note (in the kernel), or 0 */
    uint64_t kstart, kend;       /* the kernel image, bss included */
    uint64_t initrd_va;          /* 0 when there is none */
    uint64_t initrd_len;
    uint64_t p2m_va;             /* nr_pages u64 MFNs */
    uint64_t nr_pages;
    /* Without an INIT_P2M note the p2m list is in the boot region. With
     * one it is at that address instead, on the pfns after the region
     * (p2m_pfn on), followed by the nr_p2m_pt table frames that map it. */
    bool p2m_apart;
    uint64_t p2m_pfn, nr_p2m_pages, nr_p2m_pt;
    uint64_t start_info_va;
    uint64_t console_va;
    uint64_t pt_va;              /* L4, then L3s, L2s, L1s */
    uint64_t nr_pt;
    uint64_t stack_va;           /* one page; RSP starts at its end */
    uint64_t end;                /* >= 512 KiB after the stack, 4 MiB aligned */
    struct pv_seg seg[PV_MAX_SEGS];
    unsigned int nr_seg;
};

static inline uint64_t pv_va_to_pfn(const struct pv_layout *l, uint64_t va)
{
    return (va - l->virt_base) >> PAGE_SHIFT;
}

/*
 * Check a 64-bit PV kernel and plan its domain of ram_bytes with an initrd
 * of initrd_len bytes (0: none): the Xen notes (XEN_VERSION "xen-3.0...",
 * LOADER "generic..." or GUEST_OS "linux...", no required feature Mica
 * lacks), PT_LOAD segments inside the file and clear of each other, entry
 * inside the kernel, the whole region inside the guest's RAM and its half
 * of the address space. -EINVAL for a malformed or non-PV image, -ENOMEM
 * when it does not fit, each with a logged reason.
 */
int __must_check pv_layout_plan(const void *image, size_t len, uint64_t ram_bytes,
                                uint64_t initrd_len, struct pv_layout *l);

/* Page-table frames (L4 + L3s + L2s + L1s) that map [start, end). */
uint64_t pv_layout_count_tables(uint64_t start, uint64_t end);

#endif /* PV_LAYOUT_H */
