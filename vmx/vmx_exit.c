// SPDX-License-Identifier: MIT
/* VM-exit decoding: basic exit reasons and exit qualifications into the
 * generic struct hvm_exit; CR accesses are completed here. */
#include <hv/lib.h>
#include "vmx.h"

#define CR0_TS (1ULL << 3)
#define GPR_RSP_INDEX 4

/* "Exit Qualification for I/O Instructions". */
#define IO_SIZE_MASK 7U
#define IO_IN (1U << 3)
#define IO_STRING (1U << 4)
#define IO_REP (1U << 5)
#define IO_PORT_SHIFT 16

/* "Exit Qualification for EPT Violations". */
#define EPT_QUAL_READ (1U << 0)
#define EPT_QUAL_WRITE (1U << 1)
#define EPT_QUAL_FETCH (1U << 2)
#define EPT_QUAL_PERMS (7U << 3)   /* readable / writable / executable */
#define EPT_QUAL_NMI_UNBLOCKED (1U << 12)

/* VM-exit instruction information for INS/OUTS: address size in 9:7
 * (0 = 16, 1 = 32, 2 = 64 bit), segment register in 17:15. */
#define INSOUTS_ADDR_SHIFT 7
#define INSOUTS_SEG_SHIFT 15

void vmx_decode_cr_qual(uint64_t qual, struct vmx_cr_qual *out)
{
    out->cr = qual & 0xf;
    out->type = (enum vmx_cr_access)((qual >> 4) & 3);
    out->lmsw_mem = qual & (1U << 6);
    out->gpr = (qual >> 8) & 0xf;
    out->lmsw_src = (uint16_t)(qual >> 16);
}

static void vmx_exit_io_instruction(const struct vmx_vmcs_image *img,
                                    const struct vmx_exit_info *x,
                                    const struct vmx_caps *caps, struct hvm_exit *e)
{
    uint64_t q = x->qual;

    e->reason = HVM_EXIT_IO;
    e->io.port = (uint16_t)(q >> IO_PORT_SHIFT);
    e->io.size = (uint8_t)((q & IO_SIZE_MASK) + 1);
    e->io.in = q & IO_IN;
    e->io.string = q & IO_STRING;
    e->io.rep = q & IO_REP;
    e->io.next_rip = img->guest.rip + x->insn_len;
    /* Without the INS/OUTS information the generic code decodes them. */
    if (e->io.string && (caps->basic & VMX_BASIC_INSOUTS_INFO)) {
        e->io.addr_size = (uint8_t)(2U << ((x->insn_info >> INSOUTS_ADDR_SHIFT) & 3));
        e->io.seg = (uint8_t)((x->insn_info >> INSOUTS_SEG_SHIFT) & 7);
    }
}

/* An NMI whose handler's IRET faulted or exited must find NMIs blocked
 * again when the guest resumes ("Information for VM Exits Due to Vectored
 * Events"; "NMI unblocking due to IRET"). */
static void restore_nmi_blocking(struct vmx_vmcs_image *img, const struct vmx_exit_info *x,
                                 bool unblocked)
{
    if (unblocked && !(x->idt_info & INTR_INFO_VALID))
        img->guest.interruptibility |= INTR_BLOCK_NMI;
}

static void vmx_exit_ept_violation(struct vmx_vmcs_image *img, const struct vmx_exit_info *x,
                                   struct hvm_exit *e)
{
    restore_nmi_blocking(img, x, x->qual & EPT_QUAL_NMI_UNBLOCKED);
    e->reason = HVM_EXIT_NPF;
    e->npf.gpa = x->gpa;
    e->npf.write = x->qual & EPT_QUAL_WRITE;
    e->npf.fetch = x->qual & EPT_QUAL_FETCH;
    e->npf.present = x->qual & EPT_QUAL_PERMS;
}

static void exit_skip(struct vmx_vmcs_image *img, const struct vmx_exit_info *x,
                      struct hvm_exit *e)
{
    vmx_state_set(img, HVM_RIP, img->guest.rip + x->insn_len);
    e->reason = HVM_EXIT_NONE;
}

/* MOV to CR0/CR4 touching a host-owned bit, CLTS or LMSW: completed here;
 * a value the CPU would refuse becomes #GP (HVM_EXIT_GP re-injects it). */
static void vmx_exit_cr_access(struct vmx_vmcs_image *img, uint64_t *gprs,
                               const struct vmx_exit_info *x, struct hvm_exit *e)
{
    struct vmx_cr_qual q;
    uint64_t cr0 = vmx_state_get(img, HVM_CR0), val;

    vmx_decode_cr_qual(x->qual, &q);
    switch (q.type) {
    case CR_ACCESS_MOV_TO:
        val = q.gpr == GPR_RSP_INDEX ? img->guest.rsp : gprs[q.gpr];
        break;
    case CR_ACCESS_CLTS:
        val = cr0 & ~CR0_TS, q.cr = 0;
        break;
    case CR_ACCESS_LMSW:  /* sets PE but never clears it */
        val = (cr0 & ~0xeULL) | (q.lmsw_src & 0xf), q.cr = 0;
        break;
    default:              /* CR3/CR8 stores are not intercepted */
        e->reason = HVM_EXIT_FAIL;
        return;
    }
    if (vmx_state_write_cr(img, q.cr, val)) {
        e->reason = HVM_EXIT_GP;
        e->gp.error = 0;
        return;
    }
    exit_skip(img, x, e);
}

static void vmx_exit_exception_nmi(struct vmx_vmcs_image *img, const struct vmx_exit_info *x,
                                   struct hvm_exit *e)
{
    uint32_t type = INTR_INFO_TYPE(x->intr_info), vec = INTR_INFO_VECTOR(x->intr_info);

