// SPDX-License-Identifier: MIT
/* Unit tests of the x86 instruction decoder (hv/hvm/emulate/decode.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include <hv/x86_emulate.h>

#define M16 X86EMUL_MODE_16
#define M32 X86EMUL_MODE_32
#define M64 X86EMUL_MODE_64
#define NO X86_REG_NONE
#define RIP64 0x401000ULL
#define RIP32 0x8000ULL

/* Register n holds R(n): distinct, with bits above 31 and 15 set so that
 * address-size truncation shows. */
#define R(n) (0x100000000ULL * ((n) + 1) + 0x1000ULL * ((n) + 1) + (n))

/* The simulated instruction memory: code bytes at code_la, filler (INT3)
 * after them, nothing mapped from mapped_end on. */
static struct {
    struct x86_emul_ctxt *c;
    uint64_t code_la;
    uint8_t code[32];
    unsigned int code_len;
    uint64_t mapped_end;
    int force_rc;
    unsigned int nr_fetch;
    bool crossed_page;
} fx;

static int fetch_cb(void *opaque, uint64_t la, void *buf, unsigned int len)
{
    uint8_t *out = buf;

    assert_ptr_equal(opaque, &fx);
    fx.nr_fetch++;
    if ((la >> 12) != ((la + len - 1) >> 12))
        fx.crossed_page = true;
    if (fx.force_rc)
        return fx.force_rc;
    if (la + len > fx.mapped_end)
        return x86_emul_raise_pf(fx.c, 0x10, la > fx.mapped_end ? la : fx.mapped_end);
    for (unsigned int i = 0; i < len; i++) {
        uint64_t off = la + i - fx.code_la;

        out[i] = off < fx.code_len ? fx.code[off] : 0xcc;
    }
    return X86EMUL_OK;
}

static int no_data(void *opaque, uint64_t la, void *buf, unsigned int size)
{
    (void)opaque, (void)la, (void)buf, (void)size;
    fail_msg("decoder accessed data memory");
    return X86EMUL_UNHANDLEABLE;
}

static int no_write(void *opaque, uint64_t la, const void *buf,
                    unsigned int size)
{
    return no_data(opaque, la, (void *)buf, size);
}

static const struct x86_emul_ops ops = {
    .fetch = fetch_cb, .read = no_data, .write = no_write,
};

static unsigned int parse_hex(const char *s, uint8_t *out, unsigned int max)
{
    unsigned int n = 0;

    while (*s) {
        char *end;
        unsigned long v = strtoul(s, &end, 16);

        if (end == s) {
            s++;
            continue;
        }
        assert_true(n < max);
        out[n++] = (uint8_t)v;
        s = end;
    }
    return n;
}

/* Sets up a context in `mode` with R(n) in every register and the code
 * bytes at CS:RIP. */
static void setup(struct x86_emul_ctxt *c, enum x86_emul_mode mode,
                  const char *hex)
{
    memset(c, 0, sizeof(*c));
    memset(&fx, 0, sizeof(fx));
    c->mode = mode;
    for (unsigned int i = 0; i < 16; i++)
        c->regs.gpr[i] = R(i);
    c->regs.rip = mode == M64 ? RIP64 : RIP32;
    c->regs.rflags = 2;
    fx.c = c;
    fx.code_la = c->regs.rip;
    fx.code_len = parse_hex(hex, fx.code, sizeof(fx.code));
    fx.mapped_end = ~0ULL;
}

struct dcase {
    const char *name;
    enum x86_emul_mode mode;
    const char *hex;
    int rc;
    unsigned int len;
    uint32_t opcode;
    uint8_t op_bytes, addr_bytes;
    bool modrm;
    uint8_t mod, reg, rm;
    bool mem, rip_rel;
    uint8_t base, index, scale, disp_bytes, seg;
    int64_t disp;
    uint64_t ea;
    uint8_t imm_bytes;
    int64_t imm;
    bool pfx; /* check the prefix fields below */
    uint8_t rep, rex, ovr; /* ovr: segment + 1, 0 for none */
    bool lock, opsize, addrsize;
};

