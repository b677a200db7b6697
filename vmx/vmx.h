/* SPDX-License-Identifier: MIT */
/* VMX backend internals shared by the files of vmx/. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <hv/hvm.h>
#include <hv/types.h>
#include "vmcs.h"

/* The capability MSRs of one CPU (true_* are 0 when IA32_VMX_BASIC[55]
 * says the TRUE controls do not exist). */
struct vmx_caps {
    uint64_t basic, pin, proc, exit, entry, misc, proc2, ept_vpid;
    uint64_t true_pin, true_proc, true_exit, true_entry;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    unsigned int phys_bits;     /* CPUID 0x80000008 EAX[7:0] */
};

struct vmx_controls {
    uint32_t pin, proc, proc2, exit, entry;
};

/* Derive the control words from the capability MSRs; -ENODEV with
 * *missing naming the first required control the CPU cannot provide. */
int __must_check vmx_controls_compute(const struct vmx_caps *caps, struct vmx_controls *out,
                                      const char **missing);
/* One control word: the allowed-0 (low half: must be 1) and allowed-1
 * (high half: may be 1) settings applied to what we want. */
uint32_t vmx_ctl_adjust(uint64_t msr, uint64_t true_msr, uint32_t want, uint32_t known);
/* CR0 bits the guest may clear under unrestricted guest: PE and PG. */
uint64_t vmx_cr0_fixed0(const struct vmx_caps *caps, const struct vmx_controls *ctl);

/* A segment in VMX form (access rights per "Guest Register State"). */
struct vmx_seg {
    uint16_t sel;
    uint32_t ar;
    uint32_t limit;
    uint64_t base;
};

/*
 * Design: the VMCS fields Mica manages, mirrored in memory. The backend
 * reads and writes this image; it is written to the VMCS before each entry
 * and the guest state read back after each exit. The pre-entry checker
 * works on it too, which keeps both host-testable and lets a vCPU be set
 * up on a pCPU where its VMCS is not loaded.
 */
struct vmx_vmcs_image {
    struct vmx_controls ctl;
    uint32_t exception_bitmap, cr3_target_count, tpr_threshold;
    uint32_t entry_intr_info, entry_error, entry_insn_len;
    uint32_t exit_msr_store_count, exit_msr_load_count, entry_msr_load_count;
    uint16_t vpid;
    uint64_t cr0_mask, cr0_shadow, cr4_mask, cr4_shadow;
    uint64_t tsc_offset, eptp, io_bitmap_a, io_bitmap_b, msr_bitmap, vapic_addr;
    struct {
        uint64_t cr0, cr3, cr4, rip, fs_base, gs_base, tr_base, gdtr_base, idtr_base;
        uint64_t sysenter_esp, sysenter_eip, pat, efer;
        uint32_t sysenter_cs;
        uint16_t es, cs, ss, ds, fs, gs, tr;
    } host;
    struct {
        uint64_t cr0, cr3, cr4, dr7, rsp, rip, rflags, efer, pat, debugctl;
        uint64_t sysenter_esp, sysenter_eip, pending_dbg, link, pdpte[4];
        uint64_t cr2;                      /* not a VMCS field: loaded by hand */
        bool pdptes_stale;                 /* CR0/3/4 set by Mica: reload PDPTEs */
        uint32_t sysenter_cs, interruptibility, activity;
        struct vmx_seg seg[NR_SEGMENTS];   /* GDTR/IDTR: base and limit only */
    } guest;
};

/* MSRs VMX does not switch but the guest may use directly (SVM's
 * VMLOAD/VMSAVE set): swapped by software around each run. */
enum { VMX_SWAP_STAR, VMX_SWAP_LSTAR, VMX_SWAP_CSTAR, VMX_SWAP_SFMASK,
       VMX_SWAP_KGSBASE, NR_VMX_SWAP };

#define VMX_NO_CPU (~0U)

struct vmx_vcpu {
    struct vmx_vmcs_image vmcs;
    void *vmcs_page;
    paddr_t vmcs_pa;
    void *vapic_page;           /* TPR shadow: CR8 reads/writes land here */
    unsigned int cpu;           /* pCPU the VMCS is active on, or VMX_NO_CPU */
    bool launched;              /* VMRESUME, not VMLAUNCH */
    bool flush_tlb;             /* INVEPT/INVVPID before the next entry */
    uint64_t guest_msr[NR_VMX_SWAP];
};

