// SPDX-License-Identifier: MIT
/*
 * multicall (13) for PV guests: a list of hypercalls run in order, each
 * one's result stored back into its entry (Linux batches its page-table
 * updates this way). An entry that is itself a multicall, or an iret
 * (which replaces the caller's frame), is refused with -EINVAL in its own
 * result, and the rest still run. A continuation of one entry (-ERESTART)
 * stores the entry's updated arguments and restarts the whole multicall
 * at that entry; long lists are split the same way.
 */
#include <hv/errno.h>
#include <hv/hcstats.h>
#include <hv/hypercall.h>
#include <public/xen.h>

#include "pv_internal.h"

#define MULTICALL_BATCH 64 /* entries per call before a continuation */

/* One entry; false when the multicall must be continued from it. */
static bool multicall_one(struct vcpu *v, struct multicall_entry *e)
{
    struct hypercall_args a;
    long rc;

    hcstats_batch(v, HCSTAT_MULTICALL_CALLS);
    if (e->op == XEN_HYPERCALL_multicall || e->op == XEN_HYPERCALL_iret) {
        e->result = (uint64_t)-EINVAL;
        return true;
    }
    for (unsigned int i = 0; i < 5; i++)
        a.a[i] = e->args[i];
    rc = hypercall_dispatch(v, e->op, &a);
    if (rc == -ERESTART) {
        for (unsigned int i = 0; i < 5; i++)
            e->args[i] = a.a[i];
        return false;
    }
    e->result = (uint64_t)rc;
    return true;
}

long do_multicall(struct vcpu *v, struct hypercall_args *args)
{
    struct multicall_entry e;

    for (unsigned int i = 0; args->a[1]; i++) {
        bool done;

        if (i == MULTICALL_BATCH)
            return -ERESTART;
        if (copy_from_guest(v, &e, args->a[0], sizeof(e)))
            return -EFAULT;
        done = multicall_one(v, &e);
        if (copy_to_guest(v, args->a[0], &e, sizeof(e)))
            return -EFAULT;
        if (!done || v->domain->dying)
            return done ? 0 : -ERESTART;
        args->a[0] += sizeof(e);
        args->a[1]--;
    }
    return 0;
}
