// SPDX-License-Identifier: MIT
/* Guest register state kept in the VMCS image: control registers behind
 * their read shadows, EFER.LMA and the IA-32e entry control, segments in
 * VMX access-rights form, and the event to inject. */
#include <hv/lib.h>
#include <hv/x86.h>
#include "vmx.h"

#define CR0_PE (1ULL << 0)
#define CR0_TS (1ULL << 3)
#define CR0_NW (1ULL << 29)
#define CR0_CD (1ULL << 30)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_VMXE (1ULL << 13)

/* The architectural reset PAT. */
#define PAT_RESET 0x0007040600070406ULL

/* AMD's 12-bit attribute form (struct segment) to VMX access rights:
 * type/S/DPL/P stay at 0-7, AVL/L/D/G move from 8-11 to 12-15, and a
 * not-present segment is marked unusable. */
uint32_t vmx_attr_to_ar(uint16_t attr)
{
    uint32_t ar = (attr & 0xffU) | ((attr & 0xf00U) << 4);

    return (attr & 0x80) ? ar : ar | VMX_AR_UNUSABLE;
}

/* After an exit only the unusable bit and SS.DPL of an unusable segment
 * are defined ("Saving Segment Registers and Descriptor-Table Registers"). */
uint16_t vmx_ar_to_attr(uint32_t ar)
{
    if (ar & VMX_AR_UNUSABLE)
        return (uint16_t)(ar & 0x60);
    return (uint16_t)((ar & 0xff) | ((ar >> 4) & 0xf00));
}

static uint64_t guest_view(uint64_t real, uint64_t shadow, uint64_t mask)
{
    return (real & ~mask) | (shadow & mask);
}

/* "IA-32e mode guest" must equal EFER.LMA, and with paging on LMA equals
 * LME ("Checks on Guest Control Registers, Debug Registers, and MSRs"). */
static void state_sync_lma(struct vmx_vmcs_image *img)
{
    bool lma = (img->guest.efer & EFER_LME) && (img->guest.cr0 & CR0_PG);

    img->guest.efer = lma ? img->guest.efer | EFER_LMA : img->guest.efer & ~EFER_LMA;
    if (lma)
        img->ctl.entry |= ENTRY_IA32E_MODE_GUEST;
    else
        img->ctl.entry &= ~ENTRY_IA32E_MODE_GUEST;
}

/* Bits VMX forces (fixed to 1 or 0) are owned by the host: the guest
 * reads its own value from the read shadow and writing a different one
 * exits. */
static void state_set_cr0(struct vmx_vmcs_image *img, uint64_t val)
{
    uint64_t f0 = vmx_cr0_fixed0(&vmx_caps, &img->ctl);

    img->cr0_mask = f0 | (~vmx_caps.cr0_fixed1 & 0xffffffffULL);
    img->cr0_shadow = val;
    img->guest.cr0 = (val | f0) & vmx_caps.cr0_fixed1;
    img->guest.pdptes_stale = true;
    state_sync_lma(img);
}

static void state_set_cr4(struct vmx_vmcs_image *img, uint64_t val)
{
    img->cr4_mask = vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1;
    img->cr4_shadow = val;
    img->guest.cr4 = (val | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
    img->guest.pdptes_stale = true;
}

uint64_t vmx_state_get(const struct vmx_vmcs_image *img, enum hvm_ctrl_reg reg)
{
    switch (reg) {
    case HVM_CR0: return guest_view(img->guest.cr0, img->cr0_shadow, img->cr0_mask);
    case HVM_CR2: return img->guest.cr2;
    case HVM_CR3: return img->guest.cr3;
    case HVM_CR4: return guest_view(img->guest.cr4, img->cr4_shadow, img->cr4_mask);
    case HVM_EFER: return img->guest.efer;
    case HVM_PAT: return img->guest.pat;
    case HVM_RFLAGS: return img->guest.rflags;
    case HVM_RIP: return img->guest.rip;
    case HVM_RSP: return img->guest.rsp;
    case HVM_DR7: return img->guest.dr7;
    case HVM_RAX: break; /* in the vCPU's GPRs */
    }
    return 0;
}

void vmx_state_set(struct vmx_vmcs_image *img, enum hvm_ctrl_reg reg, uint64_t val)
{
    switch (reg) {
    case HVM_CR0: state_set_cr0(img, val); break;
    case HVM_CR2: img->guest.cr2 = val; break;
    case HVM_CR3: img->guest.cr3 = val, img->guest.pdptes_stale = true; break;
    case HVM_CR4: state_set_cr4(img, val); break;
    case HVM_EFER: img->guest.efer = val; state_sync_lma(img); break;
    case HVM_PAT: img->guest.pat = val; break;
    case HVM_RFLAGS: img->guest.rflags = val; break;
    case HVM_RSP: img->guest.rsp = val; break;
    case HVM_DR7: img->guest.dr7 = val; break;
    case HVM_RAX: break;
    case HVM_RIP:
        /* Moving past an emulated instruction ends an STI/MOV SS shadow. */
        img->guest.rip = val;
        img->guest.interruptibility &= ~(INTR_BLOCK_STI | INTR_BLOCK_MOV_SS);
        break;
    }
}

void vmx_state_get_seg(const struct vmx_vmcs_image *img, enum x86_segment seg,
                       struct segment *s)
{
    const struct vmx_seg *g = &img->guest.seg[seg];
    bool table = seg == SEG_GDTR || seg == SEG_IDTR;

    *s = (struct segment){ g->sel, table ? 0 : vmx_ar_to_attr(g->ar), g->limit, g->base };
}

void vmx_state_set_seg(struct vmx_vmcs_image *img, enum x86_segment seg,
                       const struct segment *s)
{
    bool table = seg == SEG_GDTR || seg == SEG_IDTR;

    img->guest.seg[seg] = (struct vmx_seg){ table ? 0 : s->sel,
                                            table ? 0 : vmx_attr_to_ar(s->attr),
                                            s->limit, s->base };
}

/* MOV to CR0/CR4 that touched a host-owned bit: what the CPU would have
 * faulted on natively gets #GP ("MOV—Move to/from Control Registers"). */
int vmx_state_write_cr(struct vmx_vmcs_image *img, unsigned int cr, uint64_t val)
{
    if (cr == 0) {
        if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) ||
            ((val & CR0_NW) && !(val & CR0_CD)))
            return -1;
        if ((val & CR0_PG) && (img->guest.efer & EFER_LME) && !(img->guest.cr4 & CR4_PAE))
            return -1;
        state_set_cr0(img, val);
        return 0;
    }
    if (cr == 4) {
        if (val & (~vmx_caps.cr4_fixed1 | CR4_VMXE))
            return -1;
        if ((img->guest.efer & EFER_LMA) && !(val & CR4_PAE))
            return -1;
        state_set_cr4(img, val);
        return 0;
    }
    return -1;
}

