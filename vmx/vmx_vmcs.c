// SPDX-License-Identifier: MIT
/* The VMCS image and the hardware VMCS: shared I/O and MSR bitmaps, host
 * state of this pCPU, and the copies made around each run. The VMCS
 * must be current on this pCPU (vmx.c loads it). */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/percpu.h>
#include <hv/x86.h>
#include "vmx.h"
#include "vmx_insn.h"

#define CR4_PAE (1ULL << 5)
#define CR0_PG (1ULL << 31)

paddr_t vmx_io_bitmap_pa[2], vmx_msr_bitmap_pa;

/* MSRs the guest may touch directly: kept in the VMCS (FS/GS base,
 * SYSENTER) or swapped by vmx.c (the SYSCALL MSRs, KERNEL_GS_BASE). */
static const uint32_t passthrough_msrs[] = {
    0xc0000100, 0xc0000101, 0xc0000102,              /* FS/GS/KERNEL_GS base */
    0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,  /* STAR, LSTAR, CSTAR, SFMASK */
    MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/* "MSR-Bitmap Address": read bitmaps for 0-0x1fff and 0xc0000000-
 * 0xc0001fff at 0 and 1 KiB, write bitmaps at 2 and 3 KiB; 1 = exit. */
static void msr_bitmap_allow(uint8_t *bm, uint32_t msr)
{
    uint32_t base = msr >= 0xc0000000 ? 0x400 : 0, idx = msr & 0x1fff;

    bm[base + idx / 8] &= (uint8_t)~(1U << (idx % 8));
    bm[0x800 + base + idx / 8] &= (uint8_t)~(1U << (idx % 8));
}

int vmx_bitmaps_init(void)
{
    uint8_t *io_a = alloc_page_zeroed(), *io_b = alloc_page_zeroed();
    uint8_t *msr = alloc_page_zeroed();

    if (!io_a || !io_b || !msr)
        return -ENOMEM;
    /* Every port and MSR exits except the few listed. */
    memset(io_a, 0xff, PAGE_SIZE);
    memset(io_b, 0xff, PAGE_SIZE);
    memset(msr, 0xff, PAGE_SIZE);
    for (unsigned int i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
        msr_bitmap_allow(msr, passthrough_msrs[i]);
    vmx_io_bitmap_pa[0] = __pa(io_a);
    vmx_io_bitmap_pa[1] = __pa(io_b);
    vmx_msr_bitmap_pa = __pa(msr);
    return 0;
}

static uint16_t read_sel(int which)
{
    uint16_t s = 0;

    switch (which) {
    case 0: asm volatile("mov %%es, %0" : "=r"(s)); break;
    case 1: asm volatile("mov %%cs, %0" : "=r"(s)); break;
    case 2: asm volatile("mov %%ss, %0" : "=r"(s)); break;
    case 3: asm volatile("mov %%ds, %0" : "=r"(s)); break;
    case 4: asm volatile("mov %%fs, %0" : "=r"(s)); break;
    case 5: asm volatile("mov %%gs, %0" : "=r"(s)); break;
    default: asm volatile("str %0" : "=r"(s)); break;
    }
    return s;
}

struct __attribute__((packed)) desc_ptr {
    uint16_t limit;
    uint64_t base;
};

/* This pCPU's state to return to after an exit ("Host-State Area"). */
void vmx_vmcs_capture_host(struct vmx_vmcs_image *img)
{
    struct desc_ptr gdt, idt;

    asm volatile("sgdt %0" : "=m"(gdt));
    asm volatile("sidt %0" : "=m"(idt));
    img->host.cr0 = read_cr0();
    img->host.cr3 = read_cr3();
    img->host.cr4 = read_cr4();
    img->host.es = read_sel(0), img->host.cs = read_sel(1), img->host.ss = read_sel(2);
    img->host.ds = read_sel(3), img->host.fs = read_sel(4), img->host.gs = read_sel(5);
    img->host.tr = read_sel(6);
    img->host.fs_base = rdmsr(MSR_FS_BASE);
    img->host.gs_base = rdmsr(MSR_GS_BASE);
    img->host.tr_base = (uint64_t)this_cpu()->tss;
    img->host.gdtr_base = gdt.base;
    img->host.idtr_base = idt.base;
    img->host.sysenter_cs = (uint32_t)rdmsr(MSR_IA32_SYSENTER_CS);
    img->host.sysenter_esp = rdmsr(MSR_IA32_SYSENTER_ESP);
    img->host.sysenter_eip = rdmsr(MSR_IA32_SYSENTER_EIP);
    img->host.pat = rdmsr(MSR_IA32_PAT);
    img->host.efer = rdmsr(MSR_EFER);
    img->host.rip = (uint64_t)vmx_vmexit;
}

/* x86 segment number of each enum x86_segment, for the field encodings. */
static const int8_t seg_hw_index[NR_SEGMENTS] = {
    [SEG_ES] = 0, [SEG_CS] = 1, [SEG_SS] = 2, [SEG_DS] = 3, [SEG_FS] = 4,
    [SEG_GS] = 5, [SEG_LDTR] = 6, [SEG_TR] = 7, [SEG_GDTR] = -1, [SEG_IDTR] = -1,
};

static void write_host(const struct vmx_vmcs_image *img)
{
    vmwrite(VMCS_HOST_CR0, img->host.cr0);
    vmwrite(VMCS_HOST_CR3, img->host.cr3);
    vmwrite(VMCS_HOST_CR4, img->host.cr4);
    vmwrite(VMCS_HOST_ES_SELECTOR, img->host.es);
    vmwrite(VMCS_HOST_CS_SELECTOR, img->host.cs);
    vmwrite(VMCS_HOST_SS_SELECTOR, img->host.ss);
    vmwrite(VMCS_HOST_DS_SELECTOR, img->host.ds);
    vmwrite(VMCS_HOST_FS_SELECTOR, img->host.fs);
    vmwrite(VMCS_HOST_GS_SELECTOR, img->host.gs);
    vmwrite(VMCS_HOST_TR_SELECTOR, img->host.tr);
    vmwrite(VMCS_HOST_FS_BASE, img->host.fs_base);
    vmwrite(VMCS_HOST_GS_BASE, img->host.gs_base);
    vmwrite(VMCS_HOST_TR_BASE, img->host.tr_base);
    vmwrite(VMCS_HOST_GDTR_BASE, img->host.gdtr_base);
    vmwrite(VMCS_HOST_IDTR_BASE, img->host.idtr_base);
    vmwrite(VMCS_HOST_SYSENTER_CS, img->host.sysenter_cs);
    vmwrite(VMCS_HOST_SYSENTER_ESP, img->host.sysenter_esp);
    vmwrite(VMCS_HOST_SYSENTER_EIP, img->host.sysenter_eip);
    vmwrite(VMCS_HOST_IA32_PAT, img->host.pat);
    vmwrite(VMCS_HOST_IA32_EFER, img->host.efer);
    vmwrite(VMCS_HOST_RIP, img->host.rip);
}

static void write_static_controls(const struct vmx_vmcs_image *img)
{
    vmwrite(VMCS_PIN_BASED_CTLS, img->ctl.pin);
    vmwrite(VMCS_PROC_BASED_CTLS2, img->ctl.proc2);
    vmwrite(VMCS_EXIT_CTLS, img->ctl.exit);
    vmwrite(VMCS_EXCEPTION_BITMAP, img->exception_bitmap);
    vmwrite(VMCS_CR3_TARGET_COUNT, img->cr3_target_count);
    vmwrite(VMCS_EXIT_MSR_STORE_COUNT, img->exit_msr_store_count);
    vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, img->exit_msr_load_count);
    vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, img->entry_msr_load_count);
    vmwrite(VMCS_TPR_THRESHOLD, img->tpr_threshold);
    vmwrite(VMCS_IO_BITMAP_A, img->io_bitmap_a);
    vmwrite(VMCS_IO_BITMAP_B, img->io_bitmap_b);
    vmwrite(VMCS_MSR_BITMAP, img->msr_bitmap);
    vmwrite(VMCS_VIRTUAL_APIC_ADDR, img->vapic_addr);
    if (img->ctl.proc2 & CPU2_ENABLE_VPID)
        vmwrite(VMCS_VPID, img->vpid);
    vmwrite(VMCS_LINK_POINTER, img->guest.link);
}

