// SPDX-License-Identifier: MIT
/* EPT as the p2m's hardware view: the NPT view's page handling with the
 * EPT memory type added to every leaf. */
#include <hv/ept.h>
#include <hv/p2m.h>

static int view_init(void *view)
{
    struct ept *e = view;
    int rc = npt_view_ops.init(&e->tables);

    if (!rc)
        e->tables.pt.leaf_attrs = ept_leaf_attrs(EPT_MT_WB);
    return rc;
}

static int view_map(void *view, uint64_t gpa, paddr_t pa, uint64_t size)
{
    return ept_map(view, gpa, pa, size);
}

static int view_unmap(void *view, uint64_t gpa, uint64_t size)
{
    return ept_unmap(view, gpa, size);
}

static int view_lookup(const void *view, uint64_t gpa, paddr_t *pa)
{
    return ept_lookup(view, gpa, pa);
}

static paddr_t view_root(const void *view)
{
    return ept_root(view);
}

static void view_destroy(void *view)
{
    ept_destroy(view);
}

const struct p2m_view_ops ept_view_ops = {
    .name = "EPT",
    .size = sizeof(struct ept),
    .init = view_init,
    .map = view_map,
    .unmap = view_unmap,
    .lookup = view_lookup,
    .root = view_root,
    .destroy = view_destroy,
};
