/* SPDX-License-Identifier: MIT */
/* The slice of the Xen guest ABI (x86-64, PVH) the PVH test guests use. */
#ifndef PVH_XEN_ABI_H
#define PVH_XEN_ABI_H

/*
 * Kept private to the test guests on purpose: they check Mica against the
 * ABI as written down in /work/shared/docs/xen-abi.md (numbers from Xen's
 * public headers), independently of Mica's own include/public/. Layouts are
 * the 64-bit ones; every structure that crosses the hypercall boundary has
 * its size (and the offsets that matter) asserted below.
 */

#include <stddef.h>
#include <stdint.h>

/* ELF notes (public/elfnote.h), name "Xen". Plain numbers: notes.c
 * stringifies them into assembler directives. */
#define XEN_ELFNOTE_XEN_VERSION 5
#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Hypercall numbers (public/xen.h). */
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_hvm_op 34

/* Errno values (public/errno.h); hypercalls return them negated. */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_ENXIO 6
#define XEN_E2BIG 7
#define XEN_EAGAIN 11
#define XEN_ENOMEM 12
#define XEN_EACCES 13
#define XEN_EFAULT 14
#define XEN_EBUSY 16
#define XEN_EEXIST 17
#define XEN_ENODEV 19
#define XEN_EINVAL 22
#define XEN_ENOSPC 28
#define XEN_ERANGE 34
#define XEN_ENOSYS 38
#define XEN_ETIME 62
#define XEN_EOPNOTSUPP 95

/* Domain ids (public/xen.h). */
#define DOMID_SELF 0x7ff0
#define DOMID_INVALID 0x7ff4

/* CPUID hypervisor leaves (public/arch-x86/cpuid.h). */
#define XEN_CPUID_SIGNATURE "XenVMMXenVMM"
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1U << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT (1U << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS (1U << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1U << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT (1U << 4)
#define XEN_HVM_CPUID_UPCALL_VECTOR (1U << 6)

/* xen_version (public/version.h, public/features.h). */
#define XENVER_version 0
#define XENVER_extraversion 1
#define XENVER_get_features 6
#define XENVER_pagesize 7
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_hvm_callback_vector 8
#define XENFEAT_hvm_safe_pvclock 9

struct xen_feature_info {
    uint32_t submap_idx; /* IN: only 0 exists */
    uint32_t submap;     /* OUT: XENFEAT_* bits 0..31 */
};

/* console_io (public/xen.h). */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* sched_op (public/sched.h). */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
#define SCHEDOP_remote_shutdown 4
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_crash 3

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};

struct sched_poll {
    uint64_t ports;    /* guest VA of an evtchn_port_t array */
    uint32_t nr_ports; /* Xen: at most 128 */
    uint64_t timeout;  /* absolute system time (ns); 0: none */
};

struct sched_remote_shutdown {
    uint16_t domain_id;
    uint32_t reason;
};

/* vcpu_op (public/vcpu.h). */
#define VCPUOP_is_up 3
#define VCPUOP_send_nmi 11
#define VCPUOP_get_runstate_info 4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer 6
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
#define VCPUOP_register_vcpu_info 10
#define VCPU_SSHOTTMR_future (1U << 0)
#define RUNSTATE_running 0
#define RUNSTATE_runnable 1 /* waiting for a pCPU */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

struct vcpu_runstate_info {
    int32_t state;             /* RUNSTATE_* */
    uint64_t state_entry_time; /* system time of the last change */
    uint64_t time[4];          /* ns spent in each state */
};

struct vcpu_register_runstate_memory_area {
    uint64_t addr; /* guest VA of a struct vcpu_runstate_info */
};

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* system time */
    uint32_t flags;          /* VCPU_SSHOTTMR_* */
};

struct vcpu_register_vcpu_info {
    uint64_t mfn;    /* guest frame (gfn for PVH) */
    uint32_t offset; /* of the vcpu_info in that frame */
    uint32_t rsvd;
};

/* event_channel_op (public/event_channel.h). */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHN_2L_NR_CHANNELS 4096 /* 64 words of 64 bits */
#define VIRQ_TIMER 0
#define NR_VIRQS 24
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5

struct evtchn_alloc_unbound {
    uint16_t dom, remote_dom; /* IN */
    uint32_t port;            /* OUT */
};

struct evtchn_bind_interdomain {
    uint16_t remote_dom; /* IN */
    uint32_t remote_port;
    uint32_t local_port; /* OUT */
};

struct evtchn_bind_virq {
    uint32_t virq, vcpu; /* IN */
    uint32_t port;       /* OUT */
};

struct evtchn_bind_ipi {
    uint32_t vcpu; /* IN */
    uint32_t port; /* OUT */
};

struct evtchn_bind_vcpu {
    uint32_t port; /* IN: an unbound, interdomain or global-VIRQ port */
    uint32_t vcpu; /* IN: the vCPU its events go to from now on */
};

struct evtchn_port_op {
    uint32_t port; /* close, send, unmask: the same one-field layout */
};

