// SPDX-License-Identifier: MIT
/* #VMEXIT decoding: SVM exit codes into the generic struct hvm_exit. */
#include <hv/lib.h>
#include <hv/printk.h>
#include "svm.h"

/* EXITINFO1 of an IOIO intercept (APM Vol. 2, "IOIO Intercept Information"). */
#define IOIO_IN (1U << 0)
#define IOIO_STR (1U << 2)
#define IOIO_REP (1U << 3)
#define IOIO_SZ_SHIFT 4
#define IOIO_A_SHIFT 7
#define IOIO_SEG_SHIFT 10
#define IOIO_PORT_SHIFT 16

/* NPF EXITINFO1 is a page-fault style error code. */
#define NPF_PRESENT (1U << 0)
#define NPF_WRITE (1U << 1)
#define NPF_FETCH (1U << 4)

static void svm_exit_ioio(const struct vmcb *vmcb, struct hvm_exit *e)
{
    uint64_t info = vmcb->exitinfo1;

    e->reason = HVM_EXIT_IO;
    e->io.port = (uint16_t)(info >> IOIO_PORT_SHIFT);
    e->io.in = info & IOIO_IN;
    e->io.string = info & IOIO_STR;
    e->io.rep = info & IOIO_REP;
    e->io.size = (uint8_t)((info >> IOIO_SZ_SHIFT) & 7);      /* one-hot 1/2/4 */
    e->io.addr_size = (uint8_t)(((info >> IOIO_A_SHIFT) & 7) << 1); /* 2/4/8 */
    e->io.seg = (uint8_t)((info >> IOIO_SEG_SHIFT) & 7);
    e->io.next_rip = vmcb->exitinfo2; /* always provided for IOIO */
    e->insn_len = (unsigned int)(vmcb->exitinfo2 - vmcb->rip);
}

static void svm_exit_npf(const struct vmcb *vmcb, struct hvm_exit *e)
{
    e->reason = HVM_EXIT_NPF;
    e->npf.gpa = vmcb->exitinfo2;
    e->npf.write = vmcb->exitinfo1 & NPF_WRITE;
    e->npf.fetch = vmcb->exitinfo1 & NPF_FETCH;
    e->npf.present = vmcb->exitinfo1 & NPF_PRESENT;
}

/* Instructions the guest must see as absent. */
static bool svm_exit_is_ud(uint64_t code)
{
    switch (code) {
    case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE:
    case VMEXIT_STGI: case VMEXIT_CLGI: case VMEXIT_SKINIT:
    case VMEXIT_INVLPGA: case VMEXIT_RDTSCP: case VMEXIT_MONITOR:
    case VMEXIT_MWAIT: case VMEXIT_MWAIT_COND: case VMEXIT_XSETBV:
        return true;
    default:
        return false;
    }
}

/* An event whose delivery the exit interrupted is queued again
 * (APM Vol. 2, "Event Injection" and EXITINTINFO). */
static void svm_requeue_exitintinfo(struct vmcb *vmcb)
{
    uint64_t info = vmcb->exitintinfo;

    if (!(info & EVENT_VALID))
        return;
    /* Software interrupts and INT3/INTO are re-executed, not re-injected. */
    if (((info >> EVENT_TYPE_SHIFT) & 7) == HVM_EVENT_SOFTINT)
        return;
    vmcb->eventinj = info;
}

static enum hvm_exit_reason svm_simple_reason(uint64_t code)
{
    switch (code) {
    case VMEXIT_INTR: case VMEXIT_NMI: case VMEXIT_SMI: case VMEXIT_INIT:
        return HVM_EXIT_INTR;
    case VMEXIT_VINTR: return HVM_EXIT_IRQ_WINDOW;
    case VMEXIT_CPUID: return HVM_EXIT_CPUID;
    case VMEXIT_HLT: return HVM_EXIT_HLT;
    case VMEXIT_VMMCALL: return HVM_EXIT_HYPERCALL;
    case VMEXIT_SHUTDOWN: return HVM_EXIT_SHUTDOWN;
    case VMEXIT_INVD: return HVM_EXIT_NONE; /* harmless to skip: we keep caches */
    default: return HVM_EXIT_FAIL;
    }
}

void svm_exit_decode(struct vcpu *v, struct hvm_exit *e)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;
    uint64_t code = vmcb->exitcode;

    memset(e, 0, sizeof(*e));
    e->vendor_code = code;
    vmcb->eventinj = 0;
    svm_requeue_exitintinfo(vmcb);
    if (svm_caps.features & SVM_FEAT_NRIPS)
        e->insn_len = (unsigned int)(vmcb->next_rip - vmcb->rip);
    if (code == VMEXIT_IOIO)
        svm_exit_ioio(vmcb, e);
    else if (code == VMEXIT_NPF)
        svm_exit_npf(vmcb, e);
    else if (code == VMEXIT_EXCP_GP)
        e->reason = HVM_EXIT_GP, e->gp.error = (uint32_t)vmcb->exitinfo1;
    else if (code == VMEXIT_MSR)
        e->reason = vmcb->exitinfo1 ? HVM_EXIT_MSR_WRITE : HVM_EXIT_MSR_READ;
    else if (svm_exit_is_ud(code))
        e->reason = HVM_EXIT_UD;
    else if (code == VMEXIT_INVD)
        e->reason = HVM_EXIT_NONE, vmcb->rip += 2; /* 0F 08 */
    else
        e->reason = svm_simple_reason(code);
}
