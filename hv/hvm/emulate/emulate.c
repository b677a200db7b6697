// SPDX-License-Identifier: MIT
/* x86_emulate(): execute one guest instruction that touched emulated MMIO. */
#include "emulate_internal.h"

/*
 * Scope. HVM guests run on the hardware; an instruction reaches this file
 * only when one of its memory accesses hit a guest-physical range that no RAM
 * backs (a nested page fault on an emulated device). So this is not a general
 * x86 emulator: it executes what drivers use to talk to devices —
 *   MOV (88-8B, A0-A3, C6/C7), MOVZX/MOVSX (0F B6/B7/BE/BF), MOVSXD (63),
 *   ADD/OR/ADC/SBB/AND/SUB/XOR/CMP (00-3D, 80-83), TEST (84/85, A8/A9,
 *   F6/F7 /0), NOT/NEG (F6/F7 /2 /3), INC/DEC (FE/FF /0 /1), XCHG (86/87),
 *   BT/BTS/BTR/BTC (0F A3/AB/B3/BB, 0F BA), and MOVS/STOS/LODS, with REP
 *   (memcpy_toio, memset_io) —
 * in every operand size, with RFLAGS as the SDM defines. Everything else,
 * including control transfers, stack, x87/SSE/AVX and system instructions,
 * returns X86EMUL_UNHANDLEABLE. LOCK and XCHG are performed as a read then a
 * write with no atomicity: nothing else can reach the emulated device
 * register between them in a way a driver could rely on.
 */

static void emul_rip_advance(struct emul *e)
{
    uint64_t rip = e->c->regs.rip + e->insn.len;

    e->c->regs.rip = e->c->mode == X86EMUL_MODE_64 ? rip : (uint32_t)rip;
}

/* Read-modify-write: dst := dst op src, flags committed only once every
 * access succeeded so a fault leaves the guest state untouched. */
static int emul_alu(struct emul *e, enum emul_alu_op op,
                    const struct emul_operand *dst,
                    const struct emul_operand *src)
{
    uint64_t rflags = e->c->regs.rflags, a, b = 0, res;
    int rc;

    rc = x86emul_opnd_read(e, dst, &a);
    if (rc == X86EMUL_OK && src)
        rc = x86emul_opnd_read(e, src, &b);
    if (rc != X86EMUL_OK)
        return rc;
    res = x86emul_alu(op, dst->size, a, b, &rflags);
    if (op != ALU_CMP && op != ALU_TEST) {
        rc = x86emul_opnd_write(e, dst, res);
        if (rc != X86EMUL_OK)
            return rc;
    }
    e->c->regs.rflags = rflags;
    return X86EMUL_OK;
}

/* dst := src, zero- or sign-extended from the source size. */
static int emul_move(struct emul *e, const struct emul_operand *dst,
                     const struct emul_operand *src, bool sign)
{
    uint64_t v;
    int rc;

    rc = x86emul_opnd_read(e, src, &v);
    if (rc != X86EMUL_OK)
        return rc;
    if (sign)
        v = emul_sext(v, src->size);
    return x86emul_opnd_write(e, dst, v);
}

/* 00-3D: the operation is in opcode bits 5:3; bits 2:0 pick the form
 * (r/m,r  r,r/m  acc,imm; even = byte). */
static int emul_alu_std(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    unsigned int size = insn->op_bytes;
    struct emul_operand dst, src;

    switch ((insn->opcode & 7) >> 1) {
    case 0:
        x86emul_opnd_rm(e, &dst, size);
        x86emul_opnd_reg(e, &src, insn->reg, size);
        break;
    case 1:
        x86emul_opnd_reg(e, &dst, insn->reg, size);
        x86emul_opnd_rm(e, &src, size);
        break;
    default:
        x86emul_opnd_reg(e, &dst, X86_RAX, size);
        x86emul_opnd_imm(e, &src, size);
        break;
    }
    return emul_alu(e, (enum emul_alu_op)(insn->opcode >> 3), &dst, &src);
}

/* 80-83 /op: r/m op imm (83: imm8 sign-extended to the operand size). */
static int emul_alu_imm(struct emul *e)
{
    unsigned int size = e->insn.op_bytes;
    struct emul_operand dst, src;

    x86emul_opnd_rm(e, &dst, size);
    x86emul_opnd_imm(e, &src, size);
    return emul_alu(e, (enum emul_alu_op)(e->insn.reg & 7), &dst, &src);
}

