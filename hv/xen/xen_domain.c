// SPDX-License-Identifier: MIT
/* Xen-ABI state of a domain: the shared_info page, vcpu_info slots, event
 * channels, the PV console ring, and event upcalls into the guest. */
#include <hv/errno.h>
#include <hv/sched.h>
#include <hv/hvm/vcpu.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/printk.h>
#include <hv/xen.h>
#include <public/hvm/params.h>
#include <public/io/console.h>

/* The console ring's frame, outside RAM like Xen's special pages (xl puts
 * it at 0xfefff; docs/hvm-platform.md). */
#define CONSOLE_GPFN 0xfefffULL

static struct evtchn_domain *evtchn_lookup(void *ctx, uint16_t domid)
{
    struct domain *d = domid < MAX_DOMAINS ? domains[domid] : NULL;

    (void)ctx;
    return d && d->xen && !d->dying ? &d->xen->evtchn : NULL;
}

static void evtchn_hold(void *ctx, struct evtchn_domain *d)
{
    (void)ctx, (void)d; /* domains are destroyed only with no vCPU running */
}

static const struct evtchn_ops evtchn_glue = {
    .lookup = evtchn_lookup, .hold = evtchn_hold, .put = evtchn_hold,
};

static void evtchn_kick(void *opaque, unsigned int vcpu)
{
    struct domain *d = opaque;

    if (vcpu < d->nr_vcpus && d->vcpu[vcpu]) {
        d->vcpu[vcpu]->xen->blocked = false;
        vcpu_kick(d->vcpu[vcpu]);
    }
}

static void evtchn_port_pending(void *opaque, unsigned int port)
{
    xen_poll_port_pending(opaque, port);
}

void xen_vcpu_info_changed(struct vcpu *v)
{
    struct vcpu_info *vi = v->xen->vinfo;
    struct evtchn_vcpu_view view = { &vi->evtchn_upcall_pending,
                                     &vi->evtchn_pending_sel };

    xen_update_vcpu_time(v);
    if (evtchn_vcpu_views_set(&v->domain->xen->evtchn, v->id, &view))
        domain_crash(v->domain, "event channel state lost on vcpu_info move");
}

static void singleshot_fired(void *data)
{
    struct vcpu *v = data;

    xen_send_virq(v, VIRQ_TIMER);
}

static int xen_vcpus_init(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        v->xen = xzalloc(sizeof(*v->xen));
        if (!v->xen)
            return -ENOMEM;
        v->xen->vinfo = &d->xen->shinfo->vcpu_info[i];
        timer_init(&v->xen->singleshot, singleshot_fired, v, "xen-singleshot");
        xen_poll_init(v);
        xen_vcpu_info_changed(v);
    }
    return 0;
}

static void console_notified(void *opaque, struct evtchn_domain *ed, unsigned int port)
{
    (void)ed, (void)port;
    xen_console_ring_poll(opaque);
}

/* The PV console ring and a port whose other end is Mica itself. */
int xen_console_attach(struct domain *d, void *ring, uint64_t pfn)
{
    struct xen_domain *x = d->xen;
    uint32_t port;
    int rc = evtchn_alloc_xen_port(&x->evtchn, console_notified, d, &port);

    if (rc)
        return rc;
    x->console_ring = ring;
    x->console_gpfn = pfn;
    x->console_port = port;
    x->params[HVM_PARAM_CONSOLE_PFN] = pfn;
    x->params[HVM_PARAM_CONSOLE_EVTCHN] = port;
    return 0;
}

/* HVM/PVH: the ring is a page of Mica's outside RAM (HVM_PARAM_CONSOLE_PFN
 * / _EVTCHN); a PV domain's builder attaches one in its RAM instead. */
static int xen_console_init(struct domain *d)
{
    void *ring;
    int rc;

    if (d->type == DOMAIN_PV)
        return 0;
    ring = alloc_page_zeroed();
    if (!ring)
        return -ENOMEM;
    rc = p2m_map_page(&d->p2m, CONSOLE_GPFN << PAGE_SHIFT, __pa(ring));
    if (!rc)
        rc = xen_console_attach(d, ring, CONSOLE_GPFN);
    if (rc) {
        free_page(ring);
        return rc;
    }
    d->xen->console_ring_owned = true;
    return 0;
}

int xen_domain_init(struct domain *d)
{
    struct xen_domain *x = xzalloc(sizeof(*x));
    struct evtchn_domain_config cfg;
    int rc;

    if (!x)
        return -ENOMEM;
    d->xen = x;
    spin_lock_init(&x->lock);
    spin_lock_init(&x->con_lock);
    x->shinfo = alloc_page_zeroed();
    if (!x->shinfo)
        return -ENOMEM;
    x->shinfo_gpfn = ~0ULL;
    cfg = (struct evtchn_domain_config){
        .domid = (uint16_t)d->id, .nr_ports = XEN_NR_PORTS, .nr_vcpus = d->nr_vcpus,
        .chan = x->chan, .vcpu = x->evcpu,
        .shared = { x->shinfo->evtchn_pending, x->shinfo->evtchn_mask },
        .ops = &evtchn_glue, .kick = evtchn_kick, .port_pending = evtchn_port_pending,
        .opaque = d,
    };
    rc = evtchn_domain_init(&x->evtchn, &cfg);
    if (!rc)
        rc = xen_vcpus_init(d);
    if (!rc)
        rc = xen_console_init(d);
    if (!rc)
        rc = xen_gnttab_init(d);
    xen_update_wallclock(d);
    return rc;
}

void xen_domain_destroy(struct domain *d)
{
    struct xen_domain *x = d->xen;

    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        if (d->vcpu[i] && d->vcpu[i]->xen) {
            timer_stop(&d->vcpu[i]->xen->singleshot);
            xen_poll_destroy(d->vcpu[i]);
            xfree(d->vcpu[i]->xen);
            d->vcpu[i]->xen = NULL;
        }
    }
    if (x->evtchn.chan)
        evtchn_domain_destroy(&x->evtchn);
    xen_console_flush(d);
    if (x->console_ring_owned)
        free_page(x->console_ring);
    xen_gnttab_destroy(d);
    if (x->shinfo)
        free_page(x->shinfo);
    xfree(x);
    d->xen = NULL;
}

int xen_pending_upcall(struct vcpu *v)
{
    struct xen_domain *x = v->domain->xen;

    if (!x || !x->callback_vector || !v->xen)
        return -1;
    return __atomic_load_n(&v->xen->vinfo->evtchn_upcall_pending, __ATOMIC_ACQUIRE)
               ? x->callback_vector : -1;
}

bool xen_vcpu_has_events(struct vcpu *v)
{
    return v->xen && __atomic_load_n(&v->xen->vinfo->evtchn_upcall_pending,
                                      __ATOMIC_ACQUIRE);
}

void xen_send_virq(struct vcpu *v, unsigned int virq)
{
    /* Nothing bound to the VIRQ is not an error: the event is dropped. */
    if (evtchn_send_virq(&v->domain->xen->evtchn, virq, v->id))
        return;
}
