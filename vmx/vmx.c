// SPDX-License-Identifier: MIT
/* Intel VT-x backend: detection, per-CPU VMXON, per-vCPU VMCS and entry.
 *
 * Design: each vCPU owns a VMCS, active on at most one pCPU at a time
 * (SDM Vol. 3, "VMCS Life Cycle"). vmx_vcpu.cpu records that pCPU. Before
 * the vCPU runs elsewhere its VMCS is VMCLEARed on the old pCPU, by the
 * scheduler through hvm_ops->vcpu_unload or, failing that, by a cross-CPU
 * call from the new one; the new pCPU then VMPTRLDs it, rewrites the host
 * state (TR, GDT, GS base differ per pCPU), flushes the vCPU's EPT and
 * VPID translations and uses VMLAUNCH once more.
 *
 * Locking: vpid_lock protects vpid_used. A vmx_vcpu is touched only by
 * the pCPU running the vCPU (or, for the cross-CPU VMCLEAR, by the pCPU
 * that holds the VMCS while the caller waits).
 */
#include <hv/domain.h>
#include <hv/ept.h>
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/x86.h>
#include "vmx.h"
#include "vmx_hw.h"
#include "vmx_insn.h"

#define CR4_VMXE (1ULL << 13)
#define VPID_MAX 4096

static paddr_t vmxon_pa[MAX_CPUS];
static paddr_t current_vmcs[MAX_CPUS];   /* VMPTRLDed VMCS per pCPU */
static uint64_t vpid_used[VPID_MAX / 64] = { 1 };   /* 0 is the host's */
static spinlock_t vpid_lock = SPINLOCK_INIT;
static bool vpid_ok;
enum ept_memtype vmx_ept_mt = EPT_MT_WB;

static void vmx_read_caps(struct vmx_caps *c)
{
    c->basic = rdmsr(MSR_IA32_VMX_BASIC);
    c->pin = rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
    c->proc = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
    c->exit = rdmsr(MSR_IA32_VMX_EXIT_CTLS);
    c->entry = rdmsr(MSR_IA32_VMX_ENTRY_CTLS);
    c->misc = rdmsr(MSR_IA32_VMX_MISC);
    c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
    if ((c->proc >> 32) & CPU_SECONDARY_CONTROLS)
        c->proc2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
    if ((c->proc2 >> 32) & (CPU2_ENABLE_EPT | CPU2_ENABLE_VPID))
        c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    if (c->basic & VMX_BASIC_TRUE_CTLS) {
        c->true_pin = rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
        c->true_proc = rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
        c->true_exit = rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS);
        c->true_entry = rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS);
    }
    c->phys_bits = cpuid(0x80000000).eax >= 0x80000008 ? cpuid(0x80000008).eax & 0xff : 36;
}

/* IA32_FEATURE_CONTROL: firmware may lock VMX off; if it left the MSR
 * unlocked, enable VMX outside SMX and lock it ("Enabling and Entering
 * VMX Operation"). */
static int vmx_feature_control(unsigned int cpu)
{
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

    if (!(fc & FEATURE_CONTROL_LOCK)) {
        wrmsr(MSR_IA32_FEATURE_CONTROL,
              fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
        return 0;
    }
    if (fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)
        return 0;
    printk(LOG_ERR "CPU%u: VMX is disabled by the firmware (IA32_FEATURE_CONTROL locked "
           "without VMX outside SMX): enable VT-x in the firmware setup\n", cpu);
    return -EPERM;
}

/* EPT must walk 4 levels, and INVEPT must exist to drop stale
 * translations; VPID is used only if INVVPID can flush it. */
static int vmx_check_ept(void)
{
    uint64_t ev = vmx_caps.ept_vpid;

    if (!(ev & VMX_EPT_WALK_4) || !(ev & VMX_EPT_INVEPT) ||
        !(ev & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL)))
        return -ENODEV;
    if (!(ev & (VMX_EPT_MT_WB | VMX_EPT_MT_UC)))
        return -ENODEV;
    vmx_ept_mt = (ev & VMX_EPT_MT_WB) ? EPT_MT_WB : EPT_MT_UC;
    vpid_ok = (vmx_ctl.proc2 & CPU2_ENABLE_VPID) && (ev & VMX_VPID_INVVPID) &&
              (ev & (VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL));
    if (!vpid_ok)
        vmx_ctl.proc2 &= ~CPU2_ENABLE_VPID;
    return 0;
}

