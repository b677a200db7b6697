/* SPDX-License-Identifier: MIT */
/* Classic 64-bit PV guests (pv/): a guest kernel in ring 3 sharing its
 * address space with the hypervisor; what the rest of Mica sees of them. */
#ifndef HV_PV_H
#define HV_PV_H

#include <hv/domain.h>
#include <hv/pv_mm.h>
#include <hv/regs.h>
#include <public/arch-x86/xen.h>

/* cpu_regs.vector of an exit through SYSCALL (64-bit, compatibility mode):
 * above every hardware vector. */
#define PV_VEC_SYSCALL 0x100
#define PV_VEC_SYSCALL32 0x101

#define PV_LDT_PAGES 16 /* 8192 descriptors, Xen's limit */

/*
 * A PV vCPU (struct vcpu.arch). The guest runs at CPL 3 in both of its
 * modes; kernel_mode is the hypervisor's own record of which one it is in
 * (Xen's TF_kernel_mode), switched by bounces and the iret hypercall.
 *
 * Locking: only the pCPU running the vCPU touches it (hypercalls act on
 * the calling vCPU only).
 */
#define PV_FAILSAFE_SELS 4 /* DS, ES, FS, GS in the failsafe frame */

struct pv_vcpu {
    /* Guest registers at the last exit. TSS.RSP0 points just past them
     * while the vCPU runs, so the CPU and the entry stubs (pv_entry.asm)
     * save the guest's state here directly. */
    struct cpu_regs regs __aligned(16);
    struct vcpu *vcpu;
    bool kernel_mode;
    bool initialised;                     /* VCPUOP_initialise done (APs) */
    /* The PV MMU's view (mm/pv_mm*.c): the page-table bases, kernel_l4
     * (CR3 in kernel mode) and user_l4 (INVALID_MFN: none yet). */
    struct pv_mm_vcpu mm;
    uint64_t kernel_ss, kernel_sp;        /* stack_switch: user -> kernel */
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint16_t ds, es, fs, gs;              /* selectors while switched out */
    uint64_t event_cb, failsafe_cb, syscall_cb; /* callback VAs, 0 = none */
    bool failsafe_masks, syscall_masks;   /* CALLBACKF_mask_events */
    /* A selector failed to reload at switch-in: the failsafe callback
     * gets the wanted DS, ES, FS, GS before the guest runs on. */
    bool failsafe_pending;
    uint64_t failsafe_sels[PV_FAILSAFE_SELS];
    bool nmi_masked;                      /* in its NMI callback until an iret */
    uint64_t cr2;                         /* last #PF address bounced */
    bool cr0_ts;                          /* fpu_taskswitch: virtual CR0.TS */
    uint64_t cr4;                         /* virtual CR4: what the guest wrote */
    struct trap_info trap[256];           /* the virtual IDT (set_trap_table) */
    mfn_t gdt_frames[FIRST_RESERVED_GDT_PAGE]; /* set_gdt: each PGT_SEG_DESC */
    unsigned int gdt_nr, gdt_ents;        /* frames held, descriptors usable */
    mfn_t ldt_frames[PV_LDT_PAGES];       /* MMUEXT_SET_LDT: each PGT_SEG_DESC */
    unsigned int ldt_nr, ldt_ents;        /* frames held, descriptors (0: none) */
    uint64_t dr[4], dr6, dr7;             /* set_debugreg: guest's view */
    uint8_t iopl;                         /* PHYSDEVOP_set_iopl: virtual IOPL */
    uint32_t pci_cf8;                     /* the emulated 0xcf8 latch */
};
_Static_assert(sizeof(struct cpu_regs) % 16 == 0, "the frame ends 16-byte aligned");

/* A PV domain (struct domain.pv). */
struct pv_domain {
    struct domain *domain;
    struct pv_mm_domain mm;               /* frame types and counts, pins */
    mfn_t console_mfn;                    /* held writable for Mica's writes */
    uint64_t vm_assist;                   /* enabled VMASST_TYPE_* bits */
    uint64_t log_window_ns;               /* pv_log rate limit: window start */
    unsigned int log_count;               /* lines in that window */
};

extern const struct domain_ops pv_domain_ops;

/* This CPU's SYSCALL MSRs for PV entry; before HVM saves its host state. */
void pv_cpu_init(void);

#endif /* HV_PV_H */
