// SPDX-License-Identifier: MIT
/* Event channel port table: the EVTCHNOP_* operations and hypervisor-side
 * sources (VIRQs, Xen-backed ports) of Xen's event channel ABI.
 *
 * Design: each domain owns a table of nr_ports channels (caller storage);
 * port 0 is reserved so that 0 can mean "no port" (Linux relies on it).
 * An interdomain channel is two table entries, one per domain, pointing at
 * each other; closing one end turns the other back into an unbound port
 * that the closer's domain may bind again, as Xen does. VIRQ bindings are
 * indexed per vCPU (global and per-domain VIRQs on vCPU 0). Every argument
 * of a guest-facing function is guest-controlled and checked here, with
 * the error codes and check order of xen/common/event_channel.c; the
 * hypervisor-side helpers trust their callers less strictly but still
 * return -EINVAL rather than crash on a bad port.
 *
 * Locking:
 *  - evtchn_domain.lock guards the port table (state and binding fields),
 *    the virq maps and `dying`. notify_vcpu is written under it and read
 *    with an atomic load by senders in other domains.
 *  - An operation touching two domains (bind_interdomain, closing an
 *    interdomain port) holds both locks, taken lower domid first; close may
 *    drop its own lock to restore that order and re-checks the channel
 *    after relocking, holding a reference (ops->hold) on the peer meanwhile.
 *  - Because both ends change only with both locks held, a sender holding
 *    its own lock may deliver to the peer: the peer cannot finish
 *    evtchn_domain_destroy (which needs the sender's lock) meanwhile.
 *  - deliver_lock (evtchn_2l.c) nests inside all of these and is a leaf.
 *  - kick and port_pending are called with event locks held: they must not
 *    call evtchn_* functions. Xen-backed port callbacks run with no lock.
 *  - No function here may be called from interrupt context.
 */
#include <hv/errno.h>
#include <hv/evtchn.h>
#include <hv/lib.h>

#include "evtchn_2l.h"

enum virq_type { VIRQ_VCPU, VIRQ_GLOBAL, VIRQ_DOMAIN };

/* Xen's get_virq_type(); the x86 ARCH virqs (MCA) are global. */
static enum virq_type virq_type(unsigned int virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return VIRQ_VCPU;
    case VIRQ_ARGO:
        return VIRQ_DOMAIN;
    default:
        return VIRQ_GLOBAL;
    }
}

static unsigned int notify_vcpu(const struct evtchn_channel *c)
{
    return __atomic_load_n(&c->notify_vcpu, __ATOMIC_ACQUIRE);
}

static void set_notify_vcpu(struct evtchn_channel *c, unsigned int vcpu)
{
    __atomic_store_n(&c->notify_vcpu, (uint16_t)vcpu, __ATOMIC_RELEASE);
}

/* ---- domains ---- */

/* The domain `dom` names for caller (DOMID_SELF allowed), referenced
 * unless it is the caller; NULL if there is none. */
static struct evtchn_domain *domain_get(struct evtchn_domain *caller,
                                        uint16_t dom)
{
    if (dom == DOMID_SELF || dom == caller->domid)
        return caller;
    if (dom >= DOMID_FIRST_RESERVED)
        return NULL;
    return caller->ops->lookup(caller->ops->ctx, dom);
}

static void domain_put(struct evtchn_domain *caller, struct evtchn_domain *d)
{
    if (d != caller)
        caller->ops->put(caller->ops->ctx, d);
}

/* Lock two domains (possibly the same) lower domid first. */
static void lock_two(struct evtchn_domain *a, struct evtchn_domain *b)
{
    if (a == b) {
        spin_lock(&a->lock);
    } else if (a->domid < b->domid) {
        spin_lock(&a->lock);
        spin_lock(&b->lock);
    } else {
        spin_lock(&b->lock);
        spin_lock(&a->lock);
    }
}

static void unlock_two(struct evtchn_domain *a, struct evtchn_domain *b)
{
    if (a != b)
        spin_unlock(&b->lock);
    spin_unlock(&a->lock);
}

