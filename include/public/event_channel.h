/* SPDX-License-Identifier: MIT */
/* event_channel_op(cmd, arg) (hypercall 32): binding, sending, unmasking ports. */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H

#include <public/xen-types.h>

/* A port number; 0 is never allocated (guests treat it as "none"). */
typedef uint32_t evtchn_port_t;

#define EVTCHNOP_bind_interdomain 0 /* struct evtchn_bind_interdomain */
#define EVTCHNOP_bind_virq 1        /* struct evtchn_bind_virq */
#define EVTCHNOP_bind_pirq 2        /* struct evtchn_bind_pirq */
#define EVTCHNOP_close 3            /* struct evtchn_close */
#define EVTCHNOP_send 4             /* struct evtchn_send */
#define EVTCHNOP_status 5           /* struct evtchn_status */
#define EVTCHNOP_alloc_unbound 6    /* struct evtchn_alloc_unbound */
#define EVTCHNOP_bind_ipi 7         /* struct evtchn_bind_ipi */
#define EVTCHNOP_bind_vcpu 8        /* struct evtchn_bind_vcpu */
#define EVTCHNOP_unmask 9           /* struct evtchn_unmask */
#define EVTCHNOP_reset 10           /* struct evtchn_reset */
#define EVTCHNOP_init_control 11    /* struct evtchn_init_control (FIFO ABI) */
#define EVTCHNOP_expand_array 12    /* struct evtchn_expand_array (FIFO ABI) */
#define EVTCHNOP_set_priority 13    /* struct evtchn_set_priority (FIFO ABI) */

/* Allocate a port in dom that remote_dom may later bind to. */
struct evtchn_alloc_unbound {
    domid_t dom;        /* IN: DOMID_SELF unless privileged */
    domid_t remote_dom; /* IN: who may connect */
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_alloc_unbound, 8);
XEN_ABI_OFFSET(struct evtchn_alloc_unbound, port, 4);

/* Connect a new local port to remote_dom's unbound remote_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;         /* IN */
    uint16_t pad0;
    evtchn_port_t remote_port;  /* IN */
    evtchn_port_t local_port;   /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_interdomain, 12);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, remote_port, 4);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, local_port, 8);

/* Bind a VIRQ_* to a new port delivered to vcpu. -EEXIST if already bound. */
struct evtchn_bind_virq {
    uint32_t virq;      /* IN: VIRQ_* */
    uint32_t vcpu;      /* IN: per-vCPU VIRQs: that vCPU; global: 0 */
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_virq, 12);
XEN_ABI_OFFSET(struct evtchn_bind_virq, port, 8);

/* Bind a physical IRQ (privileged / PIRQ-capable domains). */
#define BIND_PIRQ__WILL_SHARE 1 /* the guest tolerates sharing the line */
struct evtchn_bind_pirq {
    uint32_t pirq;      /* IN */
    uint32_t flags;     /* IN: BIND_PIRQ__* */
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_pirq, 12);

/* A port for inter-vCPU notifications within the domain, delivered to vcpu. */
struct evtchn_bind_ipi {
    uint32_t vcpu;      /* IN */
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_ipi, 8);

/* close, send and unmask take just a port. */
struct evtchn_close {
    evtchn_port_t port; /* IN: port to free (its peer becomes unbound) */
};
XEN_ABI_SIZE(struct evtchn_close, 4);

struct evtchn_send {
    evtchn_port_t port; /* IN: raise the event on the other end */
};
XEN_ABI_SIZE(struct evtchn_send, 4);

struct evtchn_unmask {
    evtchn_port_t port; /* IN: clear the mask; redeliver if pending */
};
XEN_ABI_SIZE(struct evtchn_unmask, 4);

/* evtchn_status.status */
#define EVTCHNSTAT_closed 0      /* port not in use */
#define EVTCHNSTAT_unbound 1     /* waiting for an interdomain connection */
#define EVTCHNSTAT_interdomain 2 /* connected to a remote domain */
#define EVTCHNSTAT_pirq 3        /* bound to a physical IRQ */
#define EVTCHNSTAT_virq 4        /* bound to a VIRQ */
#define EVTCHNSTAT_ipi 5         /* bound as an IPI */

/* Query a port's binding. */
struct evtchn_status {
    domid_t dom;        /* IN: DOMID_SELF unless privileged */
    uint16_t pad0;
    evtchn_port_t port; /* IN */
    uint32_t status;    /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;      /* OUT: vCPU notified */
    union {
        struct {
            domid_t dom;        /* remote domain allowed to bind */
        } unbound;
        struct {
            domid_t dom;        /* remote domain */
            uint16_t pad0;
            evtchn_port_t port; /* remote port */
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u; /* OUT: depends on status */
};
XEN_ABI_SIZE(struct evtchn_status, 24);
XEN_ABI_OFFSET(struct evtchn_status, port, 4);
XEN_ABI_OFFSET(struct evtchn_status, status, 8);
XEN_ABI_OFFSET(struct evtchn_status, vcpu, 12);
XEN_ABI_OFFSET(struct evtchn_status, u, 16);
XEN_ABI_OFFSET(struct evtchn_status, u.interdomain.port, 20);

/* Deliver port to another vCPU from now on. */
struct evtchn_bind_vcpu {
    evtchn_port_t port; /* IN */
    uint32_t vcpu;      /* IN */
};
XEN_ABI_SIZE(struct evtchn_bind_vcpu, 8);

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom; /* IN */
};
XEN_ABI_SIZE(struct evtchn_reset, 2);

/*
 * Switch to the FIFO ABI and register vcpu's control block (at offset in
 * frame control_gfn). Returning -ENOSYS keeps guests on the 2-level ABI.
 */
struct evtchn_init_control {
    uint64_t control_gfn; /* IN */
    uint32_t offset;      /* IN: byte offset of the control block in that frame */
    uint32_t vcpu;        /* IN */
    uint8_t link_bits;    /* OUT: EVTCHN_FIFO_LINK_BITS */
    uint8_t pad0[7];
};
XEN_ABI_SIZE(struct evtchn_init_control, 24);
XEN_ABI_OFFSET(struct evtchn_init_control, link_bits, 16);

/* FIFO ABI: add one more page of event words. */
struct evtchn_expand_array {
    uint64_t array_gfn; /* IN */
};
XEN_ABI_SIZE(struct evtchn_expand_array, 8);

/* FIFO ABI: queue priority of a port (guests ignore failure). */
struct evtchn_set_priority {
    evtchn_port_t port; /* IN */
    uint32_t priority;  /* IN: EVTCHN_FIFO_PRIORITY_MAX..MIN */
};
XEN_ABI_SIZE(struct evtchn_set_priority, 8);

/* 2-level ABI (shared_info bitmaps): 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS 4096

/* FIFO ABI constants. */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

#endif /* PUBLIC_EVENT_CHANNEL_H */
