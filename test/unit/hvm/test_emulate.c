// SPDX-License-Identifier: MIT
/* Unit tests of the x86 MMIO emulator (hv/hvm/emulate/); host CPU as flags oracle. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include <hv/x86_emulate.h>

#define CODE_LA 0x100000ULL /* simulated memory: CODE_LA .. + MEM_SIZE */
#define DATA_LA 0x108000ULL
#define RO_LA 0x10c000ULL   /* a page that faults on writes */
#define MEM_SIZE 0x10000
#define ARITH X86EMUL_ARITH_FLAGS
#define FL_AF X86EMUL_FLAG_AF
#define FL_DF X86EMUL_FLAG_DF
#define FL_IF 0x200ULL
#define PF_WRITE 2

struct access {
    char kind; /* 'R' or 'W' */
    uint64_t la;
    unsigned int size;
};

/* The guest: one context, flat memory, and a log of every data access. */
static struct {
    struct x86_emul_ctxt c;
    uint8_t mem[MEM_SIZE];
    struct access log[1024];
    unsigned int nr_log;
    int force_rc;  /* read/write return this if set, without raising */
} s;

static int access_mem(char kind, uint64_t la, uint8_t *rd, const uint8_t *wr,
                      unsigned int size)
{
    if (s.force_rc)
        return s.force_rc;
    if (la < CODE_LA || la + size > CODE_LA + MEM_SIZE)
        return x86_emul_raise_pf(&s.c, kind == 'W' ? PF_WRITE : 0, la);
    if (kind == 'W' && la + size > RO_LA && la < RO_LA + 0x1000)
        return x86_emul_raise_pf(&s.c, PF_WRITE | 1, la);
    if (kind != 'F') {
        assert_true(s.nr_log < sizeof(s.log) / sizeof(s.log[0]));
        s.log[s.nr_log++] = (struct access){ kind, la, size };
    }
    if (rd)
        memcpy(rd, &s.mem[la - CODE_LA], size);
    else
        memcpy(&s.mem[la - CODE_LA], wr, size);
    return X86EMUL_OK;
}

static int fetch_cb(void *opaque, uint64_t la, void *buf, unsigned int len)
{
    assert_ptr_equal(opaque, &s);
    return access_mem('F', la, buf, NULL, len);
}

static int read_cb(void *opaque, uint64_t la, void *buf, unsigned int size)
{
    assert_ptr_equal(opaque, &s);
    return access_mem('R', la, buf, NULL, size);
}

static int write_cb(void *opaque, uint64_t la, const void *buf,
                    unsigned int size)
{
    assert_ptr_equal(opaque, &s);
    return access_mem('W', la, NULL, buf, size);
}

static const struct x86_emul_ops ops = {
    .fetch = fetch_cb, .read = read_cb, .write = write_cb,
};

static void setup(enum x86_emul_mode mode)
{
    memset(&s, 0, sizeof(s));
    s.c.mode = mode;
    s.c.regs.rip = CODE_LA;
    s.c.regs.rflags = 0x2 | FL_IF;
    s.c.regs.gpr[X86_RBX] = DATA_LA;
    for (unsigned int i = 0; i < MEM_SIZE; i++)
        s.mem[i] = (uint8_t)(i * 7 + 3);
}

/* Put the instruction at CS:RIP and execute it; returns its length in *len. */
static int run_len(const char *hex, unsigned int *len)
{
    uint64_t at = s.c.regs.rip - CODE_LA;
    unsigned int n = 0;

    while (*hex) {
        char *end;
        unsigned long v = strtoul(hex, &end, 16);

        if (end == hex) {
            hex++;
            continue;
        }
        s.mem[at + n++] = (uint8_t)v;
        hex = end;
    }
    s.nr_log = 0;
    if (len)
        *len = n;
    return x86_emulate(&s.c, &ops, &s);
}

static int run(const char *hex)
{
    return run_len(hex, NULL);
}

static uint64_t mem_get(uint64_t la, unsigned int size)
{
    uint64_t v = 0;

    memcpy(&v, &s.mem[la - CODE_LA], size);
    return v;
}

static void mem_put(uint64_t la, uint64_t v, unsigned int size)
{
    memcpy(&s.mem[la - CODE_LA], &v, size);
}

static void check_access(unsigned int i, char kind, uint64_t la,
                         unsigned int size)
{
    assert_true(i < s.nr_log);
    if (s.log[i].kind != kind || s.log[i].la != la || s.log[i].size != size)
        fail_msg("access %u: %c %#llx/%u, want %c %#llx/%u", i, s.log[i].kind,
                 (unsigned long long)s.log[i].la, s.log[i].size, kind,
                 (unsigned long long)la, size);
}