    if (vec != 8)
        restore_nmi_blocking(img, x, x->intr_info & INTR_INFO_NMI_UNBLOCKED);
    if (type == INTR_TYPE_NMI || vec == 18)
        e->reason = HVM_EXIT_INTR;   /* the host's NMI / #MC: vmx.c raises it */
    else if (vec == 13)
        e->reason = HVM_EXIT_GP, e->gp.error = x->intr_error;
    else
        e->reason = HVM_EXIT_FAIL;
}

/* Instructions the guest must see as absent: #UD. */
static bool vmx_exit_is_ud(uint32_t basic)
{
    switch (basic) {
    case EXIT_REASON_GETSEC: case EXIT_REASON_RSM: case EXIT_REASON_RDPMC:
    case EXIT_REASON_VMCLEAR: case EXIT_REASON_VMLAUNCH: case EXIT_REASON_VMPTRLD:
    case EXIT_REASON_VMPTRST: case EXIT_REASON_VMREAD: case EXIT_REASON_VMRESUME:
    case EXIT_REASON_VMWRITE: case EXIT_REASON_VMXOFF: case EXIT_REASON_VMXON:
    case EXIT_REASON_INVEPT: case EXIT_REASON_INVVPID: case EXIT_REASON_VMFUNC:
    case EXIT_REASON_MWAIT: case EXIT_REASON_MONITOR: case EXIT_REASON_XSETBV:
    case EXIT_REASON_RDTSCP: case EXIT_REASON_INVPCID: case EXIT_REASON_XSAVES:
    case EXIT_REASON_XRSTORS: case EXIT_REASON_ENCLS:
        return true;
    default:
        return false;
    }
}

static enum hvm_exit_reason vmx_simple_reason(uint32_t basic)
{
    switch (basic) {
    case EXIT_REASON_EXTERNAL_INTERRUPT: case EXIT_REASON_INIT: case EXIT_REASON_SIPI:
    case EXIT_REASON_IO_SMI: case EXIT_REASON_OTHER_SMI:
        return HVM_EXIT_INTR;
    case EXIT_REASON_INTERRUPT_WINDOW: case EXIT_REASON_NMI_WINDOW:
        return HVM_EXIT_IRQ_WINDOW;
    case EXIT_REASON_TRIPLE_FAULT: return HVM_EXIT_SHUTDOWN;
    case EXIT_REASON_CPUID: return HVM_EXIT_CPUID;
    case EXIT_REASON_HLT: return HVM_EXIT_HLT;
    case EXIT_REASON_VMCALL: return HVM_EXIT_HYPERCALL;
    case EXIT_REASON_RDMSR: return HVM_EXIT_MSR_READ;
    case EXIT_REASON_WRMSR: return HVM_EXIT_MSR_WRITE;
    default: return HVM_EXIT_FAIL;  /* task switch, EPT misconfiguration, … */
    }
}

/* Exits caused by an instruction report its length; others leave it
 * undefined ("VM-Exit Instruction Length"). */
static bool exit_has_insn_len(enum hvm_exit_reason r)
{
    return r == HVM_EXIT_CPUID || r == HVM_EXIT_HLT || r == HVM_EXIT_HYPERCALL ||
           r == HVM_EXIT_MSR_READ || r == HVM_EXIT_MSR_WRITE || r == HVM_EXIT_IO;
}

/*
 * An event whose delivery the exit interrupted is injected again on the
 * next entry ("Information for VM Exits During Event Delivery"). Software
 * interrupts and exceptions are re-executed instead: RIP still points at
 * INT n / INT3 / INTO.
 */
void vmx_requeue_idt_vectoring(struct vmx_vmcs_image *img, const struct vmx_exit_info *x)
{
    uint32_t info = x->idt_info, type = INTR_INFO_TYPE(info);

    if (!(info & INTR_INFO_VALID))
        return;
    if (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_SW_EXCEPTION ||
        type == INTR_TYPE_PRIV_SW_EXCEPTION)
        return;
    img->entry_intr_info = info & ~INTR_INFO_NMI_UNBLOCKED;  /* bit 12 undefined here */
    img->entry_error = x->idt_error;
    img->entry_insn_len = 0;
}

void vmx_exit_decode(struct vmx_vmcs_image *img, uint64_t *gprs, const struct vmx_exit_info *x,
                     const struct vmx_caps *caps, struct hvm_exit *e)
{
    uint32_t basic = EXIT_REASON_BASIC(x->reason);

    memset(e, 0, sizeof(*e));
    e->vendor_code = x->reason;
    img->entry_intr_info = 0;  /* every VM exit clears the valid bit */
    vmx_requeue_idt_vectoring(img, x);
    if (x->reason & EXIT_REASON_ENTRY_FAILURE)
        e->reason = HVM_EXIT_FAIL;
    else if (basic == EXIT_REASON_IO_INSTRUCTION)
        vmx_exit_io_instruction(img, x, caps, e);
    else if (basic == EXIT_REASON_EPT_VIOLATION)
        vmx_exit_ept_violation(img, x, e);
    else if (basic == EXIT_REASON_CR_ACCESS)
        vmx_exit_cr_access(img, gprs, x, e);
    else if (basic == EXIT_REASON_EXCEPTION_NMI)
        vmx_exit_exception_nmi(img, x, e);
    else if (basic == EXIT_REASON_INVD || basic == EXIT_REASON_WBINVD)
        exit_skip(img, x, e);   /* harmless to skip: we keep caches coherent */
    else if (vmx_exit_is_ud(basic))
        e->reason = HVM_EXIT_UD;
    else
        e->reason = vmx_simple_reason(basic);
    if (exit_has_insn_len(e->reason))
        e->insn_len = x->insn_len;
}
