// SPDX-License-Identifier: MIT
/* PV page-table contents: the rules for one entry, validating and
 * releasing a whole table, and replacing one entry of a validated table. */
#include <hv/errno.h>
#include <hv/layout.h>

#include "pv_mm_internal.h"

/*
 * Design: an entry of a level-k table holds, while the table is validated,
 *   level 1, read-only:  a general reference on the frame it maps;
 *   level 1, writable:   a general and a PGT_WRITABLE reference;
 *   level k > 1:         a general and a PGT_L(k-1) reference.
 * Entries are rewritten as the hardware must see them (adjust_entry): the
 * guest kernel runs at CPL 3, so U is added everywhere; G is removed from
 * L1 entries so that loading CR3 always flushes a guest's translations and
 * no translation outlives a switch to another domain.
 *
 * Entries are stored with atomic 64-bit writes because a table in use may
 * be walked (and have A/D set) by another CPU at the same time.
 *
 * Locking: callers hold d->lock.
 */

static bool pv_hv_slot(unsigned int level, unsigned int slot)
{
    return level == 4 && slot >= HV_SLOT_FIRST && slot <= HV_SLOT_LAST;
}

/* Refuse flags a guest may not use; add what a CPL 3 kernel needs. */
static int adjust_entry(struct pv_mm_domain *d, unsigned int level, uint64_t *e)
{
    uint64_t allowed = level == 1 ? PV_L1E_ALLOWED : PV_PTE_ALLOWED;
    uint64_t bad = *e & ~PTE_ADDR_MASK & ~allowed;

    if (bad) {
        pv_mm_warn(d, "bad L%u entry flags 0x%lx", level, bad);
        return -EINVAL;
    }
    if (level == 1 && !(*e & PTE_U))
        *e |= PTE_GUEST_KERNEL;
    *e = (*e | PTE_U | (level == 4 ? PTE_A : 0)) & ~PTE_G;
    return 0;
}

/* Xen's answer for an L1 entry naming a frame the domain may not map:
 * -EPERM for what is no RAM of anyone's (MMIO, holes), -EBUSY for RAM
 * owned by someone else or already in use as something incompatible. */
static int l1_refusal(mfn_t mfn)
{
    const struct page_info *pg = pv_page(mfn);

    if (!pg || (pg->flags & PGF_RESERVED) || pg->owner == DOMID_IO)
        return -EPERM;
    return -EBUSY;
}

/* The references a present, adjusted entry holds. */
static int entry_get(struct pv_mm_domain *d, unsigned int level, uint64_t e)
{
    mfn_t mfn = pte_mfn(e);
    int rc = pv_page_get(d, mfn);

    if (rc)
        goto refused;
    if (level == 1 && !(e & PTE_W))
        return 0;
    rc = pv_page_get_type(d, mfn, level == 1 ? PGT_WRITABLE : pv_level_type(level - 1));
    if (!rc)
        return 0;
    pv_page_put(d, mfn);
refused:
    pv_mm_warn(d, "L%u entry 0x%lx refused (%d)", level, e, rc);
    return level == 1 ? l1_refusal(mfn) : rc;
}

static void entry_put(struct pv_mm_domain *d, unsigned int level, uint64_t e)
{
    mfn_t mfn = pte_mfn(e);

    if (level > 1 || (e & PTE_W))
        pv_page_put_type(d, mfn);
    pv_page_put(d, mfn);
}

/* Does this slot of a level-k table hold references? */
static bool entry_counted(unsigned int level, unsigned int slot, uint64_t e)
{
    return (e & PTE_P) && !pv_hv_slot(level, slot);
}

static void hv_slots_fill(uint64_t *t)
{
    const uint64_t *idle = pv_mm_ops->hv_l4();

    for (unsigned int i = HV_SLOT_FIRST; i <= HV_SLOT_LAST; i++)
        __atomic_store_n(&t[i], idle[i], __ATOMIC_RELAXED);
}

static void entries_put(struct pv_mm_domain *d, const uint64_t *t, unsigned int level,
                        unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        uint64_t e = __atomic_load_n(&t[i], __ATOMIC_RELAXED);

        if (entry_counted(level, i, e))
            entry_put(d, level, e);
    }
}

int pv_pt_validate(struct pv_mm_domain *d, mfn_t mfn, unsigned int level)
{
    uint64_t *t = pv_map(mfn);
    unsigned int i;
    int rc = 0;

    for (i = 0; i < PT_ENTRIES; i++) {
        uint64_t e = __atomic_load_n(&t[i], __ATOMIC_RELAXED);

        if (!entry_counted(level, i, e))
            continue;
        rc = adjust_entry(d, level, &e);
        if (!rc)
            rc = entry_get(d, level, e);
        if (rc)
            break;
        __atomic_store_n(&t[i], e, __ATOMIC_RELAXED);
    }
    if (rc) {
        entries_put(d, t, level, i);
        return rc;
    }
    if (level == 4)
        hv_slots_fill(t);
    return 0;
}

void pv_pt_devalidate(struct pv_mm_domain *d, mfn_t mfn, unsigned int level)
{
    entries_put(d, pv_map(mfn), level, PT_ENTRIES);
}

/* Store val; with preserve_ad keep the A/D bits the entry has now, which
 * the hardware may be setting while we write. Returns the old entry. */
static uint64_t entry_write(uint64_t *p, uint64_t val, bool preserve_ad)
{
    uint64_t old = __atomic_load_n(p, __ATOMIC_RELAXED);

    if (!preserve_ad)
        return __atomic_exchange_n(p, val, __ATOMIC_SEQ_CST);
    while (!__atomic_compare_exchange_n(p, &old, val | (old & (PTE_A | PTE_D)), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    return old;
}

/* The new entry's references are taken before the old one's are dropped,
 * so replacing an entry by one naming the same frame never lets that
 * frame's count reach 0 (which would release a table still in use). */
int pv_pt_update(struct pv_mm_domain *d, mfn_t table, unsigned int slot, uint64_t val,
                 bool preserve_ad)
{
    unsigned int level = pv_type_level(pv_page(table)->type);
    uint64_t old;
    int rc;

    if (pv_hv_slot(level, slot)) {
        pv_mm_warn(d, "write to hypervisor L4 slot %u refused", slot);
        return -EINVAL;
    }
    if (val & PTE_P) {
        rc = adjust_entry(d, level, &val);
        if (!rc)
            rc = entry_get(d, level, val);
        if (rc)
            return rc;
    }
    old = entry_write(&pv_map(table)[slot], val, preserve_ad);
    if (old & PTE_P)
        entry_put(d, level, old);
    return 0;
}
