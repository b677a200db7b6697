// SPDX-License-Identifier: MIT
/*
 * The PV-only hypercalls of the runtime (xen-abi.md §4.6-4.7): the virtual
 * IDT, callbacks, kernel stack, virtual CR0.TS, segment bases and the iret
 * hypercall. Each acts on the calling vCPU. Handler addresses and stacks
 * must lie in the guest's half of the address space: Mica refuses the
 * hypervisor hole with -EINVAL where Xen would accept the value and crash
 * the domain at first use.
 */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/x86.h>
#include <public/callback.h>

#include "pv_internal.h"

#define TRAP_TABLE_BATCH 256 /* entries per call before a continuation */

long do_set_trap_table(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_vcpu *p = pv_vcpu(v);
    struct trap_info t;

    if (!args->a[0]) {
        memset(p->trap, 0, sizeof(p->trap));
        return 0;
    }
    for (unsigned int i = 0; i < TRAP_TABLE_BATCH; i++) {
        if (copy_from_guest(v, &t, args->a[0], sizeof(t)))
            return -EFAULT;
        if (!t.address)
            return 0;
        if (!pv_addr_is_guest(t.address))
            return -EINVAL;
        t.cs |= 3;
        p->trap[t.vector] = t;
        args->a[0] += sizeof(t);
    }
    return -ERESTART; /* a long list: the rest on the next call */
}

static long register_callback(struct vcpu *v, const struct callback_register *r)
{
    struct pv_vcpu *p = pv_vcpu(v);
    bool mask = r->flags & CALLBACKF_mask_events;

    if (!pv_addr_is_guest(r->address))
        return -EINVAL;
    switch (r->type) {
    case CALLBACKTYPE_event: p->event_cb = r->address; return 0;
    case CALLBACKTYPE_failsafe: p->failsafe_cb = r->address, p->failsafe_masks = mask; return 0;
    case CALLBACKTYPE_syscall: p->syscall_cb = r->address, p->syscall_masks = mask; return 0;
    /* As Xen, the virtual IDT's NMI entry (VCPUOP_send_nmi, pv_traps.c). */
    case CALLBACKTYPE_nmi:
        p->trap[2] = (struct trap_info){ 2, TI_MASK_EVENTS, FLAT_KERNEL_CS, 0, r->address };
        return 0;
    default: return -ENOSYS; /* the 32-bit entries are not offered */
    }
}

long do_callback_op(struct vcpu *v, struct hypercall_args *args)
{
    struct callback_register reg;
    struct callback_unregister unreg;

    switch (args->a[0]) {
    case CALLBACKOP_register:
        if (copy_from_guest(v, &reg, args->a[1], sizeof(reg)))
            return -EFAULT;
        return register_callback(v, &reg);
    case CALLBACKOP_unregister:
        if (copy_from_guest(v, &unreg, args->a[1], sizeof(unreg)))
            return -EFAULT;
        /* As on Xen, only the NMI callback can be taken away. */
        if (unreg.type == CALLBACKTYPE_nmi) {
            memset(&pv_vcpu(v)->trap[2], 0, sizeof(struct trap_info));
            return 0;
        }
        return unreg.type <= CALLBACKTYPE_syscall ? -EINVAL : -ENOSYS;
    default:
        return -ENOSYS;
    }
}

/* The legacy form: (event, failsafe, syscall); Xen ignores each one's
 * result and returns 0. */
long do_set_callbacks(struct vcpu *v, struct hypercall_args *args)
{
    static const uint16_t types[3] = { CALLBACKTYPE_event, CALLBACKTYPE_failsafe,
                                       CALLBACKTYPE_syscall };

    for (unsigned int i = 0; i < 3; i++) {
        struct callback_register r = { .type = types[i], .address = args->a[i] };

        register_callback(v, &r);
    }
    return 0;
}

/* The stack user -> kernel transitions switch to. SS is kept (RPL 3) but
 * 64-bit bounces always use FLAT_KERNEL_SS. */
long do_stack_switch(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_vcpu *p = pv_vcpu(v);

    if (!pv_addr_is_guest(args->a[1]))
        return -EINVAL;
    p->kernel_ss = (args->a[0] & 0xffff) | 3;
    p->kernel_sp = args->a[1];
    return 0;
}

long do_fpu_taskswitch(struct vcpu *v, struct hypercall_args *args)
{
    pv_vcpu(v)->cr0_ts = args->a[0] != 0;
    return 0;
}

/* A user %gs selector: the flat set, the guest's GDT, or null; the user GS
 * base becomes 0. One the CPU refuses (a hypervisor descriptor, one not
 * present) leaves %gs null and is -EINVAL, where Xen returns 0. */
static long set_user_gs_selector(struct vcpu *v, uint16_t sel)
{
    if (sel > 3)
        sel |= 3;
    return pv_gs_selector_load(v, sel) ? 0 : -EINVAL;
}

long do_set_segment_base(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_vcpu *p = pv_vcpu(v);
    uint64_t base = args->a[1];
    uint64_t *field;

    switch (args->a[0]) {
    case SEGBASE_FS: field = &p->fs_base; break;
    case SEGBASE_GS_USER: field = &p->gs_base_user; break;
    case SEGBASE_GS_KERNEL: field = &p->gs_base_kernel; break;
    case SEGBASE_GS_USER_SEL: return set_user_gs_selector(v, (uint16_t)base);
    default: return -EINVAL;
    }
    if ((uint64_t)((int64_t)(base << 16) >> 16) != base)
        return -EINVAL;
    pv_bases_save(v);
    *field = base;
    pv_bases_load(v);
    return 0;
}

/*
 * iret (23): the guest pushed struct iret_context and jumped to the
 * hypercall; return to what it describes, in user mode if CS.RPL is 3.
 * The value returned becomes RAX. Xen's pv/iret.c.
 */
long do_iret(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_vcpu *p = pv_vcpu(v);
    struct iret_context c;

    (void)args;
    if (copy_from_guest(v, &c, p->regs.rsp, sizeof(c))) {
        pv_log(v, "iret frame at 0x%lx unreadable", p->regs.rsp);
        domain_crash(v->domain, "PV iret with an unreadable frame");
        return 0;
    }
    if ((c.cs & 3) == 3) {
        if (mfn_eq(p->mm.user_l4, INVALID_MFN)) {
            domain_crash(v->domain, "PV iret to user mode without user page tables");
            return 0;
        }
        pv_toggle_mode(v);
    }
    p->regs.rip = c.rip;
    p->regs.cs = (uint16_t)c.cs | 3; /* bits 39:32 may hold the saved upcall mask */
    p->regs.rflags = c.rflags; /* sanitised before entry (pv_run.c) */
    p->regs.rsp = c.rsp;
    p->regs.ss = (uint16_t)c.ss | 3;
    if (!(c.flags & VGCF_in_syscall)) {
        p->regs.r11 = c.r11;
        p->regs.rcx = c.rcx;
    }
    v->xen->vinfo->evtchn_upcall_mask = !(c.rflags & X86_EFLAGS_IF);
    p->nmi_masked = false; /* the NMI callback returned (Xen: any iret does) */
    return (long)c.rax;
}
