// SPDX-License-Identifier: MIT
/* Hypercalls mmu_update (1) and update_va_mapping (14) for PV guests. */
#include <hv/errno.h>
#include <hv/hcstats.h>
#include <public/xen.h>

#include "pv_mm_args.h"

static long mmu_update_one(struct vcpu *v, struct pv_mm_vcpu *mv, const void *elem)
{
    const struct mmu_update *req = elem;
    struct pv_mm_domain *d = mv->d;
    paddr_t ma = req->ptr & ~3ULL;

    hcstats_batch(v, HCSTAT_MMU_UPDATE_REQS);

    switch (req->ptr & 3) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_NO_TRANSLATE: /* PV frames are never translated */
        return pv_mm_update_pte(d, ma, req->val, false);
    case MMU_PT_UPDATE_PRESERVE_AD:
        return pv_mm_update_pte(d, ma, req->val, true);
    case MMU_MACHPHYS_UPDATE:
        return pv_mm_machphys_update(d, paddr_to_mfn(ma), req->val);
    }
    return -ENOSYS; /* unreachable: two bits, four commands */
}

/* foreigndom: bits 15:0 own the mapped frames, bits 31:16 the tables
 * (plus one; 0 = the caller, as is the caller's own id). */
static int mmu_update_foreign_check(const struct pv_mm_domain *d, uint64_t foreigndom)
{
    uint16_t pfd = (uint16_t)(foreigndom >> 16);

    if (pfd && pfd != d->domid + 1U)
        return -EPERM;
    return pv_foreign_check(d, (uint16_t)foreigndom);
}

/*
 * mmu_update(reqs, count, pdone, foreigndom): requests run in order and
 * the batch stops at the first that fails; those before it stay done and
 * pdone says how many.
 */
long do_mmu_update(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_mm_vcpu *mv = pv_mm_current(v);
    int rc;

    if (!mv)
        return -ENOSYS;
    rc = mmu_update_foreign_check(mv->d, args->a[3]);
    if (rc)
        return rc;
    return pv_batch_run(v, mv, args, sizeof(struct mmu_update), mmu_update_one);
}

/*
 * UVMF_* flags: bits 1:0 the flush (none, whole TLB, one page); the rest
 * is 0 for this vCPU only (UVMF_LOCAL), UVMF_ALL, or otherwise the guest
 * address of a vCPU bitmap (UVMF_MULTI).
 */
static long uvmf_flush(struct vcpu *v, struct pv_mm_vcpu *mv, vaddr_t va, uint64_t flags)
{
    uint64_t target = flags & ~UVMF_FLUSHTYPE_MASK;
    uint64_t mask = 1ULL << mv->id;

    if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
        va = PV_MM_FLUSH_ALL;
    else if ((flags & UVMF_FLUSHTYPE_MASK) != UVMF_INVLPG)
        return 0;
    if (target == UVMF_ALL)
        mask = PV_MM_ALL_VCPUS;
    else if (target != UVMF_LOCAL && pv_vcpumask_read(v, mv->d, target, &mask))
        return -EFAULT;
    pv_mm_ops->flush(mv->d, mask, va);
    return 0;
}

/* update_va_mapping(va, pte, flags): set the L1 entry mapping va in the
 * current (kernel) page table, then flush as flags ask. */
long do_update_va_mapping(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_mm_vcpu *mv = pv_mm_current(v);
    long rc;

    if (!mv)
        return -ENOSYS;
    rc = pv_mm_update_va(mv, args->a[0], args->a[1]);
    if (rc)
        return rc;
    return uvmf_flush(v, mv, args->a[0], args->a[2]);
}
