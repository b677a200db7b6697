/* SPDX-License-Identifier: MIT */
/* Integer types, guest handles and layout-check macros of the Xen guest ABI. */
#ifndef PUBLIC_XEN_TYPES_H
#define PUBLIC_XEN_TYPES_H

/*
 * Included by every header in include/public/ (the naming scheme is
 * described at the top of public/xen.h). Only fixed-width types are used,
 * so the layouts are the same in the hypervisor, in host unit tests and in
 * guests; all of them are the x86-64 layouts.
 */

#include <hv/types.h>

/*
 * XEN_GUEST_HANDLE(T): a pointer to T in guest memory. On x86-64 it is a
 * 64-bit guest *virtual* address in the caller's address space (HVM/PVH:
 * translated through the guest's own page tables; PV: the current guest
 * page tables). The argument only tells the reader the pointee type. Every
 * access goes through checked copy_{from,to}_guest. Pointer arguments of
 * hypercalls (in registers) are the same kind of address.
 */
#define XEN_GUEST_HANDLE(type) uint64_t

typedef uint16_t domid_t;     /* domain id, or DOMID_* */
typedef uint64_t xen_pfn_t;   /* a frame number: MFN for PV, GFN for HVM */
typedef uint64_t xen_ulong_t; /* a native-word-sized field (64-bit on x86-64) */

/* Layout pins: a header's struct must match Xen's x86-64 ABI exactly. */
#define XEN_ABI_SIZE(type, size) \
    _Static_assert(sizeof(type) == (size), "size of " #type)
#define XEN_ABI_OFFSET(type, field, off) \
    _Static_assert(offsetof(type, field) == (off), "offset of " #type "." #field)

#endif /* PUBLIC_XEN_TYPES_H */
