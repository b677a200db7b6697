/* SPDX-License-Identifier: MIT */
/* memory_op(cmd, arg) (hypercall 12): reservations, physmap, memory maps. */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H

#include <public/xen-types.h>

/* Commands. HVM/PVH guests may use only a filtered subset. */
#define XENMEM_increase_reservation 0 /* struct xen_memory_reservation */
#define XENMEM_decrease_reservation 1 /* struct xen_memory_reservation */
#define XENMEM_maximum_ram_page 2     /* arg NULL; returns the highest MFN */
#define XENMEM_current_reservation 3  /* arg domid_t*; returns pages */
#define XENMEM_maximum_reservation 4  /* arg domid_t*; returns pages */
#define XENMEM_machphys_mfn_list 5    /* struct xen_machphys_mfn_list */
#define XENMEM_populate_physmap 6     /* struct xen_memory_reservation */
#define XENMEM_add_to_physmap 7       /* struct xen_add_to_physmap */
#define XENMEM_memory_map 9           /* struct xen_memory_map: the domain's E820 */
#define XENMEM_machine_memory_map 10  /* struct xen_memory_map: host E820 (dom0) */
#define XENMEM_exchange 11            /* struct xen_memory_exchange (PV) */
#define XENMEM_machphys_mapping 12    /* struct xen_machphys_mapping */
#define XENMEM_set_memory_map 13      /* struct xen_foreign_memory_map (toolstack) */
#define XENMEM_maximum_gpfn 14        /* arg domid_t*; returns the highest gpfn */
#define XENMEM_remove_from_physmap 15 /* struct xen_remove_from_physmap */
#define XENMEM_add_to_physmap_batch 23
#define XENMEM_claim_pages 24
#define XENMEM_acquire_resource 28

/*
 * xen_memory_reservation.mem_flags: bits 7:0 = required address width
 * (0 = any), bits 15:8 = NUMA node + 1 (0 = any), then flags.
 */
#define XENMEMF_address_bits(x) (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x) (((x) + 1) << 8)
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode (1 << 18) /* node number is a virtual node */

/*
 * increase/decrease_reservation and populate_physmap: nr_extents extents
 * of 2^extent_order pages. Return value: extents done (may be < nr).
 */
struct xen_memory_reservation {
    /*
     * increase: OUT MFN bases; decrease: IN GMFN bases to free;
     * populate: IN gpfn bases, OUT GMFN bases (M2P updated too).
     */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents; /* IN */
    uint32_t extent_order;  /* IN: pages per extent = 2^order */
    uint32_t mem_flags;     /* IN: XENMEMF_* */
    domid_t domid;          /* IN: DOMID_SELF unless privileged */
    uint16_t pad0[3];
};
XEN_ABI_SIZE(struct xen_memory_reservation, 32);
XEN_ABI_OFFSET(struct xen_memory_reservation, nr_extents, 8);
XEN_ABI_OFFSET(struct xen_memory_reservation, extent_order, 16);
XEN_ABI_OFFSET(struct xen_memory_reservation, mem_flags, 20);
XEN_ABI_OFFSET(struct xen_memory_reservation, domid, 24);

/* Atomically trade the extents of in for those of out (PV only). */
struct xen_memory_exchange {
    struct xen_memory_reservation in;  /* IN: extents to give up */
    struct xen_memory_reservation out; /* IN/OUT: extents received */
    xen_ulong_t nr_exchanged;          /* IN/OUT: progress; start at 0 */
};
XEN_ABI_SIZE(struct xen_memory_exchange, 72);

/* XENMEM_machphys_mfn_list: MFNs of the 2 MiB pieces of the M2P. */
struct xen_machphys_mfn_list {
    uint32_t max_extents;                     /* IN: size of extent_start[] */
    uint32_t pad0;
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* OUT */
    uint32_t nr_extents;                      /* OUT */
    uint32_t pad1;
};
XEN_ABI_SIZE(struct xen_machphys_mfn_list, 24);