int evtchn_domain_init(struct evtchn_domain *d,
                       const struct evtchn_domain_config *cfg)
{
    const struct evtchn_ops *ops = cfg->ops;

    if (cfg->nr_ports < 2 || cfg->nr_ports > EVTCHN_2L_NR_PORTS ||
        cfg->nr_vcpus < 1 || cfg->nr_vcpus > EVTCHN_MAX_VCPUS ||
        !cfg->chan || !cfg->vcpu || !cfg->shared.pending ||
        !cfg->shared.mask || !cfg->kick || !ops || !ops->lookup ||
        !ops->hold || !ops->put || cfg->domid >= DOMID_FIRST_RESERVED)
        return -EINVAL;

    memset(d, 0, sizeof(*d));
    memset(cfg->chan, 0, cfg->nr_ports * sizeof(*cfg->chan));
    memset(cfg->vcpu, 0, cfg->nr_vcpus * sizeof(*cfg->vcpu));
    d->domid = cfg->domid;
    d->privileged = cfg->privileged;
    d->global_virqs = cfg->global_virqs;
    d->nr_ports = cfg->nr_ports;
    d->nr_vcpus = cfg->nr_vcpus;
    d->chan = cfg->chan;
    d->vcpu = cfg->vcpu;
    d->shared = cfg->shared;
    d->ops = ops;
    d->kick = cfg->kick;
    d->port_pending = cfg->port_pending;
    d->opaque = cfg->opaque;
    spin_lock_init(&d->lock);
    spin_lock_init(&d->deliver_lock);
    d->chan[0].state = EVTCHN_RESERVED;
    return 0;
}

/* ---- port table (d->lock held) ---- */

/* Lowest free port; -EINVAL once the domain is dying (as Xen). */
static int port_alloc(struct evtchn_domain *d)
{
    if (d->dying)
        return -EINVAL;
    for (unsigned int p = 1; p < d->nr_ports; p++)
        if (d->chan[p].state == EVTCHN_FREE)
            return (int)p;
    return -ENOSPC;
}

static void port_free(struct evtchn_domain *d, unsigned int port)
{
    struct evtchn_channel *c = &d->chan[port];

    /* A stale pending bit would fire on the port's next binding. */
    evtchn_2l_clear_pending(d, port);
    c->state = EVTCHN_FREE;
    c->virq = 0;
    c->remote_domid = 0;
    c->remote_port = 0;
    c->remote = NULL;
    c->xen_fn = NULL;
    set_notify_vcpu(c, 0);
}

/* Undo port's binding; for an interdomain port the peer's lock is held
 * too. `guest`: the request comes from the guest, which may not close a
 * Xen-backed port. */
static int close_locked(struct evtchn_domain *d, unsigned int port, bool guest)
{
    struct evtchn_channel *c = &d->chan[port], *peer;

    switch (c->state) {
    case EVTCHN_FREE:
    case EVTCHN_RESERVED:
        return -EINVAL;
    case EVTCHN_XEN:
        if (guest)
            return -EINVAL;
        break;
    case EVTCHN_UNBOUND:
    case EVTCHN_IPI:
        break;
    case EVTCHN_VIRQ: {
        unsigned int v = virq_type(c->virq) == VIRQ_VCPU ? c->notify_vcpu : 0;

        d->vcpu[v].virq_to_port[c->virq] = 0;
        break;
    }
    case EVTCHN_INTERDOMAIN:
        peer = &c->remote->chan[c->remote_port];
        peer->state = EVTCHN_UNBOUND;
        peer->remote_domid = d->domid;
        peer->remote = NULL;
        peer->remote_port = 0;
        break;
    default:
        return -EINVAL;
    }
    port_free(d, port);
    return 0;
}

/*
 * Close with the peer's lock taken in domid order. When the peer's domid
 * is lower, drop our lock, take both in order and look again: meanwhile
 * the peer may have closed its end (now unbound here), or another vCPU
 * may have closed this port and bound it anew to a third domain, which
 * Xen reports as -EINVAL, as if the port had been seen free.
 */
