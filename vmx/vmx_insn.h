/* SPDX-License-Identifier: MIT */
/* VMX instructions as C functions. Each VMX instruction reports failure
 * in RFLAGS: CF (VMfailInvalid) or ZF (VMfailValid, error in the VMCS). */
#ifndef VMX_VMX_INSN_H
#define VMX_VMX_INSN_H

#include <hv/types.h>

/* VMXON, VMCLEAR, VMPTRLD: a 64-bit physical address in memory. */
#define DEFINE_VMX_PA_INSN(insn)                                              \
    static inline bool insn(paddr_t pa)                                       \
    {                                                                         \
        bool fail;                                                            \
                                                                              \
        asm volatile(#insn " %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory"); \
        return !fail;                                                         \
    }
DEFINE_VMX_PA_INSN(vmxon)
DEFINE_VMX_PA_INSN(vmclear)
DEFINE_VMX_PA_INSN(vmptrld)
#undef DEFINE_VMX_PA_INSN

static inline uint64_t vmread(uint64_t field)
{
    uint64_t val;

    asm volatile("vmread %1, %0" : "=r"(val) : "r"(field) : "cc");
    return val;
}

static inline void vmwrite(uint64_t field, uint64_t val)
{
    asm volatile("vmwrite %1, %0" : : "r"(field), "r"(val) : "cc");
}

/* INVEPT / INVVPID types: 1 = single context, 2 = all contexts. */
static inline void invept(unsigned long type, uint64_t eptp)
{
    struct { uint64_t eptp, zero; } desc = { eptp, 0 };

    asm volatile("invept %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

static inline void invvpid(unsigned long type, uint16_t vpid)
{
    struct { uint64_t vpid, addr; } desc = { vpid, 0 };

    asm volatile("invvpid %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

#endif /* VMX_VMX_INSN_H */
