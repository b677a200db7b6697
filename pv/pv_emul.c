// SPDX-License-Identifier: MIT
/*
 * Instructions a PV guest kernel cannot run itself at CPL 3, emulated as
 * Xen's pv/emul-priv-op.c and emul-inv-op.c do for the cases guests rely
 * on (xen-abi.md §4.12): CPUID behind the forced-emulation prefix, INT n
 * through the virtual IDT, moves from control registers, CLTS, WBINVD and
 * the segment-base MSRs; IN/OUT in pv_ioport.c. Everything else keeps its #GP or #UD, bounced to
 * the guest. Opcodes are decoded from the guest's bytes, not from the
 * error code (TCG reports it wrongly for INT n, DESIGN.md).
 */
#include <hv/lib.h>
#include <hv/hypercall.h>
#include <hv/x86.h>

#include "pv_internal.h"

#define CANONICAL(va) ((uint64_t)((int64_t)((va) << 16) >> 16) == (va))
#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
/* What a guest's CR4 always shows (Xen's pv_fixup_guest_cr4: the
 * hypervisor's paging mode) and what it may set in its virtual copy
 * (TSD, DE, PGE, PCE, OSFXSR, OSXMMEXCPT); the CPU's own CR4 is never
 * changed for a guest. */
#define PV_CR4_FIXED (X86_CR4_PAE | X86_CR4_OSFXSR)
#define PV_CR4_GUEST ((1UL << 2) | (1UL << 3) | X86_CR4_PGE | (1UL << 8) | X86_CR4_OSXMMEXCPT)
#define MSR_PAT 0x277

