/* SPDX-License-Identifier: MIT */
/* Register frame saved by the interrupt/exception entry stubs. */
#ifndef HV_REGS_H
#define HV_REGS_H

#include <hv/types.h>

/* Layout is fixed by hv/x86/entry.asm, which pushes the GPRs below the
 * vector number, error code and the hardware interrupt frame. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#endif /* HV_REGS_H */
