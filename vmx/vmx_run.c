// SPDX-License-Identifier: MIT
/* The VMX vCPU run and the hvm_ops table: enter the guest, turn the exit
 * into a struct hvm_exit, and give the generic code its registers. */
#include <hv/lib.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/x86.h>
#include "vmx_hw.h"
#include "vmx_insn.h"

#ifdef CONFIG_DEBUG
#define VMX_CHECK_BEFORE_ENTRY true
#else
#define VMX_CHECK_BEFORE_ENTRY false
#endif

static const uint32_t swap_msrs[NR_VMX_SWAP] = {
    [VMX_SWAP_STAR] = 0xc0000081, [VMX_SWAP_LSTAR] = 0xc0000082,
    [VMX_SWAP_CSTAR] = 0xc0000083, [VMX_SWAP_SFMASK] = 0xc0000084,
    [VMX_SWAP_KGSBASE] = MSR_KERNEL_GS_BASE,
};

struct __attribute__((packed)) vmx_desc_ptr {
    uint16_t limit;
    uint64_t base;
};

/* Host state a VM exit does not restore: the SYSCALL MSRs and
 * KERNEL_GS_BASE (guest copies swapped in and out by hand), and the GDTR
 * and IDTR limits, which an exit sets to 0xffff ("Loading Host Segment
 * and Descriptor-Table Registers"). */
struct vmx_host_extra {
    uint64_t msr[NR_VMX_SWAP];
    struct vmx_desc_ptr gdt, idt;
};

static void vmx_switch_to_guest(struct vmx_vcpu *s, struct vmx_host_extra *h)
{
    asm volatile("sgdt %0" : "=m"(h->gdt));
    asm volatile("sidt %0" : "=m"(h->idt));
    for (unsigned int i = 0; i < NR_VMX_SWAP; i++) {
        h->msr[i] = rdmsr(swap_msrs[i]);
        wrmsr(swap_msrs[i], s->guest_msr[i]);
    }
    write_cr2(s->vmcs.guest.cr2);
}

static void vmx_switch_to_host(struct vmx_vcpu *s, const struct vmx_host_extra *h)
{
    s->vmcs.guest.cr2 = read_cr2();
    asm volatile("lgdt %0" : : "m"(h->gdt));
    asm volatile("lidt %0" : : "m"(h->idt));
    for (unsigned int i = 0; i < NR_VMX_SWAP; i++) {
        s->guest_msr[i] = rdmsr(swap_msrs[i]);
        wrmsr(swap_msrs[i], h->msr[i]);
    }
}

/* Debug builds check the SDM's entry rules first: a broken rule is named
 * here instead of surfacing as an opaque VM-entry failure. */
static bool vmx_entry_checked(struct vcpu *v, struct vmx_vcpu *s)
{
    const struct vmx_check_rule *r;

    if (!VMX_CHECK_BEFORE_ENTRY)
        return true;
    r = vmx_check_vmcs(&s->vmcs, &vmx_caps);
    if (!r)
        return true;
    printk(LOG_ERR "d%u vCPU%u: VMCS breaks \"%s\" (SDM %s) at rip 0x%lx\n",
           v->domain->id, v->id, r->rule, r->section, s->vmcs.guest.rip);
    return false;
}

static void vmx_report_failure(struct vcpu *v, struct vmx_vcpu *s, const struct vmx_exit_info *x)
{
    uint32_t err;

    if (!x) {
        err = (uint32_t)vmread(VMCS_VM_INSTRUCTION_ERROR);
        printk(LOG_ERR "d%u vCPU%u: %s failed: VM-instruction error %u (%s)\n",
               v->domain->id, v->id, s->launched ? "VMRESUME" : "VMLAUNCH", err,
               vmx_insn_error_name(err));
        return;
    }
    printk(LOG_ERR "d%u vCPU%u: exit %u (%s), qualification 0x%lx, rip 0x%lx\n",
           v->domain->id, v->id, EXIT_REASON_BASIC(x->reason),
           vmx_exit_reason_name(x->reason), x->qual, s->vmcs.guest.rip);
}

/* "Loading Guest PDPTEs": with EPT and PAE paging, VM entry takes the
 * PDPTEs from the VMCS. The CPU refreshes them on the guest's own CR
 * writes and saves them on exit; after Mica set CR0, CR3 or CR4 they are
 * read here from the table CR3 names. Unreadable or reserved-bit entries
 * (which MOV to CR would refuse) fail the entry. */
static bool vmx_pdptes_refreshed(struct vcpu *v, struct vmx_vmcs_image *img)
{
    uint64_t pdpte[4];

    if (!img->guest.pdptes_stale || !vmx_state_pae_paging(img)) {
        img->guest.pdptes_stale = false;
        return true;
    }
    if (!copy_from_gpa(v->domain, pdpte, img->guest.cr3 & 0xffffffe0U, sizeof(pdpte)) &&
        !vmx_state_set_pdptes(img, pdpte, vmx_caps.phys_bits))
        return true;
    printk(LOG_ERR "d%u vCPU%u: PAE PDPTEs at 0x%lx unreadable or with reserved bits set\n",
           v->domain->id, v->id, img->guest.cr3 & 0xffffffe0U);
    return false;
}

/* Host events that caused the exit are raised again in the host. */
static void vmx_forward_host_event(const struct vmx_exit_info *x)
{
    if (EXIT_REASON_BASIC(x->reason) != EXIT_REASON_EXCEPTION_NMI)
        return;
    if (INTR_INFO_TYPE(x->intr_info) == INTR_TYPE_NMI)
        asm volatile("int $2");
    else if (INTR_INFO_VECTOR(x->intr_info) == 18)
        asm volatile("int $18");
}

