/* SPDX-License-Identifier: MIT */
/* Per-domain and per-vCPU state of Xen-ABI guests (hv/xen/). */
#ifndef HV_XEN_H
#define HV_XEN_H

#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/hcstats.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include <public/xen.h>

/* The Xen version Mica presents (CPUID and XENVER_version agree). */
#define MICA_XEN_MAJOR 4
#define MICA_XEN_MINOR 17

#define XEN_NR_HVM_PARAMS 39
#define XEN_NR_PORTS 1024 /* per domain; Linux uses a few dozen */
#define XEN_GNTTAB_MAX_FRAMES 64 /* Xen's default max_grant_frames */
#define XEN_POLL_MAX_PORTS 128   /* SCHEDOP_poll: Xen's limit per call */

/*
 * SCHEDOP_poll state of a vCPU (hv/xen/poll.c). The vCPU writes ports[]
 * and then nr (release); a port turning pending (masked or not) reads nr
 * (acquire) and then ports[] to decide whether to kick it.
 */
struct xen_poll {
    uint32_t nr;                         /* 0: not polling */
    uint32_t ports[XEN_POLL_MAX_PORTS];
    uint64_t deadline_ns;                /* host time; 0: no timeout */
    struct timer timeout;
};

struct xen_vcpu {
    struct vcpu_info *vinfo;     /* active vcpu_info in hypervisor view;
                                  * see struct xen_domain's Locking */
    uint64_t vinfo_gpa;          /* registered location, 0 = legacy slot */
    uint64_t runstate_gva;       /* registered runstate area, 0 = none */
    uint64_t time_gva;           /* registered secondary time area, 0 = none */
    struct timer singleshot;     /* VCPUOP_set_singleshot_timer / set_timer_op */
    bool blocked;                /* SCHEDOP_block/poll: wait for an event */
    struct xen_poll poll;
    struct hcstats stats;        /* counted by this vCPU only (hcstats.c) */
};

/*
 * Grant table v1 (hv/xen/gnttab.c): frames of struct grant_entry_v1 the
 * guest writes and Mica will read. Locking: lock guards all fields; frames
 * are only added (v1 never shrinks) and freed with the domain.
 */
struct xen_gnttab {
    spinlock_t lock;
    unsigned int nr_frames;                /* frame[0..nr_frames) allocated */
    void *frame[XEN_GNTTAB_MAX_FRAMES];    /* hypervisor-owned, direct-mapped */
    uint64_t gpfn[XEN_GNTTAB_MAX_FRAMES];  /* last add_to_physmap target; ~0 = none */
};

/*
 * Locking: lock protects params, the shared-info mapping, the console
 * ring bookkeeping and each vCPU's vcpu_info registration (vinfo is
 * written under it and read without it: the pointer is stored atomically).
 * Event channel state has its own locks (hv/evtchn.h), taken inside it.
 */
struct xen_domain {
    spinlock_t lock;
    struct shared_info *shinfo;  /* hypervisor-owned page, direct-mapped */
    uint64_t shinfo_gpfn;        /* where the guest mapped it; ~0 = unmapped */
    uint64_t params[XEN_NR_HVM_PARAMS];
    uint8_t callback_vector;     /* HVM_PARAM_CALLBACK_IRQ type 2; 0 = none */
    struct evtchn_domain evtchn;
    struct evtchn_channel chan[XEN_NR_PORTS];
    struct evtchn_vcpu evcpu[MAX_VCPUS];
    void *console_ring;          /* struct xencons_interface, guest RAM */
    uint64_t console_gpfn;
    unsigned int console_port;
    bool console_ring_owned;     /* the ring is Mica's page (HVM), not RAM (PV) */
    spinlock_t con_lock;         /* PV: con_line, con_len */
    char con_line[160];          /* PV: output waiting for its newline */
    unsigned int con_len;
    struct xen_gnttab gnttab;
};

/* A domid argument of a hypercall may only name the caller (DOMID_SELF or
 * its own id): Mica has no privileged domain. 0, -EPERM for another
 * domain (Xen's XSM check fails), -ESRCH for no such domain. */
int xen_domid_check(const struct vcpu *v, uint16_t domid);
int __must_check xen_domain_init(struct domain *d);
void xen_domain_destroy(struct domain *d);
/* Guest system time (ns since the domain was created), as in pvclock. */
uint64_t xen_system_time(const struct domain *d);
/* The runstate area (hv/xen/runstate.c). */
long xen_runstate_write(struct vcpu *via, struct vcpu *v);
void xen_runstate_update(struct vcpu *v);
/* Refresh v's vcpu_time_info (version protocol). */
void xen_update_vcpu_time(struct vcpu *v);
void xen_update_wallclock(struct domain *d);
/* The vcpu_info of v moved (registration or shared_info mapped). */
void xen_vcpu_info_changed(struct vcpu *v);
/* Event upcall to deliver now? (vector, or -1). Clears nothing. */
int xen_pending_upcall(struct vcpu *v);
/* Should a halted/blocked vCPU wake for events? */
/* The 'v' debug key's line for a vCPU's Xen wait state (hv/xen/xen_dump.c). */
void xen_vcpu_dump(const struct vcpu *v);
bool xen_vcpu_has_events(struct vcpu *v);
/* SCHEDOP_poll (hv/xen/poll.c): start polling (0 with the vCPU blocked,
 * or 0 at once when a port is already pending); end a block or poll that
 * has a reason to (true if it did); the evtchn hook for a port turning
 * pending; timer set-up and teardown. */
long xen_poll_start(struct vcpu *v, const uint32_t *ports, uint32_t nr, uint64_t timeout);
bool xen_vcpu_unblock(struct vcpu *v);
void xen_poll_port_pending(struct domain *d, unsigned int port);
void xen_poll_init(struct vcpu *v);
void xen_poll_destroy(struct vcpu *v);
/* Raise a VIRQ on a vCPU (e.g. VIRQ_TIMER). */
void xen_send_virq(struct vcpu *v, unsigned int virq);
/* Console output from console_io / the ring: buffered into (dN) lines. */
void xen_console_out(struct domain *d, const char *buf, size_t len);
/* Arm v's single-shot timer at a guest system time (ns). */
long xen_set_singleshot(struct vcpu *v, uint64_t deadline_ns, bool future_only);
/* A partial PV console line, printed when the domain goes away. */
void xen_console_flush(struct domain *d);
/* The PV console ring at `ring` (a page of the domain's RAM at pfn), its
 * event channel allocated: for the PV domain builder. */
int __must_check xen_console_attach(struct domain *d, void *ring, uint64_t pfn);
/* Typed input into the PV console ring; false if the domain has none. */
bool xen_console_input(struct domain *d, uint8_t c);
/* Drain the PV console ring (the guest notified its console port). */
void xen_console_ring_poll(struct domain *d);
/* Grant table: frame 0 at creation; all frames freed at destruction. */
int __must_check xen_gnttab_init(struct domain *d);
void xen_gnttab_destroy(struct domain *d);
/* XENMAPSPACE_grant_table: map frame idx (grown on demand) at gpfn. */
int __must_check xen_gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpfn);

#endif /* HV_XEN_H */
