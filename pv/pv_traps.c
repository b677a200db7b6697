// SPDX-License-Identifier: MIT
/*
 * Events for a PV guest: exceptions it raised in ring 3, event upcalls and
 * user-mode SYSCALLs all reach its kernel through a bounce frame built on
 * the guest kernel stack, as Xen's create_bounce_frame() does
 * (xen-abi.md §4.6): from the new RSP up, RCX, R11, [error code], RIP,
 * CS (saved upcall mask in bits 39:32), RFLAGS, RSP, SS.
 */
#include <hv/errno.h>
#include <hv/hcstats.h>
#include <hv/hypercall.h>
#include <hv/printk.h>
#include <hv/x86.h>

#include "pv_internal.h"

#define PFEC_USER (1U << 2)

/* Vectors whose exceptions push an error code (SDM Vol. 3, "Exception and
 * Interrupt Reference"). */
#define EXC_HAS_ERROR ((1U << 8) | (1U << 10) | (1U << 11) | (1U << 12) | (1U << 13) | \
                       (1U << 14) | (1U << 17) | (1U << 21) | (1U << 29) | (1U << 30))

static const char *const pv_exc_names[32] = {
    [0] = "#DE", [1] = "#DB", [3] = "#BP", [4] = "#OF", [5] = "#BR", [6] = "#UD",
    [7] = "#NM", [10] = "#TS", [11] = "#NP", [12] = "#SS", [13] = "#GP",
    [14] = "#PF", [16] = "#MF", [17] = "#AC", [19] = "#XM",
};

/* The frame the guest handler finds, lowest address first: RCX, R11, the
 * extra words (an error code, or the failsafe callback's selectors), RIP,
 * CS, RFLAGS, RSP, SS. */
static unsigned int bounce_frame_fill(struct vcpu *v, uint64_t *f, bool was_kernel,
                                      const uint64_t *extra, unsigned int n_extra)
{
    struct cpu_regs *r = &pv_vcpu(v)->regs;
    uint8_t mask = v->xen->vinfo->evtchn_upcall_mask;
    unsigned int n = 0;

    f[n++] = r->rcx;
    f[n++] = r->r11;
    for (unsigned int i = 0; i < n_extra; i++)
        f[n++] = extra[i];
    f[n++] = r->rip;
    /* RPL 0 tells the guest it interrupted its kernel. */
    f[n++] = (r->cs & (was_kernel ? ~3ULL : ~0ULL)) | ((uint64_t)mask << 32);
    f[n++] = (r->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) | (mask ? 0 : X86_EFLAGS_IF);
    f[n++] = r->rsp;
    f[n++] = r->ss;
    return n;
}

static bool bounce_with(struct vcpu *v, uint64_t handler, bool mask_events,
                        const uint64_t *extra, unsigned int n_extra)
{
    struct pv_vcpu *p = pv_vcpu(v);
    bool was_kernel = p->kernel_mode;
    uint64_t frame[7 + PV_FAILSAFE_SELS], sp;
    unsigned int n;

    if (!handler) {
        domain_crash(v->domain, "no PV handler for an event the guest must take");
        return false;
    }
    n = bounce_frame_fill(v, frame, was_kernel, extra, n_extra);
    if (!was_kernel)
        pv_toggle_mode(v);
    sp = ((was_kernel ? p->regs.rsp : p->kernel_sp) & ~15ULL) - n * sizeof(uint64_t);
    if (copy_to_guest(v, sp, frame, n * sizeof(uint64_t))) {
        pv_log(v, "bounce frame at 0x%lx not writable", sp);
        domain_crash(v->domain, "PV guest kernel stack unusable for a bounce frame");
        return false;
    }
    if (mask_events)
        v->xen->vinfo->evtchn_upcall_mask = 1;
    p->regs.rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM |
                        X86_EFLAGS_AC);
    p->regs.cs = FLAT_KERNEL_CS;
    p->regs.ss = FLAT_KERNEL_SS;
    p->regs.rsp = sp;
    p->regs.rip = handler;
    return true;
}

bool pv_bounce(struct vcpu *v, uint64_t handler, bool mask_events, bool has_error,
               uint32_t error)
{
    uint64_t e = error;

    return bounce_with(v, handler, mask_events, &e, has_error ? 1 : 0);
}