/* Everything, after VMPTRLD on a new pCPU (the host part differs). */
void vmx_vmcs_write_all(const struct vmx_vmcs_image *img)
{
    write_host(img);
    write_static_controls(img);
    vmx_vmcs_write_entry(img);
}

static void write_segments(const struct vmx_vmcs_image *img)
{
    for (unsigned int s = 0; s < NR_SEGMENTS; s++) {
        const struct vmx_seg *g = &img->guest.seg[s];
        int hw = seg_hw_index[s];

        if (hw < 0)
            continue;
        vmwrite(VMCS_GUEST_ES_SELECTOR + 2 * hw, g->sel);
        vmwrite(VMCS_GUEST_ES_LIMIT + 2 * hw, g->limit);
        vmwrite(VMCS_GUEST_ES_AR + 2 * hw, g->ar);
        vmwrite(VMCS_GUEST_ES_BASE + 2 * hw, g->base);
    }
    vmwrite(VMCS_GUEST_GDTR_BASE, img->guest.seg[SEG_GDTR].base);
    vmwrite(VMCS_GUEST_GDTR_LIMIT, img->guest.seg[SEG_GDTR].limit);
    vmwrite(VMCS_GUEST_IDTR_BASE, img->guest.seg[SEG_IDTR].base);
    vmwrite(VMCS_GUEST_IDTR_LIMIT, img->guest.seg[SEG_IDTR].limit);
}

