// SPDX-License-Identifier: MIT
/* x86 instruction decoder: prefixes, opcode maps, ModRM/SIB, displacement, immediates. */
#include <hv/x86_emulate.h>
#include "emulate_internal.h"

/*
 * The decoder knows the length of every legacy-encoded instruction (one-byte
 * map, 0F, 0F 38 and 0F 3A maps; SDM Vol. 2 Appendix A "Opcode Map"), so
 * intercept handlers can step over any instruction; the emulator itself
 * executes a far smaller set. VEX, EVEX and XOP encodings are refused: no
 * instruction using them exits to the hypervisor in a way we handle.
 */

/* Opcode attributes. */
#define D_M 0x0001   /* ModRM follows */
#define D_I8 0x0002  /* imm8 */
#define D_IZ 0x0004  /* imm16, or imm32 when the operand size is 32 or 64 */
#define D_IV 0x0008  /* imm16/32/64 by operand size (MOV r, imm) */
#define D_I16 0x0010 /* imm16 */
#define D_B 0x0020   /* byte operand */
#define D_S 0x0040   /* 64-bit default operand size in 64-bit mode */
#define D_X 0x0080   /* invalid in 64-bit mode */
#define D_U 0x0100   /* undefined here */
#define D_SP 0x0200  /* immediate depends on more than the opcode */
#define D_R 0x0400   /* ModRM names registers whatever mod says */
#define D_REL 0x0800 /* branch displacement: rel32 in 64-bit mode */

/* ALU op group at `b`: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz. */
#define ALU_ROW(b)                                                    \
    [(b)] = D_M | D_B, [(b) + 1] = D_M, [(b) + 2] = D_M | D_B,        \
    [(b) + 3] = D_M, [(b) + 4] = D_I8 | D_B, [(b) + 5] = D_IZ

/* One-byte map. Prefix bytes never reach the table. */
static const uint16_t map1[256] = {
    ALU_ROW(0x00), [0x06 ... 0x07] = D_X, ALU_ROW(0x08), [0x0e] = D_X,
    ALU_ROW(0x10), [0x16 ... 0x17] = D_X, ALU_ROW(0x18), [0x1e ... 0x1f] = D_X,
    ALU_ROW(0x20), [0x27] = D_X, ALU_ROW(0x28), [0x2f] = D_X,
    ALU_ROW(0x30), [0x37] = D_X, ALU_ROW(0x38), [0x3f] = D_X,
    [0x50 ... 0x5f] = D_S,
    [0x60 ... 0x61] = D_X, [0x62] = D_M | D_X, [0x63] = D_M,
    [0x68] = D_IZ | D_S, [0x69] = D_M | D_IZ, [0x6a] = D_I8 | D_S,
    [0x6b] = D_M | D_I8, [0x6c] = D_B, [0x6e] = D_B,
    [0x70 ... 0x7f] = D_I8 | D_S,
    [0x80] = D_M | D_I8 | D_B, [0x81] = D_M | D_IZ,
    [0x82] = D_M | D_I8 | D_B | D_X, [0x83] = D_M | D_I8,
    [0x84] = D_M | D_B, [0x85] = D_M, [0x86] = D_M | D_B, [0x87] = D_M,
    [0x88] = D_M | D_B, [0x89] = D_M, [0x8a] = D_M | D_B, [0x8b ... 0x8e] = D_M,
    [0x8f] = D_M | D_S,
    [0x9a] = D_SP | D_X, [0x9c ... 0x9d] = D_S,
    [0xa0] = D_SP | D_B, [0xa1] = D_SP, [0xa2] = D_SP | D_B, [0xa3] = D_SP,
    [0xa4] = D_B, [0xa6] = D_B, [0xa8] = D_I8 | D_B, [0xa9] = D_IZ,
    [0xaa] = D_B, [0xac] = D_B, [0xae] = D_B,
    [0xb0 ... 0xb7] = D_I8 | D_B, [0xb8 ... 0xbf] = D_IV,
    [0xc0] = D_M | D_I8 | D_B, [0xc1] = D_M | D_I8, [0xc2] = D_I16 | D_S,
    [0xc3] = D_S, [0xc4 ... 0xc5] = D_M | D_X, [0xc6] = D_M | D_I8 | D_B,
    [0xc7] = D_M | D_IZ, [0xc8] = D_SP | D_S, [0xc9] = D_S, [0xca] = D_I16,
    [0xcd] = D_I8, [0xce] = D_X,
    [0xd0] = D_M | D_B, [0xd1] = D_M, [0xd2] = D_M | D_B, [0xd3] = D_M,
    [0xd4 ... 0xd6] = D_I8 | D_X, [0xd8 ... 0xdf] = D_M,
    [0xe0 ... 0xe3] = D_I8 | D_S, [0xe4] = D_I8 | D_B, [0xe5] = D_I8,
    [0xe6] = D_I8 | D_B, [0xe7] = D_I8, [0xe8 ... 0xe9] = D_IZ | D_REL | D_S,
    [0xea] = D_SP | D_X, [0xeb] = D_I8 | D_S, [0xec] = D_B, [0xee] = D_B,
    [0xf6] = D_M | D_SP | D_B, [0xf7] = D_M | D_SP, [0xfe] = D_M | D_B,
    [0xff] = D_M,
};

