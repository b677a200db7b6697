/* SPDX-License-Identifier: MIT */
/* The machine-to-phys table (M2P): the pfn each machine frame has in its
 * PV domain, which PV guests read at MACH2PHYS_VIRT_START. */
#ifndef HV_M2P_H
#define HV_M2P_H

#include <hv/pagetable.h>
#include <hv/types.h>

#define M2P_INVALID (~0ULL) /* Xen's INVALID_M2P_ENTRY: no pfn */

/*
 * Allocate the table for nr_frames machine frames (all M2P_INVALID) from
 * pt's table allocator and map it twice in pt: read-only and
 * guest-readable (U, NX) at RO_MPT_VIRT_START in L4 slot 256, and
 * writable, supervisor-only at RW_MPT_VIRT_START in slot 260, where
 * m2p_set writes. Boot only (paging_init), before any guest L4 copies
 * slot 256.
 * 0, -EINVAL (too many frames) or -ENOMEM.
 */
int __must_check m2p_init(struct pt_ctx *pt, uint64_t nr_frames);
/* The most memory m2p_init takes from pt's allocator: the table and the
 * page tables of both mappings. */
uint64_t m2p_boot_bytes(uint64_t nr_frames);
/* Write entries through `table` (nr entries): m2p_init points it at the
 * writable view; unit tests hand in host memory. */
void m2p_use_table(uint64_t *table, uint64_t nr);
/* Frames outside the table are ignored (set) or read as M2P_INVALID. */
void m2p_set(mfn_t mfn, uint64_t pfn);
uint64_t m2p_get(mfn_t mfn);

#endif /* HV_M2P_H */
