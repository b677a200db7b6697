/* SPDX-License-Identifier: MIT */
/* The VMCB (AMD APM Vol. 2, Appendix B "Layout of VMCB"), private to svm/.
 * Fields are naturally aligned, so no packing is needed; the offsets are
 * pinned by the assertions at the end. */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <hv/hvm.h>
#include <hv/types.h>

/* Intercept vector 3 (offset 0x0c) and 4 (offset 0x10) bits. */
#define INTERCEPT_INTR (1U << 0)
#define INTERCEPT_NMI (1U << 1)
#define INTERCEPT_SMI (1U << 2)
#define INTERCEPT_INIT (1U << 3)
#define INTERCEPT_VINTR (1U << 4)
#define INTERCEPT_CPUID (1U << 18)
#define INTERCEPT_INVD (1U << 22)
#define INTERCEPT_HLT (1U << 24)
#define INTERCEPT_INVLPGA (1U << 26)
#define INTERCEPT_IOIO (1U << 27)
#define INTERCEPT_MSR (1U << 28)
#define INTERCEPT_TASK_SWITCH (1U << 29)
#define INTERCEPT_SHUTDOWN (1U << 31)
#define INTERCEPT_VMRUN (1U << 0)
#define INTERCEPT_VMMCALL (1U << 1)
#define INTERCEPT_VMLOAD (1U << 2)
#define INTERCEPT_VMSAVE (1U << 3)
#define INTERCEPT_STGI (1U << 4)
#define INTERCEPT_CLGI (1U << 5)
#define INTERCEPT_SKINIT (1U << 6)
#define INTERCEPT_RDTSCP (1U << 7)
#define INTERCEPT_WBINVD (1U << 9)
#define INTERCEPT_MONITOR (1U << 10)
#define INTERCEPT_MWAIT (1U << 11)
#define INTERCEPT_MWAIT_COND (1U << 12)
#define INTERCEPT_XSETBV (1U << 13)

/* EXITCODE values (APM Vol. 2, "SVM Intercept Exit Codes"). */
#define VMEXIT_EXCP_BASE 0x40
#define VMEXIT_EXCP_GP (VMEXIT_EXCP_BASE + 13)
#define VMEXIT_INTR 0x60
#define VMEXIT_NMI 0x61
#define VMEXIT_SMI 0x62
#define VMEXIT_INIT 0x63
#define VMEXIT_VINTR 0x64
#define VMEXIT_CPUID 0x72
#define VMEXIT_INVD 0x76
#define VMEXIT_HLT 0x78
#define VMEXIT_INVLPGA 0x7a
#define VMEXIT_IOIO 0x7b
#define VMEXIT_MSR 0x7c
#define VMEXIT_TASK_SWITCH 0x7d
#define VMEXIT_SHUTDOWN 0x7f
#define VMEXIT_VMRUN 0x80
#define VMEXIT_VMMCALL 0x81
#define VMEXIT_VMLOAD 0x82
#define VMEXIT_VMSAVE 0x83
#define VMEXIT_STGI 0x84
#define VMEXIT_CLGI 0x85
#define VMEXIT_SKINIT 0x86
#define VMEXIT_RDTSCP 0x87
#define VMEXIT_WBINVD 0x89
#define VMEXIT_MONITOR 0x8a
#define VMEXIT_MWAIT 0x8b
#define VMEXIT_MWAIT_COND 0x8c
#define VMEXIT_XSETBV 0x8d
#define VMEXIT_NPF 0x400
#define VMEXIT_INVALID ((uint64_t)-1)

/* int_ctl (offset 0x60) */
#define V_IRQ (1U << 8)
#define V_INTR_PRIO_SHIFT 16
#define V_IGN_TPR (1U << 20)
#define V_INTR_MASKING (1U << 24)

/* EVENTINJ / EXITINTINFO */
#define EVENT_VALID (1U << 31)
#define EVENT_HAS_ERROR (1U << 11)
#define EVENT_TYPE_SHIFT 8

#define TLB_CONTROL_NONE 0
#define TLB_CONTROL_FLUSH_ALL 1   /* every ASID's entries */
#define TLB_CONTROL_FLUSH_ASID 3  /* this guest's ASID only */

struct vmcb_seg {
    uint16_t sel;
    uint16_t attr;
    uint32_t limit;
    uint64_t base;
};

