/* SPDX-License-Identifier: MIT */
/* Shared by the PV MMU core files in mm/ (not an interface). */
#ifndef MM_PV_MM_INTERNAL_H
#define MM_PV_MM_INTERNAL_H

#include <hv/pagetable.h>
#include <hv/printk.h>
#include <hv/pv_mm.h>

#define PT_ENTRIES 512

/* Xen's _PAGE_GUEST_KERNEL (software bit 52): the hypervisor sets it with
 * U on L1 entries the guest wrote without U, since guest kernel and guest
 * user both run at CPL 3 and only the separate user L4 keeps them apart. */
#define PTE_GUEST_KERNEL (1ULL << 52)
/* Software-available bits: 9-11 and 52-62. */
#define PTE_AVAIL (0xe00ULL | (0x7ffULL << 52))
/* Bit 62 marks grant mappings (Xen's _PAGE_GNTTAB); not for guests. */
#define PTE_GNTTAB (1ULL << 62)

/*
 * Flags a guest may put in a present entry (as Xen's base_disallow_mask):
 * no PWT/PCD/PAT (a domain without devices has no business with cache
 * attributes), no PS (no superpages), no G in L2-L4.
 */
#define PV_PTE_ALLOWED (PTE_P | PTE_W | PTE_U | PTE_A | PTE_D | PTE_NX | PTE_AVAIL)
#define PV_L1E_ALLOWED ((PV_PTE_ALLOWED | PTE_G) & ~PTE_GNTTAB)

static inline mfn_t pte_mfn(uint64_t e)
{
    return paddr_to_mfn(e & PTE_ADDR_MASK);
}

static inline bool pv_is_pt_type(unsigned int type)
{
    return type >= PGT_L1 && type <= PGT_L4;
}

static inline unsigned int pv_type_level(unsigned int type)
{
    return type - PGT_L1 + 1;
}

static inline enum page_type pv_level_type(unsigned int level)
{
    return (enum page_type)(PGT_L1 + level - 1);
}

/* The frame's page_info, or NULL outside the frame table. */
struct page_info *pv_page(mfn_t mfn);
uint64_t *pv_map(mfn_t mfn);

/* Rate-limited warning about something the guest did. */
bool pv_mm_log_ok(struct pv_mm_domain *d);
#define pv_mm_warn(d, fmt, ...)                                                          \
    do {                                                                                 \
        if (pv_mm_log_ok(d))                                                             \
            printk(LOG_WARN "d%u: " fmt "%s\n", (d)->domid, __VA_ARGS__,                 \
                   (d)->log_budget ? "" : " (no more PV MMU warnings)");                 \
    } while (0)

/* mm/pv_mm_pt.c: page-table contents (caller holds d->lock). */
int __must_check pv_pt_validate(struct pv_mm_domain *d, mfn_t mfn, unsigned int level);
void pv_pt_devalidate(struct pv_mm_domain *d, mfn_t mfn, unsigned int level);
int __must_check pv_pt_update(struct pv_mm_domain *d, mfn_t table, unsigned int slot,
                              uint64_t val, bool preserve_ad);

#endif /* MM_PV_MM_INTERNAL_H */
