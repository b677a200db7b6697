// SPDX-License-Identifier: MIT
/* Emulation of the string moves MOVS, STOS and LODS, with or without REP. */
#include "emulate_internal.h"

/*
 * SDM "MOVS/MOVSB/MOVSW/MOVSD/MOVSQ", "STOS", "LODS" and "REP/REPE/REPZ/
 * REPNE/REPNZ": the source is DS:rSI (segment override allowed), the
 * destination ES:rDI (no override); rSI/rDI/rCX are used at the address
 * size and step by the operand size, backwards when RFLAGS.DF is set. F2 on
 * these instructions repeats like F3.
 *
 * A REP instruction runs at most rep_max iterations per call: every
 * iteration may be a device access and we must return to the guest
 * regularly. While rCX is not yet 0 RIP stays on the instruction, so the
 * guest executes it again and exits again, exactly like an interrupted
 * REP (SDM: "REP ... instructions are interruptible"). Registers are
 * updated after every completed iteration, so a fault in iteration n
 * leaves the state of n-1 completed iterations, as the hardware does.
 */

/* rSI, rDI or rCX read or written at the address size. */
static uint64_t addr_reg(const struct emul *e, unsigned int reg)
{
    return e->c->regs.gpr[reg] & emul_mask(e->insn.addr_bytes);
}

static void addr_reg_set(struct emul *e, unsigned int reg, uint64_t v)
{
    emul_reg_set(&e->c->regs.gpr[reg], e->insn.addr_bytes, false, v);
}

static unsigned int src_seg(const struct x86_insn *insn)
{
    return insn->seg_override != X86_SEG_NONE ? insn->seg_override
                                              : X86_SEG_DS;
}

/* One iteration of the instruction; registers change only on success. */
static int string_step(struct emul *e, uint64_t step)
{
    const struct x86_insn *insn = &e->insn;
    unsigned int size = insn->op_bytes;
    uint64_t *rax = &e->c->regs.gpr[X86_RAX], v;
    uint64_t si = addr_reg(e, X86_RSI), di = addr_reg(e, X86_RDI);
    int rc = X86EMUL_OK;

    switch (insn->opcode) {
    case 0xa4: case 0xa5: /* MOVS */
        rc = x86emul_mem_read(e, src_seg(insn), si, size, &v);
        if (rc == X86EMUL_OK)
            rc = x86emul_mem_write(e, X86_SEG_ES, di, size, v);
        if (rc == X86EMUL_OK) {
            addr_reg_set(e, X86_RSI, si + step);
            addr_reg_set(e, X86_RDI, di + step);
        }
        break;
    case 0xaa: case 0xab: /* STOS */
        rc = x86emul_mem_write(e, X86_SEG_ES, di, size, *rax);
        if (rc == X86EMUL_OK)
            addr_reg_set(e, X86_RDI, di + step);
        break;
    case 0xac: case 0xad: /* LODS */
        rc = x86emul_mem_read(e, src_seg(insn), si, size, &v);
        if (rc == X86EMUL_OK) {
            emul_reg_set(rax, size, false, v);
            addr_reg_set(e, X86_RSI, si + step);
        }
        break;
    default:
        rc = X86EMUL_UNHANDLEABLE;
        break;
    }
    return rc;
}

int x86emul_string(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    unsigned int max = e->c->rep_max ? e->c->rep_max : X86EMUL_DEFAULT_REP_MAX;
    uint64_t step = insn->op_bytes, count = 1;
    int rc;

    if (e->c->regs.rflags & X86EMUL_FLAG_DF)
        step = -step;
    if (!insn->rep)
        return string_step(e, step);
    count = addr_reg(e, X86_RCX);
    for (unsigned int i = 0; i < max && count; i++) {
        rc = string_step(e, step);
        if (rc != X86EMUL_OK)
            return rc;
        addr_reg_set(e, X86_RCX, --count);
    }
    e->rep_pending = count != 0;
    return X86EMUL_OK;
}
