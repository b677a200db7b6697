// SPDX-License-Identifier: MIT
/* VMCB set-up: intercepts, I/O and MSR permission maps, initial state. */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include "svm.h"

paddr_t svm_iopm_pa, svm_msrpm_pa;

/* The IOPM is 12 KiB (one bit per port plus slack), the MSRPM 8 KiB (two
 * bits per MSR): APM Vol. 2, "I/O Permissions Map" / "MSR Permissions Map".
 * Buddy blocks of order 2 and 1 are naturally aligned, as required. */
#define IOPM_ORDER 2
#define MSRPM_ORDER 1

/* MSRs whose guest copies live in the VMCB and are switched by VMLOAD /
 * VMSAVE, so the guest may access them directly. */
static const uint32_t passthrough_msrs[] = {
    0xc0000100, /* FS_BASE */
    0xc0000101, /* GS_BASE */
    0xc0000102, /* KERNEL_GS_BASE */
    0xc0000081, /* STAR */
    0xc0000082, /* LSTAR */
    0xc0000083, /* CSTAR */
    0xc0000084, /* SFMASK */
    0x174, 0x175, 0x176, /* SYSENTER_CS/ESP/EIP */
};

static void msrpm_allow(uint8_t *msrpm, uint32_t msr)
{
    uint32_t base, idx;

    if (msr < 0x2000)
        base = 0, idx = msr;
    else if (msr >= 0xc0000000 && msr < 0xc0002000)
        base = 0x800, idx = msr - 0xc0000000;
    else if (msr >= 0xc0010000 && msr < 0xc0012000)
        base = 0x1000, idx = msr - 0xc0010000;
    else
        return;
    /* Two bits per MSR: read intercept, then write intercept. */
    msrpm[base + idx / 4] &= (uint8_t)~(3U << ((idx % 4) * 2));
}

int svm_bitmaps_init(void)
{
    mfn_t iopm = alloc_frames(IOPM_ORDER), msrpm = alloc_frames(MSRPM_ORDER);
    uint8_t *m;

    if (mfn_eq(iopm, INVALID_MFN) || mfn_eq(msrpm, INVALID_MFN))
        return -ENOMEM;
    svm_iopm_pa = mfn_to_paddr(iopm);
    svm_msrpm_pa = mfn_to_paddr(msrpm);
    /* Every port and MSR is intercepted except the few listed. */
    memset(__va(svm_iopm_pa), 0xff, PAGE_SIZE << IOPM_ORDER);
    m = __va(svm_msrpm_pa);
    memset(m, 0xff, PAGE_SIZE << MSRPM_ORDER);
    for (unsigned int i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
        msrpm_allow(m, passthrough_msrs[i]);
    return 0;
}

static void vmcb_set_intercepts(struct vmcb *vmcb)
{
    /* #MC: never let the guest see ours. #GP: the CPU checks the rAX of
     * VMRUN/VMLOAD/VMSAVE before their intercepts, so a guest that must see
     * them as absent (#UD) would get #GP; hv/hvm/gp.c sorts that out. */
    vmcb->intercept_exc = (1U << 18) | (1U << 13);
    vmcb->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI |
                            INTERCEPT_INIT | INTERCEPT_CPUID | INTERCEPT_INVD |
                            INTERCEPT_HLT | INTERCEPT_INVLPGA | INTERCEPT_IOIO |
                            INTERCEPT_MSR | INTERCEPT_TASK_SWITCH |
                            INTERCEPT_SHUTDOWN;
    /* SVM instructions, MONITOR/MWAIT (hidden) and XSETBV (XSAVE hidden):
     * the guest gets #UD, as on a CPU without them. VMRUN must always be
     * intercepted (APM: VMRUN without its intercept fails the entry). */
    vmcb->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
                            INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI |
                            INTERCEPT_SKINIT | INTERCEPT_RDTSCP |
                            INTERCEPT_MONITOR | INTERCEPT_MWAIT |
                            INTERCEPT_MWAIT_COND | INTERCEPT_XSETBV;
    vmcb->iopm_base_pa = svm_iopm_pa;
    vmcb->msrpm_base_pa = svm_msrpm_pa;
    /* Guest RFLAGS.IF masks only virtual interrupts; physical ones always
     * exit to the host. */
    vmcb->int_ctl = V_INTR_MASKING;
    vmcb->np_enable = 1;
}

static void seg_set(struct vmcb_seg *s, uint16_t sel, uint16_t attr, uint32_t limit)
{
    *s = (struct vmcb_seg){ .sel = sel, .attr = attr, .limit = limit, .base = 0 };
}

/*
 * Flat 32-bit protected mode, paging off: the state both multiboot and the
 * Linux 32-bit boot protocol require (CS = 0x10, data = 0x18).
 * Attributes in the VMCB's compressed form: type, S, DPL, P, then AVL, L,
 * D/B, G in bits 8-11.
 */
static void vmcb_set_boot_state(struct vmcb *vmcb)
{
    for (unsigned int s = SEG_ES; s <= SEG_GS; s++)
        seg_set(&vmcb->seg[s], 0x18, 0xc93, 0xffffffff);
    seg_set(&vmcb->seg[SEG_CS], 0x10, 0xc9b, 0xffffffff);
    seg_set(&vmcb->seg[SEG_GDTR], 0, 0, 0xffff);
    seg_set(&vmcb->seg[SEG_IDTR], 0, 0, 0xffff);
    seg_set(&vmcb->seg[SEG_LDTR], 0, 0x82, 0xffff);
    seg_set(&vmcb->seg[SEG_TR], 0, 0x8b, 0xffff);
    vmcb->cpl = 0;
    vmcb->cr0 = 0x11;             /* PE, ET */
    vmcb->cr4 = 0;
    vmcb->efer = EFER_SVME;
    vmcb->rflags = 0x2;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->g_pat = 0x0007040600070406ULL; /* the architectural reset PAT */
}

void svm_vmcb_init(struct vcpu *v, struct vmcb *vmcb)
{
    (void)v;
    memset(vmcb, 0, sizeof(*vmcb));
    vmcb_set_intercepts(vmcb);
    vmcb_set_boot_state(vmcb);
}
