/* SPDX-License-Identifier: MIT */
/* PV test guests: Xen hypercalls from guest kernel mode, by SYSCALL. */
#ifndef PV_HYPERCALL_H
#define PV_HYPERCALL_H

#include "pv_abi.h"

/*
 * 64-bit PV convention (xen-abi.md §1.2): SYSCALL in guest kernel mode,
 * RAX = number, arguments in RDI, RSI, RDX, R10, R8, result in RAX. SYSCALL
 * itself overwrites RCX and R11 (Linux 6.1 calls it this way). The five
 * argument registers are outputs too: Xen may scribble over them.
 */
static inline long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long rdi asm("rdi") = a1;
    register unsigned long rsi asm("rsi") = a2;
    register unsigned long rdx asm("rdx") = a3;
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long ret = nr;

    asm volatile("syscall"
                 : "+a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                 :
                 : "rcx", "r11", "memory");
    return ret;
}

static inline long hypercall3(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3)
{
    return hypercall5(nr, a1, a2, a3, 0, 0);
}

static inline long hypercall2(unsigned int nr, unsigned long a1, unsigned long a2)
{
    return hypercall5(nr, a1, a2, 0, 0, 0);
}

static inline long hypercall1(unsigned int nr, unsigned long a1)
{
    return hypercall5(nr, a1, 0, 0, 0, 0);
}

/* The same through the builder's hypercall page (HYPERCALL_PAGE note):
 * stub nr at page + 32 * nr saves RCX and R11 itself. */
extern char hypercall_page[4096];

static inline long hypercall_page3(unsigned int nr, unsigned long a1, unsigned long a2,
                                   unsigned long a3)
{
    register unsigned long rdi asm("rdi") = a1;
    register unsigned long rsi asm("rsi") = a2;
    register unsigned long rdx asm("rdx") = a3;
    long ret;

    asm volatile("call *%[stub]"
                 : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx)
                 : [stub] "r"(hypercall_page + 32 * nr)
                 : "r10", "r8", "memory");
    return ret;
}

static inline long hc_console_io(int cmd, unsigned long count, const void *buf)
{
    return hypercall3(__HYPERVISOR_console_io, (unsigned long)cmd, count,
                      (unsigned long)buf);
}

static inline long hc_sched_op(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long hc_vcpu_op(int cmd, unsigned int vcpu, const void *arg)
{
    return hypercall3(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu, (unsigned long)arg);
}

static inline long hc_event_channel_op(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
                      (unsigned long)arg);
}

static inline long hc_xen_version(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd, (unsigned long)arg);
}

static inline long hc_set_trap_table(const struct trap_info *table)
{
    return hypercall1(__HYPERVISOR_set_trap_table, (unsigned long)table);
}

static inline long hc_callback_op(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_callback_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long hc_stack_switch(unsigned long ss, unsigned long sp)
{
    return hypercall2(__HYPERVISOR_stack_switch, ss, sp);
}

static inline long hc_set_segment_base(unsigned int which, unsigned long base)
{
    return hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

static inline long hc_fpu_taskswitch(int set)
{
    return hypercall1(__HYPERVISOR_fpu_taskswitch, (unsigned long)set);
}

static inline long hc_mmuext_op(const struct mmuext_op *ops, unsigned int count)
{
    return hypercall5(__HYPERVISOR_mmuext_op, (unsigned long)ops, count, 0, DOMID_SELF, 0);
}

static inline long hc_update_va_mapping(const void *va, uint64_t pte, unsigned long flags)
{
    return hypercall3(__HYPERVISOR_update_va_mapping, (unsigned long)va, pte, flags);
}

static inline long hc_vm_assist(unsigned int cmd, unsigned int type)
{
    return hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

#endif /* PV_HYPERCALL_H */
