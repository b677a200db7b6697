// SPDX-License-Identifier: MIT
/* The PV domain builder's initial page tables (xen-abi.md §4.4): the boot
 * region mapped 4 KiB by 4 KiB onto its pfns, the tables themselves read
 * only, and an INIT_P2M list at its own address; validated and pinned by
 * the PV MMU. */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/pagetable.h>
#include <hv/printk.h>

#include "pv_build.h"
#include "pv_internal.h"

/* The guest kernel runs in ring 3, so every level carries U (the PV MMU
 * adds it to what PV guests write, too). */
#define PT_TABLE (PTE_P | PTE_W | PTE_U | PTE_A | PTE_D)
#define PT_LEAF_RW (PTE_P | PTE_W | PTE_U | PTE_A)
#define PT_LEAF_RO (PTE_P | PTE_U | PTE_A)

struct pt_build {
    struct domain *d;
    const struct pv_layout *l;
    uint64_t *l4;
    uint64_t next_pfn, end_pfn;   /* table frames still free: [next, end) */
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

/* Level-`level` tables for [start, end), in the pool's table frames (all
 * L3s first, then the L2s, then the L1s, as libxenguest orders them);
 * tables that exist already (a shared upper level) are kept. */
static int pt_make_level(struct pt_build *b, unsigned int level, uint64_t start,
                         uint64_t end)
{
    uint64_t span = 1ULL << (PAGE_SHIFT + 9 * level);
    uint64_t first = ROUNDDOWN(start, span);
    uint64_t n = ((end - 1 - first) >> (PAGE_SHIFT + 9 * level)) + 1;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t va = first + i * span;
        uint64_t *e = &pt_table(b, va, level + 1)[pt_index(va, level + 1)];

        if (*e & PTE_P)
            continue;
        if (b->next_pfn == b->end_pfn)
            return -ENOMEM; /* the layout's count was wrong */
        *e = pv_pfn_to_pa(b->d, b->next_pfn++) | PT_TABLE;
    }
    return 0;
}

static int pt_make_tables(struct pt_build *b, uint64_t start, uint64_t end)
{
    int rc = 0;

    for (unsigned int level = 3; level >= 1 && !rc; level--)
        rc = pt_make_level(b, level, start, end);
    return rc;
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

/* INIT_P2M: the list's own pages at its address, writable; the tables
 * that map them follow the list and are mapped nowhere. */
static int pt_map_p2m(struct pt_build *b)
{
    const struct pv_layout *l = b->l;
    int rc;

    b->next_pfn = l->p2m_pfn + l->nr_p2m_pages;
    b->end_pfn = b->next_pfn + l->nr_p2m_pt;
    rc = pt_make_tables(b, l->p2m_va, l->p2m_va + (l->nr_p2m_pages << PAGE_SHIFT));
    for (uint64_t i = 0; !rc && i < l->nr_p2m_pages; i++) {
        uint64_t va = l->p2m_va + (i << PAGE_SHIFT);

        pt_table(b, va, 1)[pt_index(va, 1)] = pv_pfn_to_pa(b->d, l->p2m_pfn + i) | PT_LEAF_RW;
    }
    return rc;
}

/* The PV MMU validates the tree (and fills in the hypervisor's L4 slots)
 * as Xen's builder has it do with MMUEXT_PIN_L4_TABLE. */
int pv_build_pagetables(struct domain *d, const struct pv_layout *l)
{
    uint64_t first = pv_va_to_pfn(l, l->pt_va);
    struct pt_build b = { .d = d, .l = l, .next_pfn = first + 1, .end_pfn = first + l->nr_pt };
    mfn_t l4;
    int rc = 0;

    b.l4 = __va(pv_pfn_to_pa(d, first));
    rc = pt_make_tables(&b, l->virt_base, l->end);
    if (!rc && l->p2m_apart)
        rc = pt_map_p2m(&b);
    if (rc) {
        printk(LOG_ERR "%s: PV boot page tables need more than %lu frames\n", d->name,
               l->nr_pt);
        return rc;
    }
    pt_map_leaves(&b);
    l4 = paddr_to_mfn(pv_pfn_to_pa(d, first));
    rc = pv_mm_pin(&d->pv->mm, l4, PGT_L4);
    if (!rc)
        rc = pv_mm_set_base(&pv_vcpu(d->vcpu[0])->mm, l4, false);
    if (rc)
        printk(LOG_ERR "%s: the PV MMU refused the boot page tables (error %d)\n",
               d->name, rc);
    return rc;
}
