/* SPDX-License-Identifier: MIT */
/* x86 instruction decoder, and the small emulator HVM uses for MMIO accesses. */
#ifndef HV_X86_EMULATE_H
#define HV_X86_EMULATE_H

/*
 * Two users:
 *  - nested page faults on device addresses: x86_emulate() performs the one
 *    guest instruction that touched the device, through callbacks that route
 *    each access to RAM or to a device model;
 *  - instruction lengths for intercepts (QEMU's emulated SVM has no NRIP
 *    save): x86_insn_length() / x86_decode().
 *
 * Addresses handed to the callbacks are linear: the emulator adds the segment
 * base. The caller owns paging (linear -> guest physical) and decides per
 * access whether it is RAM or a device. Segment limits and access rights are
 * not checked: the hardware already checked the access that exited.
 *
 * The emulator does not handle RFLAGS.TF/RF, interrupt shadows or
 * instruction breakpoints; the caller does after X86EMUL_OK.
 */

#include <hv/types.h>

/* Results of x86_decode(), x86_emulate() and of every callback. */
#define X86EMUL_OK 0           /* done */
#define X86EMUL_EXCEPTION 1    /* inject ctxt->fault into the guest */
#define X86EMUL_UNHANDLEABLE 2 /* not supported: crash the domain or inject #UD */

/* Exception vectors the emulator raises itself (SDM Vol. 3 "Exception and
 * Interrupt Reference"); callbacks may raise any vector. */
#define X86EMUL_EXC_UD 6
#define X86EMUL_EXC_SS 12
#define X86EMUL_EXC_GP 13
#define X86EMUL_EXC_PF 14

/* RFLAGS bits the emulated instructions change (the arithmetic flags). */
#define X86EMUL_FLAG_CF (1U << 0)
#define X86EMUL_FLAG_PF (1U << 2)
#define X86EMUL_FLAG_AF (1U << 4)
#define X86EMUL_FLAG_ZF (1U << 6)
#define X86EMUL_FLAG_SF (1U << 7)
#define X86EMUL_FLAG_DF (1U << 10) /* read only: direction of string ops */
#define X86EMUL_FLAG_OF (1U << 11)
#define X86EMUL_ARITH_FLAGS                                              \
    (X86EMUL_FLAG_CF | X86EMUL_FLAG_PF | X86EMUL_FLAG_AF | X86EMUL_FLAG_ZF | \
     X86EMUL_FLAG_SF | X86EMUL_FLAG_OF)

/* General-purpose registers, numbered as the instruction encoding does. */
enum x86_gpr {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};
#define X86_REG_NONE 0xff /* no base / no index register */

/* Segment registers, numbered as the encoding does (SDM "Segment Registers"). */
enum x86_seg {
    X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
    X86_NR_SEGS,
};
#define X86_SEG_NONE 0xff /* no segment-override prefix */

/* Code-segment mode: default operand and address size (SDM "Operating Modes
 * of the Intel 64 Architecture"; AMD APM "Operating Modes"). */
enum x86_emul_mode {
    X86EMUL_MODE_16, /* real, virtual-8086, or CS.D=0: 16-bit defaults */
    X86EMUL_MODE_32, /* CS.D=1 in protected or compatibility mode */
    X86EMUL_MODE_64, /* EFER.LMA=1 and CS.L=1 */
};

/* Guest registers; the emulator reads and updates them in place. */
struct x86_emul_regs {
    uint64_t gpr[16]; /* enum x86_gpr order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
    uint64_t rip;     /* offset in CS of the instruction to execute */
    uint64_t rflags;
};

/* The exception to inject when a call returns X86EMUL_EXCEPTION. */
struct x86_emul_fault {
    uint8_t vector;      /* X86EMUL_EXC_* or any vector a callback raised */
    bool has_error_code; /* push error_code (e.g. #GP, #SS, #PF) */
    bool valid;          /* set by x86_emul_raise*(); cleared by the emulator */
    uint32_t error_code;
    uint64_t cr2;        /* faulting linear address, meaningful for #PF only */
};

