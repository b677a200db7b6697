// SPDX-License-Identifier: MIT
/* AMD SVM backend: detection, per-CPU enable, vCPU set-up and entry. */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/p2m.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/x86.h>
#include "svm.h"

struct svm_caps svm_caps;

static struct svm_asid_cpu asid_cpu[MAX_CPUS]; /* svm_asid.c */
static paddr_t host_save_pa[MAX_CPUS];   /* VM_HSAVE_PA area per pCPU */
static paddr_t host_vmcb_pa[MAX_CPUS];   /* VMSAVE copy of host state per pCPU */

static bool svm_detect(void)
{
    struct cpuid_regs r = cpuid(0x80000000);

    if (r.eax < 0x8000000a || !(cpuid(0x80000001).ecx & (1U << 2)))
        return false;
    r = cpuid(0x8000000a);
    svm_caps.nr_asids = r.ebx;
    svm_caps.features = r.edx;
    return true;
}

static int svm_cpu_enable(void)
{
    unsigned int cpu = smp_processor_id();
    void *hsave, *hvmcb;

    if (!svm_detect())
        return -ENODEV;
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
        printk(LOG_ERR "CPU%u: SVM is disabled by the firmware (VM_CR.SVMDIS)\n", cpu);
        return -EPERM;
    }
    if (!(svm_caps.features & SVM_FEAT_NPT)) {
        printk(LOG_ERR "CPU%u: SVM without nested paging is not supported yet\n", cpu);
        return -ENODEV;
    }
    if (svm_caps.nr_asids < 2) {
        printk(LOG_ERR "CPU%u: SVM offers no ASID for guests\n", cpu);
        return -ENODEV;
    }
    svm_asid_cpu_init(&asid_cpu[cpu], svm_caps.nr_asids,
                      svm_caps.features & SVM_FEAT_FLUSH_BY_ASID);
    hsave = alloc_page_zeroed();
    hvmcb = alloc_page_zeroed();
    if (!hsave || !hvmcb)
        return -ENOMEM;
    host_save_pa[cpu] = __pa(hsave);
    host_vmcb_pa[cpu] = __pa(hvmcb);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, host_save_pa[cpu]);
    /* Capture this CPU's FS/GS/TR/LDTR and syscall MSRs for after exits. */
    asm volatile("vmsave %%rax" : : "a"(host_vmcb_pa[cpu]) : "memory");
    if (cpu == 0) {
        printk("SVM: %u ASIDs, nested paging, NRIP save %s, decode assists %s\n",
               svm_caps.nr_asids, (svm_caps.features & SVM_FEAT_NRIPS) ? "yes" : "no",
               (svm_caps.features & SVM_FEAT_DECODE_ASSISTS) ? "yes" : "no");
        return svm_bitmaps_init();
    }
    return 0;
}

static int svm_vcpu_init(struct vcpu *v)
{
    struct svm_vcpu *s = xzalloc(sizeof(*s));

    if (!s)
        return -ENOMEM;
    s->vmcb = alloc_page_zeroed();
    if (!s->vmcb) {
        xfree(s);
        return -ENOMEM;
    }
    s->vmcb_pa = __pa(s->vmcb);
    v->arch = s;
    svm_vmcb_init(v, s->vmcb);
    return 0; /* the ASID is given at the first VMRUN */
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);

    if (!s)
        return;
    if (s->vmcb)
        free_page(s->vmcb);
    xfree(s);
    v->arch = NULL;
}

static const uint8_t tlb_control[] = {
    [SVM_ASID_FLUSH_NONE] = TLB_CONTROL_NONE,
    [SVM_ASID_FLUSH_ASID] = TLB_CONTROL_FLUSH_ASID,
    [SVM_ASID_FLUSH_ALL] = TLB_CONTROL_FLUSH_ALL,
};

/* Said once per pCPU, the first time its ASIDs run out (generation 3: the
 * first assignment on the pCPU started generation 2). */
