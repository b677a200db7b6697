// SPDX-License-Identifier: MIT
/* VMX controls derived from the capability MSRs, never hard-coded. */
#include <hv/errno.h>
#include "vmx.h"

#define X86_CR0_PE (1ULL << 0)
#define X86_CR0_PG (1ULL << 31)

struct vmx_caps vmx_caps;
struct vmx_controls vmx_ctl;

enum ctl_word { W_PIN, W_PROC, W_PROC2, W_EXIT, W_ENTRY, NR_WORDS };

/*
 * What Mica does with each control it knows:
 *  NEED - set; the backend cannot work without it.
 *  WANT - set when the CPU allows it.
 *  DYN  - left 0 now, toggled at run time, so the CPU must allow 1.
 *  OFF  - must be 0: the backend does not handle the exits it causes.
 *  NO   - 0 when the CPU allows it (features the guest does not get).
 * Controls not listed are left at their default ("Algorithms for
 * Determining VMX Capabilities": default1 controls set to 1).
 */
enum ctl_policy { NEED, WANT, DYN, OFF, NO };

static const struct ctl_rule {
    uint8_t word, policy;
    uint32_t bit;
    const char *name;
} ctl_rules[] = {
    { W_PIN, NEED, PIN_EXT_INTR_EXITING, "external-interrupt exiting" },
    { W_PIN, NEED, PIN_NMI_EXITING, "NMI exiting" },
    { W_PIN, WANT, PIN_VIRTUAL_NMIS, "virtual NMIs" },
    { W_PIN, NO, PIN_PREEMPTION_TIMER, "VMX-preemption timer" },
    { W_PIN, NO, PIN_POSTED_INTR, "process posted interrupts" },
    { W_PROC, DYN, CPU_INTR_WINDOW_EXITING, "interrupt-window exiting" },
    { W_PROC, NEED, CPU_USE_TSC_OFFSETTING, "use TSC offsetting" },
    { W_PROC, NEED, CPU_HLT_EXITING, "HLT exiting" },
    { W_PROC, OFF, CPU_INVLPG_EXITING, "INVLPG exiting" },
    { W_PROC, WANT, CPU_MWAIT_EXITING, "MWAIT exiting" },
    { W_PROC, WANT, CPU_RDPMC_EXITING, "RDPMC exiting" },
    { W_PROC, OFF, CPU_RDTSC_EXITING, "RDTSC exiting" },
    { W_PROC, OFF, CPU_CR3_LOAD_EXITING, "CR3-load exiting" },
    { W_PROC, OFF, CPU_CR3_STORE_EXITING, "CR3-store exiting" },
    { W_PROC, OFF, CPU_CR8_LOAD_EXITING, "CR8-load exiting" },
    { W_PROC, OFF, CPU_CR8_STORE_EXITING, "CR8-store exiting" },
    { W_PROC, NEED, CPU_USE_TPR_SHADOW, "use TPR shadow" },
    { W_PROC, NO, CPU_NMI_WINDOW_EXITING, "NMI-window exiting" },
    { W_PROC, OFF, CPU_MOV_DR_EXITING, "MOV-DR exiting" },
    { W_PROC, OFF, CPU_UNCOND_IO_EXITING, "unconditional I/O exiting" },
    { W_PROC, NEED, CPU_USE_IO_BITMAPS, "use I/O bitmaps" },
    { W_PROC, OFF, CPU_MONITOR_TRAP_FLAG, "monitor trap flag" },
    { W_PROC, NEED, CPU_USE_MSR_BITMAPS, "use MSR bitmaps" },
    { W_PROC, WANT, CPU_MONITOR_EXITING, "MONITOR exiting" },
    { W_PROC, OFF, CPU_PAUSE_EXITING, "PAUSE exiting" },
    { W_PROC, NEED, CPU_SECONDARY_CONTROLS, "activate secondary controls" },
    { W_PROC2, NO, CPU2_VIRT_APIC_ACCESSES, "virtualize APIC accesses" },
    { W_PROC2, NEED, CPU2_ENABLE_EPT, "enable EPT" },
    { W_PROC2, NO, CPU2_DESC_TABLE_EXITING, "descriptor-table exiting" },
    { W_PROC2, NO, CPU2_ENABLE_RDTSCP, "enable RDTSCP" },
    { W_PROC2, NO, CPU2_VIRT_X2APIC, "virtualize x2APIC mode" },
    { W_PROC2, WANT, CPU2_ENABLE_VPID, "enable VPID" },
    { W_PROC2, NO, CPU2_WBINVD_EXITING, "WBINVD exiting" },
    { W_PROC2, NEED, CPU2_UNRESTRICTED_GUEST, "unrestricted guest" },
    { W_PROC2, NO, CPU2_ENABLE_INVPCID, "enable INVPCID" },
    { W_PROC2, NO, CPU2_ENABLE_VMFUNC, "enable VM functions" },
    { W_PROC2, NO, CPU2_ENABLE_XSAVES, "enable XSAVES/XRSTORS" },
    { W_EXIT, WANT, EXIT_SAVE_DEBUG_CTLS, "save debug controls" },
    { W_EXIT, NEED, EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size" },
    { W_EXIT, NO, EXIT_LOAD_PERF_GLOBAL, "load IA32_PERF_GLOBAL_CTRL (exit)" },
    { W_EXIT, OFF, EXIT_ACK_INTR_ON_EXIT, "acknowledge interrupt on exit" },
    { W_EXIT, NEED, EXIT_SAVE_IA32_PAT, "save IA32_PAT" },
    { W_EXIT, NEED, EXIT_LOAD_IA32_PAT, "load IA32_PAT (exit)" },
    { W_EXIT, NEED, EXIT_SAVE_IA32_EFER, "save IA32_EFER" },
    { W_EXIT, NEED, EXIT_LOAD_IA32_EFER, "load IA32_EFER (exit)" },
    { W_EXIT, NO, EXIT_SAVE_PREEMPTION_TIMER, "save VMX-preemption timer value" },
    { W_ENTRY, WANT, ENTRY_LOAD_DEBUG_CTLS, "load debug controls" },
    { W_ENTRY, DYN, ENTRY_IA32E_MODE_GUEST, "IA-32e mode guest" },
    { W_ENTRY, OFF, ENTRY_TO_SMM, "entry to SMM" },
    { W_ENTRY, OFF, ENTRY_DEACT_DUAL_MONITOR, "deactivate dual-monitor treatment" },
    { W_ENTRY, NO, ENTRY_LOAD_PERF_GLOBAL, "load IA32_PERF_GLOBAL_CTRL (entry)" },
    { W_ENTRY, NEED, ENTRY_LOAD_IA32_PAT, "load IA32_PAT (entry)" },
    { W_ENTRY, NEED, ENTRY_LOAD_IA32_EFER, "load IA32_EFER (entry)" },
};

/*
 * "VMX Capability Reporting Facility": bits 31:0 of a control MSR are the
 * allowed-0 settings (a 1 there means the control must be 1), bits 63:32
 * the allowed-1 settings (a 0 there means it must be 0). With the TRUE
 * MSRs some default1 controls may be cleared; controls we do not know
 * keep the default1 setting reported by the ordinary MSR.
 */
uint32_t vmx_ctl_adjust(uint64_t msr, uint64_t true_msr, uint32_t want, uint32_t known)
{
    uint64_t m = true_msr ? true_msr : msr;
    uint32_t must1 = (uint32_t)m, may1 = (uint32_t)(m >> 32);
    uint32_t default1 = (uint32_t)msr;

    return ((want | (default1 & ~known)) & may1) | must1;
}

static void ctl_msrs(const struct vmx_caps *c, unsigned int w, uint64_t *msr, uint64_t *tmsr)
{
    bool use_true = c->basic & VMX_BASIC_TRUE_CTLS;

    switch (w) {
    case W_PIN: *msr = c->pin, *tmsr = use_true ? c->true_pin : 0; break;
    case W_PROC: *msr = c->proc, *tmsr = use_true ? c->true_proc : 0; break;
    case W_PROC2: *msr = c->proc2, *tmsr = 0; break;
    case W_EXIT: *msr = c->exit, *tmsr = use_true ? c->true_exit : 0; break;
    default: *msr = c->entry, *tmsr = use_true ? c->true_entry : 0; break;
    }
    /* Without "activate secondary controls" allowed-1, the secondary MSR
     * does not exist: treat every secondary control as unavailable. */
    if (w == W_PROC2 && !((c->proc >> 32) & CPU_SECONDARY_CONTROLS))
        *msr = 0;
}

static uint32_t *ctl_slot(struct vmx_controls *out, unsigned int w)
{
    uint32_t *slots[NR_WORDS] = { &out->pin, &out->proc, &out->proc2, &out->exit, &out->entry };

    return slots[w];
}

/* Is the computed word acceptable for this rule? */
static bool ctl_rule_met(const struct ctl_rule *r, uint32_t val, uint64_t msr, uint64_t tmsr)
{
    uint64_t m = tmsr ? tmsr : msr;

    switch (r->policy) {
    case NEED: return val & r->bit;
    case DYN: return (m >> 32) & r->bit;
    case OFF: return !(val & r->bit);
    default: return true;
    }
}

int vmx_controls_compute(const struct vmx_caps *caps, struct vmx_controls *out,
                         const char **missing)
{
    for (unsigned int w = 0; w < NR_WORDS; w++) {
        uint32_t want = 0, known = 0;
        uint64_t msr, tmsr;

        for (unsigned int i = 0; i < ARRAY_SIZE(ctl_rules); i++) {
            if (ctl_rules[i].word != w)
                continue;
            known |= ctl_rules[i].bit;
            if (ctl_rules[i].policy == NEED || ctl_rules[i].policy == WANT)
                want |= ctl_rules[i].bit;
        }
        ctl_msrs(caps, w, &msr, &tmsr);
        *ctl_slot(out, w) = vmx_ctl_adjust(msr, tmsr, want, known);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(ctl_rules); i++) {
        const struct ctl_rule *r = &ctl_rules[i];
        uint64_t msr, tmsr;

        ctl_msrs(caps, r->word, &msr, &tmsr);
        if (!ctl_rule_met(r, *ctl_slot(out, r->word), msr, tmsr)) {
            *missing = r->name;
            return -ENODEV;
        }
    }
    return 0;
}

uint64_t vmx_cr0_fixed0(const struct vmx_caps *caps, const struct vmx_controls *ctl)
{
    uint64_t f = caps->cr0_fixed0;

    if (ctl->proc2 & CPU2_UNRESTRICTED_GUEST)
        f &= ~(X86_CR0_PE | X86_CR0_PG);
    return f;
}