static uint64_t mask_of(unsigned int size)
{
    return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* A register after an x86 write of `size` bytes of v. */
static uint64_t merged(uint64_t old, uint64_t v, unsigned int size)
{
    if (size == 4)
        return (uint32_t)v;
    return (old & ~mask_of(size)) | (v & mask_of(size));
}

/* ---- Host oracle: the same operation executed by this CPU. ---- */

/* popf/pushf below the red zone of the surrounding function. */
#define HOST_PRE "lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopf\n\t"
#define HOST_POST "\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"

#define HOST_BIN(name, sfx, type)                                             \
    static uint64_t host_##name##sfx(uint64_t a, uint64_t b, uint64_t *fl)    \
    {                                                                         \
        type x = (type)a, y = (type)b;                                        \
        uint64_t f = *fl;                                                     \
        asm(HOST_PRE #name #sfx " %[y], %[x]" HOST_POST                       \
            : [x] "+r"(x), [f] "+r"(f) : [y] "r"(y) : "cc");                  \
        *fl = f;                                                              \
        return x;                                                             \
    }
#define HOST_UN(name, sfx, type)                                              \
    static uint64_t host_##name##sfx(uint64_t a, uint64_t b, uint64_t *fl)    \
    {                                                                         \
        type x = (type)a;                                                     \
        uint64_t f = *fl;                                                     \
        (void)b;                                                              \
        asm(HOST_PRE #name #sfx " %[x]" HOST_POST                             \
            : [x] "+r"(x), [f] "+r"(f) : : "cc");                             \
        *fl = f;                                                              \
        return x;                                                             \
    }
#define HOST4(kind, name)                                                     \
    kind(name, b, uint8_t) kind(name, w, uint16_t) kind(name, l, uint32_t)    \
    kind(name, q, uint64_t)
#define HOST3(kind, name)                                                     \
    kind(name, w, uint16_t) kind(name, l, uint32_t) kind(name, q, uint64_t)

HOST4(HOST_BIN, add) HOST4(HOST_BIN, or) HOST4(HOST_BIN, adc)
HOST4(HOST_BIN, sbb) HOST4(HOST_BIN, and) HOST4(HOST_BIN, sub)
HOST4(HOST_BIN, xor) HOST4(HOST_BIN, cmp) HOST4(HOST_BIN, test)
HOST4(HOST_UN, not) HOST4(HOST_UN, neg) HOST4(HOST_UN, inc)
HOST4(HOST_UN, dec)
HOST3(HOST_BIN, bt) HOST3(HOST_BIN, bts) HOST3(HOST_BIN, btr)
HOST3(HOST_BIN, btc)

typedef uint64_t (*host_fn)(uint64_t a, uint64_t b, uint64_t *fl);
#define ROW4(n) { host_##n##b, host_##n##w, host_##n##l, host_##n##q }
#define ROW3(n) { NULL, host_##n##w, host_##n##l, host_##n##q }

/* Indexed by the reg field of 80-83 (= bits 5:3 of opcodes 00-3D). */
static const host_fn host_alu[8][4] = {
    ROW4(add), ROW4(or), ROW4(adc), ROW4(sbb),
    ROW4(and), ROW4(sub), ROW4(xor), ROW4(cmp),
};
static const host_fn host_test[4] = ROW4(test);
/* Indexed by F6/F7 reg 2 (not), 3 (neg), then FE/FF reg 0, 1. */
static const host_fn host_unary[4][4] = {
    ROW4(not), ROW4(neg), ROW4(inc), ROW4(dec),
};
static const host_fn host_bt[4][4] = { ROW3(bt), ROW3(bts), ROW3(btr), ROW3(btc) };

static unsigned int size_idx(unsigned int size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Operands: mostly the edges where carries, overflows and borrows flip. */
static uint64_t rnd_operand(unsigned int size)
{
    static const uint64_t edges[] = { 0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff };
    uint64_t top = 1ULL << (size * 8 - 1);

    switch (rnd() % 8) {
    case 0: return edges[rnd() % 8];
    case 1: return top;
    case 2: return top - 1;
    case 3: return top + (rnd() % 3);
    case 4: return ~0ULL - (rnd() % 2);
    default: return rnd();
    }
}

static void emit(uint8_t *code, unsigned int *n, uint64_t v, unsigned int bytes)
{
    for (unsigned int i = 0; i < bytes; i++)
        code[(*n)++] = (uint8_t)(v >> (8 * i));
}

static void code_to_hex(const uint8_t *code, unsigned int n, char *hex)
{
    for (unsigned int i = 0; i < n; i++)
        sprintf(hex + 3 * i, "%02x ", code[i]);
}

enum { F_RM_R, F_R_RM, F_IMM, F_ACC, NR_FORMS };

/* Runs ALU op `op` (0-7) in `form` with destination a and source b and
 * compares everything with the host. */
static void alu_case(unsigned int op, unsigned int size, unsigned int form,
                     uint64_t a, uint64_t b, uint64_t fl_in)
{
    uint64_t m = mask_of(size), hf = fl_in, res, rcx_in = rnd(), rax_in = rnd();
    unsigned int n = 0, w = size > 1, imm = size == 1 ? 1 : size == 2 ? 2 : 4;
    bool wide83 = size > 1 && (rnd() & 1), writes = op != 7;
    uint8_t code[16];
    char hex[64];

    setup(X86EMUL_MODE_64);
    if (size == 2)
        code[n++] = 0x66;
    if (size == 8)
        code[n++] = 0x48;
    if (wide83 && (form == F_IMM))
        imm = 1;
    if (form >= F_IMM) /* what the CPU takes from a sign-extended imm */
        b = (uint64_t)((int64_t)(b << (64 - imm * 8)) >> (64 - imm * 8));
    a &= m;
    b &= m;
    switch (form) {
    case F_RM_R: code[n++] = op * 8 + w; code[n++] = 0x0b; break;
    case F_R_RM: code[n++] = op * 8 + 2 + w; code[n++] = 0x0b; break;
    case F_IMM:
        code[n++] = size == 1 ? 0x80 : wide83 ? 0x83 : 0x81;
        code[n++] = 0x03 | op << 3;
        emit(code, &n, b, imm);
        break;
    default: code[n++] = op * 8 + 4 + w; emit(code, &n, b, imm); break;
    }
    code_to_hex(code, n, hex);
    mem_put(DATA_LA, form == F_R_RM ? b : a, size);
    s.c.regs.gpr[X86_RCX] = form == F_R_RM ? (rcx_in & ~m) | a : (rcx_in & ~m) | b;
    if (form == F_ACC)
        rax_in = (rax_in & ~m) | a;
    s.c.regs.gpr[X86_RAX] = rax_in;
    rcx_in = s.c.regs.gpr[X86_RCX];
    s.c.regs.rflags = fl_in | FL_IF | FL_DF;
    s.mem[DATA_LA - CODE_LA + size] = 0x5a;

    res = host_alu[op][size_idx(size)](a, b, &hf) & m;
    if (run(hex) != X86EMUL_OK)
        fail_msg("%s failed", hex);
    uint64_t fmask = ARITH & ~((op == 1 || op == 4 || op == 6) ? FL_AF : 0);
    uint64_t want_fl = (fl_in | FL_IF | FL_DF) & ~ARITH;

    if (((s.c.regs.rflags ^ (hf & ARITH)) & fmask) ||
        (s.c.regs.rflags & ~ARITH) != want_fl)
        fail_msg("%s a=%#llx b=%#llx: flags %#llx want %#llx", hex,
                 (unsigned long long)a, (unsigned long long)b,
                 (unsigned long long)s.c.regs.rflags, (unsigned long long)hf);
    if (!writes)
        res = a;
    switch (form) {
    case F_RM_R:
    case F_IMM:
        assert_int_equal(mem_get(DATA_LA, size), res);
        assert_int_equal(s.nr_log, writes ? 2 : 1);
        check_access(0, 'R', DATA_LA, size);
        if (writes)
            check_access(1, 'W', DATA_LA, size);
        assert_int_equal(s.c.regs.gpr[X86_RCX], rcx_in);
        break;
    case F_R_RM:
        assert_int_equal(s.nr_log, 1);
        check_access(0, 'R', DATA_LA, size);
        assert_int_equal(s.c.regs.gpr[X86_RCX],
                         writes ? merged(rcx_in, res, size) : rcx_in);
        break;
    default:
        assert_int_equal(s.nr_log, 0);
        assert_int_equal(s.c.regs.gpr[X86_RAX],
                         writes ? merged(rax_in, res, size) : rax_in);
        break;
    }
    assert_int_equal(s.mem[DATA_LA - CODE_LA + size], 0x5a);
    assert_int_equal(s.c.regs.rip, CODE_LA + n);
}

static void test_alu_vs_host(void **state)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };

    (void)state;
    for (unsigned int op = 0; op < 8; op++)
        for (unsigned int si = 0; si < 4; si++)
            for (unsigned int form = 0; form < NR_FORMS; form++)
                for (unsigned int i = 0; i < 300; i++)
                    alu_case(op, sizes[si], form, rnd_operand(sizes[si]),
                             rnd_operand(sizes[si]), (rnd() & ARITH) | 2);
}

