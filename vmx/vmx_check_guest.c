// SPDX-License-Identifier: MIT
/* Debug-build VM-entry checker, part 2: the SDM's "Checks on the Guest
 * State Area" (control registers, segments, RIP/RFLAGS, non-register
 * state, PDPTEs). */
#include "vmx_check.h"

#define IMG const struct vmx_vmcs_image *m
#define CAPS const struct vmx_caps *c

static const char sec_cr[] = "Checks on Guest Control Registers, Debug Registers, and MSRs";
static const char sec_seg[] = "Checks on Guest Segment Registers";
static const char sec_dt[] = "Checks on Guest Descriptor-Table Registers";
static const char sec_rip[] = "Checks on Guest RIP, RFLAGS, and SSP";
static const char sec_nonreg[] = "Checks on Guest Non-Register State";
static const char sec_pdpte[] = "Checks on Guest Page-Directory-Pointer-Table Entries";

/* Access-rights fields ("Guest Register State"). */
#define AR_TYPE(ar) ((ar) & 0xf)
#define AR_S (1U << 4)
#define AR_DPL(ar) (((ar) >> 5) & 3)
#define AR_P (1U << 7)
#define AR_L (1U << 13)
#define AR_DB (1U << 14)
#define AR_G (1U << 15)
#define AR_RESERVED 0xfffe0f00U

static const struct vmx_seg *seg(IMG, enum x86_segment s)
{
    return &m->guest.seg[s];
}

static bool usable(const struct vmx_seg *s)
{
    return !(s->ar & VMX_AR_UNUSABLE);
}

static bool v86(IMG)
{
    return m->guest.rflags & CHK_RFLAGS_VM;
}

static bool cr0_fixed_ok(IMG, CAPS)
{
    uint64_t f0 = vmx_cr0_fixed0(c, &m->ctl), cr0 = m->guest.cr0;

    if (!chk_ug(m))
        f0 = c->cr0_fixed0;
    return (cr0 & f0) == f0 && !(cr0 & ~(c->cr0_fixed1 & 0xffffffffULL));
}

static bool cr0_pg_pe_ok(IMG, CAPS)
{
    (void)c;
    return !(m->guest.cr0 & CHK_CR0_PG) || (m->guest.cr0 & CHK_CR0_PE);
}

static bool cr4_fixed_ok(IMG, CAPS)
{
    return (m->guest.cr4 & c->cr4_fixed0) == c->cr4_fixed0 && !(m->guest.cr4 & ~c->cr4_fixed1);
}

static bool ia32e_paging_ok(IMG, CAPS)
{
    (void)c;
    return !chk_ia32e(m) || ((m->guest.cr0 & CHK_CR0_PG) && (m->guest.cr4 & CHK_CR4_PAE));
}

static bool pcide_ok(IMG, CAPS)
{
    (void)c;
    return chk_ia32e(m) || !(m->guest.cr4 & CHK_CR4_PCIDE);
}

static bool cr3_ok(IMG, CAPS) { return chk_phys_ok(m->guest.cr3, c); }

static bool dr7_ok(IMG, CAPS)
{
    (void)c;
    return !(m->ctl.entry & ENTRY_LOAD_DEBUG_CTLS) || !(m->guest.dr7 >> 32);
}

static bool sysenter_ok(IMG, CAPS)
{
    (void)c;
    return chk_canonical(m->guest.sysenter_esp) && chk_canonical(m->guest.sysenter_eip);
}

static bool pat_ok(IMG, CAPS)
{
    (void)c;
    return !(m->ctl.entry & ENTRY_LOAD_IA32_PAT) || chk_pat_ok(m->guest.pat);
}

static bool efer_ok(IMG, CAPS)
{
    uint64_t e = m->guest.efer;

    (void)c;
    if (!(m->ctl.entry & ENTRY_LOAD_IA32_EFER))
        return true;
    if ((e & ~CHK_EFER_VALID) || !!(e & CHK_EFER_LMA) != chk_ia32e(m))
        return false;
    return !(m->guest.cr0 & CHK_CR0_PG) || !!(e & CHK_EFER_LMA) == !!(e & CHK_EFER_LME);
}

static bool selectors_ti_ok(IMG, CAPS)
{
    (void)c;
    return !(seg(m, SEG_TR)->sel & 4) && (!usable(seg(m, SEG_LDTR)) || !(seg(m, SEG_LDTR)->sel & 4));
}

static bool ss_rpl_ok(IMG, CAPS)
{
    (void)c;
    return v86(m) || chk_ug(m) || (seg(m, SEG_SS)->sel & 3) == (seg(m, SEG_CS)->sel & 3);
}

