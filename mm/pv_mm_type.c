// SPDX-License-Identifier: MIT
/* PV frame references: general and type reference counts over the frame
 * table, and the type changes that validate or release page tables. */
#include <hv/errno.h>
#include <hv/panic.h>

#include "pv_mm_internal.h"

/*
 * Design: the rules are in include/hv/pv_mm.h. A type reference is taken
 * in two steps when type_count is 0: the frame's type is set and
 * type_count becomes 1 before validation starts, so that any path that
 * reaches the frame again during its own validation sees a type in use
 * (and is refused if it wants another type). PGF_VALIDATED is set only
 * when every entry holds its references; a frame in use but not validated
 * can only be the one whose validation is running, and taking a second
 * reference on it is refused.
 *
 * The type a frame had stays recorded after type_count drops to 0. A later
 * change to another type is when TLBs must be flushed (pv_mm.h).
 *
 * Locking: callers hold d->lock (include/hv/pv_mm.h).
 */

struct page_info *pv_page(mfn_t mfn)
{
    if (mfn_x(mfn) >= frame_allocator.nr_frames)
        return NULL;
    return &frame_table[mfn_x(mfn)];
}

uint64_t *pv_map(mfn_t mfn)
{
    return pv_mm_ops->map_frame(mfn);
}

bool pv_mm_log_ok(struct pv_mm_domain *d)
{
    if (!d->log_budget)
        return false;
    d->log_budget--;
    return true;
}

/* "Canonical Addressing": bits 63:47 equal; and not the hypervisor's. */
bool pv_guest_va_ok(vaddr_t va)
{
    uint64_t top = va >> 47;

    if (top != 0 && top != 0x1ffff)
        return false;
    return va < HYPERVISOR_VIRT_START || va >= HYPERVISOR_VIRT_END;
}

int pv_page_get(struct pv_mm_domain *d, mfn_t mfn)
{
    struct page_info *pg = pv_page(mfn);

    ASSERT(spin_is_locked(&d->lock));
    if (!pg || (pg->flags & (PGF_FREE | PGF_RESERVED)) || pg->owner != d->domid)
        return -EINVAL;
    if (pg->count == UINT32_MAX)
        return -EINVAL;
    pg->count++;
    return 0;
}

void pv_page_put(struct pv_mm_domain *d, mfn_t mfn)
{
    struct page_info *pg = pv_page(mfn);

    ASSERT(spin_is_locked(&d->lock));
    BUG_ON(!pg || pg->count == 0);
    pg->count--;
}

/* First reference of a type: flush if the frame had another type, then
 * validate a page table. */
static int pv_page_take_type(struct pv_mm_domain *d, struct page_info *pg, mfn_t mfn,
                             enum page_type type)
{
    int rc;

    if (pg->type != type && pg->type != PGT_NONE)
        pv_mm_ops->flush(d, PV_MM_ALL_VCPUS, PV_MM_FLUSH_ALL);
    pg->type = (uint8_t)type;
    pg->type_count = 1;
    if (!pv_is_pt_type(type))
        return 0;
    rc = pv_pt_validate(d, mfn, pv_type_level(type));
    if (rc) {
        pg->type_count = 0;
        return rc;
    }
    pg->flags |= PGF_VALIDATED;
    return 0;
}

int pv_page_get_type(struct pv_mm_domain *d, mfn_t mfn, enum page_type type)
{
    struct page_info *pg = pv_page(mfn);

    ASSERT(spin_is_locked(&d->lock));
    BUG_ON(!pg || pg->count == 0 || type == PGT_NONE);
    if (pg->type_count == 0)
        return pv_page_take_type(d, pg, mfn, type);
    if (pg->type != type || pg->type_count == UINT32_MAX)
        return -EINVAL;
    if (pv_is_pt_type(type) && !(pg->flags & PGF_VALIDATED))
        return -EINVAL; /* reached again while its validation runs */
    pg->type_count++;
    return 0;
}

void pv_page_put_type(struct pv_mm_domain *d, mfn_t mfn)
{
    struct page_info *pg = pv_page(mfn);

    ASSERT(spin_is_locked(&d->lock));
    BUG_ON(!pg || pg->type_count == 0);
    if (--pg->type_count || !pv_is_pt_type(pg->type))
        return;
    /* Last use of a page table: its entries let go of what they hold. */
    pg->flags &= (uint8_t)~PGF_VALIDATED;
    pv_pt_devalidate(d, mfn, pv_type_level(pg->type));
}
