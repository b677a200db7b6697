// SPDX-License-Identifier: MIT
/* PV domains and vCPUs: creation, what a PV vCPU takes along between
 * pCPUs (CR3, segment selectors and bases, TSS.RSP0), its guest/kernel
 * mode switch, and hypercall argument copies from its address space. */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/m2p.h>
#include <hv/mm.h>
#include <hv/paging.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/traps.h>
#include <hv/x86.h>

#include "pv_internal.h"

#define PV_LOG_BURST 20 /* guest-caused log lines per domain and second */

extern const char pv_syscall_entry[], pv_syscall32_entry[];

bool pv_log_allowed(struct domain *d)
{
    struct pv_domain *pd = d->pv;
    uint64_t now = now_ns();

    /* Unlocked: two vCPUs racing here may print a line more or less. */
    if (now - pd->log_window_ns >= 1000000000ULL) {
        pd->log_window_ns = now;
        pd->log_count = 0;
    }
    return pd->log_count++ < PV_LOG_BURST;
}

/*
 * SYSCALL from ring 3 enters the hypervisor at pv_syscall_entry with
 * interrupts, single-stepping, DF and AC off (AMD APM Vol. 2, "SYSCALL and
 * SYSRET"). SYSRET's selectors (FLAT_RING3_CS32 + 8/16) are those Xen uses,
 * though returns go through IRETQ. Runs before the HVM backend records the
 * host's MSRs, which it restores after each guest run.
 */
void pv_cpu_init(void)
{
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)SEL_HV_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)pv_syscall_entry);
    wrmsr(MSR_CSTAR, (uint64_t)pv_syscall32_entry);
    wrmsr(MSR_SFMASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_AC |
                          X86_EFLAGS_NT);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* PV guests see machine frames; the p2m still records which frames are
 * theirs, at which pfn (for the builder, the p2m list and teardown). Its
 * store is the NPT radix tree, which no CPU ever walks here. */
static int pv_domain_init(struct domain *d)
{
    int rc;

    d->pv = xzalloc(sizeof(*d->pv));
    if (!d->pv)
        return -ENOMEM;
    pv_mm_ops_install();
    d->pv->domain = d;
    d->pv->console_mfn = INVALID_MFN;
    pv_mm_domain_init(&d->pv->mm, (uint16_t)d->id, d->nr_vcpus);
    rc = p2m_init(&d->p2m, &npt_view_ops);
    if (!rc)
        rc = p2m_populate(&d->p2m, 0, d->ram_bytes, (uint16_t)d->id);
    return rc;
}

/* The domain's frames leave the M2P with it. */
static void pv_m2p_clear(struct domain *d)
{
    paddr_t pa;

    for (uint64_t pfn = 0; pfn < d->ram_bytes >> PAGE_SHIFT; pfn++)
        if (!p2m_translate(&d->p2m, pfn << PAGE_SHIFT, &pa))
            m2p_set(paddr_to_mfn(pa), M2P_INVALID);
}

/* After every vCPU released its base pointers: the pins go, and with them
 * every reference the guest's tables held, before the frames are freed. */
static void pv_domain_destroy(struct domain *d)
{
    struct pv_domain *pd = d->pv;

    if (!pd)
        return;
    if (!mfn_eq(pd->console_mfn, INVALID_MFN))
        pv_frame_release(d, pd->console_mfn);
    if (pv_mm_domain_release(&pd->mm))
        printk(LOG_ERR "d%u: PV frames still referenced at teardown\n", d->id);
    pv_m2p_clear(d);
    xfree(pd);
    d->pv = NULL;
}

int pv_frame_hold(struct domain *d, mfn_t mfn)
{
    struct pv_mm_domain *m = &d->pv->mm;
    int rc;

    spin_lock(&m->lock);
    rc = pv_page_get(m, mfn);
    if (!rc && (rc = pv_page_get_type(m, mfn, PGT_WRITABLE)))
        pv_page_put(m, mfn);
    spin_unlock(&m->lock);
    return rc;
}

void pv_frame_release(struct domain *d, mfn_t mfn)
{
    struct pv_mm_domain *m = &d->pv->mm;

    spin_lock(&m->lock);
    pv_page_put_type(m, mfn);
    pv_page_put(m, mfn);
    spin_unlock(&m->lock);
}

/* A frame of guest RAM that Mica will write (register_vcpu_info): an MFN
 * of the domain, held writable until the domain goes. */
static int pv_guest_frame_get(struct domain *d, uint64_t frame, paddr_t *pa)
{
    if (frame >> 40 || pv_frame_hold(d, _mfn(frame)))
        return -EINVAL;
    *pa = frame << PAGE_SHIFT;
    return 0;
}

