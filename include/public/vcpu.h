/* SPDX-License-Identifier: MIT */
/* vcpu_op(cmd, vcpuid, arg) (hypercall 24): vCPU bring-up, timers, shared areas. */
#ifndef PUBLIC_VCPU_H
#define PUBLIC_VCPU_H

#include <public/xen-types.h>
#include <public/xen.h>

#define VCPUOP_initialise 0                      /* PV: struct vcpu_guest_context */
#define VCPUOP_up 1                              /* arg NULL: start an initialised vCPU */
#define VCPUOP_down 2                            /* arg NULL: stop it */
#define VCPUOP_is_up 3                           /* arg NULL: 1 up, 0 down, -ENOENT */
#define VCPUOP_get_runstate_info 4               /* struct vcpu_runstate_info (OUT) */
#define VCPUOP_register_runstate_memory_area 5   /* struct vcpu_register_runstate_... */
#define VCPUOP_set_periodic_timer 6              /* struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer 7             /* arg NULL */
#define VCPUOP_set_singleshot_timer 8            /* struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9           /* arg NULL */
#define VCPUOP_register_vcpu_info 10             /* struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi 11                       /* arg NULL */
#define VCPUOP_get_physid 12                     /* struct vcpu_get_physid (dom0) */
#define VCPUOP_register_vcpu_time_memory_area 13 /* struct vcpu_register_time_... */
#define VCPUOP_register_runstate_phys_area 14    /* as 5, addr is guest-physical */
#define VCPUOP_register_vcpu_time_phys_area 15   /* as 13, addr is guest-physical */

/* Runstates; time[] is indexed by them. */
#define RUNSTATE_running 0  /* on a pCPU */
#define RUNSTATE_runnable 1 /* wants a pCPU */
#define RUNSTATE_blocked 2  /* waiting for an event */
#define RUNSTATE_offline 3  /* down, or paused by the toolstack */

/* state_entry_time bit set while [hv] rewrites the guest's copy (VMASST). */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

/* Where and how long a vCPU has been; [hv] writes the registered copy. */
struct vcpu_runstate_info {
    int32_t state;             /* RUNSTATE_* */
    uint32_t pad0;
    uint64_t state_entry_time; /* system time (ns) the state was entered */
    uint64_t time[4];          /* ns spent in each RUNSTATE_*; sums to system time */
};
XEN_ABI_SIZE(struct vcpu_runstate_info, 48);
XEN_ABI_OFFSET(struct vcpu_runstate_info, state_entry_time, 8);
XEN_ABI_OFFSET(struct vcpu_runstate_info, time, 16);

/*
 * Keep a vcpu_runstate_info at a guest address updated. Xen declares the
 * field as a union (handle / pointer / u64); all are this one u64.
 */
struct vcpu_register_runstate_memory_area {
    XEN_GUEST_HANDLE(struct vcpu_runstate_info) addr; /* IN: guest VA (also for HVM) */
};
XEN_ABI_SIZE(struct vcpu_register_runstate_memory_area, 8);

struct vcpu_set_periodic_timer {
    uint64_t period_ns; /* IN: VIRQ_TIMER every period_ns */
};
XEN_ABI_SIZE(struct vcpu_set_periodic_timer, 8);

/* Fire VIRQ_TIMER once at timeout_abs_ns. */
#define VCPU_SSHOTTMR_future (1U << 0) /* -ETIME if already past (may be ignored) */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* IN: absolute system time */
    uint32_t flags;          /* IN: VCPU_SSHOTTMR_* */
    uint32_t pad0;
};
XEN_ABI_SIZE(struct vcpu_set_singleshot_timer, 16);
XEN_ABI_OFFSET(struct vcpu_set_singleshot_timer, flags, 8);

/*
 * Move this vCPU's struct vcpu_info to frame mfn (a gfn for HVM/PVH) at
 * offset; once per vCPU, must not cross a page. The current contents are
 * copied over and an upcall is made pending.
 */
struct vcpu_register_vcpu_info {
    uint64_t mfn;    /* IN: frame holding the vcpu_info */
    uint32_t offset; /* IN: byte offset within it */
    uint32_t rsvd;   /* IN: zero */
};
XEN_ABI_SIZE(struct vcpu_register_vcpu_info, 16);
XEN_ABI_OFFSET(struct vcpu_register_vcpu_info, offset, 8);

/* Physical APIC id (bits 31:0) and ACPI id (bits 63:32) of a pCPU. */
struct vcpu_get_physid {
    uint64_t phys_id; /* OUT */
};
XEN_ABI_SIZE(struct vcpu_get_physid, 8);

/* Keep a second copy of vcpu_info.time at a guest address (vDSO use). */
struct vcpu_register_time_memory_area {
    XEN_GUEST_HANDLE(struct vcpu_time_info) addr; /* IN: guest VA (also for HVM) */
};
XEN_ABI_SIZE(struct vcpu_register_time_memory_area, 8);

#endif /* PUBLIC_VCPU_H */