static bool bases_ok(IMG, CAPS)
{
    (void)c;
    if (!chk_canonical(seg(m, SEG_TR)->base) || !chk_canonical(seg(m, SEG_FS)->base) ||
        !chk_canonical(seg(m, SEG_GS)->base))
        return false;
    if (usable(seg(m, SEG_LDTR)) && !chk_canonical(seg(m, SEG_LDTR)->base))
        return false;
    if (seg(m, SEG_CS)->base >> 32)
        return false;
    for (unsigned int s = SEG_ES; s <= SEG_DS; s++)
        if (s != SEG_CS && usable(seg(m, s)) && (seg(m, s)->base >> 32))
            return false;
    return true;
}

/* Virtual-8086 mode: base = selector * 16, limit 0xffff, AR 0xf3. */
static bool v86_segs_ok(IMG, CAPS)
{
    (void)c;
    if (!v86(m))
        return true;
    for (unsigned int s = SEG_ES; s <= SEG_GS; s++) {
        const struct vmx_seg *g = seg(m, s);

        if (g->base != (uint64_t)g->sel << 4 || g->limit != 0xffff || g->ar != 0xf3)
            return false;
    }
    return true;
}

static bool cs_type_ok(IMG, CAPS)
{
    uint32_t ar = seg(m, SEG_CS)->ar, t = AR_TYPE(ar);

    (void)c;
    if (v86(m))
        return true;
    if (!(t == 9 || t == 11 || t == 13 || t == 15 || (t == 3 && chk_ug(m))))
        return false;
    return (ar & AR_S) && (ar & AR_P) && usable(seg(m, SEG_CS));
}

/* Type 3 (unrestricted guest): DPL 0; non-conforming: DPL = SS.DPL;
 * conforming: DPL <= SS.DPL. */
static bool cs_dpl_ok(IMG, CAPS)
{
    uint32_t ar = seg(m, SEG_CS)->ar, t = AR_TYPE(ar), ss_dpl = AR_DPL(seg(m, SEG_SS)->ar);

    (void)c;
    if (v86(m))
        return true;
    if (t == 3)
        return AR_DPL(ar) == 0;
    if (t == 9 || t == 11)
        return AR_DPL(ar) == ss_dpl;
    return AR_DPL(ar) <= ss_dpl;
}

static bool ss_ok(IMG, CAPS)
{
    const struct vmx_seg *ss = seg(m, SEG_SS);

    (void)c;
    if (v86(m))
        return true;
    if (usable(ss) && AR_TYPE(ss->ar) != 3 && AR_TYPE(ss->ar) != 7)
        return false;
    if (!chk_ug(m) && AR_DPL(ss->ar) != (ss->sel & 3u))
        return false;
    if ((AR_TYPE(seg(m, SEG_CS)->ar) == 3 || !(m->guest.cr0 & CHK_CR0_PE)) && AR_DPL(ss->ar))
        return false;
    return !usable(ss) || ((ss->ar & AR_S) && (ss->ar & AR_P));
}

static bool data_segs_ok(IMG, CAPS)
{
    static const enum x86_segment data[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };

    (void)c;
    if (v86(m))
        return true;
    for (unsigned int i = 0; i < ARRAY_SIZE(data); i++) {
        uint32_t ar = seg(m, data[i])->ar;

        if (!usable(seg(m, data[i])))
            continue;
        if (!(ar & 1) || ((ar & 8) && !(ar & 2)) || !(ar & AR_S) || !(ar & AR_P))
            return false;
    }
    return true;
}

static bool ar_reserved_ok(IMG, CAPS)
{
    (void)c;
    for (unsigned int s = 0; s < NR_SEGMENTS; s++) {
        if (s == SEG_GDTR || s == SEG_IDTR || !usable(seg(m, s)) || v86(m))
            continue;
        if (seg(m, s)->ar & AR_RESERVED)
            return false;
    }
    return true;
}

/* Limit bits 11:0 not all ones require G = 0; bits 31:20 not all zero
 * require G = 1. */
static bool limits_ok(IMG, CAPS)
{
    (void)c;
    for (unsigned int s = 0; s < NR_SEGMENTS; s++) {
        const struct vmx_seg *g = seg(m, s);

        if (s == SEG_GDTR || s == SEG_IDTR || !usable(g) || v86(m))
            continue;
        if (((g->limit & 0xfff) != 0xfff && (g->ar & AR_G)) || ((g->limit >> 20) && !(g->ar & AR_G)))
            return false;
    }
    return true;
}

