/* SPDX-License-Identifier: MIT */
/* Nested page tables: the hardware view of a domain's p2m (ept/npt.c). */
#ifndef HV_NPT_H
#define HV_NPT_H

#include <hv/pagetable.h>
#include <hv/types.h>

/* Where table pages come from: the hypervisor passes the buddy allocator
 * and the direct map, unit tests a pool of host memory. */
struct npt_page_ops {
    paddr_t (*alloc)(void *opaque);           /* zeroed 4 KiB page, 0 if none */
    void (*free)(void *opaque, paddr_t pa);
    void *(*phys_to_virt)(void *opaque, paddr_t pa);
    void *opaque;
};

/*
 * AMD nested paging uses the long-mode page-table format, and its walks are
 * user-mode accesses (APM Vol. 2, "Nested Paging"), so every entry carries
 * U as well as P and W; guest RAM is executable and write-back (memory
 * types come from the guest PAT). Leaves are 2 MiB where the p2m hands in
 * 2 MiB-aligned blocks, else 4 KiB.
 */
struct npt {
    struct pt_ctx pt;
    struct npt_page_ops pages;
    paddr_t *tables;             /* current tracking page (see npt.c) */
    paddr_t track_page;          /* its physical address */
    unsigned int nr_tables;      /* entries used in the current page */
    uint64_t nr_pages;           /* table pages in all */
};

int __must_check npt_init(struct npt *n, const struct npt_page_ops *pages);
/* Table pages from the buddy allocator, for the p2m views (npt_view.c). */
extern const struct npt_page_ops npt_buddy_pages;
int __must_check npt_map(struct npt *n, uint64_t gpa, paddr_t pa, uint64_t size);
int __must_check npt_unmap(struct npt *n, uint64_t gpa, uint64_t size);
int npt_lookup(const struct npt *n, uint64_t gpa, paddr_t *pa);
paddr_t npt_root(const struct npt *n);
void npt_destroy(struct npt *n);
uint64_t npt_table_pages(const struct npt *n);

#endif /* HV_NPT_H */