/* Everything the decoder and emulator need from the vCPU. */
struct x86_emul_ctxt {
    struct x86_emul_regs regs;      /* in/out */
    enum x86_emul_mode mode;        /* in */
    uint64_t seg_base[X86_NR_SEGS]; /* in: bases; in 64-bit mode only FS/GS count */
    unsigned int rep_max;           /* in: REP iterations per call, 0 = 256 */
    struct x86_emul_fault fault;    /* out: valid after X86EMUL_EXCEPTION */
};

/*
 * Memory callbacks. `linear` already includes the segment base. `size` is the
 * operand size (1, 2, 4 or 8) and is what a device sees; data is
 * little-endian in `buf`. An access may cross a page boundary: the callback
 * splits it or returns X86EMUL_UNHANDLEABLE. fetch() reads instruction bytes;
 * the decoder never asks it to cross a page boundary in one call.
 * Each returns X86EMUL_OK, X86EMUL_UNHANDLEABLE, or X86EMUL_EXCEPTION after
 * recording the fault with x86_emul_raise*() on the context (reach it through
 * `opaque`); an unrecorded exception is treated as X86EMUL_UNHANDLEABLE.
 */
struct x86_emul_ops {
    int (*fetch)(void *opaque, uint64_t linear, void *buf, unsigned int len);
    int (*read)(void *opaque, uint64_t linear, void *buf, unsigned int size);
    int (*write)(void *opaque, uint64_t linear, const void *buf,
                 unsigned int size);
};

/* Maximum length of an instruction (SDM "Instruction Format"). */
#define X86_MAX_INSN_LEN 15

/* Opcode maps, the high bytes of x86_insn.opcode. */
#define X86_OPC_0F 0x0f00u     /* 0F xx */
#define X86_OPC_0F38 0x0f3800u /* 0F 38 xx */
#define X86_OPC_0F3A 0x0f3a00u /* 0F 3A xx */

/* A decoded instruction (SDM Vol. 2 "Instruction Format"). */
struct x86_insn {
    uint8_t bytes[X86_MAX_INSN_LEN]; /* raw bytes, `len` of them valid */
    uint8_t len;         /* total length, prefixes to last immediate byte */
    uint8_t nr_prefixes; /* prefix bytes (legacy and REX), repeats included */

    /* Prefixes. A repeated prefix counts once; of F2/F3 and of the segment
     * overrides, the last one wins. */
    bool opsize;         /* 66 seen */
    bool addrsize;       /* 67 seen */
    bool lock;           /* F0 seen */
    uint8_t rep;         /* 0, 0xf2 (REPNE) or 0xf3 (REP/REPE) */
    uint8_t seg_override;/* X86_SEG_* or X86_SEG_NONE */
    uint8_t rex;         /* REX byte (0x40-0x4f) directly before the opcode, or 0 */
    bool rex_w, rex_r, rex_x, rex_b;

    uint32_t opcode;     /* xx, 0x0fxx, 0x0f38xx or 0x0f3axx (X86_OPC_*) */

    /* ModRM, with reg and rm extended by REX.R and REX.B (0-15). */
    bool has_modrm;
    uint8_t modrm, mod, reg, rm;

    /* SIB byte, if present. */
    bool has_sib;
    uint8_t sib;

    /* Memory operand of a ModRM (mod != 3) or moffs instruction:
     * ea = base + index * scale + disp (+ the end of the instruction when
     * rip_rel), truncated to the address size; ea is the offset in segment
     * `seg`, not yet linear (see x86_insn_linear()). base and index are
     * register numbers extended by REX.B/REX.X, or X86_REG_NONE: no base in
     * disp32-only forms (mod=00 with r/m or SIB base 101b), no index for SIB
     * index 100b without REX.X. 16-bit addressing gives the registers of its
     * form (bx+si, bp+di, ...) with scale 1. */
    bool has_mem;
    bool rip_rel;        /* 64-bit mode, mod=00 r/m=101b: ea from next RIP */
    uint8_t base, index;
    uint8_t scale;       /* 1, 2, 4 or 8 */
    uint8_t seg;         /* effective segment: override, or DS/SS by default */
    uint8_t disp_bytes;  /* 0, 1, 2, 4 (or 2/4/8 for moffs) */
    int64_t disp;        /* sign-extended (moffs: zero-extended) */
    uint64_t ea;