struct evtchn_status {
    uint16_t dom; /* IN */
    uint32_t port;
    uint32_t status; /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;
    union {
        uint16_t unbound_dom;
        struct {
            uint16_t dom;
            uint32_t port;
        } interdomain;
        uint32_t virq;
    } u;
};

/* hvm_op (public/hvm/hvm_op.h, public/hvm/params.h). */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_PAE_ENABLED 4 /* deprecated */
#define HVM_PARAM_IOREQ_PFN 5
#define HVM_PARAM_IDENT_PT 12
#define HVM_PARAM_ACPI_S_STATE 14
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_PARAM_NESTEDHVM 24 /* deprecated */
#define HVM_PARAM_TRIPLE_FAULT_REASON 31
#define HVM_PARAM_ALTP2M 35
#define HVM_NR_PARAMS 39
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2ULL
#define HVM_CALLBACK_VECTOR(v) ((HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | (v))

struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};

/* memory_op (public/memory.h). */
#define XENMEM_decrease_reservation 1
#define XENMEM_current_reservation 3
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMEM_memory_map 9
#define XENMEM_machphys_mapping 12
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_foreign 4

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size; /* gmfn_range only */
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};

struct xen_memory_reservation {
    uint64_t extent_start; /* guest address of the gpfn list */
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    uint16_t domid;
    uint16_t pad0[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation");

struct xen_memory_map {
    uint32_t nr_entries; /* IN: room in buffer; OUT: entries written */
    uint64_t buffer;     /* guest VA of struct e820_entry[] */
};

struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

/* grant_table_op (public/grant_table.h). */
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_setup_table 2
#define GNTTABOP_query_size 6
#define GNTTABOP_set_version 8
#define GNTTABOP_get_version 10
#define GNTTABOP_CMD_SHIFT 12 /* bits above: continuation state, must be 0 */
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_virt_addr (-5)

struct gnttab_setup_table {
    uint16_t dom;        /* IN */
    uint32_t nr_frames;  /* IN */
    int16_t status;      /* OUT: GNTST_* */
    uint64_t frame_list; /* guest VA of uint64_t[nr_frames] (OUT) */
};

struct gnttab_query_size {
    uint16_t dom;           /* IN */
    uint32_t nr_frames;     /* OUT */
    uint32_t max_nr_frames; /* OUT */
    int16_t status;         /* OUT: GNTST_* */
};

struct gnttab_set_version {
    uint32_t version; /* IN/OUT */
};

struct gnttab_get_version {
    uint16_t dom;
    uint16_t pad;
    uint32_t version; /* OUT */
};

struct grant_entry_v1 {
    uint16_t flags;
    uint16_t domid;
    uint32_t frame;
};

/* shared_info and vcpu_info, 64-bit layout (public/xen.h,
 * public/arch-x86/xen.h, xen-x86_64.h). */
#define XEN_LEGACY_MAX_VCPUS 32

struct vcpu_time_info {
    uint32_t version; /* odd while Xen updates the record */
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time; /* ns at tsc_timestamp */
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask; /* PV only */
    uint64_t evtchn_pending_sel;
    uint64_t arch_cr2, arch_pad;
    struct vcpu_time_info time;
};

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version, wc_sec, wc_nsec, wc_sec_hi;
    uint64_t arch_max_pfn, arch_pfn_to_mfn_frame_list_list, arch_nmi_reason;
    uint64_t arch_p2m_cr3, arch_p2m_vaddr, arch_p2m_generation;
};

/* PVH boot (public/arch-x86/hvm/start_info.h). */
#define HVM_START_MAGIC 0x336ec578
#define HVM_MEMMAP_RAM 1

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

/* PV console ring (public/io/console.h). */
struct xencons_interface {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};

_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info");
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");
_Static_assert(offsetof(struct sched_poll, timeout) == 16, "sched_poll.timeout");
_Static_assert(sizeof(struct sched_remote_shutdown) == 8, "sched_remote_shutdown");
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info");
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "singleshot");
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "register_vcpu_info");
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "bind_interdomain");
_Static_assert(offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "remote_port");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "bind_virq");
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "bind_ipi");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "evtchn_status.u");
_Static_assert(offsetof(struct evtchn_status, u.interdomain.port) == 20, "interdomain");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");
_Static_assert(offsetof(struct xen_hvm_param, index) == 4, "xen_hvm_param.index");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, gpfn) == 16, "xatp.gpfn");
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map");
_Static_assert(sizeof(struct e820_entry) == 20, "e820_entry");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table");
_Static_assert(offsetof(struct gnttab_setup_table, status) == 8, "setup_table.status");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size");
_Static_assert(offsetof(struct gnttab_query_size, status) == 12, "query_size.status");
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version");
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "pending_sel");
_Static_assert(offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048, "evtchn_pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560, "evtchn_mask");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072, "wc_version");
_Static_assert(offsetof(struct shared_info, wc_sec_hi) == 3084, "wc_sec_hi");
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info");
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48, "memmap_entries");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry");
_Static_assert(offsetof(struct xencons_interface, out_cons) == 3080, "out_cons");
_Static_assert(sizeof(struct xencons_interface) == 3088, "xencons_interface");

#endif /* PVH_XEN_ABI_H */