/* Two-byte map (0F xx); 0F 38 and 0F 3A are handled in decode_opcode(). */
static const uint16_t map0f[256] = {
    [0x00 ... 0x03] = D_M, [0x04] = D_U, [0x0a] = D_U, [0x0c] = D_U,
    [0x0d] = D_M, [0x0f] = D_M | D_I8, /* 3DNow!: the suffix is an imm8 */
    [0x10 ... 0x1f] = D_M, [0x20 ... 0x23] = D_M | D_R | D_S,
    [0x24 ... 0x27] = D_U, [0x28 ... 0x2f] = D_M, [0x38 ... 0x3f] = D_U,
    [0x40 ... 0x6f] = D_M, [0x70 ... 0x73] = D_M | D_I8, [0x74 ... 0x76] = D_M,
    [0x78 ... 0x79] = D_M, [0x7a ... 0x7b] = D_U, [0x7c ... 0x7f] = D_M,
    [0x80 ... 0x8f] = D_IZ | D_REL | D_S, [0x90 ... 0x9f] = D_M | D_B,
    [0xa0 ... 0xa1] = D_S, [0xa3] = D_M, [0xa4] = D_M | D_I8, [0xa5] = D_M,
    [0xa6 ... 0xa7] = D_U, [0xa8 ... 0xa9] = D_S, [0xab] = D_M,
    [0xac] = D_M | D_I8, [0xad ... 0xaf] = D_M, [0xb0] = D_M | D_B,
    [0xb1 ... 0xb9] = D_M, [0xba] = D_M | D_I8, [0xbb ... 0xbf] = D_M,
    [0xc0] = D_M | D_B, [0xc1] = D_M, [0xc2] = D_M | D_I8, [0xc3] = D_M,
    [0xc4 ... 0xc6] = D_M | D_I8, [0xc7] = D_M, [0xd0 ... 0xff] = D_M,
};

/* Instruction bytes are fetched lazily, never across a page boundary in one
 * callback, so an instruction ending just before an unmapped page decodes. */
struct fetch {
    struct x86_emul_ctxt *c;
    const struct x86_emul_ops *ops;
    void *opaque;
    struct x86_insn *insn;
    uint64_t linear; /* of the first byte */
    unsigned int avail, pos;
};

static uint64_t mode_trunc(const struct x86_emul_ctxt *c, uint64_t v)
{
    return c->mode == X86EMUL_MODE_64 ? v : (uint32_t)v;
}

