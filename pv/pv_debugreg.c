// SPDX-License-Identifier: MIT
/*
 * PV debug registers: set_debugreg (8), get_debugreg (9), the vCPU's
 * breakpoints in the hardware while it runs, and DR6 after a #DB.
 *
 * Design: a vCPU's DR0..3 and DR7 reach the hardware only while it runs
 * and only when DR7 enables a breakpoint (switch-in; cleared at
 * switch-out, so neither the next vCPU nor the hypervisor inherits them).
 * The values obey pv_dr_rules.c, so a breakpoint can only match guest
 * addresses. The hardware DR6 is kept at its default: each #DB from the
 * guest is merged into the vCPU's DR6, which get_debugreg reads, and DR6
 * reset; a guest watchpoint hit by the hypervisor (copying a hypercall
 * argument) is dropped in hv/x86/traps.c, as Xen does.
 *
 * Locking: only the pCPU running the vCPU, or a caller of
 * VCPUOP_initialise while it is down, touches its debug registers.
 */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/percpu.h>
#include <hv/x86.h>

#include "pv_dr.h"
#include "pv_internal.h"

#define X86_CR4_DE (1ULL << 3)

static void pv_dr_hw_write(const uint64_t dr[4], uint64_t dr7)
{
    write_dr0(dr[0]);
    write_dr1(dr[1]);
    write_dr2(dr[2]);
    write_dr3(dr[3]);
    write_dr7(dr7);
}

void pv_dr_load(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);

    if (p->dr7 & PV_DR7_ACTIVE)
        pv_dr_hw_write(p->dr, p->dr7);
}

void pv_dr_unload(struct vcpu *v)
{
    static const uint64_t none[4];

    if (pv_vcpu(v)->dr7 & PV_DR7_ACTIVE)
        pv_dr_hw_write(none, X86_DR7_DEFAULT);
}

/* A #DB from the guest: what DR6 reports becomes the guest's. */
void pv_dr6_capture(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);

    p->dr6 = pv_dr6_merge(p->dr6, read_dr6());
    write_dr6(X86_DR6_DEFAULT);
}

int pv_dr_set(struct vcpu *v, uint64_t reg, uint64_t value)
{
    struct pv_vcpu *p = pv_vcpu(v);
    int which = pv_dr_check(reg, value, p->cr4 & X86_CR4_DE, &value);

    if (which < 0)
        return which;
    if (this_cpu()->current_vcpu == v)
        pv_dr_unload(v);
    if (which < 4)
        p->dr[which] = value;
    else if (which == 6)
        p->dr6 = value;
    else
        p->dr7 = value;
    if (this_cpu()->current_vcpu == v)
        pv_dr_load(v);
    return 0;
}

long do_set_debugreg(struct vcpu *v, struct hypercall_args *args)
{
    return pv_dr_set(v, args->a[0], args->a[1]);
}

/* The value as a long, as Xen returns it: a guest kernel address reads
 * negative, which the guest takes back as unsigned. */
long do_get_debugreg(struct vcpu *v, struct hypercall_args *args)
{
    struct pv_vcpu *p = pv_vcpu(v);
    uint64_t reg = args->a[0];

    if ((reg == 4 || reg == 5) && !(p->cr4 & X86_CR4_DE))
        reg += 2;
    if (reg < 4)
        return (long)p->dr[reg];
    if (reg == 6)
        return (long)p->dr6;
    if (reg == 7)
        return (long)p->dr7;
    return -ENODEV;
}
