/* SPDX-License-Identifier: MIT */
/* x86-64 4-level page-table builder, independent of where tables live. */
#ifndef HV_PAGETABLE_H
#define HV_PAGETABLE_H

#include <hv/types.h>

/* Architectural PTE bits (SDM Vol. 3, "Paging", 4-level paging formats). */
#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7) /* large page in L2/L3 entries */
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

/* Attribute sets the hypervisor uses. */
#define PTE_FLAGS_MASK (PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_G | PTE_NX)
#define PAGE_HV_RX (PTE_P | PTE_G)
#define PAGE_HV_RO (PTE_P | PTE_G | PTE_NX)
#define PAGE_HV_RW (PTE_P | PTE_W | PTE_G | PTE_NX)
#define PAGE_HV_UC (PAGE_HV_RW | PTE_PCD | PTE_PWT)

/*
 * A page-table tree and the services the builder needs: table frames come
 * from alloc_table (zeroed, 4 KiB aligned, physical address returned) and
 * are reached through phys_to_virt. Unit tests back both with host memory.
 */
struct pt_ctx {
    paddr_t root;                       /* physical address of the L4 */
    paddr_t (*alloc_table)(void *opaque); /* 0 on exhaustion */
    void *(*phys_to_virt)(void *opaque, paddr_t pa);
    void *opaque;
    bool allow_1g;                      /* CPU supports 1 GiB pages */
    uint64_t leaf_attrs;                /* OR'ed into every leaf as given (EPT
                                         * memory type); 0 for x86 tables */
};

/*
 * Map [va, va+size) to [pa, pa+size) with `flags` (PTE_* without PS/P
 * implied). va, pa and size must be 4 KiB aligned and va canonical. Uses
 * 2 MiB / 1 GiB pages wherever va, pa and the remaining size allow, and
 * splits an existing large page when only part of it is remapped.
 * Intermediate entries are made as permissive as needed (P|W, U if any leaf
 * wants it); only leaves carry NX/RO. Returns 0, -EINVAL or -ENOMEM.
 */
int __must_check pt_map(struct pt_ctx *pt, vaddr_t va, paddr_t pa,
                        uint64_t size, uint64_t flags);
/* Remove mappings in [va, va+size); splits large pages at the edges. */
int __must_check pt_unmap(struct pt_ctx *pt, vaddr_t va, uint64_t size);
/* Translate va: 0 with *pa and the leaf's *flags and *level (1 = 4K,
 * 2 = 2M, 3 = 1G), or -ENOENT when unmapped. */
int pt_lookup(const struct pt_ctx *pt, vaddr_t va, paddr_t *pa,
              uint64_t *flags, int *level);

#endif /* HV_PAGETABLE_H */