static int fetch_more(struct fetch *f)
{
    uint64_t at = mode_trunc(f->c, f->linear + f->avail);
    unsigned int n = X86_MAX_INSN_LEN - f->avail;
    unsigned int to_page_end = PAGE_SIZE - (at & (PAGE_SIZE - 1));
    int rc;

    if (n > to_page_end)
        n = to_page_end;
    f->c->fault.valid = false;
    rc = f->ops->fetch(f->opaque, at, f->insn->bytes + f->avail, n);
    if (rc == X86EMUL_EXCEPTION && f->c->fault.valid)
        return rc;
    if (rc != X86EMUL_OK)
        return X86EMUL_UNHANDLEABLE;
    f->avail += n;
    return X86EMUL_OK;
}

static int next_byte(struct fetch *f, uint8_t *b)
{
    int rc;

    /* SDM "Instruction Format": longer than 15 bytes raises #GP(0). */
    if (f->pos >= X86_MAX_INSN_LEN)
        return x86_emul_raise(f->c, X86EMUL_EXC_GP, true, 0);
    if (f->pos == f->avail) {
        rc = fetch_more(f);
        if (rc != X86EMUL_OK)
            return rc;
    }
    *b = f->insn->bytes[f->pos++];
    return X86EMUL_OK;
}

/* A little-endian field of n bytes. */
static int next_bytes(struct fetch *f, unsigned int n, uint64_t *v)
{
    uint8_t b;
    int rc;

    *v = 0;
    for (unsigned int i = 0; i < n; i++) {
        rc = next_byte(f, &b);
        if (rc != X86EMUL_OK)
            return rc;
        *v |= (uint64_t)b << (8 * i);
    }
    return X86EMUL_OK;
}

/* Legacy prefixes in any order and number, then REX (64-bit mode) directly
 * before the opcode: a REX followed by another prefix is ignored (SDM "REX
 * Prefixes"). Returns the first opcode byte in *op. */
static int decode_prefixes(struct fetch *f, uint8_t *op)
{
    struct x86_insn *insn = f->insn;
    uint8_t b;
    int rc;

    for (;;) {
        rc = next_byte(f, &b);
        if (rc != X86EMUL_OK)
            return rc;
        switch (b) {
        case 0x66: insn->opsize = true; break;
        case 0x67: insn->addrsize = true; break;
        case 0xf0: insn->lock = true; break;
        case 0xf2: case 0xf3: insn->rep = b; break;
        /* 26 2E 36 3E encode ES CS SS DS in bits 4:3. */
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            insn->seg_override = (b >> 3) & 3;
            break;
        case 0x64: insn->seg_override = X86_SEG_FS; break;
        case 0x65: insn->seg_override = X86_SEG_GS; break;
        default:
            if (f->c->mode == X86EMUL_MODE_64 && (b & 0xf0) == 0x40) {
                insn->rex = b;
                insn->nr_prefixes++;
                continue;
            }
            *op = b;
            return X86EMUL_OK;
        }
        insn->rex = 0;
        insn->nr_prefixes++;
    }
}

/* Opcode bytes after the prefixes; *attr gets the D_* attributes. */
static int decode_opcode(struct fetch *f, uint8_t b, uint16_t *attr)
{
    struct x86_insn *insn = f->insn;
    uint8_t b2, b3;
    int rc;

    if (b != 0x0f) {
        insn->opcode = b;
        *attr = map1[b];
        return X86EMUL_OK;
    }
    rc = next_byte(f, &b2);
    if (rc != X86EMUL_OK)
        return rc;
    if (b2 != 0x38 && b2 != 0x3a) {
        insn->opcode = X86_OPC_0F | b2;
        *attr = map0f[b2];
        return X86EMUL_OK;
    }
    rc = next_byte(f, &b3);
    if (rc != X86EMUL_OK)
        return rc;
    /* Every 0F 38 instruction has a ModRM; every 0F 3A one also an imm8. */
    insn->opcode = (b2 == 0x38 ? X86_OPC_0F38 : X86_OPC_0F3A) | b3;
    *attr = b2 == 0x38 ? D_M : D_M | D_I8;
    return X86EMUL_OK;
}

