/* SPDX-License-Identifier: MIT */
/* Grant tables, version 1: shared entries and grant_table_op (hypercall 20). */
#ifndef PUBLIC_GRANT_TABLE_H
#define PUBLIC_GRANT_TABLE_H

#include <public/xen-types.h>

typedef uint32_t grant_ref_t;    /* index into the granting domain's table */
typedef uint32_t grant_handle_t; /* a mapping made by map_grant_ref */

/*
 * A v1 table is an array of these in frames shared by the granting domain
 * (PV: MFNs from setup_table; HVM/PVH: XENMAPSPACE_grant_table).
 * [guest] fills domid and frame, then sets flags last (after a write
 * barrier); [hv] sets GTF_reading/GTF_writing while a mapping is in use.
 */
struct grant_entry_v1 {
    uint16_t flags; /* GTF_* */
    domid_t domid;  /* the domain allowed to use this grant */
    uint32_t frame; /* the granted frame (gfn), or the transfer destination */
};
XEN_ABI_SIZE(struct grant_entry_v1, 8);
XEN_ABI_OFFSET(struct grant_entry_v1, domid, 2);
XEN_ABI_OFFSET(struct grant_entry_v1, frame, 4);

/* Entries reserved for the toolstack: ref 0 = console ring, 1 = xenstore. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/* grant_entry_v1.flags: bits 1:0 type ... */
#define GTF_invalid 0x0U         /* unused entry */
#define GTF_permit_access 0x1U   /* domid may map/copy frame */
#define GTF_accept_transfer 0x2U /* domid may transfer a page into frame */
#define GTF_transitive 0x3U      /* v2 only */
#define GTF_type_mask 0x3U
/* ... permit_access sub-flags ... */
#define GTF_readonly (1U << 2)  /* [guest] read-only access only */
#define GTF_reading (1U << 3)   /* [hv] mapped/copied for reading now */
#define GTF_writing (1U << 4)   /* [hv] mapped/copied for writing now */
#define GTF_PWT (1U << 5)       /* cache attributes for the mapping */
#define GTF_PCD (1U << 6)
#define GTF_PAT (1U << 7)
#define GTF_sub_page (1U << 8)  /* v2 only */
/* ... accept_transfer sub-flags. */
#define GTF_transfer_committed (1U << 2)
#define GTF_transfer_completed (1U << 3)

/* grant_table_op(cmd, uop, count): uop is an array of count structs. */
#define GNTTABOP_map_grant_ref 0     /* struct gnttab_map_grant_ref */
#define GNTTABOP_unmap_grant_ref 1   /* struct gnttab_unmap_grant_ref */
#define GNTTABOP_setup_table 2       /* struct gnttab_setup_table */
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5              /* struct gnttab_copy */
#define GNTTABOP_query_size 6        /* struct gnttab_query_size */
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8       /* struct gnttab_set_version */
#define GNTTABOP_get_status_frames 9 /* v2 */
#define GNTTABOP_get_version 10      /* struct gnttab_get_version */
#define GNTTABOP_swap_grant_ref 11   /* struct gnttab_swap_grant_ref */
#define GNTTABOP_cache_flush 12

/* Per-operation status (the hypercall itself returns 0 or -errno). */
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)     /* copy crosses a page boundary */
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

/* map_grant_ref flags */
#define GNTMAP_device_map (1 << 0)      /* map for DMA, return dev_bus_addr */
#define GNTMAP_host_map (1 << 1)        /* map at host_addr */
#define GNTMAP_readonly (1 << 2)
#define GNTMAP_application_map (1 << 3) /* PV: user-accessible mapping */
#define GNTMAP_contains_pte (1 << 4)    /* PV: host_addr is the MA of a PTE */
#define GNTMAP_guest_avail_mask (~0U << 16) /* bits kept for the guest */

