// SPDX-License-Identifier: MIT
/*
 * VCPUOP_initialise, VCPUOP_up and VCPUOP_down for PV guests: another
 * vCPU of the domain gets its first state from a struct
 * vcpu_guest_context (Linux starts its secondary CPUs this way), then is
 * woken; a vCPU taken down keeps its state and resumes on VCPUOP_up.
 *
 * Every field is checked before anything changes: the vCPU must still be
 * down and not initialised yet (-EEXIST, as Xen), start in guest kernel
 * mode, at a canonical guest RIP/RSP with the flat kernel selectors or a
 * code segment of its new GDT; trap handlers, callbacks, the kernel stack
 * and the LDT base in the guest's half; segment bases canonical; the GDT
 * frames pass the descriptor rules (pv_gdt.c) and ctrlreg[3] must name an
 * L4 already validated for the domain (pinned), as for NEW_BASEPTR; the
 * LDT's pages, found through that L4, pass the descriptor rules as for
 * MMUEXT_SET_LDT (pv_ldt.c).
 * Debug registers follow set_debugreg's rules (pv_dr.h; any refusal is
 * -EINVAL, where Xen drops a bad value silently); vm_assist is per domain
 * here and ignored. Only then are GDT and base pointer taken (undone if
 * the second fails) and the state copied.
 *
 * Locking: the target of VCPUOP_initialise is down, so nothing runs it;
 * frame references under the domain's pv_mm lock (pv_gdt_set,
 * pv_mm_set_base, pv_ldt_set); VCPUOP_down decides under domain.lock.
 */
#include <hv/errno.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/vcpu.h>

#include "pv_dr.h"
#include "pv_internal.h"

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static bool guest_va(uint64_t va)
{
    return !va || (canonical(va) && pv_addr_is_guest(va));
}

/* The debug registers a context sets, by set_debugreg's rules (DR4 and
 * DR5 are ignored, as by Xen; a new vCPU's CR4.DE is clear). */
static const unsigned int ctx_drs[] = { 0, 1, 2, 3, 6, 7 };

