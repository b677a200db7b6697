// SPDX-License-Identifier: MIT
/* PV MMU operations on one domain: pin, base pointers, entry updates,
 * machine-to-phys updates, page clear/copy, teardown. */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/m2p.h>
#include <hv/panic.h>

#include "pv_mm_internal.h"

/*
 * Design: each operation takes the domain's lock, takes every reference it
 * needs before changing anything the guest can see, and drops references
 * last, so a failure leaves all counts as they were.
 *
 * Locking: d->lock (include/hv/pv_mm.h), taken here and nowhere below.
 */

const struct pv_mm_ops *pv_mm_ops;

void pv_mm_domain_init(struct pv_mm_domain *d, uint16_t domid, unsigned int nr_vcpus)
{
    d->domid = domid;
    d->nr_vcpus = nr_vcpus;
    d->log_budget = PV_MM_LOG_BUDGET;
    spin_lock_init(&d->lock);
}

void pv_mm_vcpu_init(struct pv_mm_vcpu *mv, struct pv_mm_domain *d, unsigned int id)
{
    mv->d = d;
    mv->id = id;
    mv->kernel_l4 = INVALID_MFN;
    mv->user_l4 = INVALID_MFN;
    mv->ldt_base = 0;
    mv->ldt_ents = 0;
}

/* A general and a type reference together, or neither. */
static int page_get_both(struct pv_mm_domain *d, mfn_t mfn, enum page_type type)
{
    int rc = pv_page_get(d, mfn);

    if (rc)
        return rc;
    rc = pv_page_get_type(d, mfn, type);
    if (rc)
        pv_page_put(d, mfn);
    return rc;
}

static void page_put_both(struct pv_mm_domain *d, mfn_t mfn)
{
    pv_page_put_type(d, mfn);
    pv_page_put(d, mfn);
}

static int pin_locked(struct pv_mm_domain *d, mfn_t mfn, enum page_type type)
{
    int rc;

    if (!pv_is_pt_type(type))
        return -EINVAL;
    rc = page_get_both(d, mfn, type);
    if (rc) {
        pv_mm_warn(d, "pin of mfn 0x%lx as L%u refused (%d)", mfn_x(mfn),
                   pv_type_level(type), rc);
        return rc;
    }
    if (pv_page(mfn)->flags & PGF_PINNED) {
        page_put_both(d, mfn);
        return -EINVAL;
    }
    pv_page(mfn)->flags |= PGF_PINNED;
    return 0;
}

int pv_mm_pin(struct pv_mm_domain *d, mfn_t mfn, enum page_type type)
{
    int rc;

    spin_lock(&d->lock);
    rc = pin_locked(d, mfn, type);
    spin_unlock(&d->lock);
    return rc;
}

static int unpin_locked(struct pv_mm_domain *d, mfn_t mfn)
{
    struct page_info *pg = pv_page(mfn);

    if (!pg || pg->owner != d->domid || !(pg->flags & PGF_PINNED))
        return -EINVAL;
    pg->flags &= (uint8_t)~PGF_PINNED;
    page_put_both(d, mfn);
    return 0;
}

int pv_mm_unpin(struct pv_mm_domain *d, mfn_t mfn)
{
    int rc;

    spin_lock(&d->lock);
    rc = unpin_locked(d, mfn);
    spin_unlock(&d->lock);
    return rc;
}

/* Base pointers only take a table someone already validated: Xen's "pin
 * tables before loading them", which keeps validation out of CR3 loads. */
static bool is_live_l4(struct pv_mm_domain *d, mfn_t mfn)
{
    const struct page_info *pg = pv_page(mfn);

    return pg && pg->owner == d->domid && pg->type == PGT_L4 && pg->type_count &&
           (pg->flags & PGF_VALIDATED);
}

