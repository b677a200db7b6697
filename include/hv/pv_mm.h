/* SPDX-License-Identifier: MIT */
/* Classic PV memory management: frame references and types, validated
 * guest page tables, and the per-domain/per-vCPU state of the PV MMU. */
#ifndef HV_PV_MM_H
#define HV_PV_MM_H

#include <hv/mm.h>
#include <hv/spinlock.h>
#include <hv/types.h>

struct vcpu;

/*
 * The rules (DESIGN.md "Isolation rules"), enforced over the frame table:
 *
 *  - page_info.count counts general references: every present entry of a
 *    validated page table that points at the frame, every pin, every base
 *    pointer. A domain takes them only on frames it owns.
 *  - page_info.type says what the frame may be used as and type_count how
 *    many references hold that use. A frame has one type at a time; the
 *    type changes only while type_count is 0. A writable mapping holds a
 *    PGT_WRITABLE reference, a page-table entry of level k+1 a PGT_Lk
 *    reference on the table it points to, so a frame mapped writable never
 *    becomes a page table and a page table is never mapped writable.
 *  - Taking an Lk type on a frame whose type_count is 0 validates it:
 *    every present entry is checked and takes its own references. When
 *    type_count drops back to 0 the entries' references are dropped again
 *    (recursively), so an unpinned, unreferenced tree is plain guest memory.
 *  - No cycle can form: an Lk entry only ever takes an L(k-1) reference,
 *    so levels fall by one along every chain of references, and a frame
 *    that already holds references as one type refuses any other type.
 *    A frame reached again from below would have to be a table of two
 *    levels at once.
 *  - Guest L4 slots 256..271 are the hypervisor's: never validated, never
 *    writable by the guest, filled from the idle page table.
 *  - When a frame changes type after having had one, every vCPU of the
 *    domain flushes its TLB (ops->flush) before the new type is granted:
 *    a stale writable translation must not reach a new page table, and a
 *    stale paging-structure cache must not walk a frame that has become
 *    writable.
 *
 * Locking: pv_mm_domain.lock serialises every change of count, type,
 * type_count, PGF_VALIDATED and PGF_PINNED of the domain's frames and of
 * the contents of its validated page tables. References are only taken on
 * frames the domain owns, so one domain's lock covers all of them. The
 * buddy lock is never taken inside it. ops->flush is called with it held.
 */

#define PV_MM_FLUSH_ALL (~0ULL) /* flush va: the whole TLB, not one page */
#define PV_MM_ALL_VCPUS (~0ULL) /* flush mask: every vCPU of the domain */
#define PV_MM_LOG_BUDGET 32     /* warnings logged per domain, then quiet */

/* Per-domain PV MMU state, embedded in the runtime's PV domain. */
struct pv_mm_domain {
    uint16_t domid;          /* owner id its frames carry */
    unsigned int nr_vcpus;   /* bits of a vCPU mask that count */
    unsigned int log_budget; /* guest-caused warnings left (rate limit) */
    spinlock_t lock;         /* see Locking above */
};

/* Per-vCPU PV MMU state, embedded in the runtime's PV vCPU. Each base
 * pointer holds one general and one PGT_L4 reference. */
struct pv_mm_vcpu {
    struct pv_mm_domain *d;
    unsigned int id;       /* bit in vCPU masks */
    mfn_t kernel_l4;       /* MMUEXT_NEW_BASEPTR; INVALID_MFN = none */
    mfn_t user_l4;         /* MMUEXT_NEW_USER_BASEPTR; INVALID_MFN = none */
    uint64_t ldt_base;     /* MMUEXT_SET_LDT linear address (0 = none) */
    unsigned int ldt_ents; /* its descriptors, at most 8192 */
};

/*
 * What the PV MMU needs from the runtime (pv/) or, in unit tests, from a
 * fake. Set pv_mm_ops before the first PV domain is built.
 */
struct pv_mm_ops {
    /* The hypervisor's view of a RAM frame of the frame table. */
    void *(*map_frame)(mfn_t mfn);
    /* The idle page table's L4; its slots 256..271 go into guest L4s. */
    const uint64_t *(*hv_l4)(void);
    /* The PV MMU state of v, or NULL when v is not a PV vCPU. */
    struct pv_mm_vcpu *(*vcpu)(struct vcpu *v);
    /* Invalidate va (or PV_MM_FLUSH_ALL, which includes paging-structure
     * caches) on the vCPUs of d in vcpu_mask, the caller's own included,
     * and return only when none of them can use a stale translation.
     * May be called with d->lock held (a type change), so it must not
     * wait for a CPU that could be spinning on that lock with interrupts
     * off. */
    void (*flush)(struct pv_mm_domain *d, uint64_t vcpu_mask, vaddr_t va);
    /* mv's kernel or user L4 changed: reload CR3 if that table is live.
     * Called with d->lock held, before the old table's references go. */
    void (*base_changed)(struct pv_mm_vcpu *mv);
    /* mv's LDT is to become `ents` descriptors at guest address base
     * (checked: page-aligned, in the guest's half; ents 0: none): take
     * and check its pages, 0 or -errno to refuse (nothing changes then).
     * May be NULL: nothing to do. Called without d->lock. */
    int (*ldt_changed)(struct pv_mm_vcpu *mv, uint64_t base, unsigned int ents);
    /* true: stop a long batch here and continue it (may be NULL, but
     * then a guest batch of 2^31 elements runs to its end). */
    bool (*preempt_check)(void);
};

