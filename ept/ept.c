// SPDX-License-Identifier: MIT
/* Intel EPT tables built from a domain's p2m (include/hv/ept.h). */
#include <hv/ept.h>
#include <hv/errno.h>

/* The x86 flags whose bit positions are EPT's write and execute; the
 * builder adds P, which is EPT's read. */
#define EPT_BUILD_FLAGS (PTE_W | PTE_U)

bool ept_memtype_valid(unsigned int mt)
{
    return mt == EPT_MT_UC || mt == EPT_MT_WC || mt == EPT_MT_WT || mt == EPT_MT_WP ||
           mt == EPT_MT_WB;
}

uint64_t ept_leaf_attrs(enum ept_memtype mt)
{
    return (uint64_t)mt << EPT_MT_SHIFT;
}

/* Guest RAM is write-back with the guest's PAT applied on top (IPAT
 * clear), as NPT combines host and guest memory types. */
int ept_init(struct ept *e, const struct npt_page_ops *pages, enum ept_memtype mt)
{
    int rc;

    if (!ept_memtype_valid(mt))
        return -EINVAL;
    rc = npt_init(&e->tables, pages);
    if (rc)
        return rc;
    e->tables.pt.leaf_attrs = ept_leaf_attrs(mt);
    return 0;
}

int ept_map(struct ept *e, uint64_t gpa, paddr_t pa, uint64_t size)
{
    return pt_map(&e->tables.pt, gpa, pa, size, EPT_BUILD_FLAGS);
}

int ept_unmap(struct ept *e, uint64_t gpa, uint64_t size)
{
    return npt_unmap(&e->tables, gpa, size);
}

int ept_lookup(const struct ept *e, uint64_t gpa, paddr_t *pa)
{
    return npt_lookup(&e->tables, gpa, pa);
}

paddr_t ept_root(const struct ept *e)
{
    return npt_root(&e->tables);
}

void ept_destroy(struct ept *e)
{
    npt_destroy(&e->tables);
}

uint64_t ept_eptp(paddr_t root, enum ept_memtype mt)
{
    return (root & PTE_ADDR_MASK) | EPTP_WALK_4 | (uint64_t)mt;
}