/* 84/85 TEST r/m, r and A8/A9 TEST AL/rAX, imm. */
static int emul_test(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    struct emul_operand dst, src;

    if (insn->opcode == 0xa8 || insn->opcode == 0xa9) {
        x86emul_opnd_reg(e, &dst, X86_RAX, insn->op_bytes);
        x86emul_opnd_imm(e, &src, insn->op_bytes);
    } else {
        x86emul_opnd_rm(e, &dst, insn->op_bytes);
        x86emul_opnd_reg(e, &src, insn->reg, insn->op_bytes);
    }
    return emul_alu(e, ALU_TEST, &dst, &src);
}

/* F6/F7: TEST imm, NOT, NEG; MUL/IMUL/DIV/IDIV are not emulated. */
static int emul_group3(struct emul *e)
{
    unsigned int size = e->insn.op_bytes;
    struct emul_operand dst, src;

    x86emul_opnd_rm(e, &dst, size);
    switch (e->insn.reg & 7) {
    case 0:
    case 1:
        x86emul_opnd_imm(e, &src, size);
        return emul_alu(e, ALU_TEST, &dst, &src);
    case 2:
        return emul_alu(e, ALU_NOT, &dst, NULL);
    case 3:
        return emul_alu(e, ALU_NEG, &dst, NULL);
    default:
        return X86EMUL_UNHANDLEABLE;
    }
}

/* FE/FF /0 INC, /1 DEC; calls, jumps and pushes are not emulated. */
static int emul_group45(struct emul *e)
{
    struct emul_operand dst;

    x86emul_opnd_rm(e, &dst, e->insn.op_bytes);
    switch (e->insn.reg & 7) {
    case 0:
        return emul_alu(e, ALU_INC, &dst, NULL);
    case 1:
        return emul_alu(e, ALU_DEC, &dst, NULL);
    default:
        return X86EMUL_UNHANDLEABLE;
    }
}

/* 88-8B MOV r/m,r and r,r/m (bit 1: the register is the destination). */
static int emul_mov(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    struct emul_operand rm, reg;

    x86emul_opnd_rm(e, &rm, insn->op_bytes);
    x86emul_opnd_reg(e, &reg, insn->reg, insn->op_bytes);
    if (insn->opcode & 2)
        return emul_move(e, &reg, &rm, false);
    return emul_move(e, &rm, &reg, false);
}

/* A0-A3 MOV AL/rAX <-> moffs (bit 1: memory is the destination). */
static int emul_mov_moffs(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    struct emul_operand mem, acc;

    x86emul_opnd_rm(e, &mem, insn->op_bytes);
    x86emul_opnd_reg(e, &acc, X86_RAX, insn->op_bytes);
    if (insn->opcode & 2)
        return emul_move(e, &mem, &acc, false);
    return emul_move(e, &acc, &mem, false);
}

/* C6/C7 /0 MOV r/m, imm (C7 with REX.W: imm32 sign-extended). The other
 * encodings (XABORT, XBEGIN) are not emulated. */
static int emul_mov_imm(struct emul *e)
{
    struct emul_operand dst, src;

    if ((e->insn.reg & 7) != 0)
        return X86EMUL_UNHANDLEABLE;
    x86emul_opnd_rm(e, &dst, e->insn.op_bytes);
    x86emul_opnd_imm(e, &src, e->insn.op_bytes);
    return emul_move(e, &dst, &src, false);
}

/* 0F B6/B7 MOVZX, 0F BE/BF MOVSX: source is a byte (B6/BE) or a word. */
static int emul_movx(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    unsigned int src_size = (insn->opcode & 1) ? 2 : 1;
    struct emul_operand dst, src;

    x86emul_opnd_rm(e, &src, src_size);
    x86emul_opnd_reg(e, &dst, insn->reg, insn->op_bytes);
    return emul_move(e, &dst, &src, insn->opcode & 8);
}

/* 63 MOVSXD (64-bit mode; elsewhere it is ARPL): a dword sign-extended to
 * 64 bits with REX.W, a plain move of the operand size without. */
static int emul_movsxd(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    unsigned int size = insn->op_bytes;
    struct emul_operand dst, src;

    if (e->c->mode != X86EMUL_MODE_64)
        return X86EMUL_UNHANDLEABLE;
    x86emul_opnd_rm(e, &src, size == 8 ? 4 : size);
    x86emul_opnd_reg(e, &dst, insn->reg, size);
    return emul_move(e, &dst, &src, true);
}

/* 86/87 XCHG r/m, r: memory is written before the register so a faulting
 * write changes nothing. */