/*
 * Xen's failsafe callback: a selector the guest left in DS, ES, FS or GS
 * could not be reloaded when its vCPU was switched in (the descriptor was
 * changed or dropped meanwhile) and is null now. The guest kernel learns
 * which it wanted from the frame (DS, ES, FS, GS between R11 and RIP) and
 * decides (Linux retries the interrupted IRET with what is loaded now).
 * Without a failsafe callback the null selectors simply stay.
 */
void pv_deliver_failsafe(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);

    p->failsafe_pending = false;
    if (p->failsafe_cb)
        bounce_with(v, p->failsafe_cb, p->failsafe_masks, p->failsafe_sels, PV_FAILSAFE_SELS);
}

bool pv_inject_exception(struct vcpu *v, unsigned int vector, uint32_t error)
{
    struct pv_vcpu *p = pv_vcpu(v);
    const struct trap_info *ti = &p->trap[vector];

    if (vector == 14) {
        /* The U bit says which guest mode faulted, not the CPL (always 3). */
        error = (error & ~PFEC_USER) | (p->kernel_mode ? 0 : PFEC_USER);
        v->xen->vinfo->arch.cr2 = p->cr2;
    }
    if (!ti->address) {
        pv_log(v, "%s at 0x%lx (error 0x%x) with no trap handler",
               pv_exc_names[vector] ? pv_exc_names[vector] : "exception", p->regs.rip,
               error);
        domain_crash(v->domain, "PV guest exception without a handler");
        return false;
    }
    hcstats_trap(v, vector);
    return pv_bounce(v, ti->address, ti->flags & TI_MASK_EVENTS,
                     (EXC_HAS_ERROR >> vector) & 1, error);
}

/* Xen's test_guest_events: pending and not masked. */
void pv_deliver_events(struct vcpu *v)
{
    struct vcpu_info *vi = v->xen->vinfo;
    struct pv_vcpu *p = pv_vcpu(v);

    if (!p->event_cb || vi->evtchn_upcall_mask ||
        !__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE))
        return;
    hcstats_event(v, HCSTAT_UPCALL);
    pv_bounce(v, p->event_cb, true, false, 0);
}

/*
 * A virtual NMI (VCPUOP_send_nmi) goes to the NMI callback, virtual IDT
 * entry 2, with events masked; further NMIs wait until the guest's next
 * iret hypercall, as on Xen. Without a callback it is dropped: an NMI
 * another vCPU sent must not crash this one.
 */
void pv_deliver_nmi(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);
    const struct trap_info *ti = &p->trap[2];

    if (p->nmi_masked || !__atomic_exchange_n(&v->nmi_pending, false, __ATOMIC_ACQ_REL))
        return;
    if (!ti->address) {
        pv_log(v, "virtual NMI dropped: no NMI callback");
        return;
    }
    if (pv_bounce(v, ti->address, ti->flags & TI_MASK_EVENTS, false, 0))
        p->nmi_masked = true;
}

/* The emulation that took the fault in the guest's place, or -1. */
static int pv_emulate(struct vcpu *v, unsigned int vector, uint32_t error)
{
    if (vector == 6 && pv_emulate_ud(v))
        return HCSTAT_EMUL_UD;
    if (vector == 13 && pv_emulate_gp(v))
        return HCSTAT_EMUL_GP;
    /* A write to a present read-only page: maybe an L1 entry. */
    if (vector == 14 && (error & 3) == 3 && pv_emulate_ptwr(v, pv_vcpu(v)->cr2))
        return HCSTAT_EMUL_PTWR;
    return -1;
}

void pv_handle_exception(struct vcpu *v, unsigned int vector)
{
    struct pv_vcpu *p = pv_vcpu(v);
    uint32_t error = (uint32_t)p->regs.error_code;
    int emulated;

    if (vector >= 32) {
        domain_crash(v->domain, "PV exit with an unknown vector");
        return;
    }
    emulated = pv_emulate(v, vector, error);
    if (emulated >= 0) {
        hcstats_event(v, (enum hcstat_event)emulated);
        return;
    }
    if (vector == 7 && p->cr0_ts)
        p->cr0_ts = false; /* the guest's lazy FPU switch takes over */
    pv_inject_exception(v, vector, error);
}
