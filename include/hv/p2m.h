/* SPDX-License-Identifier: MIT */
/* The physical-to-machine map of a domain: gfn -> mfn for guest RAM. */
#ifndef HV_P2M_H
#define HV_P2M_H

#include <hv/spinlock.h>
#include <hv/types.h>

/*
 * The hardware view of the p2m that the vendor backend walks: nested page
 * tables on SVM (ept/npt.c), EPT on VMX. The p2m calls it for every change.
 */
struct p2m_view_ops {
    const char *name;
    size_t size;                /* bytes of view state the p2m allocates */
    int (*init)(void *view);
    int (*map)(void *view, uint64_t gpa, paddr_t pa, uint64_t size);
    int (*unmap)(void *view, uint64_t gpa, uint64_t size);
    int (*lookup)(const void *view, uint64_t gpa, paddr_t *pa);
    paddr_t (*root)(const void *view);
    void (*destroy)(void *view);
};

extern const struct p2m_view_ops npt_view_ops;
extern const struct p2m_view_ops ept_view_ops;

/*
 * Design: the p2m holds guest RAM only, as blocks of machine frames; device
 * ranges are claimed on the I/O bus and stay absent, so guest accesses to
 * them fault (NPF) and are emulated. Translations are answered by the view,
 * which is the only copy of the mapping for now.
 *
 * Locking: p2m.lock serializes changes; lookups run without it (RAM is only
 * added while the domain is built, and removed after its vCPUs stopped).
 */
struct p2m {
    const struct p2m_view_ops *view_ops;
    void *view;
    spinlock_t lock;
    uint64_t nr_pages;          /* RAM frames mapped */
    struct p2m_chunk {          /* RAM blocks, for freeing */
        uint64_t gfn, mfn;
        unsigned int order;
    } *chunks;
    unsigned int nr_chunks, max_chunks;
};

int __must_check p2m_init(struct p2m *p2m, const struct p2m_view_ops *view);
/* Physical address of the view's root, for the vendor backend. */
paddr_t p2m_root(const struct p2m *p2m);
/* Back [gpa, gpa+bytes) with freshly allocated, zeroed RAM. */
int __must_check p2m_populate(struct p2m *p2m, uint64_t gpa, uint64_t bytes, uint16_t owner);
/* Map one hypervisor-owned frame at gpa (shared_info, console ring),
 * replacing whatever was there; the frame is not freed by the p2m. */
int __must_check p2m_map_page(struct p2m *p2m, uint64_t gpa, paddr_t pa);
/* Ballooning: take one RAM page out of the guest (scrubbed; the frame is
 * kept until teardown, as it may be part of a 2 MiB block), or back a
 * missing page with a fresh one (-ENOSPC beyond max_pages). */
int __must_check p2m_remove_page(struct p2m *p2m, uint64_t gpa);
int __must_check p2m_populate_page(struct p2m *p2m, uint64_t gpa, uint16_t owner,
                                   uint64_t max_pages);
/* Machine address of a guest-physical address, or -ENOENT outside RAM. */
int p2m_translate(const struct p2m *p2m, uint64_t gpa, paddr_t *pa);
/* Scrub and free every RAM frame and table. */
void p2m_teardown(struct p2m *p2m);

#endif /* HV_P2M_H */