static int close_port(struct evtchn_domain *d1, uint32_t port, bool guest)
{
    struct evtchn_domain *d2 = NULL;
    struct evtchn_channel *c;
    int rc;

    if (port >= d1->nr_ports)
        return -EINVAL;
    c = &d1->chan[port];
    spin_lock(&d1->lock);
    for (;;) {
        if (c->state != EVTCHN_INTERDOMAIN)
            break;
        if (d2) {
            rc = c->remote == d2 ? 0 : -EINVAL;
            if (rc)
                goto out;
            break;
        }
        if (c->remote == d1)
            break;
        d2 = c->remote;
        d1->ops->hold(d1->ops->ctx, d2);
        if (d1->domid < d2->domid) {
            spin_lock(&d2->lock);
            break;
        }
        spin_unlock(&d1->lock);
        spin_lock(&d2->lock);
        spin_lock(&d1->lock);
    }
    rc = close_locked(d1, port, guest);
out:
    if (d2)
        spin_unlock(&d2->lock);
    spin_unlock(&d1->lock);
    if (d2)
        d1->ops->put(d1->ops->ctx, d2);
    return rc;
}

void evtchn_domain_destroy(struct evtchn_domain *d)
{
    spin_lock(&d->lock);
    d->dying = true;
    spin_unlock(&d->lock);
    /* Free and reserved ports answer -EINVAL; everything else closes. */
    for (uint32_t p = d->nr_ports - 1; p > 0; p--)
        (void)close_port(d, p, false);
}

/* ---- EVTCHNOP_* ---- */

int evtchn_alloc_unbound(struct evtchn_domain *caller, uint16_t dom,
                         uint16_t remote_dom, uint32_t *port)
{
    struct evtchn_domain *d = domain_get(caller, dom);
    int rc;

    if (!d)
        return -ESRCH;
    spin_lock(&d->lock);
    rc = port_alloc(d);
    if (rc < 0)
        goto out;
    /* Xen's XSM_TARGET check: only the control domain acts for others. */
    if (d != caller && !caller->privileged) {
        rc = -EPERM;
        goto out;
    }
    d->chan[rc].state = EVTCHN_UNBOUND;
    /* Xen stores remote_dom unchecked; DOMID_SELF means the caller. */
    d->chan[rc].remote_domid =
        remote_dom == DOMID_SELF ? caller->domid : remote_dom;
    *port = (uint32_t)rc;
    rc = 0;
out:
    spin_unlock(&d->lock);
    domain_put(caller, d);
    return rc;
}

int evtchn_bind_interdomain(struct evtchn_domain *caller, uint16_t remote_dom,
                            uint32_t remote_port, uint32_t *local_port)
{
    struct evtchn_domain *ld = caller, *rd = domain_get(caller, remote_dom);
    struct evtchn_channel *lchan, *rchan;
    int rc;

    if (!rd)
        return -ESRCH;
    lock_two(ld, rd);
    rc = port_alloc(ld);
    if (rc < 0)
        goto out;
    if (remote_port >= rd->nr_ports) {
        rc = -EINVAL;
        goto out;
    }
    rchan = &rd->chan[remote_port];
    /* A port offered to another domain reads as invalid, not forbidden. */
    if (rchan->state != EVTCHN_UNBOUND || rchan->remote_domid != ld->domid) {
        rc = -EINVAL;
        goto out;
    }
    lchan = &ld->chan[rc];
    lchan->state = EVTCHN_INTERDOMAIN;
    lchan->remote = rd;
    lchan->remote_port = (uint16_t)remote_port;
    rchan->state = EVTCHN_INTERDOMAIN;
    rchan->remote = ld;
    rchan->remote_port = (uint16_t)rc;
    *local_port = (uint32_t)rc;
    /* Sends on the unbound remote end were dropped: notify once, as Xen
     * does, so the binder looks at the shared ring. */
    evtchn_2l_set_pending(ld, (unsigned int)rc, notify_vcpu(lchan));
    rc = 0;
out:
    unlock_two(ld, rd);
    domain_put(caller, rd);
    return rc;
}

