// SPDX-License-Identifier: MIT
/* Debug-build VM-entry checker, part 1: the SDM's "Checks on VMX Controls
 * and Host-State Area", and the driver that runs every rule. */
#include "vmx_check.h"

#define IMG const struct vmx_vmcs_image *m
#define CAPS const struct vmx_caps *c

static const char sec_ctl[] = "Checks on VM-Execution Control Fields";
static const char sec_exit_entry[] = "Checks on VM-Exit and VM-Entry Control Fields";
static const char sec_host_cr[] = "Checks on Host Control Registers and MSRs";
static const char sec_host_seg[] = "Checks on Host Segment and Descriptor-Table Registers";
static const char sec_host_size[] = "Checks Related to Address-Space Size";

/* Every bit the allowed-0 half requires, none the allowed-1 half forbids. */
static bool ctl_within(uint32_t val, uint64_t msr, uint64_t true_msr, bool use_true)
{
    uint64_t cap = use_true && true_msr ? true_msr : msr;

    return (val & (uint32_t)cap) == (uint32_t)cap && !(val & ~(uint32_t)(cap >> 32));
}

static bool use_true(CAPS)
{
    return c->basic & VMX_BASIC_TRUE_CTLS;
}

static bool pin_ok(IMG, CAPS) { return ctl_within(m->ctl.pin, c->pin, c->true_pin, use_true(c)); }
static bool proc_ok(IMG, CAPS) { return ctl_within(m->ctl.proc, c->proc, c->true_proc, use_true(c)); }
static bool exit_ok(IMG, CAPS) { return ctl_within(m->ctl.exit, c->exit, c->true_exit, use_true(c)); }
static bool entry_ok(IMG, CAPS) { return ctl_within(m->ctl.entry, c->entry, c->true_entry, use_true(c)); }

static bool proc2_ok(IMG, CAPS)
{
    return !(m->ctl.proc & CPU_SECONDARY_CONTROLS) || ctl_within(m->ctl.proc2, c->proc2, 0, false);
}

static bool cr3_targets_ok(IMG, CAPS)
{
    (void)c;
    return m->cr3_target_count <= 4;
}

static bool page_ok(uint64_t pa, CAPS)
{
    return !(pa & 0xfff) && chk_phys_ok(pa, c);
}

static bool io_bitmaps_ok(IMG, CAPS)
{
    return !(m->ctl.proc & CPU_USE_IO_BITMAPS) ||
           (page_ok(m->io_bitmap_a, c) && page_ok(m->io_bitmap_b, c));
}

static bool msr_bitmap_ok(IMG, CAPS)
{
    return !(m->ctl.proc & CPU_USE_MSR_BITMAPS) || page_ok(m->msr_bitmap, c);
}

static bool tpr_shadow_ok(IMG, CAPS)
{
    return !(m->ctl.proc & CPU_USE_TPR_SHADOW) ||
           (page_ok(m->vapic_addr, c) && !(m->tpr_threshold & ~0xfU));
}

static bool nmi_ctls_ok(IMG, CAPS)
{
    (void)c;
    if ((m->ctl.pin & PIN_VIRTUAL_NMIS) && !(m->ctl.pin & PIN_NMI_EXITING))
        return false;
    return !(m->ctl.proc & CPU_NMI_WINDOW_EXITING) || (m->ctl.pin & PIN_VIRTUAL_NMIS);
}

static bool secondary(IMG, uint32_t bit)
{
    return (m->ctl.proc & CPU_SECONDARY_CONTROLS) && (m->ctl.proc2 & bit);
}

/* EPTP: memory type UC (0) or WB (6) as supported, walk length 4 (bits
 * 5:3 = 3), A/D only if supported, bits 11:7 and beyond MAXPHYADDR zero. */
static bool eptp_ok(IMG, CAPS)
{
    uint64_t p = m->eptp, mt = p & 7;

    if (!secondary(m, CPU2_ENABLE_EPT))
        return true;
    if (!(mt == 0 && (c->ept_vpid & VMX_EPT_MT_UC)) && !(mt == 6 && (c->ept_vpid & VMX_EPT_MT_WB)))
        return false;
    if (((p >> 3) & 7) != 3 || (p & 0xf80) || ((p & (1U << 6)) && !(c->ept_vpid & VMX_EPT_AD)))
        return false;
    return chk_phys_ok(p, c);
}

