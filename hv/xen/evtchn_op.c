// SPDX-License-Identifier: MIT
/* event_channel_op: copy the guest's argument, call the 2-level core
 * (hv/common/evtchn.c), copy the results back. */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/xen.h>
#include <public/event_channel.h>

/* Argument sizes by command; 0 = not offered. */
static const uint8_t arg_size[] = {
    [EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
    [EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
    [EVTCHNOP_close] = sizeof(struct evtchn_close),
    [EVTCHNOP_send] = sizeof(struct evtchn_send),
    [EVTCHNOP_status] = sizeof(struct evtchn_status),
    [EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
    [EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
    [EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
    [EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
};

union evtchn_arg {
    struct evtchn_bind_interdomain bind_interdomain;
    struct evtchn_bind_virq bind_virq;
    struct evtchn_close close;
    struct evtchn_send send;
    struct evtchn_status status;
    struct evtchn_alloc_unbound alloc_unbound;
    struct evtchn_bind_ipi bind_ipi;
    struct evtchn_bind_vcpu bind_vcpu;
    struct evtchn_unmask unmask;
};

static int evtchn_op_status(struct evtchn_domain *ed, struct evtchn_status *s)
{
    struct evtchn_status_info info;
    int rc = evtchn_status(ed, s->dom, s->port, &info);

    if (rc)
        return rc;
    s->status = info.status;
    s->vcpu = info.vcpu;
    if (info.status == EVTCHNSTAT_unbound)
        s->u.unbound.dom = info.dom;
    else if (info.status == EVTCHNSTAT_interdomain)
        s->u.interdomain.dom = info.dom, s->u.interdomain.port = info.port;
    else if (info.status == EVTCHNSTAT_virq)
        s->u.virq = info.virq;
    return 0;
}

static int evtchn_op_run(struct evtchn_domain *ed, uint64_t cmd, union evtchn_arg *a)
{
    switch (cmd) {
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(ed, a->bind_interdomain.remote_dom,
                                       a->bind_interdomain.remote_port,
                                       &a->bind_interdomain.local_port);
    case EVTCHNOP_bind_virq:
        return evtchn_bind_virq(ed, a->bind_virq.virq, a->bind_virq.vcpu,
                                &a->bind_virq.port);
    case EVTCHNOP_close: return evtchn_close(ed, a->close.port);
    case EVTCHNOP_send: return evtchn_send(ed, a->send.port);
    case EVTCHNOP_status: return evtchn_op_status(ed, &a->status);
    case EVTCHNOP_alloc_unbound:
        return evtchn_alloc_unbound(ed, a->alloc_unbound.dom,
                                    a->alloc_unbound.remote_dom, &a->alloc_unbound.port);
    case EVTCHNOP_bind_ipi:
        return evtchn_bind_ipi(ed, a->bind_ipi.vcpu, &a->bind_ipi.port);
    case EVTCHNOP_bind_vcpu:
        return evtchn_bind_vcpu(ed, a->bind_vcpu.port, a->bind_vcpu.vcpu);
    case EVTCHNOP_unmask: return evtchn_unmask(ed, a->unmask.port);
    default: return -ENOSYS;
    }
}

long do_event_channel_op(struct vcpu *v, struct hypercall_args *args)
{
    uint64_t cmd = args->a[0];
    union evtchn_arg a;
    size_t size;
    int rc;

    /* The FIFO ABI is not offered: Linux then uses the 2-level one. */
    if (cmd >= ARRAY_SIZE(arg_size) || !(size = arg_size[cmd]))
        return -ENOSYS;
    if (copy_from_guest(v, &a, args->a[1], size))
        return -EFAULT;
    rc = evtchn_op_run(&v->domain->xen->evtchn, cmd, &a);
    if (!rc && copy_to_guest(v, args->a[1], &a, size))
        return -EFAULT;
    return rc;
}