int evtchn_bind_virq(struct evtchn_domain *d, uint32_t virq, uint32_t vcpu,
                     uint32_t *port)
{
    enum virq_type type;
    uint16_t *slot;
    int rc;

    if (virq >= NR_VIRQS)
        return -EINVAL;
    type = virq_type(virq);
    if (type != VIRQ_VCPU && vcpu != 0)
        return -EINVAL;
    if (vcpu >= d->nr_vcpus)
        return -ENOENT;
    slot = &d->vcpu[vcpu].virq_to_port[virq];

    spin_lock(&d->lock);
    /* Global VIRQs go to one handler domain (Xen: the hardware domain). */
    if (type == VIRQ_GLOBAL && !d->global_virqs) {
        rc = -EBUSY;
        goto out;
    }
    if (*slot) {
        rc = -EEXIST;
        goto out;
    }
    rc = port_alloc(d);
    if (rc < 0)
        goto out;
    d->chan[rc].state = EVTCHN_VIRQ;
    d->chan[rc].virq = (uint8_t)virq;
    set_notify_vcpu(&d->chan[rc], vcpu);
    *slot = (uint16_t)rc;
    *port = (uint32_t)rc;
    rc = 0;
out:
    spin_unlock(&d->lock);
    return rc;
}

int evtchn_bind_ipi(struct evtchn_domain *d, uint32_t vcpu, uint32_t *port)
{
    int rc;

    if (vcpu >= d->nr_vcpus)
        return -ENOENT;
    spin_lock(&d->lock);
    rc = port_alloc(d);
    if (rc >= 0) {
        d->chan[rc].state = EVTCHN_IPI;
        set_notify_vcpu(&d->chan[rc], vcpu);
        *port = (uint32_t)rc;
        rc = 0;
    }
    spin_unlock(&d->lock);
    return rc;
}

int evtchn_close(struct evtchn_domain *d, uint32_t port)
{
    return close_port(d, port, true);
}

int evtchn_send(struct evtchn_domain *d, uint32_t port)
{
    struct evtchn_channel *c;
    evtchn_xen_fn fn = NULL;
    void *fn_opaque = NULL;
    int rc = 0;

    if (port >= d->nr_ports)
        return -EINVAL;
    c = &d->chan[port];
    spin_lock(&d->lock);
    switch (c->state) {
    case EVTCHN_INTERDOMAIN:
        evtchn_2l_set_pending(c->remote, c->remote_port,
                              notify_vcpu(&c->remote->chan[c->remote_port]));
        break;
    case EVTCHN_IPI:
        evtchn_2l_set_pending(d, port, c->notify_vcpu);
        break;
    case EVTCHN_UNBOUND:
        break;  /* nobody listens yet: dropped silently, as in Xen */
    case EVTCHN_XEN:
        fn = c->xen_fn;
        fn_opaque = c->xen_opaque;
        break;
    default:
        rc = -EINVAL;  /* free, reserved, VIRQ */
        break;
    }
    spin_unlock(&d->lock);
    if (fn)
        fn(fn_opaque, d, port);
    return rc;
}

static void status_fill(const struct evtchn_channel *c,
                        struct evtchn_status_info *out)
{
    memset(out, 0, sizeof(*out));
    out->vcpu = c->notify_vcpu;
    switch (c->state) {
    case EVTCHN_UNBOUND:
        out->status = EVTCHNSTAT_unbound;
        out->dom = c->remote_domid;
        break;
    case EVTCHN_INTERDOMAIN:
        out->status = EVTCHNSTAT_interdomain;
        out->dom = c->remote->domid;
        out->port = c->remote_port;
        break;
    case EVTCHN_XEN:
        out->status = EVTCHNSTAT_interdomain;
        out->dom = DOMID_XEN;
        break;
    case EVTCHN_VIRQ:
        out->status = EVTCHNSTAT_virq;
        out->virq = c->virq;
        break;
    case EVTCHN_IPI:
        out->status = EVTCHNSTAT_ipi;
        break;
    default:
        out->status = EVTCHNSTAT_closed;
        break;
    }
}

