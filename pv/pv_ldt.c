// SPDX-License-Identifier: MIT
/*
 * PV LDTs (MMUEXT_SET_LDT, VCPUOP_initialise's ldt_base/ldt_ents): the
 * vCPU's LDT pages taken, checked, and loaded on the pCPU it runs on.
 *
 * Design: eager, where Xen maps LDT pages lazily on #PF. When the guest
 * sets an LDT, each of its pages is looked up once through the vCPU's
 * kernel page table (pv_mm_kernel_frame) and the frame takes a
 * PGT_SEG_DESC reference, as a GDT frame does (pv_gdt.c): its descriptors
 * pass the GDT rules when taken, later changes go through
 * update_descriptor, and the guest cannot map it writable while it is the
 * LDT. At switch-in the frames are mapped in the pCPU's LDT area and LDTR
 * loaded (hv/x86/gdt.c); at switch-out LDTR becomes null. The LDT is thus
 * the frames its range mapped at MMUEXT_SET_LDT: a later remapping of the
 * range does not move it, and a page not mapped then refuses the LDT
 * (Xen would follow the new mapping, or fault, at the next use).
 *
 * Locking: frame references under the domain's pv_mm lock; ldt_frames
 * changes only from the vCPU itself (MMUEXT_SET_LDT acts on the caller),
 * while it is down (VCPUOP_initialise) or gone (teardown).
 */
#include <hv/errno.h>
#include <hv/traps.h>

#include "pv_internal.h"

_Static_assert(PV_LDT_PAGES == PERCPU_LDT_PAGES, "a vCPU's LDT fits the pCPU's LDT area");

/* A descriptor-page reference on each frame the range maps, all or none. */
static int pv_ldt_frames_get(struct vcpu *v, uint64_t base, mfn_t *frames,
                             unsigned int nr)
{
    struct pv_mm_domain *m = &v->domain->pv->mm;
    int rc = 0;

    spin_lock(&m->lock);
    for (unsigned int i = 0; i < nr; i++) {
        if (pv_mm_kernel_frame(&pv_vcpu(v)->mm, base + i * PAGE_SIZE, &frames[i]) ||
            pv_desc_frame_get(m, frames[i])) {
            pv_desc_frames_put(m, frames, i);
            rc = -EINVAL;
            break;
        }
    }
    spin_unlock(&m->lock);
    return rc;
}

/* The new frames are loaded before the old ones are let go, so this pCPU
 * never has an LDT that the guest could be writing. */
static void pv_ldt_install(struct vcpu *v, const mfn_t *frames, unsigned int nr,
                           unsigned int ents)
{
    struct pv_vcpu *p = pv_vcpu(v);
    struct pv_mm_domain *m = &v->domain->pv->mm;
    mfn_t old[PV_LDT_PAGES];
    unsigned int old_nr = p->ldt_nr;

    for (unsigned int i = 0; i < old_nr; i++)
        old[i] = p->ldt_frames[i];
    for (unsigned int i = 0; i < nr; i++)
        p->ldt_frames[i] = frames[i];
    p->ldt_nr = nr;
    p->ldt_ents = ents;
    if (this_cpu()->current_vcpu == v)
        pv_ldt_load(v);
    spin_lock(&m->lock);
    pv_desc_frames_put(m, old, old_nr);
    spin_unlock(&m->lock);
}

int pv_ldt_set(struct vcpu *v, uint64_t base, unsigned int ents)
{
    mfn_t frames[PV_LDT_PAGES];
    unsigned int nr = (unsigned int)(((uint64_t)ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE);
    int rc;

    if (nr > PV_LDT_PAGES)
        return -EINVAL;
    rc = pv_ldt_frames_get(v, base, frames, nr);
    if (!rc)
        pv_ldt_install(v, frames, nr, ents);
    return rc;
}

/* The vCPU goes: its LDT frames are plain memory again. */
void pv_ldt_release(struct vcpu *v)
{
    pv_ldt_install(v, NULL, 0, 0);
}

/* Switching to / from a vCPU on this pCPU. */
void pv_ldt_load(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);

    ldt_guest_map(p->ldt_frames, p->ldt_nr, p->ldt_ents);
}

void pv_ldt_unload(void)
{
    ldt_guest_map(NULL, 0, 0);
}
