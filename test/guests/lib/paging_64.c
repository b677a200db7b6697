// SPDX-License-Identifier: MIT
// Test-guest 64-bit page-table edits on top of the entry code's identity map.
#include "paging.h"

#define ADDR_MASK 0x000ffffffffff000ULL
#define SPLIT_TABLES 4

extern uint64_t pt_pd[4 * 512];
static uint64_t split_pool[SPLIT_TABLES][512] __aligned(4096);
static unsigned int split_used;

uint64_t *pt_pde(uintptr_t va)
{
    if (va >= 0x100000000ULL)
        test_fail("pt_pde: %#lx is outside the identity map", (unsigned long)va);
    return &pt_pd[va >> 21];
}

uint64_t *pt_pte(uintptr_t va)
{
    uint64_t *pde = pt_pde(va), *pt;

    if (*pde & PTE_PS) {
        uint64_t base = *pde & ADDR_MASK & ~0x1fffffULL;
        uint64_t flags = *pde & (PTE_P | PTE_W | PTE_PWT | PTE_PCD);

        if (split_used == SPLIT_TABLES)
            test_fail("pt_pte: out of page tables to split %#lx", (unsigned long)va);
        pt = split_pool[split_used++];
        for (unsigned int i = 0; i < 512; i++)
            pt[i] = (base + i * PAGE_SIZE) | flags;
        *pde = (uintptr_t)pt | PTE_P | PTE_W;
        write_cr3(read_cr3()); /* the old 2 MiB translation may be cached */
    }
    pt = (uint64_t *)(uintptr_t)(*pde & ADDR_MASK);
    return &pt[(va >> 12) & 511];
}

void pt_set_pte(uintptr_t va, uint64_t pte)
{
    *pt_pte(va) = pte;
    invlpg((const void *)va);
}