/* The guest state and the controls that change between runs. */
void vmx_vmcs_write_entry(const struct vmx_vmcs_image *img)
{
    vmwrite(VMCS_PROC_BASED_CTLS, img->ctl.proc);
    vmwrite(VMCS_ENTRY_CTLS, img->ctl.entry);
    vmwrite(VMCS_ENTRY_INTR_INFO, img->entry_intr_info);
    vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, img->entry_error);
    vmwrite(VMCS_ENTRY_INSN_LEN, img->entry_insn_len);
    vmwrite(VMCS_TSC_OFFSET, img->tsc_offset);
    vmwrite(VMCS_EPT_POINTER, img->eptp);
    vmwrite(VMCS_CR0_GUEST_HOST_MASK, img->cr0_mask);
    vmwrite(VMCS_CR0_READ_SHADOW, img->cr0_shadow);
    vmwrite(VMCS_CR4_GUEST_HOST_MASK, img->cr4_mask);
    vmwrite(VMCS_CR4_READ_SHADOW, img->cr4_shadow);
    vmwrite(VMCS_GUEST_CR0, img->guest.cr0);
    vmwrite(VMCS_GUEST_CR3, img->guest.cr3);
    vmwrite(VMCS_GUEST_CR4, img->guest.cr4);
    vmwrite(VMCS_GUEST_DR7, img->guest.dr7);
    vmwrite(VMCS_GUEST_RSP, img->guest.rsp);
    vmwrite(VMCS_GUEST_RIP, img->guest.rip);
    vmwrite(VMCS_GUEST_RFLAGS, img->guest.rflags);
    vmwrite(VMCS_GUEST_IA32_EFER, img->guest.efer);
    vmwrite(VMCS_GUEST_IA32_PAT, img->guest.pat);
    vmwrite(VMCS_GUEST_IA32_DEBUGCTL, img->guest.debugctl);
    vmwrite(VMCS_GUEST_SYSENTER_CS, img->guest.sysenter_cs);
    vmwrite(VMCS_GUEST_SYSENTER_ESP, img->guest.sysenter_esp);
    vmwrite(VMCS_GUEST_SYSENTER_EIP, img->guest.sysenter_eip);
    vmwrite(VMCS_GUEST_PENDING_DBG, img->guest.pending_dbg);
    vmwrite(VMCS_GUEST_INTERRUPTIBILITY, img->guest.interruptibility);
    vmwrite(VMCS_GUEST_ACTIVITY_STATE, img->guest.activity);
    for (unsigned int i = 0; i < 4; i++)
        vmwrite(VMCS_GUEST_PDPTE0 + 2 * i, img->guest.pdpte[i]);
    write_segments(img);
}

