// SPDX-License-Identifier: MIT
/* CPUID policy for guests: the host's view, minus what Mica does not
 * virtualize (SVM, VMX, x2APIC, MONITOR, XSAVE/AVX, topology), plus
 * TSC-deadline timers (HVM), plus the hypervisor leaves. PV guests ask
 * through the forced-emulation prefix (pv/pv_emul.c). */
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/time.h>
#include <hv/x86.h>
#include <hv/xen.h>
#include <public/arch-x86/cpuid.h>

#define MICA_CPUID_BASE 0x40000000
/* "MicaMicaMica" as EBX, ECX, EDX. */
#define MICA_SIG 0x6163694dU

/* Leaf 1 ECX/EDX bits hidden (SDM Vol. 2A, CPUID, "Feature Information"). */
#define L1_ECX_HIDE ((1U << 3) | (1U << 5) | (1U << 6) | (1U << 21) | \
                     (1U << 26) | (1U << 27) | (1U << 28) | (1U << 12) | (1U << 29))
#define L1_ECX_HYPERVISOR (1U << 31)
#define L1_ECX_TSC_DEADLINE (1U << 24)
#define L1_EDX_HIDE ((1U << 28) /* HTT */ | (1U << 22) /* ACPI thermal */)
#define L1_EDX_APIC (1U << 9)
/* PV guests: no superpages in their page tables (include/hv/pv_mm.h), so
 * no PSE, PSE-36 or 1 GiB pages, as Xen's PV CPUID policy; Linux then
 * builds its direct map from 4 KiB pages. No MCE/MCA either: PV guests
 * get no machine-check MSRs (their RDMSR is #GP). */
#define L1_EDX_PV_HIDE ((1U << 3) | (1U << 7) | (1U << 14) | (1U << 17))
#define L81_EDX_PV_HIDE (1U << 26)
/* Nor SMEP or SMAP: a guest kernel at CPL 3 cannot run CLAC/STAC (#UD);
 * nor FSGSBASE: CR4.FSGSBASE stays clear, so RDFSBASE & co. #UD (bases go
 * through set_segment_base and the emulated MSRs). */
#define L7_EBX_PV_HIDE ((1U << 0) | (1U << 7) | (1U << 20))
/* Leaf 0x80000001 ECX: SVM, XOP, SKINIT, WDT, FMA4, TOPOEXT, perf counters. */
#define L81_ECX_HIDE ((1U << 2) | (1U << 11) | (1U << 12) | (1U << 13) | (1U << 16) | \
                      (1U << 22) | (1U << 23) | \
                      (1U << 24))
/* Leaf 0x80000001 EDX: RDTSCP (intercepted: #UD). */
#define L81_EDX_HIDE (1U << 27)
/* Leaf 7 EBX: AVX2, AVX-512 family, etc. need XSAVE, which is hidden. */
#define L7_EBX_KEEP ((1U << 0) | (1U << 3) | (1U << 7) | (1U << 8) | (1U << 9) | \
                     (1U << 18) | (1U << 19) | (1U << 20) | (1U << 23) | (1U << 24))

static void cpuid_leaf1(struct vcpu *v, struct cpuid_regs *r)
{
    bool pv = v->domain->type == DOMAIN_PV;

    /* TSC-deadline is always offered to HVM: the vLAPIC implements it
     * whatever the host has. PV guests have no local APIC at all. */
    r->ecx = (r->ecx & ~L1_ECX_HIDE) | L1_ECX_HYPERVISOR | (pv ? 0 : L1_ECX_TSC_DEADLINE);
    r->edx &= ~(L1_EDX_HIDE | (pv ? L1_EDX_APIC | L1_EDX_PV_HIDE : 0));
    /* EBX: APIC id in 31:24, one logical processor per package. */
    r->ebx = (r->ebx & 0xffff) | (1U << 16) | (v->id << 24);
}

/*
 * Xen's hypervisor leaves (xen-abi.md §1.4) for guests of the Xen ABI:
 * signature, version 4.17, one hypercall page through MSR 0x40000000, TSC
 * frequency, and the vCPU and domain ids.
 */
