// SPDX-License-Identifier: MIT
/* hvm_op: HVM parameters (callback vector, console, xenstore) and the few
 * other operations PVH guests use (xen-abi.md §3.5). */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/xen.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

/* What a guest may read or write about itself (Xen's hvm_allow_*_param). */
static bool param_readable(uint32_t i)
{
    return i == HVM_PARAM_CALLBACK_IRQ || i == HVM_PARAM_STORE_PFN ||
           i == HVM_PARAM_STORE_EVTCHN || i == HVM_PARAM_CONSOLE_PFN ||
           i == HVM_PARAM_CONSOLE_EVTCHN;
}

static bool param_writable(uint32_t i)
{
    return i == HVM_PARAM_CALLBACK_IRQ || i == HVM_PARAM_STORE_EVTCHN ||
           i == HVM_PARAM_CONSOLE_EVTCHN;
}

/* CALLBACK_IRQ: only the "vector" delivery type is offered (PVH guests
 * have no PCI platform device to route a GSI or INTx through). */
static long param_callback_irq(struct xen_domain *x, uint64_t val)
{
    uint8_t type = (uint8_t)(val >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT);
    uint8_t vector = (uint8_t)val;

    if (val == 0) {
        x->callback_vector = 0;
        return 0;
    }
    if (type != HVM_PARAM_CALLBACK_TYPE_VECTOR || vector < 0x10)
        return -EINVAL;
    x->callback_vector = vector;
    return 0;
}

static long hvm_param(struct vcpu *v, uint64_t arg, bool set)
{
    struct xen_domain *x = v->domain->xen;
    struct xen_hvm_param p;
    long rc = 0;

    if (copy_from_guest(v, &p, arg, sizeof(p)))
        return -EFAULT;
    if ((rc = xen_domid_check(v, p.domid)))
        return rc;
    if (p.index >= HVM_NR_PARAMS)
        return -EINVAL;
    if (set ? !param_writable(p.index) : !param_readable(p.index))
        return -EPERM;
    spin_lock(&x->lock);
    if (!set)
        p.value = x->params[p.index];
    else if (p.index == HVM_PARAM_CALLBACK_IRQ)
        rc = param_callback_irq(x, p.value);
    if (set && !rc)
        x->params[p.index] = p.value;
    spin_unlock(&x->lock);
    if (!rc && !set && copy_to_guest(v, arg, &p, sizeof(p)))
        rc = -EFAULT;
    return rc;
}

long do_hvm_op(struct vcpu *v, struct hypercall_args *args)
{
    uint64_t now;

    switch (args->a[0]) {
    case HVMOP_set_param:
        return hvm_param(v, args->a[1], true);
    case HVMOP_get_param:
        return hvm_param(v, args->a[1], false);
    case HVMOP_flush_tlbs:
        return 0; /* nested paging: guest TLB flushes need no hypervisor help */
    case HVMOP_get_time:
        now = xen_system_time(v->domain);
        return copy_to_guest(v, args->a[1], &now, sizeof(now));
    default:
        return -ENOSYS; /* pagetable_dying, per-vCPU upcall vector, ... */
    }
}