/* Map grant ref of dom. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;    /* IN: PV VA / PTE MA; HVM: gpa to map at */
    uint32_t flags;        /* IN: GNTMAP_* */
    grant_ref_t ref;       /* IN */
    domid_t dom;           /* IN: granting domain */
    int16_t status;        /* OUT: GNTST_* */
    grant_handle_t handle; /* OUT: for unmap */
    uint64_t dev_bus_addr; /* OUT: with GNTMAP_device_map */
};
XEN_ABI_SIZE(struct gnttab_map_grant_ref, 32);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, flags, 8);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, ref, 12);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, dom, 16);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, status, 18);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, handle, 20);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, dev_bus_addr, 24);

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;    /* IN: as given to map, or 0 */
    uint64_t dev_bus_addr; /* IN: as returned by map, or 0 */
    grant_handle_t handle; /* IN */
    int16_t status;        /* OUT: GNTST_* */
    uint16_t pad0;
};
XEN_ABI_SIZE(struct gnttab_unmap_grant_ref, 24);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, handle, 16);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, status, 20);

/* Size dom's table to nr_frames and (PV) return their MFNs. */
struct gnttab_setup_table {
    domid_t dom;                            /* IN: DOMID_SELF unless privileged */
    uint16_t pad0;
    uint32_t nr_frames;                     /* IN */
    int16_t status;                         /* OUT: GNTST_* */
    uint16_t pad1[3];
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* OUT: nr_frames MFNs (PV) */
};
XEN_ABI_SIZE(struct gnttab_setup_table, 24);
XEN_ABI_OFFSET(struct gnttab_setup_table, nr_frames, 4);
XEN_ABI_OFFSET(struct gnttab_setup_table, status, 8);
XEN_ABI_OFFSET(struct gnttab_setup_table, frame_list, 16);

/* Copy between frames and/or grants without mapping them. */
#define GNTCOPY_source_gref (1 << 0) /* source.u is a grant ref, else a gmfn */
#define GNTCOPY_dest_gref (1 << 1)   /* dest.u is a grant ref, else a gmfn */
struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;
            xen_pfn_t gmfn;
        } u;             /* IN */
        domid_t domid;   /* IN: owner of the grant/frame */
        uint16_t offset; /* IN: byte offset in the frame */
        uint32_t pad0;
    } source, dest;
    uint16_t len;   /* IN: bytes; may not cross a page */
    uint16_t flags; /* IN: GNTCOPY_* */
    int16_t status; /* OUT: GNTST_* */
    uint16_t pad0;
};
XEN_ABI_SIZE(struct gnttab_copy, 40);
XEN_ABI_OFFSET(struct gnttab_copy, dest, 16);
XEN_ABI_OFFSET(struct gnttab_copy, len, 32);
XEN_ABI_OFFSET(struct gnttab_copy, status, 36);

/* Current and maximum number of frames of dom's table. */
struct gnttab_query_size {
    domid_t dom;            /* IN */
    uint16_t pad0;
    uint32_t nr_frames;     /* OUT */
    uint32_t max_nr_frames; /* OUT */
    int16_t status;         /* OUT: GNTST_* */
    uint16_t pad1;
};
XEN_ABI_SIZE(struct gnttab_query_size, 16);
XEN_ABI_OFFSET(struct gnttab_query_size, nr_frames, 4);
XEN_ABI_OFFSET(struct gnttab_query_size, max_nr_frames, 8);
XEN_ABI_OFFSET(struct gnttab_query_size, status, 12);

/* Select the table format (1 or 2); returns the version in force. */
struct gnttab_set_version {
    uint32_t version; /* IN: requested; OUT: current */
};
XEN_ABI_SIZE(struct gnttab_set_version, 4);

struct gnttab_get_version {
    domid_t dom;      /* IN */
    uint16_t pad;
    uint32_t version; /* OUT */
};
XEN_ABI_SIZE(struct gnttab_get_version, 8);

/* Swap the contents of two entries of the caller's table. */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a; /* IN */
    grant_ref_t ref_b; /* IN */
    int16_t status;    /* OUT: GNTST_* */
    uint16_t pad0;
};
XEN_ABI_SIZE(struct gnttab_swap_grant_ref, 12);

#endif /* PUBLIC_GRANT_TABLE_H */