static void read_segments(struct vmx_vmcs_image *img)
{
    for (unsigned int s = 0; s < NR_SEGMENTS; s++) {
        struct vmx_seg *g = &img->guest.seg[s];
        int hw = seg_hw_index[s];

        if (hw < 0)
            continue;
        g->sel = (uint16_t)vmread(VMCS_GUEST_ES_SELECTOR + 2 * hw);
        g->limit = (uint32_t)vmread(VMCS_GUEST_ES_LIMIT + 2 * hw);
        g->ar = (uint32_t)vmread(VMCS_GUEST_ES_AR + 2 * hw);
        g->base = vmread(VMCS_GUEST_ES_BASE + 2 * hw);
    }
    img->guest.seg[SEG_GDTR].base = vmread(VMCS_GUEST_GDTR_BASE);
    img->guest.seg[SEG_GDTR].limit = (uint32_t)vmread(VMCS_GUEST_GDTR_LIMIT);
    img->guest.seg[SEG_IDTR].base = vmread(VMCS_GUEST_IDTR_BASE);
    img->guest.seg[SEG_IDTR].limit = (uint32_t)vmread(VMCS_GUEST_IDTR_LIMIT);
}

/* What the guest may have changed without an exit. EFER.LMA follows
 * CR0.PG natively, so the IA-32e entry control is taken from it. */
void vmx_vmcs_read_guest(struct vmx_vmcs_image *img)
{
    img->guest.cr0 = vmread(VMCS_GUEST_CR0);
    img->guest.cr3 = vmread(VMCS_GUEST_CR3);
    img->guest.cr4 = vmread(VMCS_GUEST_CR4);
    img->guest.dr7 = vmread(VMCS_GUEST_DR7);
    img->guest.rsp = vmread(VMCS_GUEST_RSP);
    img->guest.rip = vmread(VMCS_GUEST_RIP);
    img->guest.rflags = vmread(VMCS_GUEST_RFLAGS);
    img->guest.efer = vmread(VMCS_GUEST_IA32_EFER);
    img->guest.pat = vmread(VMCS_GUEST_IA32_PAT);
    img->guest.sysenter_cs = (uint32_t)vmread(VMCS_GUEST_SYSENTER_CS);
    img->guest.sysenter_esp = vmread(VMCS_GUEST_SYSENTER_ESP);
    img->guest.sysenter_eip = vmread(VMCS_GUEST_SYSENTER_EIP);
    img->guest.interruptibility = (uint32_t)vmread(VMCS_GUEST_INTERRUPTIBILITY);
    img->guest.activity = (uint32_t)vmread(VMCS_GUEST_ACTIVITY_STATE);
    img->guest.pending_dbg = vmread(VMCS_GUEST_PENDING_DBG);
    if ((img->guest.cr0 & CR0_PG) && (img->guest.cr4 & CR4_PAE) && !(img->guest.efer & EFER_LMA))
        for (unsigned int i = 0; i < 4; i++)
            img->guest.pdpte[i] = vmread(VMCS_GUEST_PDPTE0 + 2 * i);
    if (img->guest.efer & EFER_LMA)
        img->ctl.entry |= ENTRY_IA32E_MODE_GUEST;
    else
        img->ctl.entry &= ~ENTRY_IA32E_MODE_GUEST;
    read_segments(img);
}

void vmx_vmcs_read_exit(struct vmx_exit_info *x)
{
    x->reason = (uint32_t)vmread(VMCS_EXIT_REASON);
    x->qual = vmread(VMCS_EXIT_QUALIFICATION);
    x->intr_info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);
    x->intr_error = (uint32_t)vmread(VMCS_EXIT_INTR_ERROR);
    x->idt_info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
    x->idt_error = (uint32_t)vmread(VMCS_IDT_VECTORING_ERROR);
    x->insn_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
    x->insn_info = (uint32_t)vmread(VMCS_EXIT_INSN_INFO);
    x->gpa = vmread(VMCS_GUEST_PHYSICAL_ADDRESS);
}