static bool cs_l_db_ok(IMG, CAPS)
{
    uint32_t ar = seg(m, SEG_CS)->ar;

    (void)c;
    return !chk_ia32e(m) || !(ar & AR_L) || !(ar & AR_DB);
}

static bool tr_ok(IMG, CAPS)
{
    uint32_t ar = seg(m, SEG_TR)->ar, t = AR_TYPE(ar);

    (void)c;
    if (!(t == 11 || (t == 3 && !chk_ia32e(m))))
        return false;
    return !(ar & AR_S) && (ar & AR_P) && usable(seg(m, SEG_TR));
}

static bool ldtr_ok(IMG, CAPS)
{
    uint32_t ar = seg(m, SEG_LDTR)->ar;

    (void)c;
    return !usable(seg(m, SEG_LDTR)) || (AR_TYPE(ar) == 2 && !(ar & AR_S) && (ar & AR_P));
}

static bool dt_ok(IMG, CAPS)
{
    (void)c;
    return chk_canonical(seg(m, SEG_GDTR)->base) && chk_canonical(seg(m, SEG_IDTR)->base) &&
           !(seg(m, SEG_GDTR)->limit >> 16) && !(seg(m, SEG_IDTR)->limit >> 16);
}

static bool rip_ok(IMG, CAPS)
{
    (void)c;
    if (chk_ia32e(m) && (seg(m, SEG_CS)->ar & AR_L))
        return chk_canonical(m->guest.rip);
    return !(m->guest.rip >> 32);
}

static bool rflags_reserved_ok(IMG, CAPS)
{
    uint64_t f = m->guest.rflags;

    (void)c;
    return !(f & (~0x3fffffULL | 1U << 15 | 1U << 5 | 1U << 3)) && (f & 2);
}

static bool rflags_vm_ok(IMG, CAPS)
{
    (void)c;
    return !v86(m) || (!chk_ia32e(m) && (m->guest.cr0 & CHK_CR0_PE));
}

static bool injecting(IMG, unsigned int type)
{
    return (m->entry_intr_info & INTR_INFO_VALID) && INTR_INFO_TYPE(m->entry_intr_info) == type;
}

static bool rflags_if_ok(IMG, CAPS)
{
    (void)c;
    return !injecting(m, INTR_TYPE_EXT_INTR) || (m->guest.rflags & CHK_RFLAGS_IF);
}

static bool activity_ok(IMG, CAPS)
{
    (void)c;
    return m->guest.activity <= 3 &&
           (m->guest.activity != 1 || AR_DPL(seg(m, SEG_SS)->ar) == 0);
}

static bool intr_state_ok(IMG, CAPS)
{
    uint32_t s = m->guest.interruptibility;

    (void)c;
    return !(s & ~0x1fU) && (s & 3) != 3;
}

static bool sti_if_ok(IMG, CAPS)
{
    (void)c;
    return !(m->guest.interruptibility & INTR_BLOCK_STI) || (m->guest.rflags & CHK_RFLAGS_IF);
}

static bool inject_blocking_ok(IMG, CAPS)
{
    uint32_t s = m->guest.interruptibility;

    (void)c;
    if (injecting(m, INTR_TYPE_EXT_INTR) && (s & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS)))
        return false;
    return !injecting(m, INTR_TYPE_NMI) || !(s & INTR_BLOCK_MOV_SS);
}

static bool inject_vnmi_ok(IMG, CAPS)
{
    (void)c;
    return !(m->ctl.pin & PIN_VIRTUAL_NMIS) || !injecting(m, INTR_TYPE_NMI) ||
           !(m->guest.interruptibility & INTR_BLOCK_NMI);
}

static bool smi_block_ok(IMG, CAPS)
{
    (void)c;
    return !(m->guest.interruptibility & INTR_BLOCK_SMI);   /* Mica never runs in SMM */
}

static bool pending_dbg_ok(IMG, CAPS)
{
    (void)c;
    return !(m->guest.pending_dbg & ~0x1500fULL);
}

static bool link_ok(IMG, CAPS)
{
    (void)c;
    return m->guest.link == ~0ULL;
}

/* PAE paging outside IA-32e mode with EPT: VM entry loads the PDPTEs from
 * the VMCS; present ones must have bits 2:1, 8:5 and beyond MAXPHYADDR 0. */