bool vmx_state_pae_paging(const struct vmx_vmcs_image *img)
{
    return (img->guest.cr0 & CR0_PG) && (img->guest.cr4 & CR4_PAE) &&
           !(img->guest.efer & EFER_LMA);
}

/* "Format of a PAE Page-Directory-Pointer-Table Entry": a present entry
 * has bits 2:1, 8:5 and 63:MAXPHYADDR zero; MOV to CR would #GP otherwise. */
int vmx_state_set_pdptes(struct vmx_vmcs_image *img, const uint64_t pdpte[4],
                         unsigned int phys_bits)
{
    uint64_t rsvd = 0x1e6ULL | (~0ULL << phys_bits);

    for (unsigned int i = 0; i < 4; i++)
        if ((pdpte[i] & 1) && (pdpte[i] & rsvd))
            return -1;
    memcpy(img->guest.pdpte, pdpte, sizeof(img->guest.pdpte));
    img->guest.pdptes_stale = false;
    return 0;
}

/* Exceptions that push an error code in protected mode ("Exception and
 * Interrupt Reference"); in real mode none does, and VM entry insists the
 * deliver-error-code bit says exactly that ("Checks on VM-Entry Control
 * Fields"). */
static bool exc_has_error(const struct vmx_vmcs_image *img, uint8_t vector)
{
    if (!(img->guest.cr0 & CR0_PE))
        return false;
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

bool vmx_state_inject(struct vmx_vmcs_image *img, enum hvm_event_type type, uint8_t vector,
                      bool has_error, uint32_t error)
{
    uint32_t info = vector | ((uint32_t)type << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID;

    if (img->entry_intr_info & INTR_INFO_VALID)
        return false;
    if (type == HVM_EVENT_EXCEPTION && has_error && exc_has_error(img, vector)) {
        info |= INTR_INFO_HAS_ERROR;
        img->entry_error = error;
    }
    /* A software interrupt is delivered as if by INT n, two bytes long. */
    img->entry_insn_len = type == HVM_EVENT_SOFTINT ? 2 : 0;
    img->entry_intr_info = info;
    return true;
}

static void seg_flat(struct vmx_seg *s, uint16_t sel, uint16_t attr)
{
    *s = (struct vmx_seg){ sel, vmx_attr_to_ar(attr), 0xffffffff, 0 };
}

/*
 * Flat 32-bit protected mode, paging off, as SVM starts a vCPU (the state
 * multiboot and the Linux 32-bit boot protocol require): CS = 0x10, data
 * = 0x18. GDTR/IDTR limits 0xffff, LDTR unusable, TR a busy 32-bit TSS.
 */
void vmx_state_init(struct vmx_vmcs_image *img)
{
    for (unsigned int s = SEG_ES; s <= SEG_GS; s++)
        seg_flat(&img->guest.seg[s], 0x18, 0xc93);
    seg_flat(&img->guest.seg[SEG_CS], 0x10, 0xc9b);
    img->guest.seg[SEG_GDTR] = (struct vmx_seg){ 0, 0, 0xffff, 0 };
    img->guest.seg[SEG_IDTR] = (struct vmx_seg){ 0, 0, 0xffff, 0 };
    img->guest.seg[SEG_LDTR] = (struct vmx_seg){ 0, VMX_AR_UNUSABLE, 0xffff, 0 };
    img->guest.seg[SEG_TR] = (struct vmx_seg){ 0, vmx_attr_to_ar(0x8b), 0xffff, 0 };
    img->guest.efer = 0;
    state_set_cr0(img, 0x11);     /* PE, ET */
    state_set_cr4(img, 0);
    img->guest.rflags = 0x2;
    img->guest.dr7 = 0x400;
    img->guest.pat = PAT_RESET;
    img->guest.link = ~0ULL;      /* no shadow VMCS */
    img->guest.activity = 0;      /* active */
}
