// SPDX-License-Identifier: MIT
/* Hypercall mmuext_op (26) for PV guests: pins, base pointers, TLB
 * flushes, LDT, page clear/copy. */
#include <hv/errno.h>
#include <hv/hcstats.h>
#include <public/xen.h>

#include "pv_mm_args.h"

static long flush_all(struct pv_mm_domain *d, uint64_t mask)
{
    pv_mm_ops->flush(d, mask, PV_MM_FLUSH_ALL);
    return 0;
}

/* INVLPG of an address the guest cannot map is a no-op, as in Xen. */
static long flush_page(struct pv_mm_domain *d, uint64_t mask, vaddr_t va)
{
    if (pv_guest_va_ok(va))
        pv_mm_ops->flush(d, mask, va);
    return 0;
}

static long flush_multi(struct vcpu *v, struct pv_mm_domain *d,
                        const struct mmuext_op *op, vaddr_t va)
{
    uint64_t mask;

    if (pv_vcpumask_read(v, d, op->arg2.vcpumask, &mask))
        return -EINVAL; /* Xen's answer for an unreadable mask */
    return va == PV_MM_FLUSH_ALL ? flush_all(d, mask) : flush_page(d, mask, va);
}

static long mmuext_one(struct vcpu *v, struct pv_mm_vcpu *mv, const void *elem)
{
    const struct mmuext_op *op = elem;
    struct pv_mm_domain *d = mv->d;
    uint64_t self = 1ULL << mv->id;
    mfn_t mfn = _mfn(op->arg1.mfn);

    hcstats_batch(v, HCSTAT_MMUEXT_OPS);
    /* One line per command. */
    // clang-format off
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE: return pv_mm_pin(d, mfn, PGT_L1);
    case MMUEXT_PIN_L2_TABLE: return pv_mm_pin(d, mfn, PGT_L2);
    case MMUEXT_PIN_L3_TABLE: return pv_mm_pin(d, mfn, PGT_L3);
    case MMUEXT_PIN_L4_TABLE: return pv_mm_pin(d, mfn, PGT_L4);
    case MMUEXT_UNPIN_TABLE: return pv_mm_unpin(d, mfn);
    case MMUEXT_NEW_BASEPTR: return pv_mm_set_base(mv, mfn, false);
    case MMUEXT_NEW_USER_BASEPTR: return pv_mm_set_base(mv, mfn, true);
    case MMUEXT_TLB_FLUSH_LOCAL: return flush_all(d, self);
    case MMUEXT_INVLPG_LOCAL: return flush_page(d, self, op->arg1.linear_addr);
    case MMUEXT_TLB_FLUSH_MULTI: return flush_multi(v, d, op, PV_MM_FLUSH_ALL);
    case MMUEXT_INVLPG_MULTI: return flush_multi(v, d, op, op->arg1.linear_addr);
    case MMUEXT_TLB_FLUSH_ALL: return flush_all(d, PV_MM_ALL_VCPUS);
    case MMUEXT_INVLPG_ALL: return flush_page(d, PV_MM_ALL_VCPUS, op->arg1.linear_addr);
    case MMUEXT_FLUSH_CACHE: return -EACCES; /* no devices: no cache control */
    case MMUEXT_FLUSH_CACHE_GLOBAL: return -EACCES;
    case MMUEXT_SET_LDT: return pv_mm_set_ldt(mv, op->arg1.linear_addr, op->arg2.nr_ents);
    case MMUEXT_CLEAR_PAGE: return pv_mm_clear_page(d, mfn);
    case MMUEXT_COPY_PAGE: return pv_mm_copy_page(d, mfn, _mfn(op->arg2.src_mfn));
    case MMUEXT_MARK_SUPER: return -EOPNOTSUPP;
    case MMUEXT_UNMARK_SUPER: return -EOPNOTSUPP;
    default: return -ENOSYS;
    }
    // clang-format on
}

/*
 * mmuext_op(ops, count, pdone, foreigndom): like mmu_update, in order,
 * stopping at the first failure, pdone = how many succeeded.
 */
long do_mmuext_op(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_mm_vcpu *mv = pv_mm_current(v);
    int rc;

    if (!mv)
        return -ENOSYS;
    rc = pv_foreign_check(mv->d, (uint16_t)args->a[3]);
    if (rc)
        return rc;
    return pv_batch_run(v, mv, args, sizeof(struct mmuext_op), mmuext_one);
}
