// SPDX-License-Identifier: MIT
/* Per-domain physical-to-machine map (see include/hv/p2m.h). */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/p2m.h>
#include <hv/panic.h>

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

int p2m_init(struct p2m *p2m, const struct p2m_view_ops *view)
{
    memset(p2m, 0, sizeof(*p2m));
    spin_lock_init(&p2m->lock);
    p2m->view_ops = view;
    p2m->view = xzalloc(view->size);
    if (!p2m->view)
        return -ENOMEM;
    if (view->init(p2m->view)) {
        xfree(p2m->view);
        p2m->view = NULL;
        return -ENOMEM;
    }
    return 0;
}

paddr_t p2m_root(const struct p2m *p2m)
{
    return p2m->view_ops->root(p2m->view);
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
        p2m->view_ops->map(p2m->view, gpa, mfn_to_paddr(mfn), bytes)) {
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

int p2m_map_page(struct p2m *p2m, uint64_t gpa, paddr_t pa)
{
    int rc;

    if ((gpa | pa) & (PAGE_SIZE - 1))
        return -EINVAL;
    spin_lock(&p2m->lock);
    rc = p2m->view_ops->map(p2m->view, gpa, pa, PAGE_SIZE);
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_remove_page(struct p2m *p2m, uint64_t gpa)
{
    paddr_t pa;
    int rc;

    spin_lock(&p2m->lock);
    rc = p2m->view_ops->lookup(p2m->view, gpa, &pa);
    if (!rc)
        rc = p2m->view_ops->unmap(p2m->view, gpa & PAGE_MASK, PAGE_SIZE);
    if (!rc) {
        memset(__va(pa & PAGE_MASK), 0, PAGE_SIZE); /* nothing leaks to the next user */
        p2m->nr_pages--;
    }
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_populate_page(struct p2m *p2m, uint64_t gpa, uint16_t owner, uint64_t max_pages)
{
    paddr_t pa;
    int rc;

    spin_lock(&p2m->lock);
    if (!p2m->view_ops->lookup(p2m->view, gpa, &pa))
        rc = 0; /* already backed */
    else if (p2m->nr_pages >= max_pages)
        rc = -ENOSPC;
    else
        rc = p2m_add_block(p2m, gpa & PAGE_MASK, 0, owner);
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_translate(const struct p2m *p2m, uint64_t gpa, paddr_t *pa)
{
    if (!p2m->view)
        return -ENOENT;
    return p2m->view_ops->lookup(p2m->view, gpa, pa);
}

void p2m_teardown(struct p2m *p2m)
{
    for (unsigned int i = 0; i < p2m->nr_chunks; i++) {
        const struct p2m_chunk *c = &p2m->chunks[i];

        memset(__va(c->mfn << PAGE_SHIFT), 0, PAGE_SIZE << c->order);
        BUG_ON(buddy_free(&frame_allocator, _mfn(c->mfn), c->order));
    }
    if (p2m->view) {
        p2m->view_ops->destroy(p2m->view);
        xfree(p2m->view);
    }
    if (p2m->chunks)
        xfree(p2m->chunks);
    memset(p2m, 0, sizeof(*p2m));
}
