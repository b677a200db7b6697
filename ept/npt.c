// SPDX-License-Identifier: MIT
/* AMD nested page tables built from a domain's p2m (include/hv/npt.h). */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/npt.h>

#define NPT_FLAGS (PTE_U | PTE_W) /* P added by the builder; no NX: RAM runs code */
#define TRACK_PER_PAGE (PAGE_SIZE / sizeof(paddr_t) - 1)

/*
 * Every table page is remembered for teardown in tracking pages taken from
 * the same source: a chain of pages, slot 0 of each naming the previous
 * one. No heap is needed, which keeps the unit tests self-contained.
 */
static int npt_track(struct npt *n, paddr_t pa)
{
    if (!n->tables || n->nr_tables == TRACK_PER_PAGE) {
        paddr_t page = n->pages.alloc(n->pages.opaque);
        paddr_t *t;

        if (!page)
            return -ENOMEM;
        t = n->pages.phys_to_virt(n->pages.opaque, page);
        t[0] = n->tables ? n->track_page : 0;
        n->tables = t;
        n->track_page = page;
        n->nr_tables = 0;
    }
    n->tables[1 + n->nr_tables++] = pa;
    n->nr_pages++;
    return 0;
}

static paddr_t npt_alloc_table(void *opaque)
{
    struct npt *n = opaque;
    paddr_t pa = n->pages.alloc(n->pages.opaque);

    if (pa && npt_track(n, pa)) {
        n->pages.free(n->pages.opaque, pa);
        return 0;
    }
    return pa;
}

static void *npt_p2v(void *opaque, paddr_t pa)
{
    struct npt *n = opaque;

    return n->pages.phys_to_virt(n->pages.opaque, pa);
}

int npt_init(struct npt *n, const struct npt_page_ops *pages)
{
    memset(n, 0, sizeof(*n));
    n->pages = *pages;
    n->pt.alloc_table = npt_alloc_table;
    n->pt.phys_to_virt = npt_p2v;
    n->pt.opaque = n;
    n->pt.allow_1g = false; /* the p2m never hands in 1 GiB blocks */
    n->pt.root = npt_alloc_table(n);
    return n->pt.root ? 0 : -ENOMEM;
}

int npt_map(struct npt *n, uint64_t gpa, paddr_t pa, uint64_t size)
{
    return pt_map(&n->pt, gpa, pa, size, NPT_FLAGS);
}

int npt_unmap(struct npt *n, uint64_t gpa, uint64_t size)
{
    return pt_unmap(&n->pt, gpa, size);
}

int npt_lookup(const struct npt *n, uint64_t gpa, paddr_t *pa)
{
    uint64_t flags;
    int level;

    if (gpa >> 52)
        return -ENOENT;
    return pt_lookup(&n->pt, gpa, pa, &flags, &level) ? -ENOENT : 0;
}

paddr_t npt_root(const struct npt *n)
{
    return n->pt.root;
}

void npt_destroy(struct npt *n)
{
    while (n->tables) {
        paddr_t prev = n->tables[0];

        for (unsigned int i = 0; i < n->nr_tables; i++)
            n->pages.free(n->pages.opaque, n->tables[1 + i]);
        n->pages.free(n->pages.opaque, n->track_page);
        n->track_page = prev;
        n->tables = prev ? n->pages.phys_to_virt(n->pages.opaque, prev) : NULL;
        n->nr_tables = TRACK_PER_PAGE; /* earlier pages are full */
    }
    memset(n, 0, sizeof(*n));
}

/* Table pages in use (not counting the tracking pages). */
uint64_t npt_table_pages(const struct npt *n)
{
    return n->nr_pages;
}
