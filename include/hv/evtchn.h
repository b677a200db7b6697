/* SPDX-License-Identifier: MIT */
/* Xen-compatible event channels, 2-level ABI: per-domain port table and delivery.
 *
 * A port is one end of a notification channel. The guest sees its ports
 * through two bitmaps in its shared_info page (pending, mask: 64 words of
 * 64 bits each, port p is bit p%64 of word p/64) and, per vCPU, through
 * vcpu_info (evtchn_pending_sel: bit k says word k may hold pending
 * unmasked ports; evtchn_upcall_pending: an upcall is due). This module
 * owns the port table and writes those shared words; the hypervisor
 * supplies the guest mappings (views) and a kick callback that makes the
 * vCPU take the upcall (inject the callback vector, wake it from HLT).
 *
 * Guest-facing functions follow the EVTCHNOP_* semantics and error codes of
 * xen/common/event_channel.c (master c447b7308b13) so that unmodified Xen
 * guests behave as on Xen; the caller (do_event_channel_op) copies the
 * argument structs and passes the fields here. ABI constants come from
 * include/public/ (DOMID_*, EVTCHNSTAT_*, VIRQ_*).
 *
 * Storage (port table, per-vCPU state) is supplied by the caller so the
 * domain can size it (up to EVTCHN_2L_NR_PORTS ports) from the heap.
 */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include <hv/spinlock.h>
#include <hv/types.h>
#include <public/event_channel.h>
#include <public/xen.h>

/* 2-level ABI on 64-bit guests: 64 selector bits x 64 port bits. */
#define EVTCHN_2L_WORD_BITS 64
#define EVTCHN_2L_WORDS 64
#define EVTCHN_2L_NR_PORTS (EVTCHN_2L_WORDS * EVTCHN_2L_WORD_BITS) /* 4096 */
/* vCPUs a domain may have here (Xen's HVM limit). */
#define EVTCHN_MAX_VCPUS 128

/* Domain ids (DOMID_*), EVTCHNOP_status results (EVTCHNSTAT_*) and the
 * virtual IRQ numbers (VIRQ_*, NR_VIRQS) are those of include/public/. */

struct evtchn_domain;

/* The domain's bitmaps inside its shared_info page (evtchn_pending[64],
 * evtchn_mask[64]). Guest memory: read and written with atomics only. */
struct evtchn_2l_view {
    volatile uint64_t *pending;
    volatile uint64_t *mask;
};

/* One vCPU's vcpu_info fields (evtchn_upcall_pending, evtchn_pending_sel). */
struct evtchn_vcpu_view {
    volatile uint8_t *upcall_pending;
    volatile uint64_t *pending_sel;
};

/* Hypervisor-side consumer of a Xen-backed port: called when the guest
 * sends on it, with no evtchn lock held (it may call evtchn_raise_xen_port). */
typedef void (*evtchn_xen_fn)(void *opaque, struct evtchn_domain *d,
                              unsigned int port);

/* How channels find other domains; shared by all domains. */
struct evtchn_ops {
    /* The domain with this id, with a reference held, or NULL. */
    struct evtchn_domain *(*lookup)(void *ctx, uint16_t domid);
    /* Take another reference on a domain known to be alive. */
    void (*hold)(void *ctx, struct evtchn_domain *d);
    /* Drop a reference taken by lookup or hold. */
    void (*put)(void *ctx, struct evtchn_domain *d);
    void *ctx;
};

enum evtchn_state {
    EVTCHN_FREE,
    EVTCHN_RESERVED,    /* port 0: never allocated */
    EVTCHN_UNBOUND,     /* waiting for remote_domid to bind to it */
    EVTCHN_INTERDOMAIN, /* connected to (remote, remote_port) */
    EVTCHN_VIRQ,
    EVTCHN_IPI,
    EVTCHN_XEN,         /* the other end is the hypervisor (PV console...) */
};

struct evtchn_channel {
    uint8_t state;          /* enum evtchn_state */
    uint8_t virq;           /* EVTCHN_VIRQ */
    uint16_t notify_vcpu;   /* written under the domain lock, read atomically */
    uint16_t remote_domid;  /* EVTCHN_UNBOUND */
    uint16_t remote_port;   /* EVTCHN_INTERDOMAIN */
    union {
        struct evtchn_domain *remote;   /* EVTCHN_INTERDOMAIN */
        void *xen_opaque;               /* EVTCHN_XEN */
    };
    evtchn_xen_fn xen_fn;               /* EVTCHN_XEN */
};

struct evtchn_vcpu {
    struct evtchn_vcpu_view view;        /* NULL fields until registered */
    uint16_t virq_to_port[NR_VIRQS]; /* 0 = not bound */
};