static bool ug_needs_ept(IMG, CAPS)
{
    (void)c;
    return !secondary(m, CPU2_UNRESTRICTED_GUEST) || secondary(m, CPU2_ENABLE_EPT);
}

static bool vpid_ok(IMG, CAPS)
{
    (void)c;
    return !secondary(m, CPU2_ENABLE_VPID) || m->vpid != 0;
}

static bool entry_info_type_ok(IMG, CAPS)
{
    uint32_t i = m->entry_intr_info, t = INTR_INFO_TYPE(i), v = INTR_INFO_VECTOR(i);

    (void)c;
    if (!(i & INTR_INFO_VALID))
        return true;
    if (t == 1 || t == INTR_TYPE_OTHER)
        return false;
    return (t != INTR_TYPE_NMI || v == 2) && (t != INTR_TYPE_HW_EXCEPTION || v <= 31);
}

/* Deliver-error-code must match what the architecture pushes, unless
 * IA32_VMX_BASIC[56] lifts that; never in real mode. */
static bool entry_info_error_ok(IMG, CAPS)
{
    uint32_t i = m->entry_intr_info, v = INTR_INFO_VECTOR(i);
    bool pe = (m->guest.cr0 & CHK_CR0_PE) || !chk_ug(m), has = i & INTR_INFO_HAS_ERROR;
    bool arch = INTR_INFO_TYPE(i) == INTR_TYPE_HW_EXCEPTION &&
                (v == 8 || (v >= 10 && v <= 14) || v == 17);

    if (!(i & INTR_INFO_VALID))
        return true;
    if (!pe)
        return !has;
    return (c->basic & (1ULL << 56)) || has == arch;
}

static bool entry_info_reserved_ok(IMG, CAPS)
{
    (void)c;
    return !(m->entry_intr_info & INTR_INFO_VALID) || !(m->entry_intr_info & 0x7ffff000U);
}

static bool entry_insn_len_ok(IMG, CAPS)
{
    uint32_t t = INTR_INFO_TYPE(m->entry_intr_info), len = m->entry_insn_len;

    if (!(m->entry_intr_info & INTR_INFO_VALID) ||
        (t != INTR_TYPE_SW_INTR && t != INTR_TYPE_SW_EXCEPTION && t != INTR_TYPE_PRIV_SW_EXCEPTION))
        return true;
    return (len >= 1 && len <= 15) || (len == 0 && (c->misc & (1ULL << 30)));
}

static bool fixed_ok(uint64_t v, uint64_t f0, uint64_t f1)
{
    return (v & f0) == f0 && !(v & ~f1);
}

static bool host_crs_ok(IMG, CAPS)
{
    return fixed_ok(m->host.cr0, c->cr0_fixed0, c->cr0_fixed1 | ~0xffffffffULL) &&
           fixed_ok(m->host.cr4, c->cr4_fixed0, c->cr4_fixed1);
}

static bool host_cr3_ok(IMG, CAPS) { return chk_phys_ok(m->host.cr3, c); }

static bool host_sysenter_ok(IMG, CAPS)
{
    (void)c;
    return chk_canonical(m->host.sysenter_esp) && chk_canonical(m->host.sysenter_eip);
}

static bool host_pat_ok(IMG, CAPS)
{
    (void)c;
    return !(m->ctl.exit & EXIT_LOAD_IA32_PAT) || chk_pat_ok(m->host.pat);
}

static bool host_efer_ok(IMG, CAPS)
{
    bool wide = m->ctl.exit & EXIT_HOST_ADDR_SPACE_SIZE;
    uint64_t e = m->host.efer;

    (void)c;
    if (!(m->ctl.exit & EXIT_LOAD_IA32_EFER))
        return true;
    return !(e & ~CHK_EFER_VALID) && !!(e & CHK_EFER_LMA) == wide && !!(e & CHK_EFER_LME) == wide;
}

static bool host_selectors_ok(IMG, CAPS)
{
    uint16_t all = m->host.es | m->host.cs | m->host.ss | m->host.ds | m->host.fs |
                   m->host.gs | m->host.tr;

    (void)c;
    return !(all & 7) && m->host.cs && m->host.tr;
}