static void vmx_vcpu_run(struct vcpu *v, struct hvm_exit *e)
{
    struct vmx_vcpu *s = to_vmx(v);
    struct vmx_host_extra host;
    struct vmx_exit_info x;

    memset(e, 0, sizeof(*e));
    e->reason = HVM_EXIT_FAIL;
    s->vmcs.guest.rsp = v->gpr[GPR_RSP];
    if (!vmx_pdptes_refreshed(v, &s->vmcs))
        return;
    vmx_vmcs_load(s);
    if (s->flush_tlb)
        vmx_flush_tlb(s);
    if (!vmx_entry_checked(v, s))
        return;
    vmx_switch_to_guest(s, &host);
    if (vmx_vmenter(v->gpr, s->launched)) {
        vmx_switch_to_host(s, &host);
        vmx_report_failure(v, s, NULL);
        return;
    }
    vmx_switch_to_host(s, &host);
    s->launched = true;
    v->nr_exits++;
    vmx_vmcs_read_exit(&x);
    vmx_vmcs_read_guest(&s->vmcs);
    v->gpr[GPR_RSP] = s->vmcs.guest.rsp;
    vmx_forward_host_event(&x);
    vmx_exit_decode(&s->vmcs, v->gpr, &x, &vmx_caps, e);
    if (e->reason == HVM_EXIT_FAIL)
        vmx_report_failure(v, s, &x);
}

static uint64_t vmx_get_reg(struct vcpu *v, enum hvm_ctrl_reg reg)
{
    if (reg == HVM_RAX)
        return v->gpr[GPR_RAX];
    if (reg == HVM_RSP)
        return v->gpr[GPR_RSP];
    return vmx_state_get(&to_vmx(v)->vmcs, reg);
}

static void vmx_set_reg(struct vcpu *v, enum hvm_ctrl_reg reg, uint64_t val)
{
    if (reg == HVM_RAX)
        v->gpr[GPR_RAX] = val;
    if (reg == HVM_RSP)
        v->gpr[GPR_RSP] = val;
    vmx_state_set(&to_vmx(v)->vmcs, reg, val);
}

static void vmx_get_seg(struct vcpu *v, enum x86_segment seg, struct segment *s)
{
    vmx_state_get_seg(&to_vmx(v)->vmcs, seg, s);
}

static void vmx_set_seg(struct vcpu *v, enum x86_segment seg, const struct segment *s)
{
    vmx_state_set_seg(&to_vmx(v)->vmcs, seg, s);
}

static bool vmx_inject_event(struct vcpu *v, enum hvm_event_type type, uint8_t vector,
                             bool has_error, uint32_t error)
{
    return vmx_state_inject(&to_vmx(v)->vmcs, type, vector, has_error, error);
}

static bool vmx_event_pending(struct vcpu *v)
{
    return to_vmx(v)->vmcs.entry_intr_info & INTR_INFO_VALID;
}

static bool vmx_queued_event(struct vcpu *v, enum hvm_event_type *type, uint8_t *vector)
{
    uint32_t info = to_vmx(v)->vmcs.entry_intr_info;

    if (!(info & INTR_INFO_VALID))
        return false;
    *type = (enum hvm_event_type)INTR_INFO_TYPE(info);
    *vector = (uint8_t)INTR_INFO_VECTOR(info);
    return true;
}

static void vmx_cancel_event(struct vcpu *v)
{
    to_vmx(v)->vmcs.entry_intr_info = 0;
}

static bool vmx_interruptible(struct vcpu *v)
{
    const struct vmx_vmcs_image *img = &to_vmx(v)->vmcs;

    return (img->guest.rflags & X86_EFLAGS_IF) &&
           !(img->guest.interruptibility & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS));
}

/* Interrupt-window exiting: an exit as soon as the guest can take an
 * interrupt ("Primary Processor-Based VM-Execution Controls"). */
static void vmx_enable_irq_window(struct vcpu *v, bool on)
{
    struct vmx_vmcs_image *img = &to_vmx(v)->vmcs;

    if (on)
        img->ctl.proc |= CPU_INTR_WINDOW_EXITING;
    else
        img->ctl.proc &= ~CPU_INTR_WINDOW_EXITING;
}

/* CPL is SS.DPL ("Checks on Guest Segment Registers"). */
static unsigned int vmx_cpl(struct vcpu *v)
{
    return (to_vmx(v)->vmcs.guest.seg[SEG_SS].ar >> 5) & 3;
}

static void vmx_set_tsc_offset(struct vcpu *v, int64_t offset)
{
    to_vmx(v)->vmcs.tsc_offset = (uint64_t)offset;
}

static void vmx_set_npt_root(struct vcpu *v, paddr_t root)
{
    to_vmx(v)->vmcs.eptp = ept_eptp(root, vmx_ept_mt);
    to_vmx(v)->flush_tlb = true;
}

const struct hvm_ops vmx_ops = {
    .name = "Intel VT-x",
    .p2m_view = &ept_view_ops,
    .cpu_enable = vmx_cpu_enable,
    .vcpu_init = vmx_vcpu_init,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_run = vmx_vcpu_run,
    .get_reg = vmx_get_reg,
    .set_reg = vmx_set_reg,
    .get_seg = vmx_get_seg,
    .set_seg = vmx_set_seg,
    .inject_event = vmx_inject_event,
    .event_pending = vmx_event_pending,
    .queued_event = vmx_queued_event,
    .cancel_event = vmx_cancel_event,
    .interruptible = vmx_interruptible,
    .enable_irq_window = vmx_enable_irq_window,
    .cpl = vmx_cpl,
    .set_tsc_offset = vmx_set_tsc_offset,
    .set_npt_root = vmx_set_npt_root,
    .vcpu_unload = vmx_vcpu_unload,
};
