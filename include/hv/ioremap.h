/* SPDX-License-Identifier: MIT */
/* Mapping device and firmware memory into the hypervisor (mm/paging.c). */
#ifndef HV_IOREMAP_H
#define HV_IOREMAP_H

#include <hv/pagetable.h>
#include <hv/types.h>

/* Map [pa, pa+len) with `flags` (PAGE_HV_UC for MMIO, PAGE_HV_RO for
 * firmware tables) in the ioremap area; NULL when out of space/memory.
 * Mappings are permanent: the area is large and used only at boot. */
void *ioremap(paddr_t pa, size_t len, uint64_t flags);

/* Direct map of RAM: physical to virtual and back. */
static inline void *__va(paddr_t pa)
{
    return (void *)(pa + 0xffff830000000000ULL);
}

static inline paddr_t __pa(const void *va)
{
    return (paddr_t)va - 0xffff830000000000ULL;
}

#endif /* HV_IOREMAP_H */
