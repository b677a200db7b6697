/* SPDX-License-Identifier: MIT */
/* sched_op(cmd, arg) (hypercall 29): yield, block, shutdown, poll. */
#ifndef PUBLIC_SCHED_H
#define PUBLIC_SCHED_H

#include <public/xen-types.h>
#include <public/event_channel.h>

#define SCHEDOP_yield 0           /* arg NULL: give up the pCPU, stay runnable */
#define SCHEDOP_block 1           /* arg NULL: clear upcall mask, sleep until an event */
#define SCHEDOP_shutdown 2        /* struct sched_shutdown; does not return */
#define SCHEDOP_poll 3            /* struct sched_poll */
#define SCHEDOP_remote_shutdown 4 /* struct sched_remote_shutdown (privileged) */
#define SCHEDOP_shutdown_code 5   /* struct sched_shutdown: record reason only */
#define SCHEDOP_watchdog 6        /* struct sched_watchdog */
#define SCHEDOP_pin_override 7    /* struct sched_pin_override (dom0) */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff 0   /* exited normally: destroy */
#define SHUTDOWN_reboot 1     /* destroy and restart */
#define SHUTDOWN_suspend 2    /* save state (3rd arg = start_info MFN) */
#define SHUTDOWN_crash 3      /* the guest crashed */
#define SHUTDOWN_watchdog 4   /* watchdog expired: restart */
#define SHUTDOWN_soft_reset 5 /* reset the domain in place (kexec) */
#define SHUTDOWN_MAX 5

struct sched_shutdown {
    uint32_t reason; /* IN: SHUTDOWN_* */
};
XEN_ABI_SIZE(struct sched_shutdown, 4);

/* Block until one of ports is pending or timeout passes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports; /* IN: evtchn_port_t[nr_ports] */
    uint32_t nr_ports;                     /* IN */
    uint32_t pad0;
    uint64_t timeout; /* IN: absolute system time ns, 0 = none */
};
XEN_ABI_SIZE(struct sched_poll, 24);
XEN_ABI_OFFSET(struct sched_poll, nr_ports, 8);
XEN_ABI_OFFSET(struct sched_poll, timeout, 16);

struct sched_remote_shutdown {
    domid_t domain_id; /* IN: domain to shut down */
    uint16_t pad0;
    uint32_t reason;   /* IN: SHUTDOWN_* */
};
XEN_ABI_SIZE(struct sched_remote_shutdown, 8);
XEN_ABI_OFFSET(struct sched_remote_shutdown, reason, 4);

/*
 * id 0 + timeout: create a watchdog, returns its id; id + timeout: pet it;
 * id + timeout 0: destroy it. Expiry shuts the domain down (watchdog).
 */
struct sched_watchdog {
    uint32_t id;      /* IN */
    uint32_t timeout; /* IN: seconds */
};
XEN_ABI_SIZE(struct sched_watchdog, 8);

struct sched_pin_override {
    int32_t pcpu; /* IN: pCPU to stay on; negative drops the override */
};
XEN_ABI_SIZE(struct sched_pin_override, 4);

#endif /* PUBLIC_SCHED_H */
