/* SPDX-License-Identifier: MIT */
/* Test-guest 64-bit page tables: the entry code identity-maps 0-4 GiB with
 * 2 MiB pages; these helpers split one into 4 KiB pages to change it. */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include "guest.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS (1ULL << 7)
#define PTE_NX (1ULL << 63)
#define PAGE_SIZE 4096UL

/* The 2 MiB-level entry mapping va (va < 4 GiB). */
uint64_t *pt_pde(uintptr_t va);
/* The 4 KiB entry mapping va, splitting its 2 MiB page first if needed. */
uint64_t *pt_pte(uintptr_t va);
/* Set the 4 KiB entry for va and flush it from the TLB. */
void pt_set_pte(uintptr_t va, uint64_t pte);

#endif /* GUEST_PAGING_H */