#define OK(l, opc, ob, ab) .len = l, .opcode = opc, .op_bytes = ob, .addr_bytes = ab
#define MODRM(m, r, x) .modrm = true, .mod = m, .reg = r, .rm = x
#define MEM(b, i, s, db, d, sg, e)                                            \
    .mem = true, .base = b, .index = i, .scale = s, .disp_bytes = db,         \
    .disp = d, .seg = X86_SEG_##sg, .ea = e
#define IMM(n, v) .imm_bytes = n, .imm = v
#define PFX(...) .pfx = true, __VA_ARGS__

static const struct dcase dcases[] = {
    /* ModRM forms, 64-bit mode */
    { "mov [rax],ecx", M64, "89 08", OK(2, 0x89, 4, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "REX.W", M64, "48 89 08", OK(3, 0x89, 8, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), PFX(.rex = 0x48) },
    { "66", M64, "66 89 08", OK(3, 0x89, 2, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), PFX(.opsize = true) },
    { "REX.W beats 66", M64, "66 48 89 08", OK(4, 0x89, 8, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), PFX(.rex = 0x48, .opsize = true) },
    { "REX before 66 ignored", M64, "48 66 89 08", OK(4, 0x89, 2, 8),
      MODRM(0, 1, 0), MEM(0, NO, 1, 0, 0, DS, R(0)),
      PFX(.rex = 0, .opsize = true) },
    { "last REX counts", M64, "48 41 89 08", OK(4, 0x89, 4, 8), MODRM(0, 1, 8),
      MEM(8, NO, 1, 0, 0, DS, R(8)), PFX(.rex = 0x41) },
    { "byte mov ah", M64, "88 20", OK(2, 0x88, 1, 8), MODRM(0, 4, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), PFX(.rex = 0) },
    { "REX.W on byte op", M64, "48 88 20", OK(3, 0x88, 1, 8), MODRM(0, 4, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "REX.R", M64, "44 88 20", OK(3, 0x88, 1, 8), MODRM(0, 12, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "REX.B base r8", M64, "41 89 08", OK(3, 0x89, 4, 8), MODRM(0, 1, 8),
      MEM(8, NO, 1, 0, 0, DS, R(8)) },
    { "[rsp+8] SIB, SS", M64, "8b 44 24 08", OK(4, 0x8b, 4, 8), MODRM(1, 0, 4),
      MEM(4, NO, 1, 1, 8, SS, R(4) + 8) },
    { "[rbp-16], SS", M64, "8b 45 f0", OK(3, 0x8b, 4, 8), MODRM(1, 0, 5),
      MEM(5, NO, 1, 1, -16, SS, R(5) - 16) },
    { "SIB no base", M64, "8b 04 8d 00 10 00 00", OK(7, 0x8b, 4, 8),
      MODRM(0, 0, 4), MEM(NO, 1, 4, 4, 0x1000, DS, R(1) * 4 + 0x1000) },
    { "SIB no base no index", M64, "8b 04 25 78 56 34 12", OK(7, 0x8b, 4, 8),
      MODRM(0, 0, 4), MEM(NO, NO, 1, 4, 0x12345678, DS, 0x12345678) },
    { "SIB base=101 REX.B mod=0", M64, "41 8b 04 25 f0 ff ff ff",
      OK(8, 0x8b, 4, 8), MODRM(0, 0, 12),
      MEM(NO, NO, 1, 4, -16, DS, (uint64_t)-16) },
    { "SIB index r12 (REX.X)", M64, "42 8b 04 a3", OK(4, 0x8b, 4, 8),
      MODRM(0, 0, 4), MEM(3, 12, 4, 0, 0, DS, R(3) + R(12) * 4) },
    { "SIB base r12", M64, "41 8b 04 24", OK(4, 0x8b, 4, 8), MODRM(0, 0, 12),
      MEM(12, NO, 1, 0, 0, DS, R(12)) },
    { "[r13+0] disp8", M64, "41 8b 45 00", OK(4, 0x8b, 4, 8), MODRM(1, 0, 13),
      MEM(13, NO, 1, 1, 0, DS, R(13)) },
    { "base+index*8+disp32", M64, "48 8b 84 cb 00 01 00 00", OK(8, 0x8b, 8, 8),
      MODRM(2, 0, 4), MEM(3, 1, 8, 4, 0x100, DS, R(3) + R(1) * 8 + 0x100) },
    { "rip-relative", M64, "8b 05 f0 ff ff ff", OK(6, 0x8b, 4, 8),
      MODRM(0, 0, 5), .rip_rel = true,
      MEM(NO, NO, 1, 4, -16, DS, RIP64 + 6 - 16) },
    { "rip-relative with imm", M64, "c7 05 10 00 00 00 78 56 34 12",
      OK(10, 0xc7, 4, 8), MODRM(0, 0, 5), .rip_rel = true,
      MEM(NO, NO, 1, 4, 0x10, DS, RIP64 + 10 + 0x10), IMM(4, 0x12345678) },
    { "67 rip-relative (eip)", M64, "67 8b 05 00 01 00 00", OK(7, 0x8b, 4, 4),
      MODRM(0, 0, 5), .rip_rel = true,
      MEM(NO, NO, 1, 4, 0x100, DS, (uint32_t)(RIP64 + 7 + 0x100)) },
    { "67: 32-bit address", M64, "67 8b 00", OK(3, 0x8b, 4, 4), MODRM(0, 0, 0),
      MEM(0, NO, 1, 0, 0, DS, (uint32_t)R(0)), PFX(.addrsize = true) },
    { "FS override", M64, "64 8b 00", OK(3, 0x8b, 4, 8), MODRM(0, 0, 0),
      MEM(0, NO, 1, 0, 0, FS, R(0)), PFX(.ovr = X86_SEG_FS + 1) },
    { "last override wins", M64, "64 2e 8b 00", OK(4, 0x8b, 4, 8),
      MODRM(0, 0, 0), MEM(0, NO, 1, 0, 0, CS, R(0)),
      PFX(.ovr = X86_SEG_CS + 1) },
    { "override beats SS default", M64, "65 8b 04 24", OK(4, 0x8b, 4, 8),
      MODRM(0, 0, 4), MEM(4, NO, 1, 0, 0, GS, R(4)) },
    { "mov reg,reg", M64, "89 c8", OK(2, 0x89, 4, 8), MODRM(3, 1, 0) },
    /* Immediates */
    { "C7 imm32 sign-extended", M64, "48 c7 00 ff ff ff 80", OK(7, 0xc7, 8, 8),
      MODRM(0, 0, 0), MEM(0, NO, 1, 0, 0, DS, R(0)), IMM(4, -0x7f000001LL) },
    { "C7 imm16", M64, "66 c7 00 34 12", OK(5, 0xc7, 2, 8), MODRM(0, 0, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), IMM(2, 0x1234) },
    { "C6 imm8", M64, "c6 40 10 80", OK(4, 0xc6, 1, 8), MODRM(1, 0, 0),
      MEM(0, NO, 1, 1, 0x10, DS, R(0) + 0x10), IMM(1, -128) },
    { "83 imm8", M64, "83 00 ff", OK(3, 0x83, 4, 8), MODRM(0, 0, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), IMM(1, -1) },
    { "81 /7 imm32", M64, "81 38 00 00 00 80", OK(6, 0x81, 4, 8),
      MODRM(0, 7, 0), MEM(0, NO, 1, 0, 0, DS, R(0)), IMM(4, INT32_MIN) },
    { "66 81 imm16", M64, "66 81 08 34 12", OK(5, 0x81, 2, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), IMM(2, 0x1234) },
    { "F7 /0 has imm", M64, "f7 00 78 56 34 12", OK(6, 0xf7, 4, 8),
      MODRM(0, 0, 0), MEM(0, NO, 1, 0, 0, DS, R(0)), IMM(4, 0x12345678) },
    { "F7 /3 has none", M64, "f7 18", OK(2, 0xf7, 4, 8), MODRM(0, 3, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "F6 /0 imm8", M64, "f6 00 12", OK(3, 0xf6, 1, 8), MODRM(0, 0, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), IMM(1, 0x12) },
    { "mov r64, imm64", M64, "48 b8 88 77 66 55 44 33 22 11",
      OK(10, 0xb8, 8, 8), IMM(8, 0x1122334455667788LL) },
    { "mov r32, imm32", M64, "b9 78 56 34 12", OK(5, 0xb9, 4, 8),
      IMM(4, 0x12345678) },
    /* moffs */
    { "A1 moffs64", M64, "a1 88 77 66 55 44 33 22 11", OK(9, 0xa1, 4, 8),
      MEM(NO, NO, 1, 8, 0x1122334455667788LL, DS, 0x1122334455667788ULL) },
    { "48 A3 moffs64", M64, "48 a3 08 07 06 05 04 03 02 01", OK(10, 0xa3, 8, 8),
      MEM(NO, NO, 1, 8, 0x0102030405060708LL, DS, 0x0102030405060708ULL) },
    { "67 A0 moffs32", M64, "67 a0 78 56 34 f2", OK(6, 0xa0, 1, 4),
      MEM(NO, NO, 1, 4, 0xf2345678LL, DS, 0xf2345678ULL) },
    /* Other opcodes */
    { "movzx", M64, "0f b6 08", OK(3, 0x0fb6, 4, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "movsx r64,m16", M64, "48 0f bf 08", OK(4, 0x0fbf, 8, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "movsxd", M64, "48 63 08", OK(3, 0x63, 8, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "bt imm8", M64, "0f ba 20 05", OK(4, 0x0fba, 4, 8), MODRM(0, 4, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), IMM(1, 5) },
    { "rep stosq", M64, "f3 48 ab", OK(3, 0xab, 8, 8),
      PFX(.rep = 0xf3, .rex = 0x48) },
    { "last of F2/F3 wins", M64, "f3 f2 a4", OK(3, 0xa4, 1, 8), PFX(.rep = 0xf2) },
    { "repeated prefixes", M64, "f3 66 f3 66 a5", OK(5, 0xa5, 2, 8),
      PFX(.rep = 0xf3, .opsize = true) },
    { "lock add", M64, "f0 01 08", OK(3, 0x01, 4, 8), MODRM(0, 1, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)), PFX(.lock = true) },
    { "mov from cr3", M64, "0f 20 d8", OK(3, 0x0f20, 8, 8), MODRM(3, 3, 0) },
    { "mov to cr: mod ignored", M64, "0f 22 18", OK(3, 0x0f22, 8, 8),
      MODRM(0, 3, 0) },
    { "vmmcall", M64, "0f 01 d9", OK(3, 0x0f01, 4, 8), MODRM(3, 3, 1) },
    { "invlpg [rax]", M64, "0f 01 38", OK(3, 0x0f01, 4, 8), MODRM(0, 7, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "cpuid", M64, "0f a2", OK(2, 0x0fa2, 4, 8) },
    { "rdmsr", M64, "0f 32", OK(2, 0x0f32, 4, 8) },
    { "hlt", M64, "f4", OK(1, 0xf4, 4, 8) },
    { "out imm8", M64, "e6 80", OK(2, 0xe6, 1, 8), IMM(1, -128) },
    { "int 0x80", M64, "cd 80", OK(2, 0xcd, 4, 8), IMM(1, -128) },
    { "call rel32", M64, "e8 00 01 00 00", OK(5, 0xe8, 8, 8), IMM(4, 0x100) },
    { "jcc rel32", M64, "0f 84 fe ff ff ff", OK(6, 0x0f84, 8, 8), IMM(4, -2) },
    { "push imm32", M64, "68 00 00 00 80", OK(5, 0x68, 8, 8), IMM(4, INT32_MIN) },
    { "ret imm16", M64, "c2 08 00", OK(3, 0xc2, 8, 8), IMM(2, 8) },
    { "enter", M64, "c8 10 00 01", OK(4, 0xc8, 8, 8), IMM(2, 0x10) },
    { "imul imm32", M64, "69 c0 00 01 00 00", OK(6, 0x69, 4, 8),
      MODRM(3, 0, 0), IMM(4, 0x100) },
    { "0F 38 (pshufb)", M64, "66 0f 38 00 c1", OK(5, 0x0f3800, 2, 8),
      MODRM(3, 0, 1) },
    { "0F 3A (palignr) imm8", M64, "66 0f 3a 0f 4c 24 08 03",
      OK(8, 0x0f3a0f, 2, 8), MODRM(1, 1, 4), MEM(4, NO, 1, 1, 8, SS, R(4) + 8),
      IMM(1, 3) },
    { "3DNow! suffix", M64, "0f 0f c1 b4", OK(4, 0x0f0f, 4, 8), MODRM(3, 0, 1),
      IMM(1, (int8_t)0xb4) },
    { "push r/m: 64-bit default", M64, "ff 30", OK(2, 0xff, 8, 8),
      MODRM(0, 6, 0), MEM(0, NO, 1, 0, 0, DS, R(0)) },
    { "inc r/m stays 32-bit", M64, "ff 00", OK(2, 0xff, 4, 8), MODRM(0, 0, 0),
      MEM(0, NO, 1, 0, 0, DS, R(0)) },
    /* 32-bit mode */
    { "32: [esp+4]", M32, "8b 44 24 04", OK(4, 0x8b, 4, 4), MODRM(1, 0, 4),
      MEM(4, NO, 1, 1, 4, SS, (uint32_t)(R(4) + 4)) },
    { "32: disp32 is absolute", M32, "8b 05 78 56 34 12", OK(6, 0x8b, 4, 4),
      MODRM(0, 0, 5), MEM(NO, NO, 1, 4, 0x12345678, DS, 0x12345678) },
    { "32: 40 is INC", M32, "40 89 08", OK(1, 0x40, 4, 4) },
    { "32: 48 is DEC", M32, "48 89 08", OK(1, 0x48, 4, 4) },
    { "32: moffs32", M32, "a1 78 56 34 12", OK(5, 0xa1, 4, 4),
      MEM(NO, NO, 1, 4, 0x12345678, DS, 0x12345678) },
    { "32: 66 moffs", M32, "66 a3 78 56 34 12", OK(6, 0xa3, 2, 4),
      MEM(NO, NO, 1, 4, 0x12345678, DS, 0x12345678) },
    { "32: 67 moffs16", M32, "67 a1 34 12", OK(4, 0xa1, 4, 2),
      MEM(NO, NO, 1, 2, 0x1234, DS, 0x1234) },
    { "32: 67 [bx+si]", M32, "67 8b 00", OK(3, 0x8b, 4, 2), MODRM(0, 0, 0),
      MEM(3, 6, 1, 0, 0, DS, (uint16_t)(R(3) + R(6))) },
    { "32: push es", M32, "06", OK(1, 0x06, 4, 4) },
    { "32: far call", M32, "9a 78 56 34 12 08 00", OK(7, 0x9a, 4, 4),
      IMM(4, 0x12345678) },
    { "32: call rel16 with 66", M32, "66 e8 34 12", OK(4, 0xe8, 2, 4),
      IMM(2, 0x1234) },
    { "32: LES (not VEX)", M32, "c4 00", OK(2, 0xc4, 4, 4), MODRM(0, 0, 0),
      MEM(0, NO, 1, 0, 0, DS, (uint32_t)R(0)) },
    /* 16-bit mode */
    { "16: [bx+si]", M16, "8b 00", OK(2, 0x8b, 2, 2), MODRM(0, 0, 0),
      MEM(3, 6, 1, 0, 0, DS, (uint16_t)(R(3) + R(6))) },
    { "16: [bp+di-2], SS", M16, "8b 43 fe", OK(3, 0x8b, 2, 2), MODRM(1, 0, 3),
      MEM(5, 7, 1, 1, -2, SS, (uint16_t)(R(5) + R(7) - 2)) },
    { "16: [bp+2] SS", M16, "8b 46 02", OK(3, 0x8b, 2, 2), MODRM(1, 0, 6),
      MEM(5, NO, 1, 1, 2, SS, (uint16_t)(R(5) + 2)) },
    { "16: disp16 only", M16, "8b 06 34 12", OK(4, 0x8b, 2, 2), MODRM(0, 0, 6),
      MEM(NO, NO, 1, 2, 0x1234, DS, 0x1234) },
    { "16: [bx+disp16] wraps", M16, "8b 87 00 f0", OK(4, 0x8b, 2, 2),
      MODRM(2, 0, 7), MEM(3, NO, 1, 2, -0x1000, DS, (uint16_t)(R(3) - 0x1000)) },
    { "16: [si]", M16, "8b 04", OK(2, 0x8b, 2, 2), MODRM(0, 0, 4),
      MEM(6, NO, 1, 0, 0, DS, (uint16_t)R(6)) },
    { "16: 66 67 32-bit forms", M16, "66 67 8b 44 24 04", OK(6, 0x8b, 4, 4),
      MODRM(1, 0, 4), MEM(4, NO, 1, 1, 4, SS, (uint32_t)(R(4) + 4)) },
    { "16: C7 imm16", M16, "c7 06 00 01 34 12", OK(6, 0xc7, 2, 2),
      MODRM(0, 0, 6), MEM(NO, NO, 1, 2, 0x100, DS, 0x100), IMM(2, 0x1234) },
    { "16: far jmp", M16, "ea 34 12 00 f0", OK(5, 0xea, 2, 2), IMM(2, 0x1234) },
    /* Refused encodings */
    { "undefined 0F 04", M64, "0f 04", .rc = X86EMUL_UNHANDLEABLE },
    { "VEX in 64-bit mode", M64, "c5 f8 77", .rc = X86EMUL_UNHANDLEABLE },
    { "VEX in 32-bit mode", M32, "c5 f8 77", .rc = X86EMUL_UNHANDLEABLE },
    { "XOP", M64, "8f e9 78 e1 c1", .rc = X86EMUL_UNHANDLEABLE },
    { "push es in 64-bit mode", M64, "06", .rc = X86EMUL_UNHANDLEABLE },
    /* 15-byte limit (SDM: #GP(0) beyond it) */
    { "15 bytes", M64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90",
      OK(15, 0x90, 2, 8) },
    { "16 bytes", M64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90",
      .rc = X86EMUL_EXCEPTION },
    { "longest real insn", M64, "26 66 67 f0 48 81 84 88 78 56 34 12 00 00 00",
      .rc = X86EMUL_EXCEPTION },
    { "15 with imm", M64, "26 66 67 f0 48 81 84 88 78 56 34 12 01 02 03 04",
      .rc = X86EMUL_EXCEPTION },
    { "14 + imm32 = 15", M64, "2e 2e 2e 48 c7 84 88 78 56 34 12 01 02 03 04",
      OK(15, 0xc7, 8, 4 * 2), MODRM(2, 0, 4),
      MEM(0, 1, 4, 4, 0x12345678, CS, R(0) + R(1) * 4 + 0x12345678),
      IMM(4, 0x04030201) },
};

static void check_case(const struct dcase *t)
{
    struct x86_emul_ctxt c;
    struct x86_insn in;
    int rc;

    setup(&c, t->mode, t->hex);
    rc = x86_decode(&c, &ops, &fx, &in);
    if (rc != t->rc)
        fail_msg("%s: rc %d, want %d", t->name, rc, t->rc);
    if (rc == X86EMUL_EXCEPTION) {
        assert_true(c.fault.valid);
        assert_int_equal(c.fault.vector, X86EMUL_EXC_GP);
        assert_true(c.fault.has_error_code);
        assert_int_equal(c.fault.error_code, 0);
    }
    if (rc != X86EMUL_OK)
        return;
    if (in.len != t->len || in.opcode != t->opcode ||
        in.op_bytes != t->op_bytes || in.addr_bytes != t->addr_bytes)
        fail_msg("%s: len %u opc %#x op %u addr %u", t->name, in.len,
                 in.opcode, in.op_bytes, in.addr_bytes);
    assert_memory_equal(in.bytes, fx.code, in.len);
    if (in.has_modrm != t->modrm ||
        (t->modrm && (in.mod != t->mod || in.reg != t->reg || in.rm != t->rm)))
        fail_msg("%s: modrm %d %u/%u/%u", t->name, in.has_modrm, in.mod,
                 in.reg, in.rm);
    if (in.has_mem != t->mem || in.rip_rel != t->rip_rel)
        fail_msg("%s: has_mem %d rip_rel %d", t->name, in.has_mem, in.rip_rel);
    if (t->mem && (in.base != t->base || in.index != t->index ||
                   in.scale != t->scale || in.disp_bytes != t->disp_bytes ||
                   in.disp != t->disp || in.seg != t->seg || in.ea != t->ea))
        fail_msg("%s: base %u index %u scale %u disp %lld/%u seg %u ea %#llx",
                 t->name, in.base, in.index, in.scale, (long long)in.disp,
                 in.disp_bytes, in.seg, (unsigned long long)in.ea);
    if (in.imm_bytes != t->imm_bytes || in.imm != t->imm)
        fail_msg("%s: imm %lld/%u", t->name, (long long)in.imm, in.imm_bytes);
    if (t->pfx && (in.rep != t->rep || in.rex != t->rex ||
                   in.lock != t->lock || in.opsize != t->opsize ||
                   in.addrsize != t->addrsize ||
                   in.seg_override != (t->ovr ? t->ovr - 1 : X86_SEG_NONE)))
        fail_msg("%s: prefixes rep %#x rex %#x lock %d 66 %d 67 %d seg %u",
                 t->name, in.rep, in.rex, in.lock, in.opsize, in.addrsize,
                 in.seg_override);
    assert_false(fx.crossed_page);
}

static void test_decode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++)
        check_case(&dcases[i]);
}

/* Instruction bytes split over two pages, the second one unmapped: the
 * page fault of the fetch propagates, with the address of the second page. */
static void test_fetch_fault_at_page_boundary(void **state)
{
    struct x86_emul_ctxt c;
    struct x86_insn in;

    (void)state;
    setup(&c, M64, "c7 05 10 00 00 00 78 56 34 12");
    c.regs.rip = fx.code_la = 0x401ffa;
    fx.mapped_end = 0x402000;
    assert_int_equal(x86_decode(&c, &ops, &fx, &in), X86EMUL_EXCEPTION);
    assert_true(c.fault.valid);
    assert_int_equal(c.fault.vector, X86EMUL_EXC_PF);
    assert_int_equal(c.fault.cr2, 0x402000);
    assert_int_equal(fx.nr_fetch, 2);
    assert_false(fx.crossed_page);

    /* The same bytes with the next page mapped decode, in two fetches. */
    setup(&c, M64, "c7 05 10 00 00 00 78 56 34 12");
    c.regs.rip = fx.code_la = 0x401ffa;
    assert_int_equal(x86_decode(&c, &ops, &fx, &in), X86EMUL_OK);
    assert_int_equal(in.len, 10);
    assert_int_equal(in.imm, 0x12345678);
    assert_int_equal(fx.nr_fetch, 2);
    assert_false(fx.crossed_page);
}

/* An instruction that ends at the end of a page needs nothing beyond it. */
static void test_insn_ending_at_page_end(void **state)
{
    struct x86_emul_ctxt c;
    unsigned int len = 0;

    (void)state;
    setup(&c, M64, "48 89 08");
    c.regs.rip = fx.code_la = 0x401ffd;
    fx.mapped_end = 0x402000;
    assert_int_equal(x86_insn_length(&c, &ops, &fx, &len), X86EMUL_OK);
    assert_int_equal(len, 3);
    assert_int_equal(fx.nr_fetch, 1);
}

static void test_fetch_errors(void **state)
{
    struct x86_emul_ctxt c;
    unsigned int len = 0;

    (void)state;
    setup(&c, M64, "90");
    fx.force_rc = X86EMUL_UNHANDLEABLE;
    assert_int_equal(x86_insn_length(&c, &ops, &fx, &len),
                     X86EMUL_UNHANDLEABLE);
    /* An exception the callback did not record cannot be injected. */
    setup(&c, M64, "90");
    fx.force_rc = X86EMUL_EXCEPTION;
    assert_int_equal(x86_insn_length(&c, &ops, &fx, &len),
                     X86EMUL_UNHANDLEABLE);
    assert_int_equal(len, 0);
}

/* CS base and EIP wrap outside 64-bit mode. */
static void test_cs_base(void **state)
{
    struct x86_emul_ctxt c;
    struct x86_insn in;

    (void)state;
    setup(&c, M32, "8b 00");
    c.seg_base[X86_SEG_CS] = 0xffff0000;
    c.regs.rip = 0x18000;  /* 0xffff0000 + 0x18000 wraps to 0x8000 */
    fx.code_la = 0x8000;
    assert_int_equal(x86_decode(&c, &ops, &fx, &in), X86EMUL_OK);
    assert_int_equal(in.len, 2);
    assert_int_equal(in.opcode, 0x8b);

    /* In 64-bit mode the CS base is ignored. */
    setup(&c, M64, "8b 00");
    c.seg_base[X86_SEG_CS] = 0x10000;
    assert_int_equal(x86_decode(&c, &ops, &fx, &in), X86EMUL_OK);
    assert_int_equal(in.len, 2);
}

static void test_linear(void **state)
{
    struct x86_emul_ctxt c;
    struct x86_insn in;

    (void)state;
    /* 64-bit: FS/GS bases count, DS/ES/SS/CS bases do not. */
    setup(&c, M64, "64 8b 00");
    c.seg_base[X86_SEG_FS] = 0x7f0000000000ULL;
    c.seg_base[X86_SEG_DS] = 0x5000;
    assert_int_equal(x86_decode(&c, &ops, &fx, &in), X86EMUL_OK);
    assert_int_equal(x86_insn_linear(&c, &in), 0x7f0000000000ULL + R(0));
    setup(&c, M64, "8b 05 00 01 00 00");
    c.seg_base[X86_SEG_DS] = 0x5000;
    assert_int_equal(x86_decode(&c, &ops, &fx, &in), X86EMUL_OK);
    assert_int_equal(x86_insn_linear(&c, &in), RIP64 + 6 + 0x100);

    /* 32-bit: every base counts and the sum wraps at 4 GiB. */
    setup(&c, M32, "8b 45 08");
    c.seg_base[X86_SEG_SS] = 0xfffff000;
    assert_int_equal(x86_decode(&c, &ops, &fx, &in), X86EMUL_OK);
    assert_int_equal(x86_insn_linear(&c, &in),
                     (uint32_t)(0xfffff000 + (uint32_t)(R(5) + 8)));
    setup(&c, M32, "26 8b 00");
    c.seg_base[X86_SEG_ES] = 0x100000;
    assert_int_equal(x86_decode(&c, &ops, &fx, &in), X86EMUL_OK);
    assert_int_equal(x86_insn_linear(&c, &in), 0x100000 + (uint32_t)R(0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_fetch_fault_at_page_boundary),
        cmocka_unit_test(test_insn_ending_at_page_end),
        cmocka_unit_test(test_fetch_errors),
        cmocka_unit_test(test_cs_base),
        cmocka_unit_test(test_linear),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
