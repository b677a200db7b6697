// SPDX-License-Identifier: MIT
/* sched_op and set_timer_op: yielding, blocking for events, shutdown. */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/xen.h>
#include <public/sched.h>

static long sched_shutdown(struct vcpu *v, uint64_t arg, bool record_only)
{
    static const enum shutdown_reason map[] = {
        [SHUTDOWN_poweroff] = SHUTDOWN_POWEROFF, [SHUTDOWN_reboot] = SHUTDOWN_REBOOT,
        [SHUTDOWN_suspend] = SHUTDOWN_NONE, [SHUTDOWN_crash] = SHUTDOWN_CRASH,
        [SHUTDOWN_watchdog] = SHUTDOWN_CRASH, [SHUTDOWN_soft_reset] = SHUTDOWN_NONE,
    };
    struct sched_shutdown s;

    if (copy_from_guest(v, &s, arg, sizeof(s)))
        return -EFAULT;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    if (map[s.reason] == SHUTDOWN_NONE)
        return -ENOSYS; /* suspend and soft reset need a toolstack */
    if (record_only)
        return 0;
    if (s.reason == SHUTDOWN_crash)
        domain_crash(v->domain, "the guest reported a crash (SCHEDOP_shutdown)");
    else
        domain_shutdown(v->domain, map[s.reason]);
    return 0;
}

/* Block until an event is pending: the run loop wakes the vCPU then.
 * Blocking enables event delivery, as on Xen (PV guests idle this way
 * with events masked; HVM delivery ignores the mask). */
static long sched_block(struct vcpu *v)
{
    __atomic_store_n(&v->xen->vinfo->evtchn_upcall_mask, 0, __ATOMIC_RELEASE);
    if (!xen_vcpu_has_events(v)) {
        v->xen->blocked = true;
        v->halted = true;
    }
    return 0;
}

/* Block until one of the ports is pending or the timeout (guest system
 * time) passes; an upcall for the vCPU ends it too (hv/xen/poll.c). */
static long sched_poll(struct vcpu *v, uint64_t arg)
{
    uint32_t buf[XEN_POLL_MAX_PORTS]; /* 512 bytes of a 16 KiB stack */
    struct sched_poll p;

    if (copy_from_guest(v, &p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > XEN_POLL_MAX_PORTS)
        return -EINVAL;
    if (copy_from_guest(v, buf, p.ports, p.nr_ports * sizeof(*buf)))
        return -EFAULT;
    for (uint32_t i = 0; i < p.nr_ports; i++)
        if (buf[i] >= XEN_NR_PORTS)
            return -EINVAL;
    return xen_poll_start(v, buf, p.nr_ports, p.timeout);
}

long do_sched_op(struct vcpu *v, struct hypercall_args *args)
{
    switch (args->a[0]) {
    case SCHEDOP_yield: return 0;
    case SCHEDOP_block: return sched_block(v);
    case SCHEDOP_shutdown: return sched_shutdown(v, args->a[1], false);
    case SCHEDOP_shutdown_code: return sched_shutdown(v, args->a[1], true);
    case SCHEDOP_poll: return sched_poll(v, args->a[1]);
    default: return -ENOSYS;
    }
}

/* set_timer_op(deadline): the single-shot timer; 0 cancels it. */
long do_set_timer_op(struct vcpu *v, struct hypercall_args *args)
{
    if (!args->a[0]) {
        timer_stop(&v->xen->singleshot);
        return 0;
    }
    return xen_set_singleshot(v, args->a[0], false);
}
