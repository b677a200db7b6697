// SPDX-License-Identifier: MIT
/* The PV vCPU run loop: deliver events, enter ring 3, handle one exit
 * (interrupt, exception, SYSCALL), repeat; sleep while the guest blocks. */
#include <hv/errno.h>
#include <hv/hcstats.h>
#include <hv/hypercall.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/traps.h>
#include <hv/x86.h>

#include "pv_internal.h"

/* RFLAGS bits a guest may hold in ring 3: the arithmetic flags, TF, DF,
 * AC, ID (IOPL stays 0, so CLI/STI/IN/OUT fault; IF is always on). */
#define PV_RFLAGS_GUEST 0x250fd5UL

/* SCHEDOP_block or a vCPU not started yet: nothing to run now. */
static bool pv_vcpu_ready(struct vcpu *v)
{
    __atomic_store_n(&v->sched.kick_pending, false, __ATOMIC_SEQ_CST);
    if (v->domain->sched.pause_count || v->wait_for_sipi) {
        vcpu_block(v, SCHED_OFFLINE);
        return false;
    }
    /* SCHEDOP_block ends with an event; SCHEDOP_poll also with a polled
     * port turning pending (masked: Linux's PV spinlocks) or its timeout. */
    if (v->halted && (xen_vcpu_unblock(v) || xen_vcpu_has_events(v)))
        v->halted = false;
    if (v->halted) {
        vcpu_block(v, SCHED_BLOCKED); /* a kick meanwhile: look again */
        return false;
    }
    return !this_cpu()->softirq_pending;
}

/*
 * What IRETQ will load must not fault in ring 0, where the guest's GS
 * base is already in place (pv_entry.asm): a flat ring-3 or GDT code
 * selector (pv_gdt.c), a canonical RIP, and for 32-bit code one inside the
 * segment limit (SDM
 * Vol. 2A, IRET: both are checked before the return). Anything else is a
 * broken guest state.
 */
static bool pv_frame_sane(struct vcpu *v)
{
    struct cpu_regs *r = &pv_vcpu(v)->regs;
    bool ok = pv_gdt_cs_ok(v, (uint16_t)r->cs, r->rip);

    r->rflags = (r->rflags & PV_RFLAGS_GUEST) | X86_EFLAGS_IF | X86_EFLAGS_MBS;
    r->ss = FLAT_KERNEL_SS;
    if (!ok) {
        pv_log(v, "cannot resume at 0x%lx:0x%lx", r->cs, r->rip);
        domain_crash(v->domain, "PV guest state not resumable");
        return false;
    }
    return true;
}

/* SYSCALL from kernel mode is a hypercall (number in RAX, arguments in
 * RDI, RSI, RDX, R10, R8, result in RAX); -ERESTART executes it again. */
static void pv_hypercall(struct vcpu *v)
{
    struct cpu_regs *r = &pv_vcpu(v)->regs;
    struct hypercall_args a = { { r->rdi, r->rsi, r->rdx, r->r10, r->r8 } };
    long rc = hypercall_dispatch(v, r->rax, &a);

    if (rc == -ERESTART) {
        r->rdi = a.a[0], r->rsi = a.a[1], r->rdx = a.a[2];
        r->r10 = a.a[3], r->r8 = a.a[4];
        r->rip -= 2; /* the SYSCALL again */
        return;
    }
    r->rax = (uint64_t)rc;
}

/* SYSCALL from user mode goes to the guest kernel's syscall callback
 * (Xen's lstar_enter); without one the guest sees #UD at the SYSCALL.
 * 32-bit user code has no callback here. */
static void pv_user_syscall(struct vcpu *v, bool compat)
{
    struct pv_vcpu *p = pv_vcpu(v);

    if (compat || !p->syscall_cb) {
        p->regs.rip -= 2;
        pv_inject_exception(v, 6, 0);
        return;
    }
    hcstats_event(v, HCSTAT_SYSCALL);
    if (pv_bounce(v, p->syscall_cb, p->syscall_masks, false, 0))
        p->regs.rflags &= ~X86_EFLAGS_DF;
}

static void pv_handle_exit(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);
    unsigned int vec = (unsigned int)p->regs.vector;

    if (vec >= 32 && vec < 256) {
        do_trap(&p->regs); /* a physical interrupt, IF still clear */
        local_irq_enable();
        return;
    }
    if (vec == 14)
        p->cr2 = read_cr2(); /* before interrupts can fault again */
    if (vec == 1)
        pv_dr6_capture(v);
    local_irq_enable();
    if (vec == PV_VEC_SYSCALL && p->kernel_mode)
        pv_hypercall(v);
    else if (vec == PV_VEC_SYSCALL || vec == PV_VEC_SYSCALL32)
        pv_user_syscall(v, vec == PV_VEC_SYSCALL32);
    else
        pv_handle_exception(v, vec);
}

/* Run v until the scheduler wants this pCPU back or v cannot run. */
void pv_vcpu_run(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);

    for (;;) {
        local_irq_enable();
        softirq_run();
        local_irq_disable();
        if (sched_resched_pending() || v->domain->dying)
            break;
        if (!pv_vcpu_ready(v))
            continue;
        local_irq_enable();
        if (p->failsafe_pending)
            pv_deliver_failsafe(v);
        pv_deliver_nmi(v);
        pv_deliver_events(v);
        local_irq_disable();
        /* An interrupt meanwhile may have left work (an expired timer to
         * reprogram): the guest must not run over it. */
        if (v->domain->dying || this_cpu()->softirq_pending || !pv_frame_sane(v))
            continue;
        if (p->cr0_ts)
            write_cr0(read_cr0() | X86_CR0_TS);
        pv_enter(&p->regs);
        if (p->cr0_ts)
            asm volatile("clts"); /* the hypervisor's FXSAVE must not fault */
        pv_handle_exit(v);
    }
    local_irq_enable();
}