/* Exit information read from the VMCS after an exit. */
struct vmx_exit_info {
    uint32_t reason, intr_info, intr_error, idt_info, idt_error;
    uint32_t insn_len, insn_info;
    uint64_t qual, gpa;
};

/* Exit qualification of control-register accesses (SDM "Exit
 * Qualification for Control-Register Accesses"). */
enum vmx_cr_access { CR_ACCESS_MOV_TO = 0, CR_ACCESS_MOV_FROM = 1, CR_ACCESS_CLTS = 2,
                     CR_ACCESS_LMSW = 3 };
struct vmx_cr_qual {
    unsigned int cr, gpr;
    enum vmx_cr_access type;
    bool lmsw_mem;
    uint16_t lmsw_src;
};
void vmx_decode_cr_qual(uint64_t qual, struct vmx_cr_qual *out);

/* vmx_exit.c: exits into struct hvm_exit; handled-here exits act on the
 * image and gprs and leave HVM_EXIT_NONE (or HVM_EXIT_GP to raise #GP). */
void vmx_exit_decode(struct vmx_vmcs_image *img, uint64_t *gprs, const struct vmx_exit_info *x,
                     const struct vmx_caps *caps, struct hvm_exit *e);
void vmx_requeue_idt_vectoring(struct vmx_vmcs_image *img, const struct vmx_exit_info *x);

/* vmx_state.c: register access on the image. */
void vmx_state_init(struct vmx_vmcs_image *img);
uint64_t vmx_state_get(const struct vmx_vmcs_image *img, enum hvm_ctrl_reg reg);
void vmx_state_set(struct vmx_vmcs_image *img, enum hvm_ctrl_reg reg, uint64_t val);
void vmx_state_get_seg(const struct vmx_vmcs_image *img, enum x86_segment seg,
                       struct segment *s);
void vmx_state_set_seg(struct vmx_vmcs_image *img, enum x86_segment seg,
                       const struct segment *s);
uint32_t vmx_attr_to_ar(uint16_t attr);
uint16_t vmx_ar_to_attr(uint32_t ar);
/* Mov to CR0/CR4 by the guest: 0, or -1 when it must get #GP. */
int vmx_state_write_cr(struct vmx_vmcs_image *img, unsigned int cr, uint64_t val);
bool vmx_state_inject(struct vmx_vmcs_image *img, enum hvm_event_type type, uint8_t vector,
                      bool has_error, uint32_t error);
/* PAE paging outside IA-32e mode: with EPT, VM entry takes the PDPTEs
 * from the VMCS. After Mica changed CR0, CR3 or CR4 they are reloaded from
 * guest memory: vmx_state_set_pdptes() takes the four entries read at
 * CR3[31:5], -1 if a present one has reserved bits set. */
bool vmx_state_pae_paging(const struct vmx_vmcs_image *img);
int vmx_state_set_pdptes(struct vmx_vmcs_image *img, const uint64_t pdpte[4],
                         unsigned int phys_bits);

/* vmx_check*.c: the SDM's VM-entry checks, run before each entry in
 * debug builds. NULL if the image passes, else the first rule it breaks:
 * its SDM section title and the rule in words. */
struct vmx_check_rule {
    const char *section;
    const char *rule;
    bool (*ok)(const struct vmx_vmcs_image *img, const struct vmx_caps *caps);
};
const struct vmx_check_rule *vmx_check_vmcs(const struct vmx_vmcs_image *img,
                                            const struct vmx_caps *caps);

/* vmx_names.c */
const char *vmx_insn_error_name(uint32_t error);
const char *vmx_exit_reason_name(uint32_t reason);

/* vmx_vmcs.c: the image and the hardware VMCS (VMCS must be current). */
int vmx_bitmaps_init(void);
extern paddr_t vmx_io_bitmap_pa[2], vmx_msr_bitmap_pa;
void vmx_vmcs_capture_host(struct vmx_vmcs_image *img);
void vmx_vmcs_write_all(const struct vmx_vmcs_image *img);
void vmx_vmcs_write_entry(const struct vmx_vmcs_image *img);
void vmx_vmcs_read_guest(struct vmx_vmcs_image *img);
void vmx_vmcs_read_exit(struct vmx_exit_info *x);

/* vmx_entry.asm: 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed. */
int vmx_vmenter(uint64_t *gprs, bool launched);
extern const char vmx_vmexit[];

extern struct vmx_caps vmx_caps;
extern struct vmx_controls vmx_ctl;

#endif /* VMX_VMX_H */