struct evtchn_domain {
    uint16_t domid;
    bool privileged;          /* control domain: may act on other domains */
    bool global_virqs;        /* receives global VIRQs (the hardware domain) */
    bool dying;               /* destroy started: no new ports */
    unsigned int nr_ports;
    unsigned int nr_vcpus;
    struct evtchn_channel *chan;   /* [nr_ports] */
    struct evtchn_vcpu *vcpu;      /* [nr_vcpus] */
    struct evtchn_2l_view shared;
    const struct evtchn_ops *ops;
    /* Make vCPU take its upcall: evtchn_upcall_pending went 0 -> 1, or a
     * vcpu_info registration replayed pending events. */
    void (*kick)(void *opaque, unsigned int vcpu);
    /* Optional: a port became pending (masked or not), for SCHEDOP_poll. */
    void (*port_pending)(void *opaque, unsigned int port);
    void *opaque;
    spinlock_t lock;          /* port table, virq maps, dying */
    spinlock_t deliver_lock;  /* vCPU views; leaf lock */
};

struct evtchn_domain_config {
    uint16_t domid;
    bool privileged;
    bool global_virqs;
    unsigned int nr_ports;         /* 2 .. EVTCHN_2L_NR_PORTS */
    unsigned int nr_vcpus;         /* 1 .. EVTCHN_MAX_VCPUS */
    struct evtchn_channel *chan;   /* storage for nr_ports entries */
    struct evtchn_vcpu *vcpu;      /* storage for nr_vcpus entries */
    struct evtchn_2l_view shared;  /* must be mapped */
    const struct evtchn_ops *ops;
    void (*kick)(void *opaque, unsigned int vcpu);
    void (*port_pending)(void *opaque, unsigned int port);
    void *opaque;
};

/* What EVTCHNOP_status reports; `dom`/`port`/`virq` per status. */
struct evtchn_status_info {
    uint32_t status;   /* EVTCHNSTAT_* */
    uint32_t vcpu;     /* notify vCPU */
    uint16_t dom;      /* UNBOUND: allowed remote; INTERDOMAIN: remote */
    uint32_t port;     /* INTERDOMAIN: remote port */
    uint32_t virq;     /* VIRQ */
};

/* ---- lifecycle (hypervisor) ---- */

/* Set up a domain's table from cfg; storage is zeroed here. -EINVAL for a
 * bad config. */
int __must_check evtchn_domain_init(struct evtchn_domain *d,
                                    const struct evtchn_domain_config *cfg);
/* Close every port (remote ends of interdomain channels become unbound to
 * this domain, as in Xen) and refuse new ones. Call before unmapping the
 * shared_info page and before lookup stops finding the domain. */
void evtchn_domain_destroy(struct evtchn_domain *d);
/* Point vCPU at its vcpu_info (view NULL or fields NULL: unregister). Ports
 * that became pending meanwhile are replayed into the selector, and an
 * upcall is raised if any word has pending unmasked ports. */
int __must_check evtchn_vcpu_views_set(struct evtchn_domain *d,
                                       unsigned int vcpu,
                                       const struct evtchn_vcpu_view *view);

/* ---- EVTCHNOP_* (caller = the domain issuing the hypercall) ---- */

int __must_check evtchn_alloc_unbound(struct evtchn_domain *caller,
                                      uint16_t dom, uint16_t remote_dom,
                                      uint32_t *port);
int __must_check evtchn_bind_interdomain(struct evtchn_domain *caller,
                                         uint16_t remote_dom,
                                         uint32_t remote_port,
                                         uint32_t *local_port);
int __must_check evtchn_bind_virq(struct evtchn_domain *d, uint32_t virq,
                                  uint32_t vcpu, uint32_t *port);
int __must_check evtchn_bind_ipi(struct evtchn_domain *d, uint32_t vcpu,
                                 uint32_t *port);
int __must_check evtchn_close(struct evtchn_domain *d, uint32_t port);
int __must_check evtchn_send(struct evtchn_domain *d, uint32_t port);
int __must_check evtchn_status(struct evtchn_domain *caller, uint16_t dom,
                               uint32_t port, struct evtchn_status_info *out);
int __must_check evtchn_bind_vcpu(struct evtchn_domain *d, uint32_t port,
                                  uint32_t vcpu);
int __must_check evtchn_unmask(struct evtchn_domain *d, uint32_t port);

/* ---- hypervisor-side sources and backends ---- */

/* Raise VIRQ on vCPU (per-vCPU virqs) or on the bound port's notify vCPU
 * (others: vcpu must be 0). 0 also when nothing is bound. Not from
 * interrupt context (takes the domain lock). */
int __must_check evtchn_send_virq(struct evtchn_domain *d, unsigned int virq,
                                  unsigned int vcpu);
/* Allocate a port whose peer is the hypervisor: guest sends call fn. The
 * guest cannot close it; it reads as interdomain to DOMID_XEN port 0. */
int __must_check evtchn_alloc_xen_port(struct evtchn_domain *d,
                                       evtchn_xen_fn fn, void *opaque,
                                       uint32_t *port);
/* Notify the guest on a Xen-backed port. */
int __must_check evtchn_raise_xen_port(struct evtchn_domain *d, uint32_t port);
/* Close a Xen-backed port (backend teardown). */
int __must_check evtchn_free_xen_port(struct evtchn_domain *d, uint32_t port);
/* Whether port is pending in the shared bitmap (SCHEDOP_poll). */
bool evtchn_port_is_pending(const struct evtchn_domain *d, uint32_t port);

#endif /* HV_EVTCHN_H */
