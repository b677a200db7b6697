/* SPDX-License-Identifier: MIT */
/* Argument handling shared by the PV MMU hypercalls (pv/pv_mmu*.c). */
#ifndef PV_PV_MM_ARGS_H
#define PV_PV_MM_ARGS_H

#include <hv/hypercall.h>
#include <hv/pv_mm.h>

/* One element of a batch, already copied in: 0 or -E... */
typedef long (*pv_batch_fn)(struct vcpu *v, struct pv_mm_vcpu *mv, const void *elem);

/*
 * A batch hypercall (mmu_update, mmuext_op) with args (list, count,
 * pdone, foreigndom) of elements of `size` bytes (at most 32): run `one`
 * on each in order, stop at the first failure and return it, with pdone
 * (if not 0) = how many succeeded. Elements done stay done. When
 * ops->preempt_check asks, returns -ERESTART with the args rewritten for
 * the rest: count then carries Xen's MMU_UPDATE_PREEMPTED flag and pdone
 * already holds the earlier parts' work.
 */
long pv_batch_run(struct vcpu *v, struct pv_mm_vcpu *mv, struct hypercall_args *args,
                  size_t size, pv_batch_fn one);

/* A foreigndom argument: only DOMID_SELF is allowed, since Mica has no
 * privileged PV domain yet. Like Xen, naming oneself by id is -ESRCH;
 * any other domain is -EPERM. */
int pv_foreign_check(const struct pv_mm_domain *d, uint16_t domid);
/* A guest vCPU bitmap (bit n = vCPU n) at gva, limited to d's vCPUs. */
int __must_check pv_vcpumask_read(struct vcpu *v, const struct pv_mm_domain *d,
                                  uint64_t gva, uint64_t *mask);
/* The caller's PV MMU state, or NULL when v is no PV vCPU (-ENOSYS). */
struct pv_mm_vcpu *pv_mm_current(struct vcpu *v);

#endif /* PV_PV_MM_ARGS_H */
