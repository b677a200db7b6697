// SPDX-License-Identifier: MIT
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables), the part Linux
 * relies on: a guest kernel write that faults on one of its own validated
 * L1 tables (mapped read-only) is done through the PV MMU as if the guest
 * had issued mmu_update, so the new entry is checked like any other.
 * Only the forms Linux uses on entries are emulated (ptwr_decode); flags
 * of OR/AND are not updated (Linux's set_bit/clear_bit ignore them);
 * anything else keeps its #PF.
 *
 * Not atomic against another vCPU writing the same entry between the
 * read of the old value and the update (Xen's ptwr emulation is).
 */
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/x86.h>

#include "pv_internal.h"

#define EFLAGS_ZF (1UL << 6)

/* Length of a ModRM memory operand (ModRM, SIB, displacement), 0 for a
 * register operand. */
static unsigned int modrm_len(const uint8_t *m, unsigned int n)
{
    unsigned int mod = m[0] >> 6, rm = m[0] & 7, len = 1;

    if (mod == 3 || n < 2)
        return 0;
    if (rm == 4) {
        len++;
        if (mod == 0 && (m[1] & 7) == 5)
            return len + 4;
    }
    if (mod == 0 && rm == 5)
        return len + 4; /* RIP-relative */
    return len + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

static uint64_t *gpr_of(struct cpu_regs *r, unsigned int n)
{
    uint64_t *const regs[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return regs[n & 15];
}

/* One decoded write: the operation, its register or immediate, and its
 * length in bytes (ModRM included). */
struct ptwr_insn {
    uint8_t op;        /* 0x89 MOV, 0x87 XCHG, 0xb1 CMPXCHG, 0x80/0x83 group 1 */
    uint8_t sub;       /* group 1: ModRM.reg (1 OR, 4 AND) */
    uint64_t *reg;     /* MOV/XCHG/CMPXCHG source */
    uint64_t imm;
    unsigned int len;
};

/* The bytes Linux writes L1 entries with: [LOCK or DS] REX.W MOV/XCHG/
 * CMPXCHG r64 to memory, and [LOCK or DS] [REX] OR/AND m8, imm8 (80 /1,
 * /4: set_bit/clear_bit of a constant bit), or REX.W OR/AND m64, imm8
 * (83 /1, /4). */
static bool ptwr_decode(struct cpu_regs *r, const uint8_t *b, unsigned int n,
                        struct ptwr_insn *d)
{
    unsigned int pos = 0, mlen;
    uint8_t rex = 0;

    while (pos < n && (b[pos] == 0xf0 || b[pos] == 0x3e))
        pos++;
    if (pos < n && (b[pos] & 0xf0) == 0x40)
        rex = b[pos++];
    if (pos + 2 > n)
        return false;
    d->op = b[pos++];
    if (d->op == 0x0f && b[pos] == 0xb1)
        d->op = b[pos++];
    if (d->op != 0x89 && d->op != 0x87 && d->op != 0xb1 && d->op != 0x80 && d->op != 0x83)
        return false;
    if (d->op != 0x80 && !(rex & 8))
        return false; /* only 8-byte forms besides the byte bit ops */
    mlen = pos < n ? modrm_len(&b[pos], n - pos) : 0;
    if (!mlen || pos + mlen > n)
        return false;
    d->sub = (b[pos] >> 3) & 7;
    d->reg = gpr_of(r, d->sub | ((rex & 4) << 1));
    d->len = pos + mlen;
    if (d->op == 0x80 || d->op == 0x83) {
        if (d->len >= n || (d->sub != 1 && d->sub != 4))
            return false;
        d->imm = d->op == 0x80 ? b[d->len] : (uint64_t)(int64_t)(int8_t)b[d->len];
        d->len++;
    }
    return true;
}

/* The entry's new value from its old one (byte at offset `off` for the
 * byte forms); false when nothing is written (CMPXCHG mismatch: RAX and
 * ZF updated instead). */
static bool ptwr_apply(struct cpu_regs *r, const struct ptwr_insn *d, unsigned int off,
                       uint64_t old, uint64_t *val)
{
    uint64_t mask = d->op == 0x80 ? 0xffULL << (off * 8) : ~0ULL;
    uint64_t imm = d->op == 0x80 ? d->imm << (off * 8) : d->imm;

    switch (d->op) {
    case 0x80: case 0x83:
        *val = d->sub == 1 ? old | (imm & mask) : old & (imm | ~mask);
        return true;
    case 0x87: *val = *d->reg, *d->reg = old; return true;
    case 0xb1:
        if (r->rax != old) {
            r->rax = old;
            r->rflags &= ~EFLAGS_ZF;
            return false;
        }
        r->rflags |= EFLAGS_ZF;
        *val = *d->reg;
        return true;
    default: *val = *d->reg; return true;
    }
}

bool pv_emulate_ptwr(struct vcpu *v, uint64_t addr)
{
    struct pv_vcpu *p = pv_vcpu(v);
    uint8_t insn[16] = { 0 };
    struct ptwr_insn d = { 0 };
    unsigned int n = 0;
    uint64_t old, val, saved[3];
    paddr_t ma;

    if (!p->kernel_mode || pv_mm_ptwr_lookup(&p->mm, addr & ~7ULL, &ma))
        return false;
    while (n < sizeof(insn) && !copy_from_guest(v, insn + n, p->regs.rip + n, 1))
        n++;
    if (!ptwr_decode(&p->regs, insn, n, &d) || (d.op != 0x80 && (addr & 7)))
        return false;
    old = __atomic_load_n((uint64_t *)((uint8_t *)pv_mm_ops->map_frame(paddr_to_mfn(ma)) +
                                       (ma & (PAGE_SIZE - 1))), __ATOMIC_RELAXED);
    saved[0] = *d.reg, saved[1] = p->regs.rax, saved[2] = p->regs.rflags;
    if (ptwr_apply(&p->regs, &d, addr & 7, old, &val) &&
        pv_mm_update_pte(&v->domain->pv->mm, ma, val, false)) {
        *d.reg = saved[0], p->regs.rax = saved[1], p->regs.rflags = saved[2];
        return false; /* refused: the guest sees its #PF */
    }
    p->regs.rip += d.len;
    return true;
}