static bool host_bases_ok(IMG, CAPS)
{
    (void)c;
    return chk_canonical(m->host.fs_base) && chk_canonical(m->host.gs_base) &&
           chk_canonical(m->host.gdtr_base) && chk_canonical(m->host.idtr_base) &&
           chk_canonical(m->host.tr_base);
}

/* Mica runs in 64-bit mode, so it must return to 64-bit mode. */
static bool host_64bit_ok(IMG, CAPS)
{
    (void)c;
    return (m->ctl.exit & EXIT_HOST_ADDR_SPACE_SIZE) && (m->host.cr4 & CHK_CR4_PAE) &&
           chk_canonical(m->host.rip);
}

const struct vmx_check_rule vmx_check_ctl_rules[] = {
    { sec_ctl, "pin-based controls within IA32_VMX_(TRUE_)PINBASED_CTLS", pin_ok },
    { sec_ctl, "primary processor-based controls within IA32_VMX_(TRUE_)PROCBASED_CTLS", proc_ok },
    { sec_ctl, "secondary processor-based controls within IA32_VMX_PROCBASED_CTLS2", proc2_ok },
    { sec_ctl, "CR3-target count at most 4", cr3_targets_ok },
    { sec_ctl, "I/O-bitmap addresses 4-KByte aligned, within physical-address width", io_bitmaps_ok },
    { sec_ctl, "MSR-bitmap address 4-KByte aligned, within physical-address width", msr_bitmap_ok },
    { sec_ctl, "virtual-APIC address aligned and TPR threshold bits 31:4 zero", tpr_shadow_ok },
    { sec_ctl, "virtual NMIs need NMI exiting; NMI-window exiting needs virtual NMIs", nmi_ctls_ok },
    { sec_ctl, "EPTP: supported memory type, 4-level walk, reserved bits zero", eptp_ok },
    { sec_ctl, "unrestricted guest requires enable EPT", ug_needs_ept },
    { sec_ctl, "enable VPID requires a nonzero VPID", vpid_ok },
    { sec_exit_entry, "VM-exit controls within IA32_VMX_(TRUE_)EXIT_CTLS", exit_ok },
    { sec_exit_entry, "VM-entry controls within IA32_VMX_(TRUE_)ENTRY_CTLS", entry_ok },
    { sec_exit_entry, "VM-entry interruption information: valid type and vector", entry_info_type_ok },
    { sec_exit_entry, "VM-entry interruption information: deliver-error-code as the exception does",
      entry_info_error_ok },
    { sec_exit_entry, "VM-entry interruption information: bits 30:12 zero", entry_info_reserved_ok },
    { sec_exit_entry, "VM-entry instruction length 1-15 for software events", entry_insn_len_ok },
    { sec_host_cr, "host CR0 and CR4 within IA32_VMX_CR0/CR4_FIXED0/1", host_crs_ok },
    { sec_host_cr, "host CR3 within physical-address width", host_cr3_ok },
    { sec_host_cr, "host SYSENTER_ESP/EIP canonical", host_sysenter_ok },
    { sec_host_cr, "host IA32_PAT entries valid memory types", host_pat_ok },
    { sec_host_cr, "host IA32_EFER reserved bits zero, LMA = LME = host address-space size",
      host_efer_ok },
    { sec_host_seg, "host selectors RPL and TI zero; CS and TR nonzero", host_selectors_ok },
    { sec_host_seg, "host FS, GS, GDTR, IDTR and TR bases canonical", host_bases_ok },
    { sec_host_size, "64-bit host: host address-space size, CR4.PAE and canonical RIP", host_64bit_ok },
};
const unsigned int vmx_check_nr_ctl_rules = ARRAY_SIZE(vmx_check_ctl_rules);

const struct vmx_check_rule *vmx_check_vmcs(const struct vmx_vmcs_image *img,
                                            const struct vmx_caps *caps)
{
    for (unsigned int i = 0; i < vmx_check_nr_ctl_rules; i++)
        if (!vmx_check_ctl_rules[i].ok(img, caps))
            return &vmx_check_ctl_rules[i];
    for (unsigned int i = 0; i < vmx_check_nr_guest_rules; i++)
        if (!vmx_check_guest_rules[i].ok(img, caps))
            return &vmx_check_guest_rules[i];
    return NULL;
}