static int set_base_locked(struct pv_mm_vcpu *mv, mfn_t mfn, bool user)
{
    struct pv_mm_domain *d = mv->d;
    mfn_t *slot = user ? &mv->user_l4 : &mv->kernel_l4;
    mfn_t old = *slot;
    bool none = user && mfn_x(mfn) == 0;

    if (!none && (!is_live_l4(d, mfn) || page_get_both(d, mfn, PGT_L4))) {
        pv_mm_warn(d, "mfn 0x%lx is no pinned L4", mfn_x(mfn));
        return -EINVAL;
    }
    *slot = none ? INVALID_MFN : mfn;
    pv_mm_ops->base_changed(mv);
    if (!mfn_eq(old, INVALID_MFN))
        page_put_both(d, old);
    return 0;
}

int pv_mm_set_base(struct pv_mm_vcpu *mv, mfn_t mfn, bool user)
{
    int rc;

    spin_lock(&mv->d->lock);
    rc = set_base_locked(mv, mfn, user);
    spin_unlock(&mv->d->lock);
    return rc;
}

static int update_pte_locked(struct pv_mm_domain *d, mfn_t mfn, unsigned int slot,
                             uint64_t val, bool preserve_ad)
{
    struct page_info *pg = pv_page(mfn);
    int rc;

    if (pv_is_pt_type(pg->type) && pg->type_count)
        return pv_pt_update(d, mfn, slot, val, preserve_ad);
    /* Not a table in use: plain memory, if it may be written. */
    rc = pv_page_get_type(d, mfn, PGT_WRITABLE);
    if (rc)
        return rc;
    __atomic_store_n(&pv_map(mfn)[slot], val, __ATOMIC_RELAXED);
    pv_page_put_type(d, mfn);
    return 0;
}

int pv_mm_update_pte(struct pv_mm_domain *d, paddr_t ma, uint64_t val, bool preserve_ad)
{
    mfn_t mfn = paddr_to_mfn(ma);
    int rc;

    if (ma & 7)
        return -EINVAL;
    spin_lock(&d->lock);
    rc = pv_page_get(d, mfn);
    if (!rc) {
        rc = update_pte_locked(d, mfn, (ma & ~PAGE_MASK) / 8, val, preserve_ad);
        pv_page_put(d, mfn);
    }
    spin_unlock(&d->lock);
    return rc;
}

/* The L1 table and slot that map va in the table tree under l4. Every
 * table reached is validated (l4 holds its references), so their entries
 * name frames of the frame table. */
