// SPDX-License-Identifier: MIT
/*
 * SCHEDOP_poll: block until one of a list of ports is pending, or until an
 * optional timeout. Linux's PV spinlocks depend on it: a waiter polls the
 * per-CPU "spinlock" port, which it keeps MASKED, and the unlocker sends
 * an event to it. A masked port raises no upcall, so the poller must be
 * woken by the port itself turning pending (evtchn port_pending hook);
 * without that, a waiter whose lock holder was descheduled sleeps forever.
 *
 * Race: the poller publishes its ports and then re-checks them; the sender
 * sets the pending bit and then reads the published ports. Both steps are
 * sequentially consistent, so at least one side sees the other: either the
 * poller finds the bit set and does not block, or the sender kicks it.
 */
#include <hv/errno.h>
#include <hv/sched.h>
#include <hv/xen.h>

static bool poll_port_listed(const struct xen_poll *p, uint32_t nr, unsigned int port)
{
    for (uint32_t i = 0; i < nr; i++)
        if (p->ports[i] == port)
            return true;
    return false;
}

static bool poll_any_pending(struct vcpu *v, uint32_t nr)
{
    for (uint32_t i = 0; i < nr; i++)
        if (evtchn_port_is_pending(&v->domain->xen->evtchn, v->xen->poll.ports[i]))
            return true;
    return false;
}

static void poll_stop(struct vcpu *v)
{
    __atomic_store_n(&v->xen->poll.nr, 0, __ATOMIC_SEQ_CST);
    if (v->xen->poll.deadline_ns)
        timer_stop(&v->xen->poll.timeout);
    v->xen->poll.deadline_ns = 0;
}

/* ports[] already copied in and range-checked by the caller. timeout is
 * guest system time (ns), 0 for none. No ports: a block with an optional
 * timeout, as on Xen. */
long xen_poll_start(struct vcpu *v, const uint32_t *ports, uint32_t nr, uint64_t timeout)
{
    struct xen_poll *p = &v->xen->poll;

    if (nr > XEN_POLL_MAX_PORTS)
        return -EINVAL;
    for (uint32_t i = 0; i < nr; i++)
        p->ports[i] = ports[i];
    __atomic_store_n(&p->nr, nr, __ATOMIC_SEQ_CST);
    if (poll_any_pending(v, nr) || xen_vcpu_has_events(v)) {
        poll_stop(v);
        return 0;
    }
    if (timeout) {
        p->deadline_ns = v->domain->created_ns + timeout;
        timer_set(&p->timeout, p->deadline_ns);
    }
    v->xen->blocked = true;
    v->halted = true;
    return 0;
}

static bool poll_ready(struct vcpu *v)
{
    uint32_t nr = __atomic_load_n(&v->xen->poll.nr, __ATOMIC_SEQ_CST);

    return (nr && poll_any_pending(v, nr)) ||
           (v->xen->poll.deadline_ns && now_ns() >= v->xen->poll.deadline_ns);
}

/* Called by the run loop of a vCPU blocked in SCHEDOP_block or _poll: ends
 * the block (and the poll) if an upcall or a virtual NMI is pending, a
 * polled port is pending or the poll timed out. True if it ended. */
bool xen_vcpu_unblock(struct vcpu *v)
{
    if (!v->xen || !v->xen->blocked)
        return false;
    if (!xen_vcpu_has_events(v) && !poll_ready(v) &&
        !__atomic_load_n(&v->nmi_pending, __ATOMIC_ACQUIRE))
        return false;
    poll_stop(v);
    v->xen->blocked = false;
    return true;
}

/* evtchn port_pending hook: may run on any pCPU, with event locks held. */
void xen_poll_port_pending(struct domain *d, unsigned int port)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        uint32_t nr;

        if (!v || !v->xen)
            continue;
        nr = __atomic_load_n(&v->xen->poll.nr, __ATOMIC_SEQ_CST);
        if (nr && poll_port_listed(&v->xen->poll, nr, port))
            vcpu_kick(v);
    }
}

static void poll_timed_out(void *data)
{
    vcpu_kick(data);
}

void xen_poll_init(struct vcpu *v)
{
    timer_init(&v->xen->poll.timeout, poll_timed_out, v, "xen-poll");
}

void xen_poll_destroy(struct vcpu *v)
{
    timer_stop(&v->xen->poll.timeout);
}