/* Operand and address size (SDM "Operand-Size and Address-Size Attributes",
 * and "Operand Size in 64-Bit Mode": REX.W beats 66). */
static void decode_sizes(struct x86_insn *insn, enum x86_emul_mode mode,
                         uint16_t attr)
{
    bool def32 = mode == X86EMUL_MODE_32;

    if (mode == X86EMUL_MODE_64) {
        insn->addr_bytes = insn->addrsize ? 4 : 8;
        if (insn->rex_w)
            insn->op_bytes = 8;
        else if (insn->opsize)
            insn->op_bytes = 2;
        else
            insn->op_bytes = (attr & D_S) ? 8 : 4;
    } else {
        insn->addr_bytes = (def32 != insn->addrsize) ? 4 : 2;
        insn->op_bytes = (def32 != insn->opsize) ? 4 : 2;
    }
    if (attr & D_B)
        insn->op_bytes = 1;
}

/* 16-bit ModRM addressing (SDM Table 2-1): base and index of each r/m. */
static const uint8_t base16[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP,
                                   X86_RSI, X86_RDI, X86_RBP, X86_RBX };
static const uint8_t index16[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI,
                                    X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
                                    X86_REG_NONE };

static void decode_mem16(struct x86_insn *insn)
{
    unsigned int rm = insn->modrm & 7;

    insn->base = base16[rm];
    insn->index = index16[rm];
    if (insn->mod == 0 && rm == 6) {
        insn->base = X86_REG_NONE;
        insn->disp_bytes = 2;
    } else {
        insn->disp_bytes = insn->mod == 1 ? 1 : insn->mod == 2 ? 2 : 0;
    }
}

/* 32/64-bit ModRM and SIB addressing (SDM Tables 2-2 and 2-3, "Special
 * Cases of REX Encodings"). */
static int decode_mem32(struct fetch *f)
{
    struct x86_insn *insn = f->insn;
    uint8_t sib;
    int rc;

    insn->base = insn->rm;
    insn->disp_bytes = insn->mod == 1 ? 1 : insn->mod == 2 ? 4 : 0;
    if ((insn->modrm & 7) == 4) {
        rc = next_byte(f, &sib);
        if (rc != X86EMUL_OK)
            return rc;
        insn->has_sib = true;
        insn->sib = sib;
        insn->scale = 1 << (sib >> 6);
        insn->index = ((sib >> 3) & 7) | (insn->rex_x << 3);
        if (insn->index == X86_RSP) /* 100b without REX.X: no index */
            insn->index = X86_REG_NONE;
        insn->base = (sib & 7) | (insn->rex_b << 3);
        if ((sib & 7) == 5 && insn->mod == 0) {
            insn->base = X86_REG_NONE;
            insn->disp_bytes = 4;
        }
    } else if ((insn->modrm & 7) == 5 && insn->mod == 0) {
        insn->base = X86_REG_NONE;
        insn->disp_bytes = 4;
        insn->rip_rel = f->c->mode == X86EMUL_MODE_64;
    }
    return X86EMUL_OK;
}

static int decode_modrm(struct fetch *f, uint16_t attr)
{
    struct x86_insn *insn = f->insn;
    uint64_t disp;
    uint8_t m;
    int rc;

    rc = next_byte(f, &m);
    if (rc != X86EMUL_OK)
        return rc;
    insn->has_modrm = true;
    insn->modrm = m;
    insn->mod = m >> 6;
    insn->reg = ((m >> 3) & 7) | (insn->rex_r << 3);
    insn->rm = (m & 7) | (insn->rex_b << 3);
    /* MOV to/from CR/DR ignore mod (SDM "MOV—Move to/from Control
     * Registers"): always registers, never SIB or displacement. */
    if (insn->mod == 3 || (attr & D_R))
        return X86EMUL_OK;
    insn->has_mem = true;
    insn->scale = 1;
    insn->index = X86_REG_NONE;
    if (insn->addr_bytes == 2) {
        decode_mem16(insn);
    } else {
        rc = decode_mem32(f);
        if (rc != X86EMUL_OK)
            return rc;
    }
    rc = next_bytes(f, insn->disp_bytes, &disp);
    if (rc != X86EMUL_OK)
        return rc;
    insn->disp = insn->disp_bytes ? (int64_t)emul_sext(disp, insn->disp_bytes) : 0;
    insn->seg = (insn->base == X86_RSP || insn->base == X86_RBP) ? X86_SEG_SS
                                                                  : X86_SEG_DS;
    return X86EMUL_OK;
}