/* NOT, NEG (F6/F7 /2 /3), INC, DEC (FE/FF /0 /1) and TEST (84/85, F6/F7 /0,
 * A8/A9) on memory, against the host. */
static void test_unary_and_test_vs_host(void **state)
{
    static const uint8_t grp[4][2] = { { 0xf6, 2 }, { 0xf6, 3 }, { 0xfe, 0 },
                                       { 0xfe, 1 } };
    static const uint8_t test_ops[3][2] = { { 0x84, 0x0b }, { 0xf6, 0x03 },
                                            { 0xa8, 0 } };

    (void)state;
    for (unsigned int k = 0; k < 4 * 4 * 400; k++) {
        unsigned int size = 1u << (k % 4), u = (k / 4) % 4, n = 0, form = k % 3;
        uint64_t m = mask_of(size), a = rnd_operand(size) & m;
        uint64_t b = rnd_operand(size) & m, fl = (rnd() & ARITH) | 2, hf = fl;
        uint8_t code[16];
        char hex[64];

        /* Unary op on [rbx]. */
        setup(X86EMUL_MODE_64);
        if (size == 2)
            code[n++] = 0x66;
        if (size == 8)
            code[n++] = 0x48;
        code[n++] = grp[u][0] + (size > 1);
        code[n++] = 0x03 | grp[u][1] << 3;
        code_to_hex(code, n, hex);
        mem_put(DATA_LA, a, size);
        s.c.regs.rflags = fl;
        uint64_t res = host_unary[u][size_idx(size)](a, 0, &hf) & m;
        assert_int_equal(run(hex), X86EMUL_OK);
        assert_int_equal(mem_get(DATA_LA, size), res);
        assert_int_equal(s.c.regs.rflags, (fl & ~ARITH) | (hf & ARITH));
        assert_int_equal(s.nr_log, 2);
        check_access(1, 'W', DATA_LA, size);

        /* TEST in one of its forms: [rbx] with rcx or imm, or rax with imm. */
        setup(X86EMUL_MODE_64);
        n = 0;
        if (size == 2)
            code[n++] = 0x66;
        if (size == 8)
            code[n++] = 0x48;
        code[n++] = test_ops[form][0] + (size > 1);
        if (test_ops[form][1])
            code[n++] = test_ops[form][1];
        if (form > 0) { /* imm of 4 bytes at most, sign-extended for qword */
            unsigned int ib = size > 4 ? 4 : size;

            b = (uint64_t)((int64_t)(b << (64 - ib * 8)) >> (64 - ib * 8)) & m;
            emit(code, &n, b, ib);
        }
        code_to_hex(code, n, hex);
        mem_put(DATA_LA, a, size);
        s.c.regs.gpr[X86_RAX] = a;
        s.c.regs.gpr[X86_RCX] = b;
        fl = (rnd() & ARITH) | 2;
        hf = fl;
        s.c.regs.rflags = fl;
        host_test[size_idx(size)](a, b, &hf);
        assert_int_equal(run(hex), X86EMUL_OK);
        assert_int_equal(s.c.regs.rflags & ~FL_AF,
                         ((fl & ~ARITH) | (hf & ARITH)) & ~FL_AF);
        assert_int_equal(mem_get(DATA_LA, size), a);
        assert_int_equal(s.nr_log, form == 2 ? 0 : 1);
        if (form < 2)
            check_access(0, 'R', DATA_LA, size);
    }
}

/* BT/BTS/BTR/BTC [rbx], reg with signed bit offsets reaching outside the
 * operand, and with imm8, against the host executing the same on a copy. */