int evtchn_status(struct evtchn_domain *caller, uint16_t dom, uint32_t port,
                  struct evtchn_status_info *out)
{
    struct evtchn_domain *d = domain_get(caller, dom);
    int rc = 0;

    if (!d)
        return -ESRCH;
    if (port >= d->nr_ports) {
        rc = -EINVAL;
    } else if (d != caller && !caller->privileged) {
        rc = -EPERM;
    } else {
        spin_lock(&d->lock);
        status_fill(&d->chan[port], out);
        spin_unlock(&d->lock);
    }
    domain_put(caller, d);
    return rc;
}

int evtchn_bind_vcpu(struct evtchn_domain *d, uint32_t port, uint32_t vcpu)
{
    struct evtchn_channel *c;
    int rc = 0;

    if (vcpu >= d->nr_vcpus)
        return -ENOENT;
    if (port >= d->nr_ports)
        return -EINVAL;
    c = &d->chan[port];
    spin_lock(&d->lock);
    switch (c->state) {
    case EVTCHN_VIRQ:
        /* A per-vCPU VIRQ belongs to its vCPU's map; it cannot move. */
        if (virq_type(c->virq) == VIRQ_VCPU)
            rc = -EINVAL;
        else
            set_notify_vcpu(c, vcpu);
        break;
    case EVTCHN_UNBOUND:
    case EVTCHN_INTERDOMAIN:
    case EVTCHN_XEN:  /* the guest sees an interdomain port */
        set_notify_vcpu(c, vcpu);
        break;
    default:
        rc = -EINVAL;  /* free, reserved, IPI */
        break;
    }
    spin_unlock(&d->lock);
    return rc;
}

int evtchn_unmask(struct evtchn_domain *d, uint32_t port)
{
    if (port >= d->nr_ports)
        return -EINVAL;
    spin_lock(&d->lock);
    evtchn_2l_unmask(d, port, d->chan[port].notify_vcpu);
    spin_unlock(&d->lock);
    return 0;
}

/* ---- hypervisor side ---- */

int evtchn_send_virq(struct evtchn_domain *d, unsigned int virq,
                     unsigned int vcpu)
{
    unsigned int port;

    if (virq >= NR_VIRQS || vcpu >= d->nr_vcpus ||
        (virq_type(virq) != VIRQ_VCPU && vcpu != 0))
        return -EINVAL;
    spin_lock(&d->lock);
    port = d->vcpu[vcpu].virq_to_port[virq];
    if (port)
        evtchn_2l_set_pending(d, port, d->chan[port].notify_vcpu);
    spin_unlock(&d->lock);
    return 0;
}

int evtchn_alloc_xen_port(struct evtchn_domain *d, evtchn_xen_fn fn,
                          void *opaque, uint32_t *port)
{
    int rc;

    if (!fn)
        return -EINVAL;
    spin_lock(&d->lock);
    rc = port_alloc(d);
    if (rc >= 0) {
        d->chan[rc].state = EVTCHN_XEN;
        d->chan[rc].xen_fn = fn;
        d->chan[rc].xen_opaque = opaque;
        *port = (uint32_t)rc;
        rc = 0;
    }
    spin_unlock(&d->lock);
    return rc;
}

int evtchn_raise_xen_port(struct evtchn_domain *d, uint32_t port)
{
    int rc = -EINVAL;

    if (port >= d->nr_ports)
        return -EINVAL;
    spin_lock(&d->lock);
    if (d->chan[port].state == EVTCHN_XEN) {
        evtchn_2l_set_pending(d, port, d->chan[port].notify_vcpu);
        rc = 0;
    }
    spin_unlock(&d->lock);
    return rc;
}

int evtchn_free_xen_port(struct evtchn_domain *d, uint32_t port)
{
    int rc = -EINVAL;

    if (port >= d->nr_ports)
        return -EINVAL;
    spin_lock(&d->lock);
    if (d->chan[port].state == EVTCHN_XEN)
        rc = close_locked(d, port, false);
    spin_unlock(&d->lock);
    return rc;
}
