// SPDX-License-Identifier: MIT
/* Arithmetic and logic of the emulated instructions, with their RFLAGS. */
#include "emulate_internal.h"

/*
 * Flags follow the SDM's per-instruction "Flags Affected" sections. The
 * carry and overflow out of the top bit are computed from the operands and
 * the truncated result, so no wider arithmetic type is needed:
 *  - carry out of bit i of a + b (+ c) is the majority of a_i, b_i and the
 *    carry into bit i, and that carry in is a_i ^ b_i ^ r_i;
 *  - borrow out of a - b (- c) is the same with a inverted.
 * AF is the carry/borrow out of bit 3, i.e. the carry into bit 4.
 * Where the SDM leaves a flag undefined (AF after logic ops) we clear it.
 */

static uint64_t top_bit(unsigned int bytes)
{
    return 1ULL << (bytes * 8 - 1);
}

static bool parity_even(uint64_t v)
{
    uint8_t b = (uint8_t)v;

    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    return !(b & 1);
}

/* ZF, SF, PF of a result (PF looks at the low byte only). */
static uint64_t flags_zsp(uint64_t res, unsigned int bytes)
{
    uint64_t f = 0;

    if (!res)
        f |= X86EMUL_FLAG_ZF;
    if (res & top_bit(bytes))
        f |= X86EMUL_FLAG_SF;
    if (parity_even(res))
        f |= X86EMUL_FLAG_PF;
    return f;
}

static uint64_t flags_add(uint64_t a, uint64_t b, uint64_t res,
                          unsigned int bytes)
{
    uint64_t carries = (a & b) | ((a | b) & ~res);
    uint64_t f = 0;

    if (carries & top_bit(bytes))
        f |= X86EMUL_FLAG_CF;
    if ((a ^ res) & (b ^ res) & top_bit(bytes))
        f |= X86EMUL_FLAG_OF;
    if ((a ^ b ^ res) & 0x10)
        f |= X86EMUL_FLAG_AF;
    return f;
}

static uint64_t flags_sub(uint64_t a, uint64_t b, uint64_t res,
                          unsigned int bytes)
{
    uint64_t borrows = (~a & b) | ((~a | b) & res);
    uint64_t f = 0;

    if (borrows & top_bit(bytes))
        f |= X86EMUL_FLAG_CF;
    if ((a ^ b) & (a ^ res) & top_bit(bytes))
        f |= X86EMUL_FLAG_OF;
    if ((a ^ b ^ res) & 0x10)
        f |= X86EMUL_FLAG_AF;
    return f;
}

uint64_t x86emul_alu(enum emul_alu_op op, unsigned int bytes, uint64_t a,
                     uint64_t b, uint64_t *rflags)
{
    uint64_t m = emul_mask(bytes), cf = *rflags & X86EMUL_FLAG_CF, res, f;
    uint64_t keep = ~(uint64_t)X86EMUL_ARITH_FLAGS;

    a &= m;
    b &= m;
    switch (op) {
    case ALU_ADD:
    case ALU_ADC:
        res = (a + b + (op == ALU_ADC ? cf : 0)) & m;
        f = flags_add(a, b, res, bytes);
        break;
    case ALU_SUB:
    case ALU_SBB:
    case ALU_CMP:
        res = (a - b - (op == ALU_SBB ? cf : 0)) & m;
        f = flags_sub(a, b, res, bytes);
        break;
    case ALU_NEG: /* 0 - a: CF is set unless a is 0 */
        res = (0 - a) & m;
        f = flags_sub(0, a, res, bytes);
        break;
    case ALU_INC: /* INC and DEC leave CF alone */
        res = (a + 1) & m;
        f = flags_add(a, 1, res, bytes) & ~(uint64_t)X86EMUL_FLAG_CF;
        keep |= X86EMUL_FLAG_CF;
        break;
    case ALU_DEC:
        res = (a - 1) & m;
        f = flags_sub(a, 1, res, bytes) & ~(uint64_t)X86EMUL_FLAG_CF;
        keep |= X86EMUL_FLAG_CF;
        break;
    case ALU_AND:
    case ALU_TEST:
        res = a & b; /* logic ops clear CF and OF */
        f = 0;
        break;
    case ALU_OR:
        res = a | b;
        f = 0;
        break;
    case ALU_XOR:
        res = a ^ b;
        f = 0;
        break;
    case ALU_NOT: /* no flags */
    default:
        return ~a & m;
    }
    *rflags = (*rflags & keep) | f | flags_zsp(res, bytes);
    return res;
}

/* SDM "BT—Bit Test" and relatives: CF gets the old bit; OF, SF, AF and PF
 * are undefined and ZF unaffected, so all of them are left alone here. */
uint64_t x86emul_bt(enum emul_bt_op op, uint64_t val, unsigned int bit,
                    uint64_t *rflags)
{
    uint64_t m = 1ULL << bit;

    *rflags &= ~(uint64_t)X86EMUL_FLAG_CF;
    if (val & m)
        *rflags |= X86EMUL_FLAG_CF;
    switch (op) {
    case BT_SET:
        return val | m;
    case BT_RESET:
        return val & ~m;
    case BT_COMPLEMENT:
        return val ^ m;
    case BT_TEST:
    default:
        return val;
    }
}