static void pv_guest_frame_put(struct domain *d, uint64_t frame)
{
    pv_frame_release(d, _mfn(frame));
}

static int pv_frame_share(struct domain *d, paddr_t pa)
{
    return pv_mm_share(&d->pv->mm, paddr_to_mfn(pa));
}

static int pv_vcpu_init(struct vcpu *v)
{
    struct pv_vcpu *p = xzalloc(sizeof(*p));

    if (!p)
        return -ENOMEM;
    BUG_ON((uintptr_t)(&p->regs + 1) & 15); /* the CPU aligns RSP0 itself */
    p->kernel_mode = true;
    p->initialised = v->id == 0; /* the builder's, for VCPUOP_up after a down */
    p->vcpu = v;
    p->dr6 = X86_DR6_DEFAULT;
    p->dr7 = X86_DR7_DEFAULT;
    pv_mm_vcpu_init(&p->mm, &v->domain->pv->mm, v->id);
    v->arch = p;
    return 0;
}

static void pv_vcpu_destroy(struct vcpu *v)
{
    struct pv_vcpu *p = v->arch;

    if (!p)
        return;
    if (v->xen && v->xen->vinfo_gpa)
        pv_frame_release(v->domain, paddr_to_mfn(v->xen->vinfo_gpa));
    pv_gdt_release(v);
    pv_ldt_release(v);
    pv_mm_vcpu_release(&p->mm);
    xfree(p);
    v->arch = NULL;
}

/* A vCPU not initialised yet (an AP before VCPUOP_initialise) has no
 * tables of its own: it is switched in only to block, on the idle ones. */
void pv_load_cr3(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);
    mfn_t l4 = p->kernel_mode || mfn_eq(p->mm.user_l4, INVALID_MFN) ? p->mm.kernel_l4
                                                                     : p->mm.user_l4;

    write_cr3(mfn_eq(l4, INVALID_MFN) ? hv_pt.root : mfn_to_paddr(l4));
}

/* While the hypervisor runs, the guest's GS base waits in KERNEL_GS_BASE
 * (pv_entry.asm swaps it in on entry); FS base stays in place. */
void pv_bases_save(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);

    p->fs_base = rdmsr(MSR_FS_BASE);
    *(p->kernel_mode ? &p->gs_base_kernel : &p->gs_base_user) =
        rdmsr(MSR_KERNEL_GS_BASE);
}

void pv_bases_load(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);

    wrmsr(MSR_FS_BASE, p->fs_base);
    wrmsr(MSR_KERNEL_GS_BASE, p->kernel_mode ? p->gs_base_kernel : p->gs_base_user);
}

/* Xen's toggle_guest_mode: the other page table and the other GS base. */
void pv_toggle_mode(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);

    pv_bases_save(v);
    p->kernel_mode = !p->kernel_mode;
    pv_bases_load(v);
    pv_load_cr3(v);
}

/*
 * Load a guest selector; one the CPU refuses (the guest changed or dropped
 * its GDT since) becomes the null selector, as Xen's fixups do. Ring 0 can
 * load any data selector a guest can: every guest descriptor has DPL 3.
 */
#define PV_SEG_LOAD(seg, sel)                                                          \
    asm volatile("1: mov %k0, %%" seg "\n2:\n"                                         \
                 ".pushsection .text.fixup, \"ax\"\n"                                   \
                 "3: xor %k0, %k0\n\tmov %k0, %%" seg "\n\tjmp 2b\n"                   \
                 ".popsection\n"                                                       \
                 ".pushsection .ex_table, \"a\"\n\t.quad 1b, 3b\n\t.popsection"         \
                 : "+r"(sel))

/* Loading GS clears GS base: the hypervisor's is rewritten before
 * anything reads it, with interrupts off meanwhile (a fault on the load
 * itself happens before GS base changes). */
static void pv_segments_load(struct vcpu *v, struct percpu *pc)
{
    struct pv_vcpu *p = pv_vcpu(v);
    uint32_t ds = p->ds, es = p->es, fs = p->fs, gs = p->gs;
    uint64_t flags = local_irq_save();

    PV_SEG_LOAD("ds", ds);
    PV_SEG_LOAD("es", es);
    PV_SEG_LOAD("fs", fs);
    PV_SEG_LOAD("gs", gs);
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
    pv_bases_load(v);
    local_irq_restore(flags);
    if (ds != p->ds || es != p->es || fs != p->fs || gs != p->gs) {
        p->failsafe_sels[0] = p->ds, p->failsafe_sels[1] = p->es;
        p->failsafe_sels[2] = p->fs, p->failsafe_sels[3] = p->gs;
        p->failsafe_pending = true; /* for the run loop (pv_deliver_failsafe) */
    }
}

