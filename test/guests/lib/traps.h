/* SPDX-License-Identifier: MIT */
/* Test-guest IDT: handlers for all 256 vectors, deliberate faults with recovery. */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include "guest.h"

#define X86_EXC_DE 0
#define X86_EXC_DB 1
#define X86_EXC_BP 3
#define X86_EXC_UD 6
#define X86_EXC_DF 8
#define X86_EXC_GP 13
#define X86_EXC_PF 14

/* Registers as the entry stubs (isr_32.asm / isr_64.asm) save them, lowest
 * address first; the CPU's frame follows. A handler may change any field;
 * IRET then resumes with the changed values. */
struct trap_frame {
#ifdef __x86_64__
    ureg_t r15, r14, r13, r12, r11, r10, r9, r8;
    ureg_t di, si, bp, bx, dx, cx, ax;
#else
    ureg_t di, si, bp, sp_unused, bx, dx, cx, ax;
#endif
    ureg_t vector, error;
    ureg_t ip, cs, flags;
#ifdef __x86_64__
    ureg_t sp, ss; /* always pushed in 64-bit mode */
#endif
};

typedef void (*trap_handler_t)(struct trap_frame *f);

/* What the last recovered exception was. vector comes first: the recovery
 * path in isr_*.asm loads it from offset 0. */
struct fault_info {
    uint32_t vector;
    ureg_t error;
    ureg_t ip;
    ureg_t cr2;
};
extern struct fault_info last_fault;

void traps_init(void);

/* Route a vector to fn (NULL: back to "unexpected"). An exception vector
 * with a handler is not fatal; the handler returns with IRET. */
void trap_set_handler(unsigned int vector, trap_handler_t fn);

/* Run fn(arg). Returns -1 if it returned normally; if it raised an exception
 * (vector < 32), returns the vector, with the details in last_fault, and
 * execution resumes here (callee-saved registers and the stack restored). */
int expect_fault(void (*fn)(void *), void *arg);

/* rdmsr/wrmsr that return -1 on success or the exception vector. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

/* Load an IDT descriptor (used by triple_fault to load an empty one). */
void load_idt(const void *base, uint16_t limit);

const char *exception_name(unsigned int vector);

#endif /* GUEST_TRAPS_H */
