/* SPDX-License-Identifier: MIT */
/* PVH test guests: Xen hypercalls through VMMCALL (AMD) or VMCALL (Intel), 0 to 5 arguments. */
#ifndef PVH_HYPERCALL_H
#define PVH_HYPERCALL_H

#include "xen_abi.h"

/*
 * 64-bit HVM convention (xen-abi.md §1.2): RAX = number, arguments in RDI,
 * RSI, RDX, R10, R8, result in RAX. Xen debug builds deliberately scribble
 * over the argument registers, so all five are outputs of every call here;
 * everything else is preserved. The instruction is the CPU vendor's, as
 * Linux chooses it: VMMCALL on AMD and Hygon (APM vol. 3, "VMMCALL"),
 * VMCALL elsewhere (SDM, "VMCALL"); the other one raises #UD in a guest.
 * Outside a hypervisor that intercepts it, it raises #UD too, which
 * pvh_output.c reports as "not on a Xen-ABI hypervisor".
 */
extern bool hypercall_vmmcall;   /* set by pvh_output_init() */
bool cpu_is_amd(void);

static inline long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long rdi asm("rdi") = a1;
    register unsigned long rsi asm("rsi") = a2;
    register unsigned long rdx asm("rdx") = a3;
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long ret = nr;

    if (hypercall_vmmcall)
        asm volatile("vmmcall"
                     : "+a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                     :
                     : "memory");
    else
        asm volatile("vmcall"
                     : "+a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                     :
                     : "memory");
    return ret;
}

static inline long hypercall4(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4)
{
    return hypercall5(nr, a1, a2, a3, a4, 0);
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

static inline long hypercall0(unsigned int nr)
{
    return hypercall5(nr, 0, 0, 0, 0, 0);
}

/* One wrapper per hypercall used. Pointers are plain addresses so that
 * tests can pass hostile ones (unmapped, non-canonical, ...). */
static inline long hc_xen_version(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd, (unsigned long)arg);
}

static inline long hc_console_io(int cmd, unsigned long count, const void *buf)
{
    return hypercall3(__HYPERVISOR_console_io, (unsigned long)cmd, count,
                      (unsigned long)buf);
}

static inline long hc_memory_op(unsigned long cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_memory_op, cmd, (unsigned long)arg);
}

static inline long hc_hvm_op(unsigned long cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_hvm_op, cmd, (unsigned long)arg);
}

static inline long hc_vcpu_op(int cmd, unsigned int vcpu, const void *arg)
{
    return hypercall3(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu,
                      (unsigned long)arg);
}

static inline long hc_sched_op(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long hc_event_channel_op(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
                      (unsigned long)arg);
}

static inline long hc_grant_table_op(unsigned int cmd, const void *uop,
                                     unsigned long count)
{
    return hypercall3(__HYPERVISOR_grant_table_op, cmd, (unsigned long)uop, count);
}

/* Absolute system time in ns; 0 cancels the timer. */
static inline long hc_set_timer_op(uint64_t timeout)
{
    return hypercall1(__HYPERVISOR_set_timer_op, timeout);
}

#endif /* PVH_HYPERCALL_H */