/* The registers of struct cpu_regs in x86 encoding order (ModRM.rm, REX.B). */
static uint64_t *gpr(struct cpu_regs *r, unsigned int n)
{
    uint64_t *const by_number[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return by_number[n & 15];
}

/* Up to `max` instruction bytes at RIP, fewer where the guest's mapping
 * ends: how many were read. */
static unsigned int insn_fetch(struct vcpu *v, uint8_t *buf, unsigned int max)
{
    uint64_t rip = pv_vcpu(v)->regs.rip;
    unsigned int n = 0;

    while (n < max && !copy_from_guest(v, buf + n, rip + n, 1))
        n++;
    return n;
}

/* "ud2; .ascii \"xen\"; cpuid": the guest's CPUID, past all 7 bytes. */
bool pv_emulate_ud(struct vcpu *v)
{
    static const uint8_t fep_cpuid[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    struct cpu_regs *r = &pv_vcpu(v)->regs;
    struct cpuid_regs c;
    uint8_t insn[sizeof(fep_cpuid)];

    if (insn_fetch(v, insn, sizeof(insn)) != sizeof(insn) ||
        memcmp(insn, fep_cpuid, sizeof(insn)))
        return false;
    guest_cpuid(v, (uint32_t)r->rax, (uint32_t)r->rcx, &c);
    r->rax = c.eax, r->rbx = c.ebx, r->rcx = c.ecx, r->rdx = c.edx;
    r->rip += sizeof(fep_cpuid);
    return true;
}

/* INT n from the guest: allowed when its virtual IDT entry's DPL admits
 * the current guest mode (kernel: DPL >= 1, user: DPL 3), then delivered
 * like a software interrupt, after the instruction. */
static bool emulate_int(struct vcpu *v, uint8_t vector)
{
    struct pv_vcpu *p = pv_vcpu(v);
    const struct trap_info *ti = &p->trap[vector];

    if (!ti->address || (ti->flags & TI_DPL_MASK) < (p->kernel_mode ? 1 : 3))
        return false;
    p->regs.rip += 2;
    pv_bounce(v, ti->address, ti->flags & TI_MASK_EVENTS, false, 0);
    return true;
}

static bool read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
    struct pv_vcpu *p = pv_vcpu(v);

    switch (cr) {
    case 0: *val = (read_cr0() & ~X86_CR0_TS) | (p->cr0_ts ? X86_CR0_TS : 0); return true;
    case 2: *val = p->cr2; return true;
    case 3: *val = mfn_to_paddr(p->mm.kernel_l4); return true; /* the kernel's, as Xen */
    case 4: *val = (p->cr4 & PV_CR4_GUEST) | PV_CR4_FIXED; return true;
    default: return false;
    }
}

/* MOV from CRn (0F 20 /r, register form); writes (0F 22 /r) may change
 * CR0.TS and the virtual CR4 (Linux's write_cr4 is a native MOV); CR3
 * needs the PV MMU and anything else is refused. */
static bool emulate_mov_cr(struct vcpu *v, uint8_t rex, const uint8_t *op)
{
    struct cpu_regs *r = &pv_vcpu(v)->regs;
    unsigned int cr = ((op[1] >> 3) & 7) | ((rex & 4) << 1);
    uint64_t *reg = gpr(r, (op[1] & 7) | ((rex & 1) << 3));

    if ((op[1] >> 6) != 3)
        return false;
    if (op[0] == 0x20)
        return read_cr(v, cr, reg);
    if (cr == 4) {
        pv_vcpu(v)->cr4 = *reg & PV_CR4_GUEST;
        return true;
    }
    if (cr != 0 || ((*reg ^ read_cr0()) & ~X86_CR0_TS))
        return false;
    pv_vcpu(v)->cr0_ts = *reg & X86_CR0_TS;
    return true;
}

static uint64_t *msr_base(struct pv_vcpu *p, uint32_t msr)
{
    switch (msr) {
    case MSR_FS_BASE: return &p->fs_base;
    case MSR_GS_BASE: return p->kernel_mode ? &p->gs_base_kernel : &p->gs_base_user;
    case MSR_KERNEL_GS_BASE: return p->kernel_mode ? &p->gs_base_user : &p->gs_base_kernel;
    default: return NULL;
    }
}

/* The segment bases (Linux's first act is WRMSR GS_BASE) and the PAT
 * that PV guests see (XEN_MSR_PAT, an ABI). Others: #GP. */
static bool emulate_msr(struct vcpu *v, bool write)
{
    struct pv_vcpu *p = pv_vcpu(v);
    uint32_t msr = (uint32_t)p->regs.rcx;
    uint64_t *base = msr_base(p, msr), val;

    if (write) {
        val = (p->regs.rdx << 32) | (uint32_t)p->regs.rax;
        if (!base || !CANONICAL(val))
            return false;
        pv_bases_save(v);
        *base = val;
        pv_bases_load(v);
        return true;
    }
    pv_bases_save(v);
    if (msr == MSR_PAT)
        val = XEN_MSR_PAT;
    else if (base)
        val = *base;
    else
        return false;
    p->regs.rax = (uint32_t)val;
    p->regs.rdx = val >> 32;
    return true;
}

/* One privileged instruction of the guest kernel; its length, 0 if it
 * is not emulated. */
static unsigned int emulate_priv(struct vcpu *v, const uint8_t *insn)
{
    uint8_t rex = (insn[0] & 0xf0) == 0x40 ? insn[0] : 0;
    const uint8_t *op = insn + (rex ? 1 : 0);
    unsigned int len = rex ? 1 : 0;

    if (op[0] != 0x0f)
        return 0;
    switch (op[1]) {
    case 0x20: case 0x22: return emulate_mov_cr(v, rex, op + 1) ? len + 3 : 0;
    case 0x30: return emulate_msr(v, true) ? len + 2 : 0;
    case 0x32: return emulate_msr(v, false) ? len + 2 : 0;
    case 0x06: pv_vcpu(v)->cr0_ts = false; return len + 2; /* CLTS */
    case 0x09: return len + 2;                              /* WBINVD: no cache to write */
    default: return 0;
    }
}

bool pv_emulate_gp(struct vcpu *v)
{
    struct pv_vcpu *p = pv_vcpu(v);
    uint8_t insn[4] = { 0 };
    unsigned int len, n = insn_fetch(v, insn, sizeof(insn));

    if (n >= 2 && insn[0] == 0xcd)
        return emulate_int(v, insn[1]);
    len = pv_emulate_io(v, insn, n);
    if (len) {
        p->regs.rip += len;
        return true;
    }
    if (!p->kernel_mode || p->regs.error_code || n < 2)
        return false;
    len = emulate_priv(v, insn);
    if (len > n)
        return false;
    p->regs.rip += len;
    return len != 0;
}
