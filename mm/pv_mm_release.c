// SPDX-License-Identifier: MIT
/* PV MMU teardown: a vCPU's base pointers, a domain's pins, and the
 * hypervisor pages shared with it (given here, taken back at teardown). */
#include <hv/errno.h>
#include <hv/m2p.h>

#include "pv_mm_internal.h"

/*
 * Design: every reference a PV domain's page tables hold hangs off a pin
 * or a base pointer (validated tables reach everything else), so dropping
 * those releases the whole tree, recursively, and leaves the domain's
 * frames unreferenced and free to return to the allocator.
 *
 * Locking: d->lock, as in pv_mm.c.
 */

static void base_drop(struct pv_mm_domain *d, mfn_t *slot)
{
    if (mfn_eq(*slot, INVALID_MFN))
        return;
    pv_page_put_type(d, *slot);
    pv_page_put(d, *slot);
    *slot = INVALID_MFN;
}

void pv_mm_vcpu_release(struct pv_mm_vcpu *mv)
{
    spin_lock(&mv->d->lock);
    base_drop(mv->d, &mv->kernel_l4);
    base_drop(mv->d, &mv->user_l4);
    spin_unlock(&mv->d->lock);
}

int pv_mm_share(struct pv_mm_domain *d, mfn_t mfn)
{
    struct page_info *pg = pv_page(mfn);
    int rc = -EINVAL;

    spin_lock(&d->lock);
    if (pg && !(pg->flags & (PGF_FREE | PGF_RESERVED)) && pg->owner == DOMID_XEN) {
        pg->owner = d->domid;
        pg->flags |= PGF_SHARED;
        pg->count = 1;
        pg->type = PGT_WRITABLE;
        pg->type_count = 1;
        rc = 0;
    }
    spin_unlock(&d->lock);
    return rc;
}

/* Back to the hypervisor once only the sharing references remain; the
 * M2P entry the guest may have set goes with it. */
static bool unshare(struct page_info *pg, mfn_t mfn)
{
    if (pg->count != 1 || pg->type_count != 1)
        return false;
    pg->owner = DOMID_XEN;
    pg->flags &= (uint8_t)~PGF_SHARED;
    pg->count = 0;
    pg->type_count = 0;
    pg->type = PGT_NONE;
    m2p_set(mfn, M2P_INVALID);
    return true;
}

/* A pass over the whole frame table: teardown is rare, and the domain
 * keeps no list of its frames here. */
uint64_t pv_mm_domain_release(struct pv_mm_domain *d)
{
    uint64_t busy = 0;

    spin_lock(&d->lock);
    for (uint64_t m = 0; m < frame_allocator.nr_frames; m++) {
        struct page_info *pg = &frame_table[m];

        if (pg->owner != d->domid || !(pg->flags & PGF_PINNED))
            continue;
        pg->flags &= (uint8_t)~PGF_PINNED;
        pv_page_put_type(d, _mfn(m));
        pv_page_put(d, _mfn(m));
    }
    for (uint64_t m = 0; m < frame_allocator.nr_frames; m++) {
        struct page_info *pg = &frame_table[m];

        if (pg->owner != d->domid)
            continue;
        if (pg->flags & PGF_SHARED)
            busy += !unshare(pg, _mfn(m));
        else
            busy += pg->count || pg->type_count;
    }
    spin_unlock(&d->lock);
    return busy;
}