static void test_bitops_vs_host(void **state)
{
    (void)state;
    for (unsigned int k = 0; k < 3 * 4 * 300; k++) {
        unsigned int size = 2u << (k % 3), op = (k / 3) % 4, bits = size * 8;
        int64_t off = (int64_t)(rnd() % 512) - 256;
        uint64_t base = DATA_LA + 64, word, hf, fl = (rnd() & ARITH) | 2;
        uint64_t want_la = base + (uint64_t)((off >> __builtin_ctz(bits)) * size);
        char hex[64];

        setup(X86EMUL_MODE_64);
        s.c.regs.gpr[X86_RBX] = base;
        s.c.regs.gpr[X86_RCX] = (uint64_t)off & mask_of(size);
        s.c.regs.rflags = fl;
        word = mem_get(want_la, size);
        hf = fl;
        uint64_t res = host_bt[op][size_idx(size)](word, (uint64_t)off & (bits - 1),
                                                   &hf);
        snprintf(hex, sizeof(hex), "%s 0f %02x 0b",
                 size == 2 ? "66" : size == 8 ? "48" : "", 0xa3 + 8 * op);
        assert_int_equal(run(hex), X86EMUL_OK);
        assert_int_equal(s.c.regs.rflags, (fl & ~1ULL) | (hf & 1));
        assert_int_equal(mem_get(want_la, size), op ? res : word);
        check_access(0, 'R', want_la, size);
        assert_int_equal(s.nr_log, op ? 2 : 1);

        /* 0F BA /4+op with imm8: the offset wraps within the operand. */
        unsigned int imm = rnd() & 0xff;

        setup(X86EMUL_MODE_64);
        s.c.regs.rflags = fl;
        word = mem_get(DATA_LA, size);
        hf = fl;
        res = host_bt[op][size_idx(size)](word, imm & (bits - 1), &hf);
        snprintf(hex, sizeof(hex), "%s 0f ba %02x %02x",
                 size == 2 ? "66" : size == 8 ? "48" : "", 0x03 | (4 + op) << 3, imm);
        assert_int_equal(run(hex), X86EMUL_OK);
        assert_int_equal(s.c.regs.rflags, (fl & ~1ULL) | (hf & 1));
        assert_int_equal(mem_get(DATA_LA, size), op ? res : word);
        check_access(0, 'R', DATA_LA, size);
    }
}

/* Hand-checked flags (SDM "Flags Affected") for the classic edge cases. */
static void test_flag_edges(void **state)
{
    static const struct {
        const char *hex;
        unsigned int size;
        uint64_t mem, rcx, cf_in, result, flags;
    } t[] = {
        { "00 0b", 1, 0x7f, 0x01, 0, 0x80, 0x880 + 0x10 },       /* OF SF AF */
        { "00 0b", 1, 0xff, 0x01, 0, 0x00, 0x55 },              /* CF ZF AF PF */
        { "29 0b", 4, 0, 1, 0, 0xffffffff, 0x95 },               /* CF SF AF PF */
        { "29 0b", 4, 0x80000000, 1, 0, 0x7fffffff, 0x814 },     /* OF AF PF */
        { "48 39 0b", 8, 5, 5, 1, 5, 0x44 },                     /* ZF PF */
        { "66 11 0b", 2, 0xffff, 0, 1, 0, 0x55 },                /* CF ZF AF PF */
        { "18 0b", 1, 0, 0, 1, 0xff, 0x95 },                     /* CF SF AF PF */
        { "20 0b", 1, 0xf0, 0x0f, 1, 0, 0x44 },                  /* CF OF cleared */
        { "f6 1b", 1, 0, 0, 1, 0, 0x44 },                        /* NEG 0: CF=0 */
        { "f6 1b", 1, 0x80, 0, 0, 0x80, 0x881 },                 /* NEG 0x80 */
        { "fe 03", 1, 0xff, 0, 1, 0, 0x55 },                     /* INC keeps CF */
        { "fe 0b", 1, 0x80, 0, 0, 0x7f, 0x810 },                 /* DEC: OF AF */
        { "48 83 03 ff", 8, 1, 0, 0, 0, 0x55 },                  /* +(-1) */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        setup(X86EMUL_MODE_64);
        mem_put(DATA_LA, t[i].mem, t[i].size);
        s.c.regs.gpr[X86_RCX] = t[i].rcx;
        s.c.regs.rflags = 0x2 | FL_IF | t[i].cf_in | 0x800; /* OF set on entry */
        assert_int_equal(run(t[i].hex), X86EMUL_OK);
        assert_int_equal(mem_get(DATA_LA, t[i].size), t[i].result);
        if (s.c.regs.rflags != (0x2 | FL_IF | t[i].flags))
            fail_msg("%s: flags %#llx want %#llx", t[i].hex,
                     (unsigned long long)s.c.regs.rflags,
                     (unsigned long long)(0x2 | FL_IF | t[i].flags));
    }
}

/* MOV and its extending forms: [rbx] is DATA_LA; one data access each. */
#define MV 0xf1e2d3c4b5a69788ULL /* memory at DATA_LA */
#define RV 0x0123456789abcdefULL /* the register */
#define MOFFS "00 80 10 00 00 00 00 00" /* DATA_LA as a 64-bit moffs */