static void cpuid_xen_leaf(struct vcpu *v, uint32_t leaf, uint32_t sub,
                           struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){ 0, 0, 0, 0 };
    switch (leaf - XEN_CPUID_FIRST_LEAF) {
    case XEN_CPUID_LEAF_SIGNATURE:
        *r = (struct cpuid_regs){ XEN_CPUID_LEAF(XEN_CPUID_MAX_NUM_LEAVES),
                                  XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
                                  XEN_CPUID_SIGNATURE_EDX };
        break;
    case XEN_CPUID_LEAF_VERSION: r->eax = (MICA_XEN_MAJOR << 16) | MICA_XEN_MINOR; break;
    case XEN_CPUID_LEAF_HYPERCALL: r->eax = 1, r->ebx = XEN_CPUID_HYPERCALL_MSR; break;
    case XEN_CPUID_LEAF_TIME:
        if (sub == 0)
            r->ecx = (uint32_t)tsc_khz;
        else if (sub == 2)
            r->eax = (uint32_t)tsc_khz;
        break;
    case XEN_CPUID_LEAF_HVM: /* HVM only, as on Xen */
        if (v->domain->type == DOMAIN_PV)
            break;
        *r = (struct cpuid_regs){ XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT,
                                  v->id, v->domain->id, 0 };
        break;
    default: break;
    }
}

/* Mica's own leaves sit at 0x40000000, or at 0x40000100 behind Xen's. */
static bool cpuid_hypervisor_leaf(struct vcpu *v, uint32_t leaf, uint32_t sub,
                                  struct cpuid_regs *r)
{
    uint32_t mica = v->domain->xen_abi ? MICA_CPUID_BASE + 0x100 : MICA_CPUID_BASE;

    if (leaf < MICA_CPUID_BASE || leaf > MICA_CPUID_BASE + 0x1ff)
        return false;
    *r = (struct cpuid_regs){ 0, 0, 0, 0 };
    if (v->domain->xen_abi && leaf <= XEN_CPUID_LEAF(XEN_CPUID_MAX_NUM_LEAVES))
        cpuid_xen_leaf(v, leaf, sub, r);
    else if (leaf == mica)
        *r = (struct cpuid_regs){ mica, MICA_SIG, MICA_SIG, MICA_SIG };
    return true;
}

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    uint32_t max_std = cpuid(0).eax, max_ext = cpuid(0x80000000).eax;

    if (cpuid_hypervisor_leaf(v, leaf, sub, r))
        return;
    if ((leaf < 0x80000000 && leaf > max_std) || (leaf >= 0x80000000 && leaf > max_ext)) {
        *r = (struct cpuid_regs){ 0, 0, 0, 0 };
        return;
    }
    *r = cpuid_count(leaf, sub);
    switch (leaf) {
    case 1: cpuid_leaf1(v, r); break;
    case 5: case 6: case 0xa: case 0xb: case 0xd: case 0xf: case 0x10:
    /* The host's crystal and base clock: Linux on Intel would take 0x15
     * for its TSC and LAPIC timer rates, which the vLAPIC does not share
     * (and an emulator's CPU model need not match its TSC); without them
     * the guest calibrates both against the vPIT. */
    case 0x15: case 0x16:
        *r = (struct cpuid_regs){ 0, 0, 0, 0 }; break; /* not virtualized */
    case 7:
        if (sub == 0)
            *r = (struct cpuid_regs){ 0, r->ebx & L7_EBX_KEEP &
                                             ~(v->domain->type == DOMAIN_PV ? L7_EBX_PV_HIDE : 0),
                                      0, 0 };
        else
            *r = (struct cpuid_regs){ 0, 0, 0, 0 };
        break;
    case 0x80000001:
        r->ecx &= ~L81_ECX_HIDE;
        r->edx &= ~(L81_EDX_HIDE | (v->domain->type == DOMAIN_PV ? L81_EDX_PV_HIDE : 0));
        break;
    case 0x80000008: r->ecx = 0; break; /* one core */
    case 0x8000000a: case 0x8000001e: case 0x8000001f:
        *r = (struct cpuid_regs){ 0, 0, 0, 0 }; break; /* SVM, topology, SEV */
    default: break;
    }
}

void hvm_handle_cpuid(struct vcpu *v, const struct hvm_exit *e)
{
    struct cpuid_regs r;

    guest_cpuid(v, (uint32_t)v->gpr[GPR_RAX], (uint32_t)v->gpr[GPR_RCX], &r);
    v->gpr[GPR_RAX] = r.eax;
    v->gpr[GPR_RBX] = r.ebx;
    v->gpr[GPR_RCX] = r.ecx;
    v->gpr[GPR_RDX] = r.edx;
    hvm_advance_rip(v, hvm_insn_length(v, e, 2));
}
