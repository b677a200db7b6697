/* SPDX-License-Identifier: MIT */
/* 64-bit PV specifics: flat selectors, hypervisor hole, iret frame, registers. */
#ifndef PUBLIC_ARCH_X86_XEN_X86_64_H
#define PUBLIC_ARCH_X86_XEN_X86_64_H

#include <public/xen-types.h>

/*
 * Flat segments in the hypervisor-reserved GDT page, present in every PV
 * GDT. Both guest kernel and guest user run at CPL 3, so the kernel and
 * user selectors are the same. GDT index = selector >> 3.
 */
#define FLAT_RING3_CS32 0xe023 /* 32-bit code, DPL 3 */
#define FLAT_RING3_CS64 0xe033 /* 64-bit code, DPL 3 */
#define FLAT_RING3_DS32 0xe02b /* flat data, DPL 3 */
#define FLAT_RING3_DS64 0x0000 /* null: 64-bit code needs no data segment */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS FLAT_KERNEL_SS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS FLAT_USER_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS FLAT_USER_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS FLAT_USER_SS64

/*
 * The hypervisor hole of 64-bit PV guests (L4 slots 256..271): guests may
 * not map there. Its first 256 GiB hold the read-only machine-to-phys
 * table, one u64 pfn per machine frame, readable by every PV guest.
 */
#define HYPERVISOR_VIRT_START 0xffff800000000000ULL
#define HYPERVISOR_VIRT_END 0xffff880000000000ULL
#define MACH2PHYS_VIRT_START 0xffff800000000000ULL
#define MACH2PHYS_VIRT_END 0xffff804000000000ULL
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* set_segment_base(which, base) */
#define SEGBASE_FS 0          /* FS base */
#define SEGBASE_GS_USER 1     /* GS base used in guest-user mode */
#define SEGBASE_GS_KERNEL 2   /* GS base used in guest-kernel mode (active) */
#define SEGBASE_GS_USER_SEL 3 /* load user %gs selector = base[15:0] */

/* iret_context.flags: the guest entered via SYSCALL; RCX/R11 are discarded. */
#define VGCF_in_syscall (1 << 8)

/*
 * Hypercall 23 (iret): [guest] pushes this frame (rax at the lowest
 * address, RSP points at it at the SYSCALL) and never gets control back
 * there. CS.RPL == 3 returns to guest-user mode.
 */
struct iret_context {
    uint64_t rax;    /* restored into RAX */
    uint64_t r11;    /* restored unless VGCF_in_syscall */
    uint64_t rcx;    /* restored unless VGCF_in_syscall */
    uint64_t flags;  /* VGCF_in_syscall */
    uint64_t rip;
    uint64_t cs;     /* RPL 3 = to guest user; forced to RPL 3 */
    uint64_t rflags; /* IF becomes !evtchn_upcall_mask */
    uint64_t rsp;
    uint64_t ss;
};
XEN_ABI_SIZE(struct iret_context, 72);

/*
 * General-purpose register frame of a PV vCPU (used in vcpu_guest_context).
 * error_code and entry_vector are hypervisor-private.
 */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    uint64_t rip;
    uint16_t cs, pad0[1];
    uint8_t saved_upcall_mask; /* evtchn_upcall_mask at the time of the frame */
    uint8_t pad1[3];
    uint64_t rflags; /* IF == !saved_upcall_mask */
    uint64_t rsp;
    uint16_t ss, pad2[3];
    uint16_t es, pad3[3];
    uint16_t ds, pad4[3];
    uint16_t fs, pad5[3];
    uint16_t gs, pad6[3];
};
XEN_ABI_SIZE(struct cpu_user_regs, 200);
XEN_ABI_OFFSET(struct cpu_user_regs, rax, 80);
XEN_ABI_OFFSET(struct cpu_user_regs, rdi, 112);
XEN_ABI_OFFSET(struct cpu_user_regs, error_code, 120);
XEN_ABI_OFFSET(struct cpu_user_regs, rip, 128);
XEN_ABI_OFFSET(struct cpu_user_regs, cs, 136);
XEN_ABI_OFFSET(struct cpu_user_regs, saved_upcall_mask, 140);
XEN_ABI_OFFSET(struct cpu_user_regs, rflags, 144);
XEN_ABI_OFFSET(struct cpu_user_regs, ss, 160);
XEN_ABI_OFFSET(struct cpu_user_regs, gs, 192);

/* CR3 <-> frame number (x86-64: plain shift). */
#define xen_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)

/* The architecture part of struct vcpu_info. */
struct arch_vcpu_info {
    uint64_t cr2; /* [hv] PV: faulting address of the last #PF bounced */
    uint64_t pad; /* keeps sizeof(struct vcpu_info) == 64 */
};
XEN_ABI_SIZE(struct arch_vcpu_info, 16);

/* A PV callback address (callback_op, set_callbacks): a plain guest VA. */
typedef uint64_t xen_callback_t;

#endif /* PUBLIC_ARCH_X86_XEN_X86_64_H */