static const struct mov_case {
    const char *hex;
    uint8_t reg;
    uint64_t reg_out, mem_out;
    char kind;
    uint8_t size;
} mov_cases[] = {
    { "89 0b", X86_RCX, RV, (MV & ~0xffffffffULL) | 0x89abcdef, 'W', 4 },
    { "48 89 0b", X86_RCX, RV, RV, 'W', 8 },
    { "66 89 0b", X86_RCX, RV, (MV & ~0xffffULL) | 0xcdef, 'W', 2 },
    { "88 0b", X86_RCX, RV, (MV & ~0xffULL) | 0xef, 'W', 1 },
    { "88 2b", X86_RCX, RV, (MV & ~0xffULL) | 0xcd, 'W', 1 },   /* ch */
    { "40 88 2b", X86_RBP, RV, (MV & ~0xffULL) | 0xef, 'W', 1 }, /* bpl */
    { "f3 89 0b", X86_RCX, RV, (MV & ~0xffffffffULL) | 0x89abcdef, 'W', 4 },
    { "8b 0b", X86_RCX, MV & 0xffffffff, MV, 'R', 4 },
    { "48 8b 0b", X86_RCX, MV, MV, 'R', 8 },
    { "66 8b 0b", X86_RCX, (RV & ~0xffffULL) | 0x9788, MV, 'R', 2 },
    { "8a 0b", X86_RCX, (RV & ~0xffULL) | 0x88, MV, 'R', 1 },
    { "8a 2b", X86_RCX, (RV & ~0xff00ULL) | 0x8800, MV, 'R', 1 },  /* ch */
    { "8a 33", X86_RDX, (RV & ~0xff00ULL) | 0x8800, MV, 'R', 1 },  /* dh */
    { "40 8a 33", X86_RSI, (RV & ~0xffULL) | 0x88, MV, 'R', 1 },   /* sil */
    { "44 8a 03", X86_R8, (RV & ~0xffULL) | 0x88, MV, 'R', 1 },    /* r8b */
    { "4c 8b 3b", X86_R15, MV, MV, 'R', 8 },
    { "c6 03 ab", X86_RCX, RV, (MV & ~0xffULL) | 0xab, 'W', 1 },
    { "66 c7 03 34 12", X86_RCX, RV, (MV & ~0xffffULL) | 0x1234, 'W', 2 },
    { "c7 03 78 56 34 f2", X86_RCX, RV, (MV & ~0xffffffffULL) | 0xf2345678,
      'W', 4 },
    { "48 c7 03 00 00 00 80", X86_RCX, RV, 0xffffffff80000000ULL, 'W', 8 },
    { "0f b6 0b", X86_RCX, 0x88, MV, 'R', 1 },
    { "66 0f b6 0b", X86_RCX, (RV & ~0xffffULL) | 0x88, MV, 'R', 1 },
    { "0f be 0b", X86_RCX, 0xffffff88, MV, 'R', 1 },
    { "48 0f be 0b", X86_RCX, 0xffffffffffffff88ULL, MV, 'R', 1 },
    { "0f b7 0b", X86_RCX, 0x9788, MV, 'R', 2 },
    { "48 0f bf 0b", X86_RCX, 0xffffffffffff9788ULL, MV, 'R', 2 },
    { "48 63 0b", X86_RCX, 0xffffffffb5a69788ULL, MV, 'R', 4 },
    { "63 0b", X86_RCX, 0xb5a69788, MV, 'R', 4 },
    { "a1 " MOFFS, X86_RAX, MV & 0xffffffff, MV, 'R', 4 },
    { "66 a1 " MOFFS, X86_RAX, (RV & ~0xffffULL) | 0x9788, MV, 'R', 2 },
    { "48 a3 " MOFFS, X86_RAX, RV, RV, 'W', 8 },
    { "a2 " MOFFS, X86_RAX, RV, (MV & ~0xffULL) | 0xef, 'W', 1 },
    { "87 0b", X86_RCX, MV & 0xffffffff, (MV & ~0xffffffffULL) | 0x89abcdef,
      'X', 4 },
    { "86 2b", X86_RCX, (RV & ~0xff00ULL) | 0x8800, (MV & ~0xffULL) | 0xcd,
      'X', 1 },
    { "f0 48 87 0b", X86_RCX, MV, RV, 'X', 8 },
};

static void test_moves(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(mov_cases) / sizeof(mov_cases[0]); i++) {
        const struct mov_case *t = &mov_cases[i];
        uint64_t flags = 0x2 | FL_IF | 0x8d5; /* moves change no flag */
        unsigned int len;

        setup(X86EMUL_MODE_64);
        mem_put(DATA_LA, MV, 8);
        s.c.regs.gpr[t->reg] = RV;
        s.c.regs.rflags = flags;
        if (run_len(t->hex, &len) != X86EMUL_OK)
            fail_msg("%s failed", t->hex);
        if (s.c.regs.gpr[t->reg] != t->reg_out || mem_get(DATA_LA, 8) != t->mem_out)
            fail_msg("%s: reg %#llx mem %#llx", t->hex,
                     (unsigned long long)s.c.regs.gpr[t->reg],
                     (unsigned long long)mem_get(DATA_LA, 8));
        check_access(0, t->kind == 'X' ? 'R' : t->kind, DATA_LA, t->size);
        if (t->kind == 'X') /* XCHG: read, then write */
            check_access(1, 'W', DATA_LA, t->size);
        assert_int_equal(s.nr_log, t->kind == 'X' ? 2 : 1);
        assert_int_equal(s.c.regs.rflags, flags);
        assert_int_equal(s.c.regs.rip, CODE_LA + len);
        assert_int_equal(s.c.regs.gpr[X86_RBX], DATA_LA);
    }
}