static int walk_to_l1(mfn_t l4, vaddr_t va, mfn_t *l1, unsigned int *slot)
{
    mfn_t table = l4;

    for (unsigned int level = 4; level > 1; level--) {
        unsigned int i = (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
        uint64_t e = __atomic_load_n(&pv_map(table)[i], __ATOMIC_RELAXED);

        if (!(e & PTE_P))
            return -EINVAL;
        table = pte_mfn(e);
    }
    *l1 = table;
    *slot = (va >> PAGE_SHIFT) & (PT_ENTRIES - 1);
    return 0;
}

int pv_mm_update_va(struct pv_mm_vcpu *mv, vaddr_t va, uint64_t val)
{
    struct pv_mm_domain *d = mv->d;
    unsigned int slot;
    mfn_t l1;
    int rc = -EINVAL;

    if (!pv_guest_va_ok(va))
        return -EINVAL;
    spin_lock(&d->lock);
    if (!mfn_eq(mv->kernel_l4, INVALID_MFN) &&
        !walk_to_l1(mv->kernel_l4, va, &l1, &slot) && pv_page(l1)->type == PGT_L1)
        rc = pv_pt_update(d, l1, slot, val, false);
    spin_unlock(&d->lock);
    return rc;
}

int pv_mm_ptwr_lookup(struct pv_mm_vcpu *mv, vaddr_t va, paddr_t *ma)
{
    struct pv_mm_domain *d = mv->d;
    unsigned int slot;
    mfn_t l1, target;
    uint64_t e;
    int rc = -EINVAL;

    if (!pv_guest_va_ok(va) || (va & 7))
        return -EINVAL;
    spin_lock(&d->lock);
    if (!mfn_eq(mv->kernel_l4, INVALID_MFN) && !walk_to_l1(mv->kernel_l4, va, &l1, &slot) &&
        pv_page(l1)->type == PGT_L1) {
        e = __atomic_load_n(&pv_map(l1)[slot], __ATOMIC_RELAXED);
        target = pte_mfn(e);
        if ((e & PTE_P) && pv_page(target) && pv_page(target)->type == PGT_L1 &&
            pv_page(target)->type_count) {
            *ma = mfn_to_paddr(target) | (va & ~PAGE_MASK);
            rc = 0;
        }
    }
    spin_unlock(&d->lock);
    return rc;
}

int pv_mm_machphys_update(struct pv_mm_domain *d, mfn_t mfn, uint64_t pfn)
{
    int rc;

    spin_lock(&d->lock);
    rc = pv_page_get(d, mfn);
    if (!rc) {
        m2p_set(mfn, pfn);
        pv_page_put(d, mfn);
    }
    spin_unlock(&d->lock);
    return rc;
}

/* The frame as writable memory, for the hypervisor to write into. */
static void *page_get_writable(struct pv_mm_domain *d, mfn_t mfn)
{
    return page_get_both(d, mfn, PGT_WRITABLE) ? NULL : pv_map(mfn);
}

int pv_mm_clear_page(struct pv_mm_domain *d, mfn_t mfn)
{
    void *p;

    spin_lock(&d->lock);
    p = page_get_writable(d, mfn);
    if (p) {
        memset(p, 0, PAGE_SIZE);
        page_put_both(d, mfn);
    }
    spin_unlock(&d->lock);
    return p ? 0 : -EINVAL;
}

/* The source may be any frame of the domain, page tables included: the
 * guest can read those anyway. */
int pv_mm_copy_page(struct pv_mm_domain *d, mfn_t dst, mfn_t src)
{
    int rc;
    void *p;

    spin_lock(&d->lock);
    rc = pv_page_get(d, src);
    if (!rc) {
        p = page_get_writable(d, dst);
        if (p) {
            memcpy(p, pv_map(src), PAGE_SIZE);
            page_put_both(d, dst);
        }
        pv_page_put(d, src);
        rc = p ? 0 : -EINVAL;
    }
    spin_unlock(&d->lock);
    return rc;
}

/* Xen's limits: at most 8192 descriptors (64 KiB), at a page-aligned
 * guest address, every byte of it in the guest's half; no descriptors
 * means no LDT. The runtime takes the descriptor pages (ops->ldt_changed)
 * before anything is recorded, so a refusal leaves the old LDT. */
int pv_mm_set_ldt(struct pv_mm_vcpu *mv, uint64_t base, unsigned int ents)
{
    uint64_t last = base + (uint64_t)ents * 8 - 1;
    int rc;

    if (!ents)
        base = 0;
    if (ents > 8192 || (ents && ((base & ~PAGE_MASK) || last < base ||
                                 !pv_guest_va_ok(base) || !pv_guest_va_ok(last))))
        return -EINVAL;
    if (mv->ldt_base == base && mv->ldt_ents == ents)
        return 0;
    if (pv_mm_ops->ldt_changed && (rc = pv_mm_ops->ldt_changed(mv, base, ents)))
        return rc;
    mv->ldt_base = base;
    mv->ldt_ents = ents;
    return 0;
}

int pv_mm_kernel_frame(struct pv_mm_vcpu *mv, vaddr_t va, mfn_t *mfn)
{
    unsigned int slot;
    mfn_t l1;
    uint64_t e;

    ASSERT(spin_is_locked(&mv->d->lock));
    if (!pv_guest_va_ok(va) || mfn_eq(mv->kernel_l4, INVALID_MFN) ||
        walk_to_l1(mv->kernel_l4, va, &l1, &slot) || pv_page(l1)->type != PGT_L1)
        return -EINVAL;
    e = __atomic_load_n(&pv_map(l1)[slot], __ATOMIC_RELAXED);
    if (!(e & PTE_P))
        return -EINVAL;
    *mfn = pte_mfn(e);
    return 0;
}
