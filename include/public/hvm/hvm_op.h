/* SPDX-License-Identifier: MIT */
/* hvm_op(cmd, arg) (hypercall 34): HVM parameters and HVM-only guest services. */
#ifndef PUBLIC_HVM_HVM_OP_H
#define PUBLIC_HVM_HVM_OP_H

#include <public/xen-types.h>

#define HVMOP_set_param 0                 /* struct xen_hvm_param */
#define HVMOP_get_param 1                 /* struct xen_hvm_param */
#define HVMOP_flush_tlbs 5                /* arg NULL: flush all vCPUs' TLBs */
#define HVMOP_pagetable_dying 9           /* struct xen_hvm_pagetable_dying */
#define HVMOP_get_time 10                 /* struct xen_hvm_get_time */
#define HVMOP_xentrace 11
#define HVMOP_get_mem_type 15             /* struct xen_hvm_get_mem_type */
#define HVMOP_set_evtchn_upcall_vector 23 /* struct xen_hvm_evtchn_upcall_vector */
#define HVMOP_guest_request_vm_event 24
#define HVMOP_altp2m 25

/* Read or write HVM_PARAM_* index of domid (public/hvm/params.h). */
struct xen_hvm_param {
    domid_t domid;  /* IN: DOMID_SELF for the guest itself */
    uint16_t pad;
    uint32_t index; /* IN: HVM_PARAM_* */
    uint64_t value; /* IN (set) / OUT (get) */
};
XEN_ABI_SIZE(struct xen_hvm_param, 16);
XEN_ABI_OFFSET(struct xen_hvm_param, index, 4);
XEN_ABI_OFFSET(struct xen_hvm_param, value, 8);

/* The guest is about to free the page table rooted at gpa (shadow paging hint). */
struct xen_hvm_pagetable_dying {
    domid_t domid;   /* IN */
    uint16_t pad[3];
    uint64_t gpa;    /* IN: guest-physical address of the top-level table */
};
XEN_ABI_SIZE(struct xen_hvm_pagetable_dying, 16);
XEN_ABI_OFFSET(struct xen_hvm_pagetable_dying, gpa, 8);

struct xen_hvm_get_time {
    uint64_t now; /* OUT: system time, ns */
};
XEN_ABI_SIZE(struct xen_hvm_get_time, 8);

/* HVMOP_get_mem_type results. */
#define HVMMEM_ram_rw 0        /* ordinary RAM */
#define HVMMEM_ram_ro 1        /* RAM, writes discarded */
#define HVMMEM_mmio_dm 2       /* emulated by the device model */
#define HVMMEM_unused 3        /* formerly mmio_write_dm */
#define HVMMEM_ioreq_server 4  /* claimed by an ioreq server */

struct xen_hvm_get_mem_type {
    domid_t domid;     /* IN */
    uint16_t mem_type; /* OUT: HVMMEM_* */
    uint16_t pad[2];
    uint64_t pfn;      /* IN */
};
XEN_ABI_SIZE(struct xen_hvm_get_mem_type, 16);
XEN_ABI_OFFSET(struct xen_hvm_get_mem_type, pfn, 8);

/*
 * Per-vCPU event upcall through the virtual LAPIC (edge, needs EOI).
 * Offered only when CPUID leaf 4 has XEN_HVM_CPUID_UPCALL_VECTOR.
 */
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;  /* IN */
    uint8_t vector; /* IN: 0x10..0xff */
    uint8_t pad[3];
};
XEN_ABI_SIZE(struct xen_hvm_evtchn_upcall_vector, 8);
XEN_ABI_OFFSET(struct xen_hvm_evtchn_upcall_vector, vector, 4);

#endif /* PUBLIC_HVM_HVM_OP_H */