bool pv_gs_selector_load(struct vcpu *v, uint16_t sel)
{
    struct percpu *pc = this_cpu();
    uint32_t gs = sel;
    uint64_t flags = local_irq_save();

    pv_bases_save(v);
    PV_SEG_LOAD("gs", gs);
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
    pv_vcpu(v)->gs_base_user = 0;
    pv_bases_load(v);
    local_irq_restore(flags);
    return gs == sel;
}

static void pv_segments_save(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);
    uint32_t ds, es, fs, gs;

    asm volatile("mov %%ds, %0\n\tmov %%es, %1\n\tmov %%fs, %2\n\tmov %%gs, %3"
                 : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    p->ds = (uint16_t)ds, p->es = (uint16_t)es, p->fs = (uint16_t)fs, p->gs = (uint16_t)gs;
    pv_bases_save(v);
}

static void pv_switch_in(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);
    struct percpu *pc = this_cpu();
    uint64_t top = (uint64_t)(&p->regs + 1);

    pc->pv_frame_top = top;
    tss_set_rsp0(pc, top);
    pv_load_cr3(v);
    pv_gdt_load(v);
    if (p->ldt_ents)
        pv_ldt_load(v); /* before the selectors: some may be LDT ones */
    pv_segments_load(v, pc);
    pv_dr_load(v);
    if (v->xen)
        xen_runstate_update(v); /* through the guest's page tables, now loaded */
}

/* Back to the hypervisor's null data selectors. The guest's (RPL 3, in a
 * GDT about to be unmapped) must not outlive it here: VT-x takes this
 * pCPU's selectors into the VMCS host state of the next HVM vCPU and
 * refuses RPL 3 ("Checks on Host Segment and Descriptor-Table
 * Registers"). Loading GS clears GS base, rewritten before anything can
 * read it. */
static void pv_segments_reset(struct percpu *pc)
{
    uint32_t null = 0;
    uint64_t flags = local_irq_save();

    asm volatile("mov %k0, %%ds\n\tmov %k0, %%es\n\tmov %k0, %%fs\n\tmov %k0, %%gs"
                 : : "r"(null));
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
    local_irq_restore(flags);
}

/* The guest's tables may be freed once it is gone: leave them. */
static void pv_switch_out(struct vcpu *v)
{
    pv_segments_save(v);
    pv_segments_reset(this_cpu()); /* before its LDT and GDT go away */
    pv_dr_unload(v);
    pv_ldt_unload();
    pv_gdt_unload();
    write_cr3(hv_pt.root);
}

/* Guest virtual addresses in the guest's half, through its page tables as
 * loaded now (v is the vCPU running here); a fault ends the copy. */
static int pv_copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    ASSERT(this_cpu()->current_vcpu == v);
    if (this_cpu()->current_vcpu != v || !pv_range_is_guest(gva, len))
        return -EFAULT;
    return pv_copy_raw(dst, (const void *)gva, len) ? -EFAULT : 0;
}

static int pv_copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    ASSERT(this_cpu()->current_vcpu == v);
    if (this_cpu()->current_vcpu != v || !pv_range_is_guest(gva, len))
        return -EFAULT;
    return pv_copy_raw((void *)gva, src, len) ? -EFAULT : 0;
}

/* Kernel addresses are mapped only by the kernel L4 (Linux's user L4
 * leaves them out): in user mode the write waits for a later switch-in. */
static int pv_copy_to_guest_kernel(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    if (this_cpu()->current_vcpu != v || !pv_vcpu(v)->kernel_mode)
        return -EAGAIN;
    return pv_copy_to_guest(v, gva, src, len);
}

const struct domain_ops pv_domain_ops = {
    .name = "PV",
    .domain_init = pv_domain_init,
    .domain_destroy = pv_domain_destroy,
    .vcpu_init = pv_vcpu_init,
    .vcpu_destroy = pv_vcpu_destroy,
    .build = pv_domain_build,
    .vcpu_run = pv_vcpu_run,
    .switch_in = pv_switch_in,
    .switch_out = pv_switch_out,
    .copy_from_guest = pv_copy_from_guest,
    .copy_to_guest = pv_copy_to_guest,
    .copy_to_guest_kernel = pv_copy_to_guest_kernel,
    .guest_frame_get = pv_guest_frame_get,
    .guest_frame_put = pv_guest_frame_put,
    .frame_share = pv_frame_share,
    .vcpu_initialise = pv_vcpu_initialise,
    .vcpu_up = pv_vcpu_up,
    .vcpu_down = pv_vcpu_down,
    .dump = pv_domain_dump,
};
