/* SPDX-License-Identifier: MIT */
/* Declarations shared by the files of the x86 emulator; not an interface. */
#ifndef HV_HVM_EMULATE_INTERNAL_H
#define HV_HVM_EMULATE_INTERNAL_H

#include <hv/x86_emulate.h>

#define X86EMUL_DEFAULT_REP_MAX 256

/* One instruction being emulated. */
struct emul {
    struct x86_emul_ctxt *c;
    const struct x86_emul_ops *ops;
    void *opaque;
    struct x86_insn insn;
    bool rep_pending; /* REP count not exhausted: leave RIP on the insn */
};

static inline uint64_t emul_mask(unsigned int bytes)
{
    return bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

/* Sign-extend the low `bytes` bytes of v to 64 bits. */
static inline uint64_t emul_sext(uint64_t v, unsigned int bytes)
{
    unsigned int shift = 64 - bytes * 8;

    return (uint64_t)((int64_t)(v << shift) >> shift);
}

/* Write `bytes` of v into a register the way the hardware does (SDM
 * "General-Purpose Registers in 64-Bit Mode"): 8- and 16-bit writes keep the
 * rest, 32-bit writes zero bits 63:32; high8 selects AH/CH/DH/BH. */
static inline void emul_reg_set(uint64_t *r, unsigned int bytes, bool high8,
                                uint64_t v)
{
    if (high8)
        *r = (*r & ~0xff00ULL) | ((v & 0xff) << 8);
    else if (bytes < 4)
        *r = (*r & ~emul_mask(bytes)) | (v & emul_mask(bytes));
    else
        *r = v & emul_mask(bytes);
}

/* alu.c: operations in the order of the ModRM reg field of opcodes 80-83
 * (and bits 5:3 of opcodes 00-3D), then the unary group. */
enum emul_alu_op {
    ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
    ALU_TEST, ALU_NOT, ALU_NEG, ALU_INC, ALU_DEC,
};
/* Result of `a op b` on `bytes`-wide operands; updates the arithmetic
 * flags in *rflags as the SDM defines them for the instruction. */
uint64_t x86emul_alu(enum emul_alu_op op, unsigned int bytes, uint64_t a,
                     uint64_t b, uint64_t *rflags);

/* Bit tests, in the order of 0F BA /4-/7. */
enum emul_bt_op { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };
/* CF := bit `bit` of val; returns val with the bit set/reset/complemented. */
uint64_t x86emul_bt(enum emul_bt_op op, uint64_t val, unsigned int bit,
                    uint64_t *rflags);

/* An operand of the instruction being emulated. */
struct emul_operand {
    enum { OPND_REG, OPND_MEM, OPND_IMM } kind;
    uint8_t size;  /* bytes: 1, 2, 4, 8 */
    uint8_t reg;   /* OPND_REG: register number */
    bool high8;    /* OPND_REG: AH, CH, DH or BH */
    uint8_t seg;   /* OPND_MEM: segment */
    uint64_t ea;   /* OPND_MEM: offset in the segment */
    uint64_t imm;  /* OPND_IMM: value */
};

/* operand.c */
void x86emul_opnd_reg(const struct emul *e, struct emul_operand *op,
                      unsigned int reg, unsigned int size);
void x86emul_opnd_rm(const struct emul *e, struct emul_operand *op,
                     unsigned int size);
void x86emul_opnd_imm(const struct emul *e, struct emul_operand *op,
                      unsigned int size);
int __must_check x86emul_opnd_read(struct emul *e,
                                   const struct emul_operand *op,
                                   uint64_t *val);
int __must_check x86emul_opnd_write(struct emul *e,
                                    const struct emul_operand *op,
                                    uint64_t val);
/* Memory at segment:offset, size 1/2/4/8 (what the callbacks see). */
int __must_check x86emul_mem_read(struct emul *e, unsigned int seg,
                                  uint64_t offset, unsigned int size,
                                  uint64_t *val);
int __must_check x86emul_mem_write(struct emul *e, unsigned int seg,
                                   uint64_t offset, unsigned int size,
                                   uint64_t val);

/* string.c: MOVS, STOS, LODS with or without REP. */
int __must_check x86emul_string(struct emul *e);

/* bitop.c: BT, BTS, BTR, BTC (0F A3/AB/B3/BB and 0F BA /4-/7). */
int __must_check x86emul_bitop(struct emul *e);

#endif /* HV_HVM_EMULATE_INTERNAL_H */
