/* SPDX-License-Identifier: MIT */
/* xen_version(cmd, arg) (hypercall 17): version, strings and feature bits. */
#ifndef PUBLIC_VERSION_H
#define PUBLIC_VERSION_H

#include <public/xen-types.h>
#include <public/features.h>

/*
 * Commands. Fixed-size string results are NUL-terminated within the
 * buffer size given below; the *2 variants use struct xen_varbuf.
 */
#define XENVER_version 0             /* arg NULL; returns (major << 16) | minor */
#define XENVER_extraversion 1        /* arg char[XEN_EXTRAVERSION_LEN], e.g. ".0" */
#define XENVER_compile_info 2        /* arg struct xen_compile_info */
#define XENVER_capabilities 3        /* arg char[XEN_CAPABILITIES_INFO_LEN] */
#define XENVER_changeset 4           /* arg char[XEN_CHANGESET_INFO_LEN] */
#define XENVER_platform_parameters 5 /* arg struct xen_platform_parameters */
#define XENVER_get_features 6        /* arg struct xen_feature_info */
#define XENVER_pagesize 7            /* arg NULL; returns 4096 */
#define XENVER_guest_handle 8        /* arg uint8_t[16]: the domain's UUID */
#define XENVER_commandline 9         /* arg char[XEN_COMMANDLINE_LEN] */
#define XENVER_build_id 10           /* arg struct xen_varbuf */
#define XENVER_extraversion2 11      /* arg struct xen_varbuf */
#define XENVER_capabilities2 12      /* arg struct xen_varbuf */
#define XENVER_changeset2 13         /* arg struct xen_varbuf */
#define XENVER_commandline2 14       /* arg struct xen_varbuf */

#define XEN_EXTRAVERSION_LEN 16
#define XEN_CAPABILITIES_INFO_LEN 1024 /* e.g. "xen-3.0-x86_64 hvm-3.0-x86_64" */
#define XEN_CHANGESET_INFO_LEN 64
#define XEN_COMMANDLINE_LEN 1024       /* Mica name: size of the commandline buffer */
#define XEN_GUEST_HANDLE_LEN 16        /* Mica name: size of the UUID buffer */

/* XENVER_compile_info: OUT strings, each NUL-terminated (truncated). */
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
XEN_ABI_SIZE(struct xen_compile_info, 144);

/* XENVER_platform_parameters: start of the hypervisor hole (PV). */
struct xen_platform_parameters {
    xen_ulong_t virt_start; /* OUT: HYPERVISOR_VIRT_START for 64-bit PV */
};
XEN_ABI_SIZE(struct xen_platform_parameters, 8);

/* XENVER_get_features: one 32-bit word of the XENFEAT_* bitmap. */
struct xen_feature_info {
    uint32_t submap_idx; /* IN: word index; only 0 < XENFEAT_NR_SUBMAPS exists */
    uint32_t submap;     /* OUT: bit n = feature 32*submap_idx + n */
};
XEN_ABI_SIZE(struct xen_feature_info, 8);
XEN_ABI_OFFSET(struct xen_feature_info, submap, 4);

/*
 * Variable-length result (XENVER_build_id, *2 commands). With len 0 the
 * call returns the size needed; otherwise it returns the bytes written.
 */
struct xen_varbuf {
    uint32_t len;  /* IN: size of buf[] in bytes */
    uint8_t buf[]; /* OUT: the data (not NUL-terminated) */
};
XEN_ABI_SIZE(struct xen_varbuf, 4);

#endif /* PUBLIC_VERSION_H */
