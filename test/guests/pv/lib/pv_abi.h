/* SPDX-License-Identifier: MIT */
/* The 64-bit PV slice of the Xen guest ABI the PV test guests use. */
#ifndef PV_ABI_H
#define PV_ABI_H

/*
 * Beside ../../pvh/lib/xen_abi.h (shared with the PVH guests): numbers and
 * layouts from /work/shared/docs/xen-abi.md §4 (Xen's public xen.h,
 * arch-x86/xen-x86_64.h, callback.h), kept apart from Mica's own
 * include/public/ so the guests check Mica against the written ABI.
 */

#include "xen_abi.h"

/* ELF notes (public/elfnote.h) a PV kernel carries. */
#define XEN_ELFNOTE_ENTRY 1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE 3
#define XEN_ELFNOTE_PADDR_OFFSET 4
#define XEN_ELFNOTE_LOADER 8
#define XEN_ELFNOTE_FEATURES 10

/* PV-only hypercalls. */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_update_descriptor 10
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_iret 23
#define __HYPERVISOR_set_segment_base 25
#define __HYPERVISOR_callback_op 30

/* Flat selectors of the reserved GDT page (arch-x86/xen-x86_64.h). */
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_SS64 0xe02b
#define FLAT_KERNEL_CS FLAT_RING3_CS64
#define FLAT_USER_CS FLAT_RING3_CS64

/* The hypervisor's part of the address space. */
#define HYPERVISOR_VIRT_START 0xffff800000000000ULL
#define HYPERVISOR_VIRT_END 0xffff880000000000ULL

#define SEGBASE_FS 0
#define SEGBASE_GS_USER 1
#define SEGBASE_GS_KERNEL 2
#define SEGBASE_GS_USER_SEL 3

#define VMASST_CMD_enable 0
#define VMASST_TYPE_4gb_segments 0
#define VMASST_TYPE_writable_pagetables 2

#define CALLBACKOP_register 0
#define CALLBACKOP_unregister 1
#define CALLBACKTYPE_event 0
#define CALLBACKTYPE_failsafe 1
#define CALLBACKTYPE_syscall 2
#define CALLBACKTYPE_nmi 4
#define CALLBACKF_mask_events 1

#define XENFEAT_mmu_pt_update_preserve_ad 5

#define MMUEXT_SET_LDT 13 /* arg1 linear address, arg2 entries */
#define MMUEXT_NEW_USER_BASEPTR 15
#define UVMF_INVLPG 2
#define PTE_PRESENT_RW_USER 0x27ULL /* P, RW, U, A */

struct mmuext_op {
    uint32_t cmd;
    uint32_t pad;
    uint64_t arg1; /* mfn or linear address */
    uint64_t arg2;
};
#define VIRQ_TIMER 0

struct callback_register {
    uint16_t type;
    uint16_t flags;
    uint32_t pad;
    uint64_t address;
};

/* set_trap_table entry; a list ends at address 0. flags: DPL in bits
 * 1:0, bit 2 masks events on entry. */
struct trap_info {
    uint8_t vector;
    uint8_t flags;
    uint16_t cs;
    uint32_t pad;
    uint64_t address;
};

/* start_info (public/xen.h), RSI at entry. */
struct start_info {
    char magic[32];
    uint64_t nr_pages;
    uint64_t shared_info;   /* machine address */
    uint32_t flags;
    uint64_t store_mfn;
    uint32_t store_evtchn;
    uint64_t console_mfn;
    uint32_t console_evtchn;
    uint64_t pt_base;       /* VA of the boot L4 */
    uint64_t nr_pt_frames;
    uint64_t mfn_list;      /* VA of the p2m list */
    uint64_t mod_start;
    uint64_t mod_len;
    char cmd_line[1024];
    uint64_t first_p2m_pfn;
    uint64_t nr_p2m_frames;
};

_Static_assert(sizeof(struct callback_register) == 16, "callback_register");
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op");
_Static_assert(sizeof(struct trap_info) == 16, "trap_info");
_Static_assert(sizeof(struct start_info) == 1168, "start_info");
_Static_assert(offsetof(struct start_info, console_mfn) == 72, "console.domU.mfn");
_Static_assert(offsetof(struct start_info, pt_base) == 88, "pt_base");
_Static_assert(offsetof(struct start_info, cmd_line) == 128, "cmd_line");

#endif /* PV_ABI_H */
