// SPDX-License-Identifier: MIT
/* NPT as the p2m's hardware view, with table pages from the buddy
 * allocator reached through the direct map. */
#include <hv/ioremap.h>
#include <hv/mm.h>
#include <hv/npt.h>
#include <hv/p2m.h>

static paddr_t npt_page_alloc(void *opaque)
{
    void *va = alloc_page_zeroed();

    (void)opaque;
    return va ? __pa(va) : 0;
}

static void npt_page_free(void *opaque, paddr_t pa)
{
    (void)opaque;
    free_page(__va(pa));
}

static void *npt_page_va(void *opaque, paddr_t pa)
{
    (void)opaque;
    return __va(pa);
}

/* Also the EPT view's (ept_view.c): both formats share the table builder. */
const struct npt_page_ops npt_buddy_pages = {
    .alloc = npt_page_alloc,
    .free = npt_page_free,
    .phys_to_virt = npt_page_va,
};

static int view_init(void *view)
{
    return npt_init(view, &npt_buddy_pages);
}

static int view_map(void *view, uint64_t gpa, paddr_t pa, uint64_t size)
{
    return npt_map(view, gpa, pa, size);
}

static int view_unmap(void *view, uint64_t gpa, uint64_t size)
{
    return npt_unmap(view, gpa, size);
}

static int view_lookup(const void *view, uint64_t gpa, paddr_t *pa)
{
    return npt_lookup(view, gpa, pa);
}

static paddr_t view_root(const void *view)
{
    return npt_root(view);
}

static void view_destroy(void *view)
{
    npt_destroy(view);
}

const struct p2m_view_ops npt_view_ops = {
    .name = "NPT",
    .size = sizeof(struct npt),
    .init = view_init,
    .map = view_map,
    .unmap = view_unmap,
    .lookup = view_lookup,
    .root = view_root,
    .destroy = view_destroy,
};