static bool pdptes_ok(IMG, CAPS)
{
    if (!(m->guest.cr0 & CHK_CR0_PG) || !(m->guest.cr4 & CHK_CR4_PAE) || chk_ia32e(m) ||
        !((m->ctl.proc & CPU_SECONDARY_CONTROLS) && (m->ctl.proc2 & CPU2_ENABLE_EPT)))
        return true;
    for (unsigned int i = 0; i < 4; i++) {
        uint64_t e = m->guest.pdpte[i];

        if ((e & 1) && ((e & 0x1e6) || !chk_phys_ok(e & ~0xfffULL & ~(1ULL << 63), c)))
            return false;
    }
    return true;
}

const struct vmx_check_rule vmx_check_guest_rules[] = {
    { sec_cr, "CR0 within IA32_VMX_CR0_FIXED0/1 (PE, PG free under unrestricted guest)", cr0_fixed_ok },
    { sec_cr, "CR0.PG requires CR0.PE", cr0_pg_pe_ok },
    { sec_cr, "CR4 within IA32_VMX_CR4_FIXED0/1", cr4_fixed_ok },
    { sec_cr, "IA-32e mode guest requires CR0.PG and CR4.PAE", ia32e_paging_ok },
    { sec_cr, "CR4.PCIDE requires IA-32e mode guest", pcide_ok },
    { sec_cr, "CR3 within physical-address width", cr3_ok },
    { sec_cr, "DR7 bits 63:32 zero", dr7_ok },
    { sec_cr, "SYSENTER_ESP/EIP canonical", sysenter_ok },
    { sec_cr, "IA32_PAT entries valid memory types", pat_ok },
    { sec_cr, "IA32_EFER: reserved bits zero, LMA = IA-32e mode guest, LMA = LME with paging",
      efer_ok },
    { sec_seg, "TR and LDTR selectors TI zero", selectors_ti_ok },
    { sec_seg, "SS.RPL = CS.RPL", ss_rpl_ok },
    { sec_seg, "bases: TR, FS, GS, LDTR canonical; CS, SS, DS, ES bits 63:32 zero", bases_ok },
    { sec_seg, "virtual-8086 segments: base = selector * 16, limit 0xffff, AR 0xf3", v86_segs_ok },
    { sec_seg, "CS type 9, 11, 13, 15 (3 with unrestricted guest), S and P set", cs_type_ok },
    { sec_seg, "CS.DPL: 0 for type 3, SS.DPL if non-conforming, <= SS.DPL if conforming", cs_dpl_ok },
    { sec_seg, "SS type 3 or 7; DPL = RPL; DPL 0 in real mode or with CS type 3", ss_ok },
    { sec_seg, "DS, ES, FS, GS usable: accessed, readable if code, S and P set", data_segs_ok },
    { sec_seg, "access rights bits 11:8 and 31:17 zero", ar_reserved_ok },
    { sec_seg, "limit and granularity consistent", limits_ok },
    { sec_seg, "CS.L requires CS.D/B clear in IA-32e mode", cs_l_db_ok },
    { sec_seg, "TR usable, type 11 (3 outside IA-32e mode), S clear, P set", tr_ok },
    { sec_seg, "LDTR if usable: type 2, S clear, P set", ldtr_ok },
    { sec_dt, "GDTR and IDTR bases canonical, limits bits 31:16 zero", dt_ok },
    { sec_rip, "RIP bits 63:32 zero outside 64-bit code, canonical in it", rip_ok },
    { sec_rip, "RFLAGS reserved bits zero and bit 1 set", rflags_reserved_ok },
    { sec_rip, "RFLAGS.VM clear in IA-32e mode and with CR0.PE clear", rflags_vm_ok },
    { sec_rip, "RFLAGS.IF set when injecting an external interrupt", rflags_if_ok },
    { sec_nonreg, "activity state 0-3; HLT requires SS.DPL 0", activity_ok },
    { sec_nonreg, "interruptibility bits 31:5 zero, not both STI and MOV-SS blocking", intr_state_ok },
    { sec_nonreg, "blocking by STI requires RFLAGS.IF", sti_if_ok },
    { sec_nonreg, "no STI/MOV-SS blocking when injecting an interrupt, no MOV-SS for NMI",
      inject_blocking_ok },
    { sec_nonreg, "no virtual-NMI blocking when injecting an NMI", inject_vnmi_ok },
    { sec_nonreg, "blocking by SMI only in SMM", smi_block_ok },
    { sec_nonreg, "pending debug exceptions reserved bits zero", pending_dbg_ok },
    { sec_nonreg, "VMCS link pointer all ones", link_ok },
    { sec_pdpte, "PAE paging with EPT: present PDPTEs have reserved bits zero", pdptes_ok },
};
const unsigned int vmx_check_nr_guest_rules = ARRAY_SIZE(vmx_check_guest_rules);