/* Capabilities and controls, once, on the boot CPU. */
static int vmx_setup_global(void)
{
    const char *missing = NULL;

    vmx_read_caps(&vmx_caps);
    if (vmx_controls_compute(&vmx_caps, &vmx_ctl, &missing)) {
        printk(LOG_ERR "VMX: the CPU cannot provide the control '%s'\n", missing);
        return -ENODEV;
    }
    if (vmx_check_ept()) {
        printk(LOG_ERR "VMX: EPT lacks a 4-level walk, INVEPT or a usable memory type\n");
        return -ENODEV;
    }
    printk("VMX: VMCS revision %u, EPT (%s), VPID %s, unrestricted guest, TRUE controls %s\n",
           VMX_BASIC_REVISION(vmx_caps.basic), vmx_ept_mt == EPT_MT_WB ? "WB" : "UC",
           vpid_ok ? "yes" : "no", (vmx_caps.basic & VMX_BASIC_TRUE_CTLS) ? "yes" : "no");
    return vmx_bitmaps_init();
}

int vmx_cpu_enable(void)
{
    unsigned int cpu = smp_processor_id();
    uint32_t *region;
    int rc;

    if (!(cpuid(1).ecx & (1U << 5)))
        return -ENODEV;   /* no VMX: hvm_cpu_enable() reports it */
    rc = vmx_feature_control(cpu);
    if (rc)
        return rc;
    if (cpu == 0 && (rc = vmx_setup_global()))
        return rc;
    region = alloc_page_zeroed();
    if (!region)
        return -ENOMEM;
    region[0] = VMX_BASIC_REVISION(vmx_caps.basic);
    vmxon_pa[cpu] = __pa(region);
    /* "Restrictions on VMX Operation": CR0 and CR4 must hold their fixed
     * bits (CR0.NE, CR4.VMXE) before VMXON and while in VMX operation. */
    write_cr0((read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1);
    write_cr4((read_cr4() | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1);
    if (!vmxon(vmxon_pa[cpu])) {
        printk(LOG_ERR "CPU%u: VMXON failed\n", cpu);
        write_cr4(read_cr4() & ~CR4_VMXE);
        free_page(region);
        return -EIO;
    }
    return 0;
}

static uint16_t vpid_alloc(void)
{
    uint16_t vpid = 0;

    spin_lock(&vpid_lock);
    for (uint32_t a = 1; a < VPID_MAX && !vpid; a++) {
        if (!(vpid_used[a / 64] & (1ULL << (a % 64)))) {
            vpid_used[a / 64] |= 1ULL << (a % 64);
            vpid = (uint16_t)a;
        }
    }
    spin_unlock(&vpid_lock);
    return vpid;
}

static void vpid_free(uint16_t vpid)
{
    spin_lock(&vpid_lock);
    vpid_used[vpid / 64] &= ~(1ULL << (vpid % 64));
    spin_unlock(&vpid_lock);
}

static void vmx_image_init(struct vmx_vcpu *s)
{
    struct vmx_vmcs_image *img = &s->vmcs;

    img->ctl = vmx_ctl;
    img->exception_bitmap = 1U << 18;   /* #MC is the host's */
    img->io_bitmap_a = vmx_io_bitmap_pa[0];
    img->io_bitmap_b = vmx_io_bitmap_pa[1];
    img->msr_bitmap = vmx_msr_bitmap_pa;
    img->vapic_addr = __pa(s->vapic_page);
    vmx_state_init(img);
}

int vmx_vcpu_init(struct vcpu *v)
{
    struct vmx_vcpu *s = xzalloc(sizeof(*s));

    if (!s)
        return -ENOMEM;
    v->arch = s;
    s->cpu = VMX_NO_CPU;
    s->vmcs_page = alloc_page_zeroed();
    s->vapic_page = alloc_page_zeroed();
    if (!s->vmcs_page || !s->vapic_page) {
        vmx_vcpu_destroy(v);
        return -ENOMEM;
    }
    *(uint32_t *)s->vmcs_page = VMX_BASIC_REVISION(vmx_caps.basic);
    s->vmcs_pa = __pa(s->vmcs_page);
    vmx_image_init(s);
    if (vpid_ok && !(s->vmcs.vpid = vpid_alloc())) {
        printk(LOG_ERR "VMX: out of VPIDs (%u)\n", VPID_MAX);
        vmx_vcpu_destroy(v);
        return -ENOSPC;
    }
    s->flush_tlb = true;
    return 0;
}

/* VMCLEAR on the pCPU holding the VMCS: its cached copy is written back
 * and the VMCS becomes inactive and clear ("VMCLEAR"). */
static void vmx_vmcs_clear_here(struct vmx_vcpu *s)
{
    unsigned int cpu = smp_processor_id();

    vmclear(s->vmcs_pa);
    if (current_vmcs[cpu] == s->vmcs_pa)
        current_vmcs[cpu] = 0;
    s->cpu = VMX_NO_CPU;
    s->launched = false;
}

static void vmx_vmcs_clear_remote(void *arg)
{
    struct vmx_vcpu *s = arg;

    if (s->cpu == smp_processor_id())
        vmx_vmcs_clear_here(s);
}

/* Make sure the VMCS is not active anywhere but (possibly) here. */
static void vmx_vmcs_release(struct vmx_vcpu *s, bool irqs_off)
{
    if (s->cpu == VMX_NO_CPU || s->cpu == smp_processor_id())
        return;
    if (irqs_off)
        local_irq_enable();   /* smp_call_others() waits for the others */
    smp_call_others(vmx_vmcs_clear_remote, s);
    if (irqs_off)
        local_irq_disable();
}

void vmx_vcpu_unload(struct vcpu *v)
{
    struct vmx_vcpu *s = to_vmx(v);

    if (s && s->cpu == smp_processor_id())
        vmx_vmcs_clear_here(s);
}

void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *s = to_vmx(v);

    if (!s)
        return;
    if (s->cpu == smp_processor_id())
        vmx_vmcs_clear_here(s);
    else
        vmx_vmcs_release(s, false);
    if (s->vmcs.vpid)
        vpid_free(s->vmcs.vpid);
    if (s->vmcs_page)
        free_page(s->vmcs_page);
    if (s->vapic_page)
        free_page(s->vapic_page);
    xfree(s);
    v->arch = NULL;
}

/* Make the vCPU's VMCS current on this pCPU, moving it here if needed. */
void vmx_vmcs_load(struct vmx_vcpu *s)
{
    unsigned int cpu = smp_processor_id();

    if (s->cpu != cpu) {
        vmx_vmcs_release(s, true);
        if (s->cpu == VMX_NO_CPU)
            vmclear(s->vmcs_pa);    /* launch state "clear" before first use */
        BUG_ON(!vmptrld(s->vmcs_pa));
        s->cpu = cpu;
        s->launched = false;
        s->flush_tlb = true;         /* translations cached here may be stale */
        current_vmcs[cpu] = s->vmcs_pa;
        vmx_vmcs_capture_host(&s->vmcs);
        vmx_vmcs_write_all(&s->vmcs);
        return;
    }
    if (current_vmcs[cpu] != s->vmcs_pa) {
        BUG_ON(!vmptrld(s->vmcs_pa));
        current_vmcs[cpu] = s->vmcs_pa;
    }
    vmx_vmcs_write_entry(&s->vmcs);
}

void vmx_flush_tlb(struct vmx_vcpu *s)
{
    uint64_t ev = vmx_caps.ept_vpid;

    invept((ev & VMX_EPT_INVEPT_SINGLE) ? 1 : 2, s->vmcs.eptp);
    if (s->vmcs.vpid)
        invvpid((ev & VMX_VPID_INVVPID_SINGLE) ? 1 : 2, s->vmcs.vpid);
    s->flush_tlb = false;
}
