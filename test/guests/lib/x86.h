/* SPDX-License-Identifier: MIT */
/* Test-guest wrappers over privileged x86 instructions (32- and 64-bit). */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#include <stdint.h>

typedef unsigned long ureg_t; /* a general register: 32 or 64 bits */

#define GDT_CS32 0x08
#define GDT_DS 0x10
#define GDT_CS64 0x18

#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1b
#define MSR_MTRRCAP 0xfe
#define MSR_PAT 0x277
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
/* Architecturally unassigned (no Intel SDM vol. 4 or AMD APM entry). */
#define MSR_UNASSIGNED 0x12345

#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define EFER_SVME (1ULL << 12)

#define CR0_WP (1UL << 16)
#define X86_EFLAGS_CF 0x0001UL
#define X86_EFLAGS_PF 0x0004UL
#define X86_EFLAGS_AF 0x0010UL
#define X86_EFLAGS_ZF 0x0040UL
#define X86_EFLAGS_SF 0x0080UL
#define X86_EFLAGS_IF 0x0200UL
#define X86_EFLAGS_DF 0x0400UL
#define X86_EFLAGS_OF 0x0800UL

static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
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
    asm volatile("wrmsr"
                 :
                 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                 : "memory");
}

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;

    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline ureg_t read_cr0(void)
{
    ureg_t v;

    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(ureg_t v)
{
    asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline ureg_t read_cr2(void)
{
    ureg_t v;

    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline ureg_t read_cr3(void)
{
    ureg_t v;

    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(ureg_t v)
{
    asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline ureg_t read_cr4(void)
{
    ureg_t v;

    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr4(ureg_t v)
{
    asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline ureg_t read_flags(void)
{
    ureg_t v;

    asm volatile("pushf; pop %0" : "=r"(v));
    return v;
}

static inline void invlpg(const void *va)
{
    asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cli(void)
{
    asm volatile("cli" ::: "memory");
}
static inline void sti(void)
{
    asm volatile("sti" ::: "memory");
}
static inline void cpu_relax(void)
{
    asm volatile("pause" ::: "memory");
}
static inline void barrier(void)
{
    asm volatile("" ::: "memory");
}

/* STI's one-instruction interrupt shadow makes "sti; hlt" race-free: an
 * interrupt already pending is taken only once the CPU has halted
 * (Intel SDM vol. 2, STI: "interrupts ... after the next instruction"). */
static inline void sti_hlt(void)
{
    asm volatile("sti; hlt" ::: "memory");
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

#endif /* GUEST_X86_H */
