/* SPDX-License-Identifier: MIT */
/* Thin wrappers over privileged x86 instructions (hypervisor build only). */
#ifndef HV_X86_H
#define HV_X86_H

#include <hv/types.h>

#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define EFER_SCE (1U << 0)
#define EFER_LME (1U << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1U << 11)
#define CR0_WP (1UL << 16)
#define CR4_PGE (1UL << 7)
#define X86_EFLAGS_MBS (1UL << 1) /* always set */
#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_DF (1UL << 10)
#define X86_EFLAGS_IOPL (3UL << 12)
#define X86_EFLAGS_NT (1UL << 14)
#define X86_EFLAGS_RF (1UL << 16)
#define X86_EFLAGS_VM (1UL << 17)
#define X86_EFLAGS_AC (1UL << 18)
#define X86_CR0_TS (1UL << 3)

static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
                 "d"((uint32_t)(v >> 32)) : "memory");
}

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r;

    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(sub));
    return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
    return cpuid_count(leaf, 0);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Control and debug registers (SDM Vol. 3, "Control Registers", "Debug
 * Registers"): read_crN/write_crN, read_drN/write_drN. */
#define DEFINE_SYSREG(name, asm_name, n)                              \
    static inline uint64_t read_##name##n(void)                       \
    {                                                                 \
        uint64_t v;                                                   \
        asm volatile("mov %%" #asm_name #n ", %0" : "=r"(v));         \
        return v;                                                     \
    }                                                                 \
    static inline void write_##name##n(uint64_t v)                    \
    {                                                                 \
        asm volatile("mov %0, %%" #asm_name #n : : "r"(v) : "memory"); \
    }
DEFINE_SYSREG(cr, cr, 0)
DEFINE_SYSREG(cr, cr, 2)
DEFINE_SYSREG(cr, cr, 3)
DEFINE_SYSREG(cr, cr, 4)
DEFINE_SYSREG(dr, db, 0) /* DR4/DR5 are not used */
DEFINE_SYSREG(dr, db, 1)
DEFINE_SYSREG(dr, db, 2)
DEFINE_SYSREG(dr, db, 3)
DEFINE_SYSREG(dr, db, 6)
DEFINE_SYSREG(dr, db, 7)
#undef DEFINE_SYSREG
#define X86_DR6_DEFAULT 0xffff0ff0ULL /* DR6 with nothing to report */
#define X86_DR6_BS (1ULL << 14)       /* single step */
#define X86_DR6_BP_MASK 0xfULL        /* B0..B3: breakpoint conditions met */
#define X86_DR7_DEFAULT 0x400ULL      /* DR7 with every breakpoint off */

static inline void local_irq_disable(void) { asm volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { asm volatile("sti" ::: "memory"); }
static inline void halt(void) { asm volatile("hlt" ::: "memory"); }
/* Enable interrupts and halt with no window in between (STI shadow). */
static inline void safe_halt(void) { asm volatile("sti; hlt" ::: "memory"); }
static inline void cpu_relax(void) { __builtin_ia32_pause(); }

static inline uint64_t local_save_flags(void)
{
    uint64_t f;

    asm volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

static inline uint64_t local_irq_save(void)
{
    uint64_t f = local_save_flags();

    local_irq_disable();
    return f;
}

static inline void local_irq_restore(uint64_t f)
{
    if (f & X86_EFLAGS_IF)
        local_irq_enable();
}

static inline void invlpg(vaddr_t va)
{
    asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void io_delay(void)
{
    outb(0x80, 0);
}

#endif /* HV_X86_H */