static void asid_note_recycling(unsigned int cpu)
{
    static bool noted[MAX_CPUS];

    if (asid_cpu[cpu].generation < 3 || noted[cpu])
        return;
    noted[cpu] = true;
    printk("SVM: CPU%u: all %u guest ASIDs in use, recycling them\n", cpu,
           svm_caps.nr_asids - 1);
}

/* Called with interrupts off, which keeps this pCPU's ASID state and v's
 * ASID tag unchanged from the assignment to VMRUN (svm_asid.c). */
static void svm_vcpu_run(struct vcpu *v, struct hvm_exit *exit)
{
    struct svm_vcpu *s = to_svm(v);
    struct vmcb *vmcb = s->vmcb;
    unsigned int cpu = smp_processor_id();
    enum svm_asid_flush flush;

    flush = svm_asid_assign(&asid_cpu[cpu], cpu, &s->asid, s->flush_tlb);
    vmcb->asid = s->asid.asid;
    vmcb->tlb_control = tlb_control[flush];
    if (flush == SVM_ASID_FLUSH_ALL)
        asid_note_recycling(cpu);
    vmcb->rax = v->gpr[GPR_RAX];
    vmcb->rsp = v->gpr[GPR_RSP];
    vmcb->clean = 0; /* we never rely on the VMCB state cache */
    s->flush_tlb = false;
    svm_vmrun(v->gpr, s->vmcb_pa, host_vmcb_pa[cpu]);
    local_irq_disable();
    if (vmcb->exitcode != VMEXIT_INVALID)
        svm_asid_flushed(&asid_cpu[cpu]); /* a failed VMRUN flushed nothing */
    v->gpr[GPR_RAX] = vmcb->rax;
    v->gpr[GPR_RSP] = vmcb->rsp;
    v->nr_exits++;
    svm_exit_decode(v, exit);
}

static uint64_t *svm_reg_ptr(struct vmcb *vmcb, enum hvm_ctrl_reg reg)
{
    switch (reg) {
    case HVM_CR0: return &vmcb->cr0;
    case HVM_CR2: return &vmcb->cr2;
    case HVM_CR3: return &vmcb->cr3;
    case HVM_CR4: return &vmcb->cr4;
    case HVM_EFER: return &vmcb->efer;
    case HVM_PAT: return &vmcb->g_pat;
    case HVM_RFLAGS: return &vmcb->rflags;
    case HVM_RIP: return &vmcb->rip;
    case HVM_RSP: return &vmcb->rsp;
    case HVM_RAX: return &vmcb->rax;
    case HVM_DR7: return &vmcb->dr7;
    }
    return NULL;
}

/* The guest never sees EFER.SVME: VMRUN requires it set in the VMCB. */
static uint64_t svm_get_reg(struct vcpu *v, enum hvm_ctrl_reg reg)
{
    uint64_t val = *svm_reg_ptr(to_svm(v)->vmcb, reg);

    if (reg == HVM_EFER)
        val &= ~(uint64_t)EFER_SVME;
    if (reg == HVM_RAX)
        val = v->gpr[GPR_RAX];
    if (reg == HVM_RSP)
        val = v->gpr[GPR_RSP];
    return val;
}

static void svm_set_reg(struct vcpu *v, enum hvm_ctrl_reg reg, uint64_t val)
{
    if (reg == HVM_EFER)
        val |= EFER_SVME;
    if (reg == HVM_RAX)
        v->gpr[GPR_RAX] = val;
    if (reg == HVM_RSP)
        v->gpr[GPR_RSP] = val;
    *svm_reg_ptr(to_svm(v)->vmcb, reg) = val;
    /* Moving RIP past an emulated instruction ends any STI/MOV SS shadow. */
    if (reg == HVM_RIP)
        to_svm(v)->vmcb->int_state &= ~1ULL;
}

