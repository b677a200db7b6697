// SPDX-License-Identifier: MIT
/* Operands of emulated instructions: registers, immediates, guest memory. */
#include "emulate_internal.h"

/* A callback's result: an exception it did not record is a broken
 * contract, which we turn into "cannot emulate" rather than inject junk. */
static int callback_rc(const struct emul *e, int rc)
{
    if (rc == X86EMUL_OK)
        return X86EMUL_OK;
    if (rc == X86EMUL_EXCEPTION && e->c->fault.valid)
        return X86EMUL_EXCEPTION;
    return X86EMUL_UNHANDLEABLE;
}

static bool canonical(uint64_t la)
{
    return (uint64_t)((int64_t)(la << 16) >> 16) == la;
}

/* Linear address of segment:offset for an access of `size` bytes.
 * SDM "Segmentation in IA-32e Mode" and "Canonical Addressing": in 64-bit
 * mode only FS/GS add a base, and a non-canonical access raises #SS(0) when
 * it goes through SS and #GP(0) otherwise. Outside 64-bit mode linear
 * addresses wrap at 4 GiB. */
static int linear_addr(struct emul *e, unsigned int seg, uint64_t offset,
                       unsigned int size, uint64_t *la)
{
    const struct x86_emul_ctxt *c = e->c;
    uint64_t base = 0;
    uint8_t vec;

    if (c->mode != X86EMUL_MODE_64) {
        *la = (uint32_t)(c->seg_base[seg] + offset);
        return X86EMUL_OK;
    }
    if (seg == X86_SEG_FS || seg == X86_SEG_GS)
        base = c->seg_base[seg];
    *la = base + offset;
    if (canonical(*la) && canonical(*la + size - 1))
        return X86EMUL_OK;
    vec = seg == X86_SEG_SS ? X86EMUL_EXC_SS : X86EMUL_EXC_GP;
    return x86_emul_raise(e->c, vec, true, 0);
}

int x86emul_mem_read(struct emul *e, unsigned int seg, uint64_t offset,
                     unsigned int size, uint64_t *val)
{
    uint8_t buf[8] = { 0 };
    uint64_t la;
    int rc;

    rc = linear_addr(e, seg, offset, size, &la);
    if (rc != X86EMUL_OK)
        return rc;
    e->c->fault.valid = false;
    rc = callback_rc(e, e->ops->read(e->opaque, la, buf, size));
    if (rc != X86EMUL_OK)
        return rc;
    *val = 0;
    for (unsigned int i = 0; i < size; i++)
        *val |= (uint64_t)buf[i] << (8 * i);
    return X86EMUL_OK;
}

int x86emul_mem_write(struct emul *e, unsigned int seg, uint64_t offset,
                      unsigned int size, uint64_t val)
{
    uint8_t buf[8];
    uint64_t la;
    int rc;

    rc = linear_addr(e, seg, offset, size, &la);
    if (rc != X86EMUL_OK)
        return rc;
    for (unsigned int i = 0; i < size; i++)
        buf[i] = (uint8_t)(val >> (8 * i));
    e->c->fault.valid = false;
    return callback_rc(e, e->ops->write(e->opaque, la, buf, size));
}

/* Register `reg` as an operand of `size` bytes. Byte registers 4-7 are
 * AH, CH, DH, BH unless a REX prefix is present, then SPL, BPL, SIL, DIL
 * (SDM "Byte Register Addressing in 64-Bit Mode"). */
void x86emul_opnd_reg(const struct emul *e, struct emul_operand *op,
                      unsigned int reg, unsigned int size)
{
    bool high8 = size == 1 && !e->insn.rex && reg >= 4 && reg < 8;

    *op = (struct emul_operand){
        .kind = OPND_REG,
        .size = size,
        .reg = high8 ? reg - 4 : reg,
        .high8 = high8,
    };
}

/* The ModRM r/m operand (or the moffs operand). */
void x86emul_opnd_rm(const struct emul *e, struct emul_operand *op,
                     unsigned int size)
{
    const struct x86_insn *insn = &e->insn;

    if (!insn->has_mem) {
        x86emul_opnd_reg(e, op, insn->rm, size);
        return;
    }
    *op = (struct emul_operand){
        .kind = OPND_MEM,
        .size = size,
        .seg = insn->seg,
        .ea = insn->ea,
    };
}

/* The instruction's immediate, sign-extended by the decoder, cut to size. */
void x86emul_opnd_imm(const struct emul *e, struct emul_operand *op,
                      unsigned int size)
{
    *op = (struct emul_operand){
        .kind = OPND_IMM,
        .size = size,
        .imm = (uint64_t)e->insn.imm & emul_mask(size),
    };
}

int x86emul_opnd_read(struct emul *e, const struct emul_operand *op,
                      uint64_t *val)
{
    switch (op->kind) {
    case OPND_REG:
        *val = e->c->regs.gpr[op->reg] >> (op->high8 ? 8 : 0);
        *val &= emul_mask(op->size);
        return X86EMUL_OK;
    case OPND_MEM:
        return x86emul_mem_read(e, op->seg, op->ea, op->size, val);
    case OPND_IMM:
    default:
        *val = op->imm;
        return X86EMUL_OK;
    }
}

int x86emul_opnd_write(struct emul *e, const struct emul_operand *op,
                       uint64_t val)
{
    switch (op->kind) {
    case OPND_REG:
        emul_reg_set(&e->c->regs.gpr[op->reg], op->size, op->high8, val);
        return X86EMUL_OK;
    case OPND_MEM:
        return x86emul_mem_write(e, op->seg, op->ea, op->size, val);
    case OPND_IMM:
    default:
        return X86EMUL_UNHANDLEABLE;
    }
}