/* Addressing forms end up at the right linear address. */
static void test_addressing(void **state)
{
    (void)state;
    /* RIP-relative: disp from the end of the instruction. */
    setup(X86EMUL_MODE_64);
    assert_int_equal(run("c7 05 f6 7f 00 00 01 00 00 00"), X86EMUL_OK);
    check_access(0, 'W', CODE_LA + 10 + 0x7ff6, 4);
    /* base + index * scale + disp8 */
    setup(X86EMUL_MODE_64);
    s.c.regs.gpr[X86_R9] = 3;
    assert_int_equal(run("42 8b 4c cb f8"), X86EMUL_OK);
    check_access(0, 'R', DATA_LA + 3 * 8 - 8, 4);
    /* FS base counts in 64-bit mode, an ES override's base does not. */
    setup(X86EMUL_MODE_64);
    s.c.seg_base[X86_SEG_FS] = 0x1000;
    s.c.seg_base[X86_SEG_ES] = 0x2000;
    s.c.regs.gpr[X86_RBX] = DATA_LA - 0x1000;
    assert_int_equal(run("64 89 0b"), X86EMUL_OK);
    check_access(0, 'W', DATA_LA, 4);
    assert_int_equal(run("26 89 0b"), X86EMUL_OK);
    check_access(0, 'W', DATA_LA - 0x1000, 4);
    s.c.seg_base[X86_SEG_GS] = 0x800;
    assert_int_equal(run("65 48 8b 0b"), X86EMUL_OK);
    check_access(0, 'R', DATA_LA - 0x800, 8);
    /* 32-bit: DS base, wrap at 4 GiB, upper register bits ignored. */
    setup(X86EMUL_MODE_32);
    s.c.seg_base[X86_SEG_DS] = 0xffff0000;
    s.c.regs.gpr[X86_RBX] = 0xdead00000000ULL | (DATA_LA + 0x10000);
    assert_int_equal(run("89 0b"), X86EMUL_OK);
    check_access(0, 'W', DATA_LA, 4);
    assert_int_equal(s.c.regs.rip, CODE_LA + 2);
    /* 32-bit: EBP-based addresses use SS. */
    setup(X86EMUL_MODE_32);
    s.c.seg_base[X86_SEG_SS] = 0x2000;
    s.c.regs.gpr[X86_RBP] = DATA_LA - 0x2000;
    assert_int_equal(run("66 89 4d 00"), X86EMUL_OK);
    check_access(0, 'W', DATA_LA, 2);
    /* 16-bit: mov [bx+si+2], cx with DS base. */
    setup(X86EMUL_MODE_16);
    s.c.seg_base[X86_SEG_DS] = DATA_LA - 0x100;
    s.c.regs.gpr[X86_RBX] = 0xffff00f0;
    s.c.regs.gpr[X86_RSI] = 0x0e;
    s.c.regs.gpr[X86_RCX] = 0xabcd;
    assert_int_equal(run("89 48 02"), X86EMUL_OK);
    check_access(0, 'W', DATA_LA, 2);
    assert_int_equal(mem_get(DATA_LA, 2), 0xabcd);
}

/* One string-instruction scenario: opcode bytes, count, direction. */
static void string_setup(enum x86_emul_mode mode, uint64_t rcx, bool df)
{
    setup(mode);
    s.c.regs.gpr[X86_RCX] = rcx;
    s.c.regs.gpr[X86_RSI] = DATA_LA;
    s.c.regs.gpr[X86_RDI] = DATA_LA + 0x2000;
    if (df)
        s.c.regs.rflags |= FL_DF;
}

static void test_rep_stos(void **state)
{
    (void)state;
    /* rep stosd, DF=0, 10 elements: 10 writes of 4 bytes, forwards. */
    string_setup(X86EMUL_MODE_64, 10, false);
    s.c.regs.gpr[X86_RAX] = 0x1122334455667788ULL;
    assert_int_equal(run("f3 ab"), X86EMUL_OK);
    assert_int_equal(s.nr_log, 10);
    for (unsigned int i = 0; i < 10; i++) {
        check_access(i, 'W', DATA_LA + 0x2000 + 4 * i, 4);
        assert_int_equal(mem_get(DATA_LA + 0x2000 + 4 * i, 4), 0x55667788);
    }
    assert_int_equal(s.c.regs.gpr[X86_RCX], 0);
    assert_int_equal(s.c.regs.gpr[X86_RDI], DATA_LA + 0x2000 + 40);
    assert_int_equal(s.c.regs.rip, CODE_LA + 2);

    /* rep stosb with DF=1 goes down; REPNE repeats like REP here. */
    string_setup(X86EMUL_MODE_64, 3, true);
    s.c.regs.gpr[X86_RAX] = 0xab;
    assert_int_equal(run("f2 aa"), X86EMUL_OK);
    for (unsigned int i = 0; i < 3; i++)
        check_access(i, 'W', DATA_LA + 0x2000 - i, 1);
    assert_int_equal(s.c.regs.gpr[X86_RDI], DATA_LA + 0x2000 - 3);

    /* Zero count: no access, RIP advances. */
    string_setup(X86EMUL_MODE_64, 0, false);
    assert_int_equal(run("f3 48 ab"), X86EMUL_OK);
    assert_int_equal(s.nr_log, 0);
    assert_int_equal(s.c.regs.rip, CODE_LA + 3);
    assert_int_equal(s.c.regs.gpr[X86_RDI], DATA_LA + 0x2000);

    /* 67: ECX/EDI; the 32-bit writes clear the upper halves. */
    string_setup(X86EMUL_MODE_64, 0xdead00000002ULL, false);
    s.c.regs.gpr[X86_RDI] |= 0xbeef00000000ULL;
    assert_int_equal(run("67 f3 66 ab"), X86EMUL_OK);
    check_access(0, 'W', DATA_LA + 0x2000, 2);
    check_access(1, 'W', DATA_LA + 0x2002, 2);
    assert_int_equal(s.c.regs.gpr[X86_RCX], 0);
    assert_int_equal(s.c.regs.gpr[X86_RDI], DATA_LA + 0x2004);
}

