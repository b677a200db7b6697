// SPDX-License-Identifier: MIT
/* Who a hypercall may name in its domid arguments (include/hv/xen.h). */
#include <hv/errno.h>
#include <hv/xen.h>

int xen_domid_check(const struct vcpu *v, uint16_t domid)
{
    if (domid == DOMID_SELF || domid == v->domain->id)
        return 0;
    return domid < MAX_DOMAINS && domains[domid] ? -EPERM : -ESRCH;
}