/* The fields that need no reference: -EINVAL when one is unacceptable. */
static int ctx_check(const struct vcpu_guest_context *c)
{
    const struct cpu_user_regs *r = &c->user_regs;
    uint64_t dr;

    if (!(c->flags & VGCF_in_kernel) || !canonical(r->rip) || !guest_va(r->rip) ||
        !guest_va(r->rsp) || !guest_va(c->kernel_sp))
        return -EINVAL;
    if (!guest_va(c->event_callback_eip) || !guest_va(c->failsafe_callback_eip) ||
        !guest_va(c->syscall_callback_eip) || !guest_va(c->ldt_base) || c->ldt_ents > 8192)
        return -EINVAL;
    if (!canonical(c->fs_base) || !canonical(c->gs_base_kernel) || !canonical(c->gs_base_user))
        return -EINVAL;
    for (unsigned int i = 0; i < ARRAY_SIZE(ctx_drs); i++)
        if (pv_dr_check(ctx_drs[i], c->debugreg[ctx_drs[i]], false, &dr) < 0)
            return -EINVAL;
    for (unsigned int i = 0; i < 256; i++)
        if (!guest_va(c->trap_ctxt[i].address))
            return -EINVAL;
    if (c->ctrlreg[1] || c->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL; /* a user L4 comes later, by NEW_USER_BASEPTR */
    return 0;
}

static void ctx_apply(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct pv_vcpu *p = pv_vcpu(v);
    const struct cpu_user_regs *r = &c->user_regs;

    memset(&p->regs, 0, sizeof(p->regs));
    p->regs.r15 = r->r15, p->regs.r14 = r->r14, p->regs.r13 = r->r13, p->regs.r12 = r->r12;
    p->regs.rbp = r->rbp, p->regs.rbx = r->rbx, p->regs.r11 = r->r11, p->regs.r10 = r->r10;
    p->regs.r9 = r->r9, p->regs.r8 = r->r8, p->regs.rax = r->rax, p->regs.rcx = r->rcx;
    p->regs.rdx = r->rdx, p->regs.rsi = r->rsi, p->regs.rdi = r->rdi;
    p->regs.rip = r->rip, p->regs.rsp = r->rsp, p->regs.rflags = r->rflags;
    /* The virtual IOPL comes with the context, as on Xen (Linux starts its
     * APs with IOPL 1, the kernel's ring, for its port I/O). */
    p->iopl = (uint8_t)((r->rflags >> 12) & 3);
    /* Xen's fixup: RPL 0 becomes 3 (the 64-bit guest kernel's RPL). */
    p->regs.cs = r->cs | 3;
    p->ds = r->ds ? r->ds | 3 : 0, p->es = r->es ? r->es | 3 : 0;
    p->fs = r->fs ? r->fs | 3 : 0, p->gs = r->gs ? r->gs | 3 : 0;
    p->kernel_mode = true;
    for (unsigned int i = 0; i < 256; i++) {
        p->trap[i] = c->trap_ctxt[i];
        p->trap[i].cs |= 3;
    }
    p->kernel_ss = c->kernel_ss | 3, p->kernel_sp = c->kernel_sp;
    p->event_cb = c->event_callback_eip;
    p->failsafe_cb = c->failsafe_callback_eip;
    p->syscall_cb = c->syscall_callback_eip;
    p->failsafe_masks = c->flags & VGCF_failsafe_disables_events;
    p->syscall_masks = c->flags & VGCF_syscall_disables_events;
    p->fs_base = c->fs_base, p->gs_base_kernel = c->gs_base_kernel;
    p->gs_base_user = c->gs_base_user;
    for (unsigned int i = 0; i < ARRAY_SIZE(ctx_drs); i++)
        BUG_ON(pv_dr_set(v, ctx_drs[i], c->debugreg[ctx_drs[i]])); /* checked */
}

static int ctx_install(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct pv_vcpu *p = pv_vcpu(v);
    int rc = ctx_check(c);

    if (rc)
        return rc;
    rc = pv_gdt_set(v, c->gdt_frames, c->gdt_ents);
    if (rc)
        return rc;
    rc = pv_mm_set_base(&p->mm, _mfn(c->ctrlreg[3] >> 12), false);
    if (rc)
        goto release_gdt;
    /* The LDT pages are found through that base, as for MMUEXT_SET_LDT. */
    rc = pv_mm_set_ldt(&p->mm, c->ldt_base, (unsigned int)c->ldt_ents);
    if (rc)
        goto release_base;
    ctx_apply(v, c);
    return 0;
release_base:
    pv_mm_vcpu_release(&p->mm);
release_gdt:
    pv_gdt_release(v);
    return -EINVAL;
}

int pv_vcpu_initialise(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct vcpu_guest_context *c;
    int rc;

    if (v == caller || !__atomic_load_n(&v->wait_for_sipi, __ATOMIC_ACQUIRE))
        return -EINVAL;
    if (pv_vcpu(v)->initialised)
        return -EEXIST;
    c = xmalloc(sizeof(*c));
    if (!c)
        return -ENOMEM;
    rc = copy_from_guest(caller, c, arg, sizeof(*c)) ? -EFAULT : ctx_install(v, c);
    xfree(c);
    if (!rc)
        pv_vcpu(v)->initialised = true;
    return rc;
}

/* VCPUOP_up: an initialised vCPU starts, a downed one resumes where it
 * stopped; one already up is left alone. */
int pv_vcpu_up(struct vcpu *v)
{
    if (!pv_vcpu(v)->initialised)
        return -EINVAL;
    __atomic_store_n(&v->wait_for_sipi, false, __ATOMIC_RELEASE);
    vcpu_kick(v);
    return 0;
}

/* Is any vCPU of d other than v up? Caller holds d->lock. */
static bool pv_others_up(struct domain *d, struct vcpu *v)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i] != v &&
            !__atomic_load_n(&d->vcpu[i]->wait_for_sipi, __ATOMIC_ACQUIRE))
            return true;
    return false;
}

/*
 * VCPUOP_down, as Xen: v stops at its next pass through the run loop
 * (the caller itself once this hypercall has returned 0) and keeps its
 * whole state for VCPUOP_up. The domain's last vCPU up going down powers
 * the domain off instead. d->lock makes the check and the change one
 * step, so two vCPUs downing each other cannot both go.
 */
int pv_vcpu_down(struct vcpu *caller, struct vcpu *v)
{
    struct domain *d = v->domain;
    bool last;

    spin_lock(&d->lock);
    last = !pv_others_up(d, v);
    if (!last)
        __atomic_store_n(&v->wait_for_sipi, true, __ATOMIC_RELEASE);
    spin_unlock(&d->lock);
    if (last)
        domain_shutdown(d, SHUTDOWN_POWEROFF);
    else if (v != caller)
        vcpu_kick(v); /* out of the guest, into its offline wait */
    return 0;
}