static void svm_get_seg(struct vcpu *v, enum x86_segment seg, struct segment *out)
{
    const struct vmcb_seg *s = &to_svm(v)->vmcb->seg[seg];

    *out = (struct segment){ s->sel, s->attr, s->limit, s->base };
}

static void svm_set_seg(struct vcpu *v, enum x86_segment seg, const struct segment *in)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    vmcb->seg[seg] = (struct vmcb_seg){ in->sel, in->attr, in->limit, in->base };
    if (seg == SEG_SS)
        vmcb->cpl = (in->attr >> 5) & 3; /* CPL is SS.DPL */
}

static bool svm_inject_event(struct vcpu *v, enum hvm_event_type type,
                             uint8_t vector, bool has_error, uint32_t error)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    if (vmcb->eventinj & EVENT_VALID)
        return false;
    vmcb->eventinj = vector | ((uint64_t)type << EVENT_TYPE_SHIFT) | EVENT_VALID |
                     (has_error ? EVENT_HAS_ERROR | ((uint64_t)error << 32) : 0);
    return true;
}

static bool svm_event_pending(struct vcpu *v)
{
    return to_svm(v)->vmcb->eventinj & EVENT_VALID;
}

static bool svm_queued_event(struct vcpu *v, enum hvm_event_type *type, uint8_t *vector)
{
    uint64_t ev = to_svm(v)->vmcb->eventinj;

    if (!(ev & EVENT_VALID))
        return false;
    *type = (enum hvm_event_type)((ev >> EVENT_TYPE_SHIFT) & 7);
    *vector = (uint8_t)ev;
    return true;
}

static void svm_cancel_event(struct vcpu *v)
{
    to_svm(v)->vmcb->eventinj = 0;
}

static bool svm_interruptible(struct vcpu *v)
{
    const struct vmcb *vmcb = to_svm(v)->vmcb;

    return (vmcb->rflags & X86_EFLAGS_IF) && !(vmcb->int_state & 1);
}

/* A virtual interrupt request with VINTR intercepted exits as soon as the
 * guest can take an interrupt (APM Vol. 2, "Virtual Interrupt Intercept"). */
static void svm_enable_irq_window(struct vcpu *v, bool on)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    if (on) {
        vmcb->int_ctl |= V_IRQ | V_IGN_TPR | (0xfU << V_INTR_PRIO_SHIFT);
        vmcb->intercept_misc1 |= INTERCEPT_VINTR;
    } else {
        vmcb->int_ctl &= ~(V_IRQ | V_IGN_TPR | (0xfU << V_INTR_PRIO_SHIFT));
        vmcb->intercept_misc1 &= ~INTERCEPT_VINTR;
    }
}

static unsigned int svm_cpl(struct vcpu *v)
{
    return to_svm(v)->vmcb->cpl;
}

static void svm_set_tsc_offset(struct vcpu *v, int64_t offset)
{
    to_svm(v)->vmcb->tsc_offset = (uint64_t)offset;
}

static void svm_set_npt_root(struct vcpu *v, paddr_t root)
{
    to_svm(v)->vmcb->n_cr3 = root;
    to_svm(v)->flush_tlb = true;
}

const struct hvm_ops svm_ops = {
    .name = "AMD SVM",
    .p2m_view = &npt_view_ops,
    .cpu_enable = svm_cpu_enable,
    .vcpu_init = svm_vcpu_init,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_run = svm_vcpu_run,
    .get_reg = svm_get_reg,
    .set_reg = svm_set_reg,
    .get_seg = svm_get_seg,
    .set_seg = svm_set_seg,
    .inject_event = svm_inject_event,
    .event_pending = svm_event_pending,
    .queued_event = svm_queued_event,
    .cancel_event = svm_cancel_event,
    .interruptible = svm_interruptible,
    .enable_irq_window = svm_enable_irq_window,
    .cpl = svm_cpl,
    .set_tsc_offset = svm_set_tsc_offset,
    .set_npt_root = svm_set_npt_root,
};