static void test_rep_movs(void **state)
{
    uint64_t src = DATA_LA, dst = DATA_LA + 0x2000;

    (void)state;
    /* 300 qwords: 256 in the first call (RIP stays), the rest after. */
    string_setup(X86EMUL_MODE_64, 300, false);
    assert_int_equal(run("f3 48 a5"), X86EMUL_OK);
    assert_int_equal(s.nr_log, 2 * 256);
    for (unsigned int i = 0; i < 256; i++) {
        check_access(2 * i, 'R', src + 8 * i, 8);
        check_access(2 * i + 1, 'W', dst + 8 * i, 8);
    }
    assert_int_equal(s.c.regs.gpr[X86_RCX], 44);
    assert_int_equal(s.c.regs.rip, CODE_LA);
    assert_int_equal(x86_emulate(&s.c, &ops, &s), X86EMUL_OK);
    assert_int_equal(s.c.regs.gpr[X86_RCX], 0);
    assert_int_equal(s.c.regs.gpr[X86_RSI], src + 8 * 300);
    assert_int_equal(s.c.regs.gpr[X86_RDI], dst + 8 * 300);
    assert_int_equal(s.c.regs.rip, CODE_LA + 3);
    assert_memory_equal(&s.mem[dst - CODE_LA], &s.mem[src - CODE_LA], 8 * 300);

    /* DF=1 with a small per-call bound, dwords. */
    string_setup(X86EMUL_MODE_64, 5, true);
    s.c.rep_max = 2;
    assert_int_equal(run("f3 a5"), X86EMUL_OK);
    assert_int_equal(s.c.regs.gpr[X86_RCX], 3);
    assert_int_equal(s.c.regs.rip, CODE_LA);
    check_access(2, 'R', src - 4, 4);
    check_access(3, 'W', dst - 4, 4);
    assert_int_equal(run("f3 a5"), X86EMUL_OK);
    assert_int_equal(run("f3 a5"), X86EMUL_OK);
    assert_int_equal(s.c.regs.gpr[X86_RCX], 0);
    assert_int_equal(s.c.regs.gpr[X86_RSI], src - 20);
    assert_int_equal(s.c.regs.rip, CODE_LA + 2);

    /* Without REP: one element, rCX untouched. */
    string_setup(X86EMUL_MODE_64, 7, false);
    assert_int_equal(run("66 a5"), X86EMUL_OK);
    assert_int_equal(s.nr_log, 2);
    check_access(1, 'W', dst, 2);
    assert_int_equal(s.c.regs.gpr[X86_RCX], 7);
    assert_int_equal(s.c.regs.gpr[X86_RSI], src + 2);
}

static void test_string_segments(void **state)
{
    (void)state;
    /* 64-bit: FS override on the source; ES base ignored for the dest. */
    string_setup(X86EMUL_MODE_64, 1, false);
    s.c.seg_base[X86_SEG_FS] = 0x100;
    s.c.seg_base[X86_SEG_ES] = 0x200;
    assert_int_equal(run("64 a4"), X86EMUL_OK);
    check_access(0, 'R', DATA_LA + 0x100, 1);
    check_access(1, 'W', DATA_LA + 0x2000, 1);
    /* 32-bit: a CS override moves the source; the dest is always ES. */
    string_setup(X86EMUL_MODE_32, 1, false);
    s.c.seg_base[X86_SEG_CS] = 0;
    s.c.seg_base[X86_SEG_DS] = 0x300;
    s.c.seg_base[X86_SEG_ES] = 0x200;
    assert_int_equal(run("a5"), X86EMUL_OK);
    check_access(0, 'R', DATA_LA + 0x300, 4);
    check_access(1, 'W', DATA_LA + 0x2200, 4);
    s.c.regs.rip = CODE_LA;
    assert_int_equal(run("2e a5"), X86EMUL_OK);
    check_access(0, 'R', DATA_LA + 4, 4);
    check_access(1, 'W', DATA_LA + 0x2204, 4);
    /* 16-bit: SI/DI/CX at 16 bits, wrapping, upper halves kept. */
    setup(X86EMUL_MODE_16);
    s.c.seg_base[X86_SEG_DS] = CODE_LA + 0x100;
    s.c.seg_base[X86_SEG_ES] = CODE_LA;
    s.c.regs.gpr[X86_RSI] = 0x55550000;
    s.c.regs.gpr[X86_RDI] = 0x6666fffe;
    s.c.regs.gpr[X86_RCX] = 0x77770002;
    assert_int_equal(run("f3 a4"), X86EMUL_OK);
    check_access(0, 'R', CODE_LA + 0x100, 1);
    check_access(1, 'W', CODE_LA + 0xfffe, 1);
    check_access(3, 'W', CODE_LA + 0xffff, 1);
    assert_int_equal(s.c.regs.gpr[X86_RDI], 0x66660000);
    assert_int_equal(s.c.regs.gpr[X86_RSI], 0x55550002);
    assert_int_equal(s.c.regs.gpr[X86_RCX], 0x77770000);
}

static void test_lods(void **state)
{
    (void)state;
    string_setup(X86EMUL_MODE_64, 0, false);
    s.c.regs.gpr[X86_RAX] = RV;
    mem_put(DATA_LA, MV, 8);
    assert_int_equal(run("ac"), X86EMUL_OK);
    assert_int_equal(s.c.regs.gpr[X86_RAX], (RV & ~0xffULL) | 0x88);
    assert_int_equal(s.c.regs.gpr[X86_RSI], DATA_LA + 1);
    assert_int_equal(run("ad"), X86EMUL_OK);
    check_access(0, 'R', DATA_LA + 1, 4);
    assert_int_equal(s.c.regs.gpr[X86_RAX], (MV >> 8) & 0xffffffff);
}

/* A fault in iteration 4 of a REP MOVS keeps the 3 completed ones. */
static void test_rep_fault_midway(void **state)
{
    (void)state;
    string_setup(X86EMUL_MODE_64, 10, false);
    s.c.regs.gpr[X86_RDI] = RO_LA - 12;
    assert_int_equal(run("f3 a5"), X86EMUL_EXCEPTION);
    assert_int_equal(s.c.fault.vector, X86EMUL_EXC_PF);
    assert_true(s.c.fault.has_error_code);
    assert_int_equal(s.c.fault.error_code, PF_WRITE | 1);
    assert_int_equal(s.c.fault.cr2, RO_LA);
    assert_int_equal(s.c.regs.gpr[X86_RCX], 7);
    assert_int_equal(s.c.regs.gpr[X86_RSI], DATA_LA + 12);
    assert_int_equal(s.c.regs.gpr[X86_RDI], RO_LA);
    assert_int_equal(s.c.regs.rip, CODE_LA);
    assert_memory_equal(&s.mem[RO_LA - 12 - CODE_LA], &s.mem[DATA_LA - CODE_LA], 12);
}

