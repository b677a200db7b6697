// SPDX-License-Identifier: MIT
/* Per-domain physical-to-machine map (see include/hv/p2m.h). */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/p2m.h>
#include <hv/panic.h>

#define P2M_FLAGS (PTE_U | PTE_W) /* nested-paging walks are user accesses */
#define ORDER_2M 9

/* Grow a bookkeeping array by doubling. */
static int grow(void **arr, unsigned int *max, unsigned int used, size_t elem)
{
    unsigned int n = *max ? *max * 2 : 64;
    void *na;

    if (used < *max)
        return 0;
    na = xmalloc(n * elem);
    if (!na)
        return -ENOMEM;
    if (*arr) {
        memcpy(na, *arr, used * elem);
        xfree(*arr);
    }
    *arr = na;
    *max = n;
    return 0;
}

static paddr_t p2m_alloc_table(void *opaque)
{
    struct p2m *p2m = opaque;
    void *page;

    if (grow((void **)&p2m->table_pages, &p2m->max_tables, p2m->nr_tables,
             sizeof(*p2m->table_pages)))
        return 0;
    page = alloc_page_zeroed();
    if (!page)
        return 0;
    p2m->table_pages[p2m->nr_tables++] = __pa(page) >> PAGE_SHIFT;
    return __pa(page);
}

static void *p2m_p2v(void *opaque, paddr_t pa)
{
    (void)opaque;
    return __va(pa);
}

int p2m_init(struct p2m *p2m, uint16_t owner)
{
    (void)owner;
    memset(p2m, 0, sizeof(*p2m));
    spin_lock_init(&p2m->lock);
    p2m->pt.alloc_table = p2m_alloc_table;
    p2m->pt.phys_to_virt = p2m_p2v;
    p2m->pt.opaque = p2m;
    p2m->pt.allow_1g = false; /* 2 MiB is the largest block we allocate */
    p2m->pt.root = p2m_alloc_table(p2m);
    return p2m->pt.root ? 0 : -ENOMEM;
}

/* One block of guest RAM: 2 MiB when alignment and size allow. */
static int p2m_add_block(struct p2m *p2m, uint64_t gpa, unsigned int order, uint16_t owner)
{
    mfn_t mfn = buddy_alloc(&frame_allocator, order, owner);
    uint64_t bytes = PAGE_SIZE << order;
    struct p2m_chunk *c;

    if (mfn_eq(mfn, INVALID_MFN))
        return -ENOMEM;
    if (grow((void **)&p2m->chunks, &p2m->max_chunks, p2m->nr_chunks, sizeof(*c)) ||
        pt_map(&p2m->pt, gpa, mfn_to_paddr(mfn), bytes, P2M_FLAGS)) {
        BUG_ON(buddy_free(&frame_allocator, mfn, order));
        return -ENOMEM;
    }
    /* Frames may hold another domain's old data until scrubbed here. */
    memset(__va(mfn_to_paddr(mfn)), 0, bytes);
    c = &p2m->chunks[p2m->nr_chunks++];
    *c = (struct p2m_chunk){ gpa >> PAGE_SHIFT, mfn_x(mfn), order };
    p2m->nr_pages += 1ULL << order;
    return 0;
}

int p2m_populate(struct p2m *p2m, uint64_t gpa, uint64_t bytes, uint16_t owner)
{
    uint64_t end = gpa + bytes;
    int rc = 0;

    if ((gpa | bytes) & (PAGE_SIZE - 1))
        return -EINVAL;
    spin_lock(&p2m->lock);
    while (gpa < end && !rc) {
        unsigned int order = 0;

        if (!(gpa & (MiB(2) - 1)) && end - gpa >= MiB(2))
            order = ORDER_2M;
        rc = p2m_add_block(p2m, gpa, order, owner);
        if (rc == -ENOMEM && order)  /* fragmented: fall back to 4 KiB */
            rc = p2m_add_block(p2m, gpa, order = 0, owner);
        gpa += PAGE_SIZE << order;
    }
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_translate(const struct p2m *p2m, uint64_t gpa, paddr_t *pa)
{
    uint64_t flags;
    int level;

    if (gpa >> 52)
        return -ENOENT;
    return pt_lookup(&p2m->pt, gpa, pa, &flags, &level) ? -ENOENT : 0;
}

void p2m_teardown(struct p2m *p2m)
{
    for (unsigned int i = 0; i < p2m->nr_chunks; i++) {
        const struct p2m_chunk *c = &p2m->chunks[i];

        memset(__va(c->mfn << PAGE_SHIFT), 0, PAGE_SIZE << c->order);
        BUG_ON(buddy_free(&frame_allocator, _mfn(c->mfn), c->order));
    }
    for (unsigned int i = 0; i < p2m->nr_tables; i++)
        free_page(__va(p2m->table_pages[i] << PAGE_SHIFT));
    if (p2m->chunks)
        xfree(p2m->chunks);
    if (p2m->table_pages)
        xfree(p2m->table_pages);
    memset(p2m, 0, sizeof(*p2m));
}