extern const struct pv_mm_ops *pv_mm_ops;

void pv_mm_domain_init(struct pv_mm_domain *d, uint16_t domid, unsigned int nr_vcpus);
void pv_mm_vcpu_init(struct pv_mm_vcpu *mv, struct pv_mm_domain *d, unsigned int id);

/*
 * Operations on one domain's frames; each takes d->lock. All return 0 or
 * a negative Xen errno and leave every count unchanged on failure.
 */
/* MMUEXT_PIN_Lk_TABLE: validate as `type` (PGT_L1..PGT_L4) and keep one
 * type reference. -EINVAL: not the domain's, bad type, already pinned or
 * refused by validation (whose error is returned, e.g. -EBUSY). */
int __must_check pv_mm_pin(struct pv_mm_domain *d, mfn_t mfn, enum page_type type);
/* MMUEXT_UNPIN_TABLE: -EINVAL unless the domain's frame is pinned. */
int __must_check pv_mm_unpin(struct pv_mm_domain *d, mfn_t mfn);
/* MMUEXT_NEW_BASEPTR / NEW_USER_BASEPTR: mfn must already be a validated
 * L4 (pinned, or another base pointer), else -EINVAL. For the user table
 * an mfn of 0 means "none". Calls ops->base_changed. */
int __must_check pv_mm_set_base(struct pv_mm_vcpu *mv, mfn_t mfn, bool user);
/* MMU_NORMAL_PT_UPDATE (preserve_ad: MMU_PT_UPDATE_PRESERVE_AD): ma is
 * the machine address of an 8-byte entry in a frame of the domain. An
 * entry of a validated table is checked and its references moved; a
 * frame that can be writable is written as plain memory. */
int __must_check pv_mm_update_pte(struct pv_mm_domain *d, paddr_t ma, uint64_t val,
                                  bool preserve_ad);
/* update_va_mapping without the flush: the L1 entry that maps va in mv's
 * kernel page table. -EINVAL when va is not a guest address or no L1
 * table maps it. */
int __must_check pv_mm_update_va(struct pv_mm_vcpu *mv, vaddr_t va, uint64_t val);
/* Writable page tables: the machine address of the L1 entry a guest
 * kernel write to va would change, when va maps (through mv's kernel
 * table) a validated L1 table; -EINVAL otherwise. */
int __must_check pv_mm_ptwr_lookup(struct pv_mm_vcpu *mv, vaddr_t va, paddr_t *ma);
/* MMU_MACHPHYS_UPDATE: M2P[mfn] = pfn for a frame the domain owns. */
int __must_check pv_mm_machphys_update(struct pv_mm_domain *d, mfn_t mfn, uint64_t pfn);
/* MMUEXT_CLEAR_PAGE / COPY_PAGE: the target must be able to be writable. */
int __must_check pv_mm_clear_page(struct pv_mm_domain *d, mfn_t mfn);
int __must_check pv_mm_copy_page(struct pv_mm_domain *d, mfn_t dst, mfn_t src);
/* MMUEXT_SET_LDT: check, hand to ops->ldt_changed, then record a new
 * LDT; -EINVAL (or the hook's error) leaves the old one. */
int __must_check pv_mm_set_ldt(struct pv_mm_vcpu *mv, uint64_t base, unsigned int ents);
/* The frame a present L1 entry of mv's kernel page table maps at va;
 * -EINVAL when none does. The caller holds mv->d->lock. */
int __must_check pv_mm_kernel_frame(struct pv_mm_vcpu *mv, vaddr_t va, mfn_t *mfn);

/*
 * A hypervisor page the domain may map (shared_info, a grant-table frame),
 * as Xen's share_xen_page_with_guest: it becomes the domain's, with a
 * general and a PGT_WRITABLE reference that the hypervisor keeps, so it
 * can be mapped writable but never become a page table or descriptor
 * table. It goes back at pv_mm_domain_release, never to the guest's RAM.
 * -EINVAL unless the frame is the hypervisor's (DOMID_XEN).
 */
int __must_check pv_mm_share(struct pv_mm_domain *d, mfn_t mfn);

/* Teardown: drop a vCPU's base pointers (it no longer runs on them). */
void pv_mm_vcpu_release(struct pv_mm_vcpu *mv);
/* Teardown after every vCPU's release: unpin every pinned frame and give
 * shared frames back to the hypervisor (owner DOMID_XEN, M2P invalid).
 * Returns how many of the domain's frames still hold references (0 unless
 * the runtime holds some itself, a shared frame included); the frames may
 * be freed when it is 0. */
uint64_t pv_mm_domain_release(struct pv_mm_domain *d);

/*
 * The reference primitives, for the runtime's own users (descriptor
 * tables, the domain builder). The caller holds d->lock.
 */
/* A general reference on a frame the domain owns; -EINVAL otherwise. */
int __must_check pv_page_get(struct pv_mm_domain *d, mfn_t mfn);
void pv_page_put(struct pv_mm_domain *d, mfn_t mfn);
/* A type reference (the caller holds a general one). Validates a page
 * table on its first reference; -EINVAL on a type conflict. PGT_SEG_DESC
 * contents are the caller's to check, after the type is held. */
int __must_check pv_page_get_type(struct pv_mm_domain *d, mfn_t mfn, enum page_type type);
void pv_page_put_type(struct pv_mm_domain *d, mfn_t mfn);
/* Is va a canonical address outside the hypervisor's slots? */
bool pv_guest_va_ok(vaddr_t va);

#endif /* HV_PV_MM_H */
