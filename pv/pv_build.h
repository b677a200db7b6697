/* SPDX-License-Identifier: MIT */
/* Inside the PV domain builder (pv_build.c, pv_build_pt.c). */
#ifndef PV_BUILD_H
#define PV_BUILD_H

#include <hv/domain.h>

#include "pv_layout.h"

/* Machine address of a pfn of d's RAM (populated at creation, so every
 * pfn of the boot region has one). */
paddr_t pv_pfn_to_pa(struct domain *d, uint64_t pfn);

/* Build the boot page tables in the layout's table frames, pin their L4
 * and make it vCPU 0's kernel page table. */
int __must_check pv_build_pagetables(struct domain *d, const struct pv_layout *l);

#endif /* PV_BUILD_H */
