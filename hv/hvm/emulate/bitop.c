// SPDX-License-Identifier: MIT
/* Emulation of BT, BTS, BTR and BTC on registers and memory. */
#include "emulate_internal.h"

/*
 * SDM "BT—Bit Test": with a register bit offset and a memory operand the
 * offset is a signed number that may address any bit around the operand;
 * the processor then accesses the operand-sized word holding that bit,
 * at ea + size * floor(offset / (8 * size)). With an immediate offset, or a
 * register operand, the offset is taken modulo the operand width.
 */

static void bit_address(struct emul *e, struct emul_operand *dst,
                        uint64_t offset, unsigned int *bit)
{
    unsigned int bits = dst->size * 8;
    int64_t soff = (int64_t)emul_sext(offset, dst->size);
    int64_t words;

    *bit = offset & (bits - 1);
    if (dst->kind != OPND_MEM)
        return;
    /* floor(soff / bits): GCC's >> on a negative value is arithmetic. */
    words = soff >> __builtin_ctz(bits);
    dst->ea = (dst->ea + (uint64_t)words * dst->size) &
              emul_mask(e->insn.addr_bytes);
}

int x86emul_bitop(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    uint64_t rflags = e->c->regs.rflags, val, offset;
    struct emul_operand dst, src;
    enum emul_bt_op op;
    unsigned int bit;
    int rc;

    x86emul_opnd_rm(e, &dst, insn->op_bytes);
    if (insn->opcode == (X86_OPC_0F | 0xba)) {
        if ((insn->reg & 7) < 4)
            return X86EMUL_UNHANDLEABLE;
        op = (enum emul_bt_op)((insn->reg & 7) - 4);
        bit = (unsigned int)insn->imm & (insn->op_bytes * 8 - 1);
    } else {
        /* 0F A3/AB/B3/BB: the operation is in opcode bits 4:3. */
        op = (enum emul_bt_op)((insn->opcode >> 3) & 3);
        x86emul_opnd_reg(e, &src, insn->reg, insn->op_bytes);
        rc = x86emul_opnd_read(e, &src, &offset);
        if (rc != X86EMUL_OK)
            return rc;
        bit_address(e, &dst, offset, &bit);
    }
    rc = x86emul_opnd_read(e, &dst, &val);
    if (rc != X86EMUL_OK)
        return rc;
    val = x86emul_bt(op, val, bit, &rflags);
    if (op != BT_TEST) {
        rc = x86emul_opnd_write(e, &dst, val);
        if (rc != X86EMUL_OK)
            return rc;
    }
    e->c->regs.rflags = rflags;
    return X86EMUL_OK;
}