/* MOV AL/rAX <-> moffs (A0-A3): an absolute offset of address size. */
static int decode_moffs(struct fetch *f)
{
    struct x86_insn *insn = f->insn;
    uint64_t off;
    int rc;

    rc = next_bytes(f, insn->addr_bytes, &off);
    if (rc != X86EMUL_OK)
        return rc;
    insn->has_mem = true;
    insn->base = insn->index = X86_REG_NONE;
    insn->scale = 1;
    insn->disp_bytes = insn->addr_bytes;
    insn->disp = (int64_t)off;
    insn->seg = X86_SEG_DS;
    return X86EMUL_OK;
}

/* Sizes of the immediates: imm and the second one (ENTER, far pointers). */
static void imm_sizes(const struct x86_insn *insn, enum x86_emul_mode mode,
                      uint16_t attr, unsigned int *n, unsigned int *n2)
{
    unsigned int z = insn->op_bytes == 2 ? 2 : 4;

    *n2 = 0;
    if (attr & D_I8)
        *n = 1;
    else if (attr & D_I16)
        *n = 2;
    else if (attr & D_IZ)
        *n = (attr & D_REL) && mode == X86EMUL_MODE_64 ? 4 : z;
    else if (attr & D_IV)
        *n = insn->op_bytes;
    else
        *n = 0;
    if (!(attr & D_SP))
        return;
    switch (insn->opcode) {
    case 0xf6: case 0xf7: /* only TEST (/0, /1) takes an immediate */
        if ((insn->reg & 7) < 2)
            *n = insn->opcode == 0xf6 ? 1 : z;
        break;
    case 0xc8: /* ENTER imm16, imm8 */
        *n = 2;
        *n2 = 1;
        break;
    case 0x9a: case 0xea: /* far pointer: offset, then selector */
        *n = z;
        *n2 = 2;
        break;
    }
}

static int decode_imm(struct fetch *f, uint16_t attr)
{
    struct x86_insn *insn = f->insn;
    unsigned int n, n2;
    uint64_t v;
    int rc;

    if ((insn->opcode & ~3u) == 0xa0)
        return decode_moffs(f);
    imm_sizes(insn, f->c->mode, attr, &n, &n2);
    rc = next_bytes(f, n, &v);
    if (rc != X86EMUL_OK)
        return rc;
    insn->imm_bytes = n;
    insn->imm = n ? (int64_t)emul_sext(v, n) : 0;
    rc = next_bytes(f, n2, &v);
    if (rc != X86EMUL_OK)
        return rc;
    insn->imm2_bytes = n2;
    insn->imm2 = (uint16_t)v;
    return X86EMUL_OK;
}

/* Encodings we refuse after the ModRM is known. */
static bool modrm_unsupported(const struct x86_insn *insn)
{
    switch (insn->opcode) {
    case 0x62: case 0xc4: case 0xc5: /* EVEX/VEX outside 64-bit mode */
        return insn->mod == 3;
    case 0x8f: /* XOP: 8F with ModRM.reg != 0 */
        return (insn->reg & 7) != 0;
    default:
        return false;
    }
}

/* FF /2 /4 /6 (near CALL, JMP, PUSH) default to 64-bit operands in 64-bit
 * mode, which the opcode alone cannot say. */