/* XENMEM_machphys_mapping: where the read-only M2P is mapped (PV). */
struct xen_machphys_mapping {
    xen_ulong_t v_start; /* OUT: MACH2PHYS_VIRT_START */
    xen_ulong_t v_end;   /* OUT: MACH2PHYS_VIRT_END */
    xen_ulong_t max_mfn; /* OUT: largest MFN with an entry */
};
XEN_ABI_SIZE(struct xen_machphys_mapping, 24);

/* Spaces for XENMEM_add_to_physmap. */
#define XENMAPSPACE_shared_info 0  /* idx 0: the shared_info page */
#define XENMAPSPACE_grant_table 1  /* idx = frame | XENMAPIDX_grant_table_status */
#define XENMAPSPACE_gmfn 2         /* idx = a gfn of the domain, moved to gpfn */
#define XENMAPSPACE_gmfn_range 3   /* as gmfn, size frames */
#define XENMAPSPACE_gmfn_foreign 4 /* batch only: frames of another domain */
#define XENMAPSPACE_dev_mmio 5     /* ARM only */
#define XENMAPIDX_grant_table_status 0x80000000U

/*
 * Map a hypervisor-provided frame at gpfn (HVM/PVH). Whatever RAM was at
 * gpfn is replaced.
 */
struct xen_add_to_physmap {
    domid_t domid;   /* IN: DOMID_SELF */
    uint16_t size;   /* IN: gmfn_range only; Linux leaves it uninitialised otherwise */
    uint32_t space;  /* IN: XENMAPSPACE_* */
    xen_ulong_t idx; /* IN: index within the space */
    xen_pfn_t gpfn;  /* IN: guest frame to map it at */
};
XEN_ABI_SIZE(struct xen_add_to_physmap, 24);
XEN_ABI_OFFSET(struct xen_add_to_physmap, size, 2);
XEN_ABI_OFFSET(struct xen_add_to_physmap, space, 4);
XEN_ABI_OFFSET(struct xen_add_to_physmap, idx, 8);
XEN_ABI_OFFSET(struct xen_add_to_physmap, gpfn, 16);

/* Batched form of add_to_physmap. */
struct xen_add_to_physmap_batch {
    domid_t domid;   /* IN */
    uint16_t space;  /* IN: XENMAPSPACE_* */
    uint16_t size;   /* IN: entries in idxs/gpfns/errs */
    domid_t foreign_domid;                 /* IN: gmfn_foreign only, else 0 */
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;    /* IN */
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;     /* IN */
    XEN_GUEST_HANDLE(int32_t) errs;        /* OUT: per-entry result */
};
XEN_ABI_SIZE(struct xen_add_to_physmap_batch, 32);

/* Unmap whatever is at gpfn. */
struct xen_remove_from_physmap {
    domid_t domid;  /* IN */
    uint16_t pad0[3];
    xen_pfn_t gpfn; /* IN */
};
XEN_ABI_SIZE(struct xen_remove_from_physmap, 16);
XEN_ABI_OFFSET(struct xen_remove_from_physmap, gpfn, 8);

/*
 * XENMEM_memory_map / machine_memory_map: buffer receives struct
 * xen_e820_entry records. -ENOSYS if no map was set for the domain.
 */
struct xen_memory_map {
    uint32_t nr_entries;           /* IN: capacity of buffer; OUT: entries written */
    uint32_t pad0;
    XEN_GUEST_HANDLE(void) buffer; /* IN: struct xen_e820_entry[] */
};
XEN_ABI_SIZE(struct xen_memory_map, 16);
XEN_ABI_OFFSET(struct xen_memory_map, buffer, 8);

/* XENMEM_set_memory_map: set another domain's map (toolstack). */
struct xen_foreign_memory_map {
    domid_t domid;
    uint16_t pad0[3];
    struct xen_memory_map map;
};
XEN_ABI_SIZE(struct xen_foreign_memory_map, 24);

/* Mica name: one BIOS INT 15h/E820 record, packed, 20 bytes. */
struct xen_e820_entry {
    uint64_t addr; /* start */
    uint64_t size; /* bytes */
    uint32_t type; /* XEN_HVM_MEMMAP_TYPE_* numbering (1 = RAM) */
} __packed;
XEN_ABI_SIZE(struct xen_e820_entry, 20);

#endif /* PUBLIC_MEMORY_H */
