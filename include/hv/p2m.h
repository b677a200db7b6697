/* SPDX-License-Identifier: MIT */
/* The physical-to-machine map of a domain: gfn -> mfn for guest RAM. */
#ifndef HV_P2M_H
#define HV_P2M_H

#include <hv/pagetable.h>
#include <hv/spinlock.h>
#include <hv/types.h>

/*
 * Design: the p2m holds guest RAM only; device ranges are claimed on the
 * I/O bus and stay absent here, so guest accesses to them fault (NPF) and
 * are emulated. The table uses the x86-64 long-mode format, which is also
 * AMD's nested-paging format, so on SVM the NPT root *is* the p2m root
 * (ept/npt.c). EPT will need a view of its own.
 *
 * Locking: p2m.lock serializes changes; lookups from the vCPU that owns the
 * domain's memory at boot run without it (the table only grows).
 */
struct p2m {
    struct pt_ctx pt;
    spinlock_t lock;
    uint64_t nr_pages;          /* RAM frames mapped */
    uint64_t *table_pages;      /* mfns of page-table frames, for freeing */
    unsigned int nr_tables, max_tables;
    struct p2m_chunk {          /* RAM blocks, for freeing */
        uint64_t gfn, mfn;
        unsigned int order;
    } *chunks;
    unsigned int nr_chunks, max_chunks;
};

int __must_check p2m_init(struct p2m *p2m, uint16_t owner);
/* Back [gpa, gpa+bytes) with freshly allocated, zeroed RAM. */
int __must_check p2m_populate(struct p2m *p2m, uint64_t gpa, uint64_t bytes, uint16_t owner);
/* Machine address of a guest-physical address, or -ENOENT outside RAM. */
int p2m_translate(const struct p2m *p2m, uint64_t gpa, paddr_t *pa);
/* Scrub and free every RAM frame and table. */
void p2m_teardown(struct p2m *p2m);

#endif /* HV_P2M_H */