    /* Immediates: imm sign-extended from imm_bytes; imm2 is ENTER's second
     * immediate (imm8) or a far pointer's selector. */
    uint8_t imm_bytes, imm2_bytes;
    int64_t imm;
    uint16_t imm2;

    uint8_t op_bytes;    /* operand size: 1, 2, 4 or 8 */
    uint8_t addr_bytes;  /* address size: 2, 4 or 8 */
};

/*
 * Decode the instruction at CS:RIP. Returns X86EMUL_OK with *insn filled;
 * X86EMUL_EXCEPTION with #GP(0) in c->fault when longer than 15 bytes, or
 * the fetch callback's fault; X86EMUL_UNHANDLEABLE for opcodes it does not
 * know (undefined, VEX/EVEX/XOP) or invalid in the mode. Only c->fault is
 * written.
 */
int __must_check x86_decode(struct x86_emul_ctxt *c,
                            const struct x86_emul_ops *ops, void *opaque,
                            struct x86_insn *insn);

/* Length of the instruction at CS:RIP in *len; results as x86_decode(). */
int __must_check x86_insn_length(struct x86_emul_ctxt *c,
                                 const struct x86_emul_ops *ops, void *opaque,
                                 unsigned int *len);

/* Linear address of a decoded memory operand: segment base (FS/GS only in
 * 64-bit mode) plus ea, truncated to 32 bits outside 64-bit mode. */
uint64_t x86_insn_linear(const struct x86_emul_ctxt *c,
                         const struct x86_insn *insn);

/*
 * Decode and execute one instruction at CS:RIP, updating c->regs (RIP
 * included) and memory through the callbacks. Supported: MOV (88-8B, A0-A3,
 * C6/C7), MOVZX/MOVSX/MOVSXD, the ALU group (00-3D, 80-83), TEST, NOT, NEG,
 * INC, DEC, XCHG, BT/BTS/BTR/BTC, and MOVS/STOS/LODS with or without REP.
 * REP instructions do at most rep_max iterations per call and leave RIP on
 * the instruction until the count reaches 0 (the guest re-executes it).
 * The emulator itself raises #GP(0) beyond 15 bytes, #GP(0)/#SS(0) for a
 * non-canonical address in 64-bit mode, and #UD for LOCK where the SDM
 * forbids it. On X86EMUL_EXCEPTION registers hold the state at the fault
 * (RIP on the instruction; completed REP iterations are kept); on
 * X86EMUL_UNHANDLEABLE nothing changed but completed REP iterations.
 */
int __must_check x86_emulate(struct x86_emul_ctxt *c,
                             const struct x86_emul_ops *ops, void *opaque);

/* Record the exception a callback reports with X86EMUL_EXCEPTION. */
static inline int x86_emul_raise(struct x86_emul_ctxt *c, uint8_t vector,
                                 bool has_error_code, uint32_t error_code)
{
    c->fault = (struct x86_emul_fault){
        .vector = vector,
        .has_error_code = has_error_code,
        .valid = true,
        .error_code = error_code,
    };
    return X86EMUL_EXCEPTION;
}

/* Record a page fault at `cr2` with the page-walk error code. */
static inline int x86_emul_raise_pf(struct x86_emul_ctxt *c,
                                    uint32_t error_code, uint64_t cr2)
{
    x86_emul_raise(c, X86EMUL_EXC_PF, true, error_code);
    c->fault.cr2 = cr2;
    return X86EMUL_EXCEPTION;
}

#endif /* HV_X86_EMULATE_H */
