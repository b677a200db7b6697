/* SPDX-License-Identifier: MIT */
/* x86 guest ABI: reserved GDT, virtual IDT entries, PV vCPU context, arch shared info. */
#ifndef PUBLIC_ARCH_X86_XEN_H
#define PUBLIC_ARCH_X86_XEN_H

#include <public/xen-types.h>
#include <public/arch-x86/xen-x86_64.h>

/*
 * The last GDT page a PV guest could use is the hypervisor's: guest GDT
 * frames cover entries 0..7167 (set_gdt takes at most 7168 entries) and
 * the reserved page holding the FLAT_* descriptors follows them.
 */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* vcpu_info slots inside shared_info (vCPUs beyond use register_vcpu_info). */
#define XEN_LEGACY_MAX_VCPUS 32

/*
 * set_trap_table entry. A list ends at an entry with address == 0.
 * flags bits 1:0: lowest privilege allowed to raise the vector with INT n
 * (0 nobody, 1 or 2 guest kernel, 3 everyone); bit 2: mask events on entry
 * (interrupt-gate semantics).
 */
struct trap_info {
    uint8_t vector;   /* IN: exception/interrupt vector 0..255 */
    uint8_t flags;    /* IN: DPL in bits 1:0, bit 2 = mask events */
    uint16_t cs;      /* IN: code selector (RPL forced to 3) */
    uint32_t pad0;
    uint64_t address; /* IN: handler VA (canonical), 0 ends the list */
};
XEN_ABI_SIZE(struct trap_info, 16);
XEN_ABI_OFFSET(struct trap_info, address, 8);

#define TI_DPL_MASK 0x3    /* Mica name: trap_info.flags privilege bits */
#define TI_MASK_EVENTS 0x4 /* Mica name: trap_info.flags event-mask bit */

/* vcpu_guest_context.flags */
#define VGCF_i387_valid (1 << 0)               /* fpu_ctxt holds FXSAVE data */
#define VGCF_in_kernel (1 << 2)                /* start in guest-kernel mode */
#define VGCF_failsafe_disables_events (1 << 3) /* failsafe callback masks events */
#define VGCF_syscall_disables_events (1 << 4)  /* syscall callback masks events */
#define VGCF_online (1 << 5)                   /* vCPU is up */

/*
 * Initial register state of a PV vCPU (VCPUOP_initialise for PV APs, the
 * domain builder for vCPU 0). All fields IN.
 */
struct vcpu_guest_context {
    uint8_t fpu_ctxt[512];          /* FXSAVE image, if VGCF_i387_valid */
    uint64_t flags;                 /* VGCF_* */
    struct cpu_user_regs user_regs; /* general registers, RIP, RFLAGS, selectors */
    struct trap_info trap_ctxt[256]; /* virtual IDT, indexed by vector */
    uint64_t ldt_base;              /* LDT linear address */
    uint64_t ldt_ents;              /* LDT entries */
    uint64_t gdt_frames[16];        /* GDT machine frames */
    uint64_t gdt_ents;              /* GDT entries */
    uint64_t kernel_ss;             /* stack for user->kernel transitions */
    uint64_t kernel_sp;
    uint64_t ctrlreg[8];            /* CR0..CR7; [3] kernel CR3, [1] user CR3 */
    uint64_t debugreg[8];           /* DR0..DR7 */
    uint64_t event_callback_eip;    /* CALLBACKTYPE_event handler VA */
    uint64_t failsafe_callback_eip; /* CALLBACKTYPE_failsafe handler VA */
    uint64_t syscall_callback_eip;  /* CALLBACKTYPE_syscall handler VA */
    uint64_t vm_assist;             /* bitmap of enabled VMASST_TYPE_* */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
XEN_ABI_SIZE(struct vcpu_guest_context, 5168);
XEN_ABI_OFFSET(struct vcpu_guest_context, flags, 512);
XEN_ABI_OFFSET(struct vcpu_guest_context, user_regs, 520);
XEN_ABI_OFFSET(struct vcpu_guest_context, trap_ctxt, 720);
XEN_ABI_OFFSET(struct vcpu_guest_context, ldt_base, 4816);
XEN_ABI_OFFSET(struct vcpu_guest_context, gdt_frames, 4832);
XEN_ABI_OFFSET(struct vcpu_guest_context, kernel_ss, 4968);
XEN_ABI_OFFSET(struct vcpu_guest_context, ctrlreg, 4984);
XEN_ABI_OFFSET(struct vcpu_guest_context, debugreg, 5048);
XEN_ABI_OFFSET(struct vcpu_guest_context, event_callback_eip, 5112);
XEN_ABI_OFFSET(struct vcpu_guest_context, vm_assist, 5136);
XEN_ABI_OFFSET(struct vcpu_guest_context, gs_base_user, 5160);

/*
 * The architecture part of struct shared_info: written by a PV [guest] to
 * describe its p2m to the toolstack (save/restore, dumps); the hypervisor
 * only writes nmi_reason.
 */
struct arch_shared_info {
    uint64_t max_pfn; /* [guest] valid p2m entries */
    /* [guest] MFN of the 3-level p2m tree root; 0 = not set, ~0 = unusable */
    xen_pfn_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason; /* [hv] XEN_NMIREASON_* */
    /* [guest] CR3 of the address space where p2m_vaddr is valid; 0 = unused */
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;      /* [guest] VA of the linear p2m list */
    uint64_t p2m_generation; /* [guest] odd while the p2m mapping changes */
};
XEN_ABI_SIZE(struct arch_shared_info, 48);

/* arch_shared_info.nmi_reason bits (public/nmi.h). */
#define XEN_NMIREASON_io_error (1ULL << 0) /* I/O check (port 0x61 bit 6) */
#define XEN_NMIREASON_pci_serr (1ULL << 1) /* PCI SERR (port 0x61 bit 7) */
#define XEN_NMIREASON_unknown (1ULL << 2)  /* unknown-source NMI */

/*
 * Forced-emulation prefix "ud2; .ascii \"xen\"": a PV guest puts it before
 * CPUID to have the hypervisor emulate it (#UD at this RIP, then RIP += 7).
 */
#define XEN_EMULATE_PREFIX ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; " /* for inline asm */
#define XEN_EMULATE_PREFIX_BYTES { 0x0f, 0x0b, 0x78, 0x65, 0x6e } /* Mica name */
#define XEN_EMULATE_PREFIX_LEN 5                                   /* Mica name */

/* HVM: bytes written to this port go to the hypervisor console ("port E9"). */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

/*
 * IA32_PAT as seen by PV guests (an ABI: Linux derives its cache modes from
 * it): PA0 WB, PA1 WT, PA2 UC-, PA3 UC, PA4 WC, PA5 WP, PA6 UC, PA7 UC.
 */
#define XEN_MSR_PAT 0x0000050100070406ULL

#endif /* PUBLIC_ARCH_X86_XEN_H */
