// SPDX-License-Identifier: MIT
/* Argument handling shared by the PV MMU hypercalls: batches with Xen's
 * continuation convention, domain ids, vCPU masks. */
#include <hv/errno.h>
#include <hv/panic.h>
#include <public/xen.h>

#include "pv_mm_args.h"

/* Xen's internal flag in the count of a continued batch (top bit). */
#define MMU_UPDATE_PREEMPTED 0x80000000U

struct pv_batch {
    uint64_t list;      /* guest address of element 0 of this part */
    size_t size;        /* bytes per element */
    unsigned int count; /* elements in this part */
    uint64_t pdone;     /* guest address of the done counter, 0 = none */
    unsigned int done;  /* elements done by earlier parts */
};

struct pv_mm_vcpu *pv_mm_current(struct vcpu *v)
{
    return pv_mm_ops ? pv_mm_ops->vcpu(v) : NULL;
}

static void pv_batch_begin(struct vcpu *v, const struct hypercall_args *args, size_t size,
                           struct pv_batch *b)
{
    b->list = args->a[0];
    b->size = size;
    b->count = (uint32_t)args->a[1];
    b->pdone = args->a[2];
    b->done = 0;
    if (!(b->count & MMU_UPDATE_PREEMPTED))
        return;
    b->count &= ~MMU_UPDATE_PREEMPTED;
    if (b->pdone && copy_from_guest(v, &b->done, b->pdone, sizeof(b->done)))
        b->done = 0;
}

static int pv_batch_read(struct vcpu *v, const struct pv_batch *b, unsigned int i,
                         void *dst)
{
    return copy_from_guest(v, dst, b->list + (uint64_t)i * b->size, b->size);
}

static bool pv_batch_preempt(unsigned int i)
{
    return i && pv_mm_ops->preempt_check && pv_mm_ops->preempt_check();
}

/* As Xen: a pdone the guest cannot take does not change the result. */
static void pdone_write(struct vcpu *v, uint64_t pdone, unsigned int done)
{
    int rc = copy_to_guest(v, pdone, &done, sizeof(done));

    (void)rc;
}

static long pv_batch_end(struct vcpu *v, struct hypercall_args *args,
                         const struct pv_batch *b, unsigned int i, long rc)
{
    if (rc == -ERESTART) {
        args->a[0] = b->list + (uint64_t)i * b->size;
        args->a[1] = (b->count - i) | MMU_UPDATE_PREEMPTED;
    }
    if (b->pdone)
        pdone_write(v, b->pdone, b->done + i);
    return rc;
}

long pv_batch_run(struct vcpu *v, struct pv_mm_vcpu *mv, struct hypercall_args *args,
                  size_t size, pv_batch_fn one)
{
    uint64_t elem[4];
    struct pv_batch b;
    unsigned int i;
    long rc = 0;

    BUG_ON(size > sizeof(elem));
    pv_batch_begin(v, args, size, &b);
    for (i = 0; i < b.count; i++) {
        if (pv_batch_preempt(i))
            rc = -ERESTART;
        else if (pv_batch_read(v, &b, i, elem))
            rc = -EFAULT;
        else
            rc = one(v, mv, elem);
        if (rc)
            break;
    }
    return pv_batch_end(v, args, &b, i, rc);
}

int pv_foreign_check(const struct pv_mm_domain *d, uint16_t domid)
{
    if (domid == DOMID_SELF)
        return 0;
    return domid == d->domid ? -ESRCH : -EPERM;
}

/* MAX_VCPUS fits one 64-bit word of Xen's unsigned-long bitmap. */
int pv_vcpumask_read(struct vcpu *v, const struct pv_mm_domain *d, uint64_t gva,
                     uint64_t *mask)
{
    uint64_t m;

    if (copy_from_guest(v, &m, gva, sizeof(m)))
        return -EFAULT;
    *mask = d->nr_vcpus >= 64 ? m : m & ((1ULL << d->nr_vcpus) - 1);
    return 0;
}
