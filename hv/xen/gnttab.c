// SPDX-License-Identifier: MIT
/* grant_table_op: not offered yet. Linux treats the failure as "no grant
 * tables" and boots on (xen-abi.md §3.4 row 13); split drivers need them,
 * and they arrive with the device model and dom0. */
#include <hv/errno.h>
#include <hv/hypercall.h>

long do_grant_table_op(struct vcpu *v, struct hypercall_args *args)
{
    (void)v, (void)args;
    return -ENOSYS;
}
