// SPDX-License-Identifier: MIT
/* The PV domain builder's initial page tables (xen-abi.md §4.4): the boot
 * region mapped 4 KiB by 4 KiB onto its pfns, the tables themselves read
 * only, the hypervisor's L4 slots copied in. */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/layout.h>
#include <hv/mm.h>
#include <hv/pagetable.h>
#include <hv/paging.h>
#include <hv/printk.h>

#include "pv_build.h"

/* The guest kernel runs in ring 3, so every level carries U (Xen adds it
 * to what PV guests write, too); the hypervisor's slots keep it clear. */
#define PT_TABLE (PTE_P | PTE_W | PTE_U | PTE_A | PTE_D)
#define PT_LEAF_RW (PTE_P | PTE_W | PTE_U | PTE_A)
#define PT_LEAF_RO (PTE_P | PTE_U | PTE_A)

struct pt_build {
    struct domain *d;
    const struct pv_layout *l;
    uint64_t *l4;
    uint64_t next_pfn, end_pfn;   /* table frames still free: [next, end) */
    unsigned int nr_level[5];     /* tables made per level (for the seam) */
};

static unsigned int pt_index(uint64_t va, unsigned int level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/* The table of `level` (4: the L4) covering va; the levels above exist. */
static uint64_t *pt_table(const struct pt_build *b, uint64_t va, unsigned int level)
{
    uint64_t *t = b->l4;

    for (unsigned int lvl = 4; lvl > level; lvl--)
        t = __va(t[pt_index(va, lvl)] & PTE_ADDR_MASK);
    return t;
}

/* Level-`level` tables for the whole region, in the region's table frames
 * (all L3s first, then the L2s, then the L1s, as libxenguest orders them). */
static int pt_make_level(struct pt_build *b, unsigned int level)
{
    uint64_t span = 1ULL << (PAGE_SHIFT + 9 * level);
    uint64_t first = ROUNDDOWN(b->l->virt_base, span);
    uint64_t n = ((b->l->end - 1 - first) >> (PAGE_SHIFT + 9 * level)) + 1;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t va = first + i * span;
        uint64_t *e = &pt_table(b, va, level + 1)[pt_index(va, level + 1)];

        if (*e & PTE_P)
            continue;
        if (b->next_pfn == b->end_pfn)
            return -ENOMEM; /* the layout's count was wrong */
        *e = pv_pfn_to_pa(b->d, b->next_pfn++) | PT_TABLE;
        b->nr_level[level]++;
    }
    return 0;
}

static void pt_map_leaves(struct pt_build *b)
{
    const struct pv_layout *l = b->l;
    uint64_t pt_first = pv_va_to_pfn(l, l->pt_va);

    for (uint64_t va = l->virt_base; va != l->end; va += PAGE_SIZE) {
        uint64_t pfn = pv_va_to_pfn(l, va);
        bool table = pfn >= pt_first && pfn < pt_first + l->nr_pt;

        pt_table(b, va, 1)[pt_index(va, 1)] =
            pv_pfn_to_pa(b->d, pfn) | (table ? PT_LEAF_RO : PT_LEAF_RW);
    }
}

/* The hypervisor's slots 256-271, which exist from boot (mm/paging.c),
 * so that the hypervisor runs on this guest's CR3 too. */
static void pt_copy_hv_slots(uint64_t *l4)
{
    const uint64_t *hv = __va(hv_pt.root);

    for (unsigned int s = HV_SLOT_FIRST; s <= HV_SLOT_LAST; s++)
        l4[s] = hv[s];
}

/*
 * SEAM(pvmm): page types and counts belong to the PV MMU core (branch
 * pvmm). Until it lands, the builder records its own tables here, typed
 * by level with one type reference each, as pinning the L4 would leave
 * them. The lead replaces this with the pvmm pin of the L4 (Xen's builder
 * does MMUEXT_PIN_L4_TABLE).
 */
static void pv_seam_pin_tables(const struct pt_build *b, uint64_t first_pfn)
{
    static const uint8_t type_of[5] = { 0, PGT_L1, PGT_L2, PGT_L3, PGT_L4 };
    uint64_t pfn = first_pfn;

    for (unsigned int level = 4; level >= 1; level--) {
        for (unsigned int i = 0; i < b->nr_level[level]; i++, pfn++) {
            struct page_info *pg = &frame_table[pv_pfn_to_pa(b->d, pfn) >> PAGE_SHIFT];

            pg->type = type_of[level];
            pg->type_count = 1;
        }
    }
}

int pv_build_pagetables(struct domain *d, const struct pv_layout *l, uint64_t *l4_mfn)
{
    uint64_t first = pv_va_to_pfn(l, l->pt_va);
    struct pt_build b = { .d = d, .l = l, .next_pfn = first + 1, .end_pfn = first + l->nr_pt };
    int rc = 0;

    b.l4 = __va(pv_pfn_to_pa(d, first));
    b.nr_level[4] = 1;
    for (unsigned int level = 3; level >= 1 && !rc; level--)
        rc = pt_make_level(&b, level);
    if (rc) {
        printk(LOG_ERR "%s: PV boot page tables need more than %lu frames\n", d->name,
               l->nr_pt);
        return rc;
    }
    pt_map_leaves(&b);
    pt_copy_hv_slots(b.l4);
    pv_seam_pin_tables(&b, first);
    *l4_mfn = pv_pfn_to_pa(d, first) >> PAGE_SHIFT;
    return 0;
}
