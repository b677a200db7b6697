// SPDX-License-Identifier: MIT
/* Generates asm_offsets.inc: constants and struct offsets for NASM. Compiled
 * to assembly only; scripts/gen_offsets.sh extracts the "->" markers. */
#include <hv/layout.h>
#include <hv/percpu.h>
#include <hv/pv.h>
#include <hv/regs.h>
#include <hv/x86.h>

#define DEFINE(sym, val) \
    asm volatile("\n.ascii \"->" #sym " %P0\"" : : "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
    DEFINE(HV_VIRT_OFFSET, HV_VIRT_OFFSET);
    DEFINE(HV_LOAD_PADDR, HV_LOAD_PADDR);
    DEFINE(PERCPU_STRIDE, PERCPU_STRIDE);
    DEFINE(PERCPU_DATA_OFF, PERCPU_DATA_OFF);
    DEFINE(MSR_GS_BASE, MSR_GS_BASE);
    DEFINE(MSR_KERNEL_GS_BASE, MSR_KERNEL_GS_BASE);
    DEFINE(CPU_REGS_SIZE, sizeof(struct cpu_regs));
    OFFSET(REGS_VECTOR, cpu_regs, vector);
    OFFSET(REGS_RIP, cpu_regs, rip);
    OFFSET(PERCPU_SELF, percpu, self);
    OFFSET(PERCPU_PV_HOST_RSP, percpu, pv_host_rsp);
    OFFSET(PERCPU_PV_SCRATCH, percpu, pv_scratch);
    OFFSET(PERCPU_PV_FRAME_TOP, percpu, pv_frame_top);
    DEFINE(PV_VEC_SYSCALL, PV_VEC_SYSCALL);
    DEFINE(PV_VEC_SYSCALL32, PV_VEC_SYSCALL32);
    DEFINE(FLAT_KERNEL_CS, FLAT_KERNEL_CS);
    DEFINE(FLAT_KERNEL_SS, FLAT_KERNEL_SS);
    OFFSET(TRAMP_CR3, trampoline_params, cr3);
    OFFSET(TRAMP_STACK, trampoline_params, stack);
    OFFSET(TRAMP_ENTRY, trampoline_params, entry);
    OFFSET(TRAMP_PERCPU, trampoline_params, percpu);
    OFFSET(TRAMP_EFER, trampoline_params, efer);
    DEFINE(TRAMP_PARAMS_SIZE, sizeof(struct trampoline_params));
}