/* Faults from the callbacks reach the caller and change nothing. */
static void test_faults(void **state)
{
    struct x86_emul_regs before;

    (void)state;
    /* Read fault. */
    setup(X86EMUL_MODE_64);
    s.c.regs.gpr[X86_RBX] = 0x500000;
    before = s.c.regs;
    assert_int_equal(run("8b 0b"), X86EMUL_EXCEPTION);
    assert_int_equal(s.c.fault.vector, X86EMUL_EXC_PF);
    assert_int_equal(s.c.fault.cr2, 0x500000);
    assert_int_equal(s.c.fault.error_code, 0);
    assert_memory_equal(&s.c.regs, &before, sizeof(before));
    /* Write fault after the read of a read-modify-write: no flags change. */
    setup(X86EMUL_MODE_64);
    s.c.regs.gpr[X86_RBX] = RO_LA;
    s.c.regs.gpr[X86_RCX] = 1;
    mem_put(RO_LA, 0xffffffff, 4);
    before = s.c.regs;
    assert_int_equal(run("01 0b"), X86EMUL_EXCEPTION);
    assert_int_equal(s.c.fault.error_code, PF_WRITE | 1);
    assert_memory_equal(&s.c.regs, &before, sizeof(before));
    assert_int_equal(mem_get(RO_LA, 4), 0xffffffff);
    /* XCHG: the register is not written when the memory write faults. */
    s.c.regs.gpr[X86_RCX] = 5;
    assert_int_equal(run("87 0b"), X86EMUL_EXCEPTION);
    assert_int_equal(s.c.regs.gpr[X86_RCX], 5);
    /* UNHANDLEABLE from a callback, and an unrecorded exception. */
    setup(X86EMUL_MODE_64);
    s.force_rc = X86EMUL_UNHANDLEABLE;
    assert_int_equal(run("8b 0b"), X86EMUL_UNHANDLEABLE);
    s.force_rc = X86EMUL_EXCEPTION;
    assert_int_equal(run("8b 0b"), X86EMUL_UNHANDLEABLE);
    assert_int_equal(s.c.regs.rip, CODE_LA);
}

/* Exceptions the emulator raises itself. */
static void test_own_exceptions(void **state)
{
    static const struct {
        const char *hex;
        uint64_t rbx;
        int rc;
        uint8_t vector;
    } t[] = {
        { "8b 0b", 0x0000800000000000ULL, X86EMUL_EXCEPTION, X86EMUL_EXC_GP },
        { "8b 0b", 0x00007ffffffffffeULL, X86EMUL_EXCEPTION, X86EMUL_EXC_GP },
        { "8b 0c 24", 0, X86EMUL_EXCEPTION, X86EMUL_EXC_SS }, /* rsp */
        { "f0 89 0b", DATA_LA, X86EMUL_EXCEPTION, X86EMUL_EXC_UD },
        { "f0 01 c8", DATA_LA, X86EMUL_EXCEPTION, X86EMUL_EXC_UD },
        { "f0 39 0b", DATA_LA, X86EMUL_EXCEPTION, X86EMUL_EXC_UD },
        { "f0 a5", DATA_LA, X86EMUL_EXCEPTION, X86EMUL_EXC_UD },
        { "f0 01 0b", DATA_LA, X86EMUL_OK, 0 },
        { "f0 83 03 01", DATA_LA, X86EMUL_OK, 0 },
        { "f0 0f ab 0b", DATA_LA, X86EMUL_OK, 0 },
        { "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 0b", DATA_LA,
          X86EMUL_EXCEPTION, X86EMUL_EXC_GP },
        { "0f a2", DATA_LA, X86EMUL_UNHANDLEABLE, 0 },       /* cpuid */
        { "f7 33", DATA_LA, X86EMUL_UNHANDLEABLE, 0 },       /* div */
        { "ff 13", DATA_LA, X86EMUL_UNHANDLEABLE, 0 },       /* call */
        { "0f b1 0b", DATA_LA, X86EMUL_UNHANDLEABLE, 0 },    /* cmpxchg */
        { "f0 0f b1 0b", DATA_LA, X86EMUL_UNHANDLEABLE, 0 },
        { "a6", DATA_LA, X86EMUL_UNHANDLEABLE, 0 },          /* cmps */
        { "c7 f8 00 00 00 00", DATA_LA, X86EMUL_UNHANDLEABLE, 0 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct x86_emul_regs before;
        int rc;

        setup(X86EMUL_MODE_64);
        s.c.regs.gpr[X86_RBX] = t[i].rbx;
        s.c.regs.gpr[X86_RSP] = 0x8000000000000000ULL;
        before = s.c.regs;
        rc = run(t[i].hex);
        if (rc != t[i].rc)
            fail_msg("%s: rc %d want %d", t[i].hex, rc, t[i].rc);
        if (rc == X86EMUL_EXCEPTION) {
            assert_true(s.c.fault.valid);
            assert_int_equal(s.c.fault.vector, t[i].vector);
            assert_int_equal(s.c.fault.has_error_code, t[i].vector != X86EMUL_EXC_UD);
            assert_int_equal(s.c.fault.error_code, 0);
        }
        if (rc != X86EMUL_OK) {
            assert_memory_equal(&s.c.regs, &before, sizeof(before));
            assert_int_equal(s.nr_log, 0);
        }
    }
    /* MOVSXD is ARPL outside 64-bit mode. */
    setup(X86EMUL_MODE_32);
    assert_int_equal(run("63 0b"), X86EMUL_UNHANDLEABLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alu_vs_host),
        cmocka_unit_test(test_unary_and_test_vs_host),
        cmocka_unit_test(test_bitops_vs_host),
        cmocka_unit_test(test_flag_edges),
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_addressing),
        cmocka_unit_test(test_rep_stos),
        cmocka_unit_test(test_rep_movs),
        cmocka_unit_test(test_string_segments),
        cmocka_unit_test(test_lods),
        cmocka_unit_test(test_rep_fault_midway),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_own_exceptions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
