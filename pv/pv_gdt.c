// SPDX-License-Identifier: MIT
/*
 * PV descriptor tables: set_gdt (2) and update_descriptor (10), the
 * descriptor rules, and the vCPU's GDT frames on the pCPU it runs on.
 *
 * Design: a GDT frame holds a PGT_SEG_DESC type reference for as long as
 * some vCPU uses it, so the guest can never map it writable; its 512
 * descriptors are checked (and fixed up in place) when the reference is
 * taken, and each later change goes through update_descriptor, which
 * checks the one descriptor. The pCPU's GDT pages 0..13 map the running
 * vCPU's frames (hv/x86/gdt.c); page 14, the reserved page, is Mica's.
 *
 * The rules (Xen's check_descriptor for 64-bit PV guests, stricter where
 * Mica emulates less):
 *  - not present: anything goes, the CPU faults on any use;
 *  - code and data segments: DPL raised to 3, as Xen does (its guest
 *    kernel RPL is 3 for 64-bit guests), so the guest never obtains a
 *    segment with ring-0 privilege; base and limit are irrelevant in
 *    64-bit mode and, for 32-bit segments, cover only what ring 3 may
 *    reach anyway;
 *  - system type 0 (the upper half of a 16-byte descriptor): accepted;
 *  - every other system descriptor is refused: LDT and TSS descriptors
 *    (the hypervisor owns both), interrupt and trap gates, and call
 *    gates, which Xen accepts with DPL 0 and emulates and Mica does not.
 * LDT pages (pv_ldt.c) are taken and checked by the same rules.
 *
 * Locking: frame references under the domain's pv_mm lock; the vCPU's
 * own gdt_frames only on the pCPU running it (set_gdt acts on the caller).
 */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/traps.h>

#include "pv_internal.h"

#define DESC_P (1ULL << 47)
#define DESC_S (1ULL << 44)   /* code or data, not system */
#define DESC_DPL (3ULL << 45)
#define DESC_TYPE(d) (((d) >> 40) & 0xf)
#define DESC_CODE (1ULL << 43)
#define DESC_L (1ULL << 53)
#define DESC_DB (1ULL << 54)
#define DESC_PER_PAGE (PAGE_SIZE / 8)

/* Check one descriptor; fix its DPL. False: the guest may not have it. */
bool pv_desc_check(uint64_t *desc)
{
    uint64_t d = *desc;

    if (!(d & DESC_P))
        return true;
    if (d & DESC_S) {
        *desc = d | DESC_DPL;
        return true;
    }
    return DESC_TYPE(d) == 0;
}

/* Check and fix a whole frame, in place. */
static int pv_desc_page_check(mfn_t mfn)
{
    uint64_t *descs = pv_mm_ops->map_frame(mfn);

    for (unsigned int i = 0; i < DESC_PER_PAGE; i++) {
        uint64_t d = __atomic_load_n(&descs[i], __ATOMIC_RELAXED);

        if (!pv_desc_check(&d))
            return -EINVAL;
        __atomic_store_n(&descs[i], d, __ATOMIC_RELAXED);
    }
    return 0;
}

/* Caller holds the pv_mm lock. */
void pv_desc_frames_put(struct pv_mm_domain *m, const mfn_t *frames, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++) {
        pv_page_put_type(m, frames[i]);
        pv_page_put(m, frames[i]);
    }
}

int pv_desc_frame_get(struct pv_mm_domain *m, mfn_t mfn)
{
    int rc = pv_page_get(m, mfn);

    if (rc)
        return rc;
    rc = pv_page_get_type(m, mfn, PGT_SEG_DESC);
    if (!rc && (rc = pv_desc_page_check(mfn)))
        pv_page_put_type(m, mfn);
    if (rc)
        pv_page_put(m, mfn);
    return rc;
}

/* A descriptor-page reference on each frame, all or none. */
static int pv_gdt_frames_get(struct pv_mm_domain *m, const mfn_t *frames, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++) {
        if (pv_desc_frame_get(m, frames[i])) {
            pv_desc_frames_put(m, frames, i);
            return -EINVAL;
        }
    }
    return 0;
}

/* The vCPU's GDT from now on: `nr` frames already referenced. */
static void pv_gdt_install(struct vcpu *v, const mfn_t *frames, unsigned int nr,
                           unsigned int ents)
{
    struct pv_vcpu *p = pv_vcpu(v);
    struct pv_mm_domain *m = &v->domain->pv->mm;

    spin_lock(&m->lock);
    pv_desc_frames_put(m, p->gdt_frames, p->gdt_nr);
    spin_unlock(&m->lock);
    for (unsigned int i = 0; i < nr; i++)
        p->gdt_frames[i] = frames[i];
    p->gdt_nr = nr;
    p->gdt_ents = ents;
}