struct vmcb {
    /* Control area */
    uint32_t intercept_cr;        /* 0x000: reads 15:0, writes 31:16 */
    uint32_t intercept_dr;        /* 0x004 */
    uint32_t intercept_exc;       /* 0x008: one bit per vector */
    uint32_t intercept_misc1;     /* 0x00c */
    uint32_t intercept_misc2;     /* 0x010 */
    uint32_t intercept_misc3;     /* 0x014 */
    uint8_t rsvd0[0x3c - 0x18];
    uint16_t pause_filter_thresh; /* 0x03c */
    uint16_t pause_filter_count;  /* 0x03e */
    uint64_t iopm_base_pa;        /* 0x040 */
    uint64_t msrpm_base_pa;       /* 0x048 */
    uint64_t tsc_offset;          /* 0x050 */
    uint32_t asid;                /* 0x058 */
    uint8_t tlb_control;          /* 0x05c */
    uint8_t rsvd1[3];
    uint32_t int_ctl;             /* 0x060: V_TPR, V_IRQ, V_INTR_* */
    uint32_t int_vector;          /* 0x064 */
    uint64_t int_state;           /* 0x068: bit 0 interrupt shadow */
    uint64_t exitcode;            /* 0x070 */
    uint64_t exitinfo1;           /* 0x078 */
    uint64_t exitinfo2;           /* 0x080 */
    uint64_t exitintinfo;         /* 0x088 */
    uint64_t np_enable;           /* 0x090: bit 0 nested paging */
    uint8_t rsvd2[0xa8 - 0x98];
    uint64_t eventinj;            /* 0x0a8 */
    uint64_t n_cr3;               /* 0x0b0 */
    uint64_t virt_ext;            /* 0x0b8 */
    uint32_t clean;               /* 0x0c0 */
    uint32_t rsvd3;
    uint64_t next_rip;            /* 0x0c8 */
    uint8_t insn_len;             /* 0x0d0 */
    uint8_t insn_bytes[15];
    uint8_t rsvd4[0x400 - 0xe0];
    /* State save area */
    struct vmcb_seg seg[NR_SEGMENTS]; /* 0x400: ES CS SS DS FS GS GDTR LDTR IDTR TR */
    uint8_t rsvd5[0x4cb - 0x4a0];
    uint8_t cpl;                  /* 0x4cb */
    uint32_t rsvd6;
    uint64_t efer;                /* 0x4d0 */
    uint8_t rsvd7[0x548 - 0x4d8];
    uint64_t cr4;                 /* 0x548 */
    uint64_t cr3;
    uint64_t cr0;
    uint64_t dr7;
    uint64_t dr6;
    uint64_t rflags;
    uint64_t rip;                 /* 0x578 */
    uint8_t rsvd8[0x5d8 - 0x580];
    uint64_t rsp;                 /* 0x5d8 */
    uint8_t rsvd9[0x5f8 - 0x5e0];
    uint64_t rax;                 /* 0x5f8 */
    uint64_t star;
    uint64_t lstar;
    uint64_t cstar;
    uint64_t sfmask;
    uint64_t kernel_gs_base;
    uint64_t sysenter_cs;
    uint64_t sysenter_esp;
    uint64_t sysenter_eip;
    uint64_t cr2;                 /* 0x640 */
    uint8_t rsvd10[0x668 - 0x648];
    uint64_t g_pat;               /* 0x668 */
    uint64_t dbgctl;
    uint8_t rsvd11[0x1000 - 0x678];
};

_Static_assert(sizeof(struct vmcb) == 0x1000, "VMCB is one page");
_Static_assert(__builtin_offsetof(struct vmcb, exitcode) == 0x70, "VMCB exitcode");
_Static_assert(__builtin_offsetof(struct vmcb, eventinj) == 0xa8, "VMCB eventinj");
_Static_assert(__builtin_offsetof(struct vmcb, next_rip) == 0xc8, "VMCB nrip");
_Static_assert(__builtin_offsetof(struct vmcb, seg) == 0x400, "VMCB save area");
_Static_assert(__builtin_offsetof(struct vmcb, cpl) == 0x4cb, "VMCB cpl");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "VMCB efer");
_Static_assert(__builtin_offsetof(struct vmcb, cr4) == 0x548, "VMCB cr4");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "VMCB rip");
_Static_assert(__builtin_offsetof(struct vmcb, rsp) == 0x5d8, "VMCB rsp");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "VMCB rax");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "VMCB cr2");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "VMCB g_pat");

#endif /* SVM_VMCB_H */