static int emul_xchg(struct emul *e)
{
    const struct x86_insn *insn = &e->insn;
    struct emul_operand rm, reg;
    uint64_t a, b;
    int rc;

    x86emul_opnd_rm(e, &rm, insn->op_bytes);
    x86emul_opnd_reg(e, &reg, insn->reg, insn->op_bytes);
    rc = x86emul_opnd_read(e, &rm, &a);
    if (rc == X86EMUL_OK)
        rc = x86emul_opnd_read(e, &reg, &b);
    if (rc == X86EMUL_OK)
        rc = x86emul_opnd_write(e, &rm, b);
    if (rc == X86EMUL_OK)
        rc = x86emul_opnd_write(e, &reg, a);
    return rc;
}

/* SDM "LOCK—Assert LOCK# Signal Prefix": only these instructions, and only
 * with a memory destination, accept LOCK; anything else is #UD. */
static bool lock_allowed(const struct x86_insn *insn)
{
    unsigned int r = insn->reg & 7;

    if (!insn->has_modrm || !insn->has_mem)
        return false;
    if (insn->opcode < 0x40)
        return (insn->opcode & 6) == 0 && (insn->opcode >> 3) != ALU_CMP;
    switch (insn->opcode) {
    case 0x80 ... 0x83:
        return r != ALU_CMP;
    case 0x86: case 0x87:
        return true;
    case 0xf6: case 0xf7:
        return r == 2 || r == 3;
    case 0xfe: case 0xff:
        return r < 2;
    case X86_OPC_0F | 0xab: case X86_OPC_0F | 0xb3: case X86_OPC_0F | 0xbb:
    case X86_OPC_0F | 0xb0: case X86_OPC_0F | 0xb1: /* CMPXCHG */
    case X86_OPC_0F | 0xc0: case X86_OPC_0F | 0xc1: /* XADD */
        return true;
    case X86_OPC_0F | 0xba:
        return r >= 5;
    case X86_OPC_0F | 0xc7: /* CMPXCHG8B/16B */
        return r == 1;
    default:
        return false;
    }
}

static int emul_dispatch(struct emul *e)
{
    uint32_t op = e->insn.opcode;

    if (op < 0x40 && (op & 7) < 6)
        return emul_alu_std(e);
    switch (op) {
    case 0x63:                      return emul_movsxd(e);
    case 0x80 ... 0x83:             return emul_alu_imm(e);
    case 0x84: case 0x85:           return emul_test(e);
    case 0x86: case 0x87:           return emul_xchg(e);
    case 0x88 ... 0x8b:             return emul_mov(e);
    case 0xa0 ... 0xa3:             return emul_mov_moffs(e);
    case 0xa4: case 0xa5:           return x86emul_string(e);
    case 0xa8: case 0xa9:           return emul_test(e);
    case 0xaa ... 0xad:             return x86emul_string(e);
    case 0xc6: case 0xc7:           return emul_mov_imm(e);
    case 0xf6: case 0xf7:           return emul_group3(e);
    case 0xfe: case 0xff:           return emul_group45(e);
    case X86_OPC_0F | 0xa3:         return x86emul_bitop(e);
    case X86_OPC_0F | 0xab:         return x86emul_bitop(e);
    case X86_OPC_0F | 0xb3:         return x86emul_bitop(e);
    case X86_OPC_0F | 0xbb:         return x86emul_bitop(e);
    case X86_OPC_0F | 0xba:         return x86emul_bitop(e);
    case X86_OPC_0F | 0xb6:         return emul_movx(e);
    case X86_OPC_0F | 0xb7:         return emul_movx(e);
    case X86_OPC_0F | 0xbe:         return emul_movx(e);
    case X86_OPC_0F | 0xbf:         return emul_movx(e);
    default:                        return X86EMUL_UNHANDLEABLE;
    }
}

int x86_emulate(struct x86_emul_ctxt *c, const struct x86_emul_ops *ops,
                void *opaque)
{
    struct emul e = { .c = c, .ops = ops, .opaque = opaque };
    int rc;

    rc = x86_decode(c, ops, opaque, &e.insn);
    if (rc != X86EMUL_OK)
        return rc;
    if (e.insn.lock && !lock_allowed(&e.insn))
        return x86_emul_raise(c, X86EMUL_EXC_UD, false, 0);
    rc = emul_dispatch(&e);
    if (rc == X86EMUL_OK && !e.rep_pending)
        emul_rip_advance(&e);
    return rc;
}