static void fixup_group5(struct x86_insn *insn, enum x86_emul_mode mode)
{
    unsigned int r = insn->reg & 7;

    if (insn->opcode == 0xff && mode == X86EMUL_MODE_64 && !insn->rex_w &&
        (r == 2 || r == 4 || r == 6))
        insn->op_bytes = insn->opsize ? 2 : 8;
}

static int decode_body(struct fetch *f)
{
    struct x86_insn *insn = f->insn;
    enum x86_emul_mode mode = f->c->mode;
    uint16_t attr;
    uint8_t b;
    int rc;

    rc = decode_prefixes(f, &b);
    if (rc != X86EMUL_OK)
        return rc;
    insn->rex_w = insn->rex & 8;
    insn->rex_r = insn->rex & 4;
    insn->rex_x = insn->rex & 2;
    insn->rex_b = insn->rex & 1;
    rc = decode_opcode(f, b, &attr);
    if (rc != X86EMUL_OK)
        return rc;
    if ((attr & D_U) || ((attr & D_X) && mode == X86EMUL_MODE_64))
        return X86EMUL_UNHANDLEABLE;
    decode_sizes(insn, mode, attr);
    if (attr & D_M) {
        rc = decode_modrm(f, attr);
        if (rc != X86EMUL_OK)
            return rc;
        if (modrm_unsupported(insn))
            return X86EMUL_UNHANDLEABLE;
        fixup_group5(insn, mode);
    }
    return decode_imm(f, attr);
}

/* Effective address once the length is known (RIP-relative needs it). */
static void decode_ea(const struct x86_emul_ctxt *c, struct x86_insn *insn)
{
    uint64_t ea = (uint64_t)insn->disp;

    if (insn->rip_rel)
        ea += c->regs.rip + insn->len;
    if (insn->base != X86_REG_NONE)
        ea += c->regs.gpr[insn->base];
    if (insn->index != X86_REG_NONE)
        ea += c->regs.gpr[insn->index] * insn->scale;
    insn->ea = ea & emul_mask(insn->addr_bytes);
    if (insn->seg_override != X86_SEG_NONE)
        insn->seg = insn->seg_override;
}

int x86_decode(struct x86_emul_ctxt *c, const struct x86_emul_ops *ops,
               void *opaque, struct x86_insn *insn)
{
    struct fetch f = {
        .c = c, .ops = ops, .opaque = opaque, .insn = insn,
    };
    uint64_t cs_base = c->mode == X86EMUL_MODE_64 ? 0 : c->seg_base[X86_SEG_CS];
    int rc;

    *insn = (struct x86_insn){ .seg_override = X86_SEG_NONE,
                               .base = X86_REG_NONE,
                               .index = X86_REG_NONE };
    c->fault.valid = false;
    f.linear = mode_trunc(c, cs_base + c->regs.rip);
    rc = decode_body(&f);
    if (rc != X86EMUL_OK)
        return rc;
    insn->len = f.pos;
    if (insn->has_mem)
        decode_ea(c, insn);
    return X86EMUL_OK;
}

int x86_insn_length(struct x86_emul_ctxt *c, const struct x86_emul_ops *ops,
                    void *opaque, unsigned int *len)
{
    struct x86_insn insn;
    int rc;

    rc = x86_decode(c, ops, opaque, &insn);
    if (rc == X86EMUL_OK)
        *len = insn.len;
    return rc;
}

uint64_t x86_insn_linear(const struct x86_emul_ctxt *c,
                         const struct x86_insn *insn)
{
    unsigned int seg = insn->seg;
    uint64_t base = 0;

    /* SDM "Segmentation in IA-32e Mode": only FS and GS have bases in
     * 64-bit mode. */
    if (seg < X86_NR_SEGS &&
        (c->mode != X86EMUL_MODE_64 || seg == X86_SEG_FS || seg == X86_SEG_GS))
        base = c->seg_base[seg];
    return mode_trunc(c, base + insn->ea);
}