int pv_gdt_set(struct vcpu *v, const uint64_t *list, uint64_t ents)
{
    struct pv_mm_domain *m = &v->domain->pv->mm;
    mfn_t frames[FIRST_RESERVED_GDT_PAGE];
    unsigned int nr = (unsigned int)((ents + DESC_PER_PAGE - 1) / DESC_PER_PAGE);
    int rc;

    if (ents > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    for (unsigned int i = 0; i < nr; i++) {
        if (list[i] >> 40)
            return -EINVAL;
        frames[i] = _mfn(list[i]);
    }
    spin_lock(&m->lock);
    rc = pv_gdt_frames_get(m, frames, nr);
    spin_unlock(&m->lock);
    if (rc)
        return rc;
    pv_gdt_install(v, frames, nr, (unsigned int)ents);
    return 0;
}

long do_set_gdt(struct vcpu *v, struct hypercall_args *args)
{
    uint64_t list[FIRST_RESERVED_GDT_PAGE];
    uint64_t ents = args->a[1];
    int rc;

    if (ents > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    if (copy_from_guest(v, list, args->a[0],
                        (ents + DESC_PER_PAGE - 1) / DESC_PER_PAGE * sizeof(list[0])))
        return -EFAULT;
    rc = pv_gdt_set(v, list, ents);
    if (!rc)
        pv_gdt_load(v);
    return rc;
}

/*
 * update_descriptor (10): one 8-byte descriptor at machine address ma in
 * a frame of the domain, checked first. The frame is either a descriptor
 * page in use (typed PGT_SEG_DESC) or must be able to be writable, as
 * Xen's do_update_descriptor.
 */
long do_update_descriptor(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_mm_domain *m = &v->domain->pv->mm;
    uint64_t ma = args->a[0], desc = args->a[1];
    mfn_t mfn = _mfn(ma >> PAGE_SHIFT);
    enum page_type type = PGT_WRITABLE;
    int rc;

    if ((ma & 7) || (ma >> 52) || !pv_desc_check(&desc))
        return -EINVAL;
    spin_lock(&m->lock);
    rc = pv_page_get(m, mfn);
    if (rc)
        goto out;
    if (frame_table[mfn_x(mfn)].type == PGT_SEG_DESC && frame_table[mfn_x(mfn)].type_count)
        type = PGT_SEG_DESC; /* a live descriptor page: stays one */
    rc = pv_page_get_type(m, mfn, type);
    if (!rc) {
        uint64_t *page = pv_mm_ops->map_frame(mfn);

        __atomic_store_n(&page[(ma & (PAGE_SIZE - 1)) / 8], desc, __ATOMIC_RELAXED);
        pv_page_put_type(m, mfn);
    }
    pv_page_put(m, mfn);
out:
    spin_unlock(&m->lock);
    return rc ? -EINVAL : 0;
}

/* The vCPU goes: its GDT frames are plain memory again. */
void pv_gdt_release(struct vcpu *v)
{
    pv_gdt_install(v, NULL, 0, 0);
}

/* Switching to / from v on this pCPU. */
void pv_gdt_load(struct vcpu *v)
{
    gdt_guest_map(pv_vcpu(v)->gdt_frames, pv_vcpu(v)->gdt_nr);
}

void pv_gdt_unload(void)
{
    gdt_guest_map(NULL, 0);
}

/*
 * Can IRETQ load cs (with rip) without faulting in ring 0? The reserved
 * page's flat selectors, or a present DPL-3 code segment of v's GDT: a
 * 64-bit one with a canonical rip, or a 32-bit one with rip in its limit.
 */
bool pv_gdt_cs_ok(struct vcpu *v, uint16_t cs, uint64_t rip)
{
    const uint64_t *gdt = this_cpu()->gdt;
    uint64_t d, limit;

    if (cs == FLAT_RING3_CS64)
        return (uint64_t)((int64_t)(rip << 16) >> 16) == rip;
    if (cs == FLAT_RING3_CS32)
        return rip <= 0xffffffffULL;
    if ((cs & 7) != 3 || (cs >> 3) >= pv_vcpu(v)->gdt_ents)
        return false;
    d = __atomic_load_n(&gdt[cs >> 3], __ATOMIC_RELAXED);
    if ((d & (DESC_P | DESC_S | DESC_CODE | DESC_DPL)) != (DESC_P | DESC_S | DESC_CODE | DESC_DPL))
        return false;
    if ((d & DESC_L) && !(d & DESC_DB))
        return (uint64_t)((int64_t)(rip << 16) >> 16) == rip;
    limit = (d & 0xffff) | ((d >> 32) & 0xf0000);
    if (d & (1ULL << 55))
        limit = (limit << 12) | 0xfff;
    return !(d & DESC_L) && rip <= limit;
}
