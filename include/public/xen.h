/* SPDX-License-Identifier: MIT */
/* Xen guest ABI core: hypercall numbers, shared_info, vcpu_info, start_info. */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

/*
 * Mica's own statement of Xen's public guest interface (x86-64 only). The
 * numbers and layouts are facts of that interface, so unmodified Xen guests
 * (Linux, XTF, Mini-OS, the BSDs) run on Mica; the sources of each fact are
 * listed in docs/xen-abi.md. Every layout is pinned with _Static_assert.
 *
 * Naming scheme
 *  - Structures keep Xen's struct tags (struct shared_info, struct
 *    evtchn_send, ...) and are never typedef'd. Integer typedefs keep Xen's
 *    names: domid_t, xen_pfn_t, xen_ulong_t, evtchn_port_t, grant_ref_t,
 *    grant_handle_t.
 *  - Constants keep Xen's exact spelling (VIRQ_TIMER, EVTCHNOP_send,
 *    XENMEM_add_to_physmap, HVM_PARAM_CONSOLE_PFN, DOMID_SELF, ...) so they
 *    can be grepped in Xen, Linux and the fact sheet unchanged.
 *  - The one exception is names Xen begins with an underscore, which C
 *    reserves: hypercall numbers __HYPERVISOR_<name> are written
 *    XEN_HYPERCALL_<name> with the same lower-case <name>
 *    (XEN_HYPERCALL_xen_version = 17); __HYPERVISOR_VIRT_START and friends
 *    use Xen's unprefixed aliases (HYPERVISOR_VIRT_START); and where Xen
 *    defines a bit number _FOO next to its mask FOO only the mask exists.
 *  - Facts Xen states only in prose or in its private headers get a name of
 *    ours; their comments say "Mica name".
 *
 * Field comments say who writes a field: [guest], [hv] (the hypervisor),
 * [builder] (domain builder / toolstack). Hypercall argument fields are IN
 * (read by the hypervisor), OUT (written back by it) or IN/OUT.
 *
 * Guest handles (XEN_GUEST_HANDLE) and the integer types are defined in
 * public/xen-types.h, which every public header includes.
 */

#include <public/xen-types.h>
#include <public/arch-x86/xen.h>

/* Ordinary domain ids are 0..DOMID_FIRST_RESERVED-1. */
#define DOMID_FIRST_RESERVED 0x7ff0U
#define DOMID_SELF 0x7ff0U    /* "the calling domain" in any domid field */
#define DOMID_IO 0x7ff1U      /* mmu_update foreigndom: I/O (MMIO) mappings only */
#define DOMID_XEN 0x7ff2U     /* frames owned by the hypervisor (e.g. the M2P) */
#define DOMID_COW 0x7ff3U     /* shared copy-on-write frames (mem_sharing) */
#define DOMID_INVALID 0x7ff4U /* "no domain" */
#define DOMID_ANY 0x7ff5U     /* wildcard, e.g. xenstore permissions */
#define DOMID_IDLE 0x7fffU    /* the idle domain */
#define DOMID_MASK 0x7fffU    /* domid_t values are 15 bits */

/*
 * Hypercall numbers (RAX). Arguments in RDI, RSI, RDX, R10, R8; result in
 * RAX, negative XEN_E* on failure. Only the argument registers may be
 * clobbered. Entry: VMCALL/VMMCALL (HVM/PVH), SYSCALL from PV guest-kernel
 * mode, or the hypercall page (stub i at offset 32*i, see below).
 */
#define XEN_HYPERCALL_set_trap_table 0  /* PV: virtual IDT (struct trap_info[]) */
#define XEN_HYPERCALL_mmu_update 1      /* PV: struct mmu_update[] */
#define XEN_HYPERCALL_set_gdt 2         /* PV: (frame list, nr entries) */
#define XEN_HYPERCALL_stack_switch 3    /* PV: (ss, rsp) of the kernel stack */
#define XEN_HYPERCALL_set_callbacks 4   /* PV legacy: (event, failsafe, syscall) */
#define XEN_HYPERCALL_fpu_taskswitch 5  /* PV: CR0.TS := arg */
#define XEN_HYPERCALL_sched_op_compat 6 /* old sched_op */
#define XEN_HYPERCALL_platform_op 7     /* dom0 only */
#define XEN_HYPERCALL_set_debugreg 8    /* PV: (reg, value) */
#define XEN_HYPERCALL_get_debugreg 9    /* PV: (reg) */
#define XEN_HYPERCALL_update_descriptor 10 /* PV: (machine addr, 8-byte desc) */
#define XEN_HYPERCALL_memory_op 12      /* XENMEM_* (memory.h) */
#define XEN_HYPERCALL_multicall 13      /* struct multicall_entry[] */
#define XEN_HYPERCALL_update_va_mapping 14 /* PV: (va, pte, UVMF_* flags) */
#define XEN_HYPERCALL_set_timer_op 15   /* absolute system time ns, 0 = cancel */
#define XEN_HYPERCALL_event_channel_op_compat 16 /* old event_channel_op */
#define XEN_HYPERCALL_xen_version 17    /* XENVER_* (version.h) */
#define XEN_HYPERCALL_console_io 18     /* CONSOLEIO_* */
#define XEN_HYPERCALL_physdev_op_compat 19 /* old physdev_op */
#define XEN_HYPERCALL_grant_table_op 20 /* GNTTABOP_* (grant_table.h) */
#define XEN_HYPERCALL_vm_assist 21      /* (VMASST_CMD_*, VMASST_TYPE_*) */
#define XEN_HYPERCALL_update_va_mapping_otherdomain 22
#define XEN_HYPERCALL_iret 23           /* PV: struct iret_context on stack */
#define XEN_HYPERCALL_vcpu_op 24        /* VCPUOP_* (vcpu.h) */
#define XEN_HYPERCALL_set_segment_base 25 /* PV: (SEGBASE_*, base) */
#define XEN_HYPERCALL_mmuext_op 26      /* PV: struct mmuext_op[] */
#define XEN_HYPERCALL_xsm_op 27
#define XEN_HYPERCALL_nmi_op 28
#define XEN_HYPERCALL_sched_op 29       /* SCHEDOP_* (sched.h) */
#define XEN_HYPERCALL_callback_op 30    /* CALLBACKOP_* (callback.h) */
#define XEN_HYPERCALL_xenoprof_op 31    /* dropped by Xen 4.22 */
#define XEN_HYPERCALL_event_channel_op 32 /* EVTCHNOP_* (event_channel.h) */
#define XEN_HYPERCALL_physdev_op 33     /* PHYSDEVOP_* (physdev.h) */
#define XEN_HYPERCALL_hvm_op 34         /* HVMOP_* (hvm/hvm_op.h) */
#define XEN_HYPERCALL_sysctl 35         /* Mica: control ABI carried here */
#define XEN_HYPERCALL_domctl 36         /* Mica: control ABI carried here */
#define XEN_HYPERCALL_kexec_op 37
#define XEN_HYPERCALL_tmem_op 38        /* removed from Xen; always -ENOSYS */
#define XEN_HYPERCALL_argo_op 39        /* Linux 6.1 calls 39 xc_reserved_op */
#define XEN_HYPERCALL_xenpmu_op 40
#define XEN_HYPERCALL_dm_op 41
#define XEN_HYPERCALL_hypfs_op 42
#define XEN_HYPERCALL_arch_0 48         /* x86: mca */
#define XEN_HYPERCALL_arch_1 49
#define XEN_HYPERCALL_arch_2 50
#define XEN_HYPERCALL_arch_3 51
#define XEN_HYPERCALL_arch_4 52
#define XEN_HYPERCALL_arch_5 53
#define XEN_HYPERCALL_arch_6 54
#define XEN_HYPERCALL_arch_7 55

/*
 * Hypercall page (Mica names): one 4 KiB page of 128 stubs of 32 bytes;
 * calling hypercall i means calling page + 32*i. Unused bytes are 0xCC.
 */
#define XEN_HYPERCALL_PAGE_STUB_SIZE 32
#define XEN_HYPERCALL_PAGE_NR_STUBS 128

/*
 * Virtual IRQs, bound with EVTCHNOP_bind_virq. Per-vCPU VIRQs are bound
 * once on each vCPU; global ones once per domain (initially on vCPU 0).
 */
#define VIRQ_TIMER 0      /* per-vCPU: singleshot/periodic timer fired */
#define VIRQ_DEBUG 1      /* per-vCPU: dump debug state */
#define VIRQ_CONSOLE 2    /* global: input on the hypervisor console (dom0) */
#define VIRQ_DOM_EXC 3    /* global: a domain needs the toolstack's attention */
#define VIRQ_TBUF 4       /* global: trace buffers have records */
#define VIRQ_DEBUGGER 6   /* global: a domain paused for debugging */
#define VIRQ_XENOPROF 7   /* per-vCPU: profiling sample */
#define VIRQ_CON_RING 8   /* global: console ring has bytes */
#define VIRQ_PCPU_STATE 9 /* global: physical CPU state changed */
#define VIRQ_MEM_EVENT 10 /* global: memory event */
#define VIRQ_ARGO 11      /* per-domain: Argo message */
#define VIRQ_ENOMEM 12    /* global: hypervisor heap low */
#define VIRQ_XENPMU 13    /* per-vCPU: PMU interrupt */
#define VIRQ_ARCH_0 16    /* x86: machine check (VIRQ_MCA) */
#define VIRQ_ARCH_1 17
#define VIRQ_ARCH_2 18
#define VIRQ_ARCH_3 19
#define VIRQ_ARCH_4 20
#define VIRQ_ARCH_5 21
#define VIRQ_ARCH_6 22
#define VIRQ_ARCH_7 23
#define NR_VIRQS 24

/*
 * mmu_update: ptr[1:0] is the command, ptr[63:2] a machine address.
 * foreigndom arg: bits 15:0 = owner of mapped frames (DOMID_SELF, DOMID_IO,
 * ...), bits 31:16 = owner of the page tables + 1 (0 = caller).
 */
#define MMU_NORMAL_PT_UPDATE 0       /* validated *ptr = val (ptr = MA of a PTE) */
#define MMU_MACHPHYS_UPDATE 1        /* M2P[ptr >> 12] = val (a pfn) */
#define MMU_PT_UPDATE_PRESERVE_AD 2  /* as 0, keeping the PTE's current A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3 /* as 0, val not translated */

struct mmu_update {
    uint64_t ptr; /* IN: machine address of the entry | MMU_* command */
    uint64_t val; /* IN: new entry (MFN << 12 | x86 flags) or pfn */
};
XEN_ABI_SIZE(struct mmu_update, 16);

/* mmuext_op commands (PV page-table management). */
#define MMUEXT_PIN_L1_TABLE 0      /* arg1.mfn: validate and pin as L1 */
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4       /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR 5       /* arg1.mfn: new kernel CR3 */
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7      /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI 8   /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI 9      /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11       /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13          /* arg1.linear_addr (page aligned), arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR 15 /* arg1.mfn (0 = none): user-mode CR3 */
#define MMUEXT_CLEAR_PAGE 16       /* arg1.mfn */
#define MMUEXT_COPY_PAGE 17        /* arg1.mfn = dest, arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER 19       /* arg1.mfn */
#define MMUEXT_UNMARK_SUPER 20     /* arg1.mfn */

struct mmuext_op {
    uint32_t cmd; /* IN: MMUEXT_* */
    uint32_t pad0;
    union {
        xen_pfn_t mfn;        /* IN: pin/unpin/baseptr/page ops */
        uint64_t linear_addr; /* IN: invlpg, SET_LDT */
    } arg1;
    union {
        uint32_t nr_ents;                   /* IN: SET_LDT */
        XEN_GUEST_HANDLE(uint64_t) vcpumask; /* IN: *_MULTI vCPU bitmap */
        xen_pfn_t src_mfn;                  /* IN: COPY_PAGE */
    } arg2;
};
XEN_ABI_SIZE(struct mmuext_op, 24);
XEN_ABI_OFFSET(struct mmuext_op, arg1, 8);
XEN_ABI_OFFSET(struct mmuext_op, arg2, 16);

/*
 * update_va_mapping flags: bits 1:0 flush type; UVMF_ALL flushes on every
 * vCPU, otherwise (UVMF_MULTI) flags & ~7 is a guest pointer to a vCPU
 * bitmap, NULL meaning this vCPU only (UVMF_LOCAL).
 */
#define UVMF_NONE 0x0ULL
#define UVMF_TLB_FLUSH 0x1ULL
#define UVMF_INVLPG 0x2ULL
#define UVMF_FLUSHTYPE_MASK 0x3ULL
#define UVMF_MULTI 0x0ULL
#define UVMF_LOCAL 0x0ULL
#define UVMF_ALL 0x4ULL

/* console_io(cmd, count, buf) */
#define CONSOLEIO_write 0 /* print count bytes of buf; returns 0 */
#define CONSOLEIO_read 1  /* read up to count bytes; returns bytes read */

/* vm_assist(cmd, type) */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments 0        /* x86-32 only */
#define VMASST_TYPE_4gb_segments_notify 1 /* x86-32 only */
#define VMASST_TYPE_writable_pagetables 2 /* PV: emulate writes to RO L1 pages */
#define VMASST_TYPE_pae_extended_cr3 3    /* PV: L3/L4 above 4 GiB allowed */
#define VMASST_TYPE_architectural_iopl 4  /* PV: IOPL in iret/bounce frames */
#define VMASST_TYPE_runstate_update_flag 5 /* set XEN_RUNSTATE_UPDATE while writing */
#define VMASST_TYPE_m2p_strict 32         /* PV: hide M2P entries of others */

/*
 * multicall(list, nr): entries run in order, each result stored back.
 * Xen reads only args[0..4].
 */
struct multicall_entry {
    uint64_t op;      /* IN: hypercall number */
    uint64_t result;  /* OUT: that hypercall's return value */
    uint64_t args[6]; /* IN: its arguments */
};
XEN_ABI_SIZE(struct multicall_entry, 64);

/*
 * pvclock record. [hv] writes it: version++ (odd), fields, version++ (even);
 * [guest] retries while version is odd or changed. Time in ns:
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * mul) >> 32)
 * where a negative tsc_shift shifts right. tsc_to_system_mul is never 0.
 */
struct vcpu_time_info {
    uint32_t version;           /* [hv] update counter, odd while writing */
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* [hv] TSC (as the guest reads it) at update */
    uint64_t system_time;       /* [hv] ns since hypervisor boot at that TSC */
    uint32_t tsc_to_system_mul; /* [hv] ns per shifted TSC tick, times 2^32 */
    int8_t tsc_shift;           /* [hv] pre-shift of the TSC delta */
    uint8_t flags;              /* [hv] XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
XEN_ABI_SIZE(struct vcpu_time_info, 32);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_timestamp, 8);
XEN_ABI_OFFSET(struct vcpu_time_info, system_time, 16);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_to_system_mul, 24);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_shift, 28);
XEN_ABI_OFFSET(struct vcpu_time_info, flags, 29);

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0) /* TSC is synchronised across vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED (1 << 1)  /* guest was paused (watchdogs) */

/*
 * Per-vCPU event and time state: 32 legacy copies in shared_info, or one
 * the guest places anywhere with VCPUOP_register_vcpu_info.
 */
struct vcpu_info {
    /*
     * [hv] sets it when an event is pending for this vCPU; [guest] clears it
     * before scanning evtchn_pending_sel, so no notification is lost.
     */
    uint8_t evtchn_upcall_pending;
    /*
     * [guest] PV: non-zero blocks event upcalls (the virtual IF, inverted).
     * [hv] sets it on interrupt-type bounces; SCHEDOP_block clears it.
     * Not used for HVM/PVH delivery.
     */
    uint8_t evtchn_upcall_mask;
    uint8_t pad0[6];
    /* [hv] sets bit k when evtchn_pending[k] gains a bit; [guest] clears it. */
    uint64_t evtchn_pending_sel;
    struct arch_vcpu_info arch; /* [hv] PV: CR2 of the last #PF */
    struct vcpu_time_info time; /* [hv] pvclock of this vCPU */
};
XEN_ABI_SIZE(struct vcpu_info, 64);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_upcall_mask, 1);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_pending_sel, 8);
XEN_ABI_OFFSET(struct vcpu_info, arch, 16);
XEN_ABI_OFFSET(struct vcpu_info, time, 32);

/*
 * The shared info page. PV: start_info.shared_info gives its machine
 * address; HVM/PVH map it with XENMEM_add_to_physmap(XENMAPSPACE_shared_info).
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS]; /* legacy per-vCPU slots */
    /*
     * Port p is bit p%64 of word p/64. Pending: [hv] sets, [guest] clears.
     * Mask: [guest] only; a set mask suppresses the upcall (edge is kept
     * pending, delivered on EVTCHNOP_unmask).
     */
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    /*
     * Wall clock at system time 0: wc_sec + (wc_sec_hi << 32) seconds plus
     * wc_nsec since the Unix epoch. [hv] writes with the vcpu_time_info
     * odd/even protocol on wc_version.
     */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch; /* [guest] p2m description for the toolstack */
};
XEN_ABI_SIZE(struct shared_info, 3136);
XEN_ABI_OFFSET(struct shared_info, evtchn_pending, 2048);
XEN_ABI_OFFSET(struct shared_info, evtchn_mask, 2560);
XEN_ABI_OFFSET(struct shared_info, wc_version, 3072);
XEN_ABI_OFFSET(struct shared_info, wc_sec, 3076);
XEN_ABI_OFFSET(struct shared_info, wc_nsec, 3080);
XEN_ABI_OFFSET(struct shared_info, wc_sec_hi, 3084);
XEN_ABI_OFFSET(struct shared_info, arch, 3088);
_Static_assert(sizeof(struct shared_info) <= 4096, "shared_info fits a page");

/*
 * PV start-of-day information, built by [builder]; RSI points at it on
 * entry. Addresses marked VA are guest virtual, MFNs are machine frames.
 */
#define MAX_GUEST_CMDLINE 1024

struct start_info {
    char magic[32];         /* "xen-3.0-x86_64", NUL padded */
    uint64_t nr_pages;      /* pages of the domain (length of the p2m list) */
    uint64_t shared_info;   /* machine address of the shared_info page */
    uint32_t flags;         /* SIF_* */
    uint32_t pad0;
    xen_pfn_t store_mfn;    /* xenstore ring MFN */
    uint32_t store_evtchn;  /* xenstore event channel (0 = no xenstore) */
    uint32_t pad1;
    union {
        struct {
            xen_pfn_t mfn;   /* console ring MFN (struct xencons_interface) */
            uint32_t evtchn; /* its event channel (0 = no console) */
            uint32_t pad;
        } domU;
        struct {
            uint32_t info_off;  /* offset of dom0_vga_console_info in this page */
            uint32_t info_size; /* its size */
        } dom0;
    } console;
    uint64_t pt_base;       /* VA of the bootstrap L4 (first page-table frame) */
    uint64_t nr_pt_frames;  /* bootstrap page-table frames */
    uint64_t mfn_list;      /* VA of the p2m list: one u64 MFN per pfn */
    uint64_t mod_start;     /* VA of the initrd, or its pfn if SIF_MOD_START_PFN */
    uint64_t mod_len;       /* initrd length in bytes */
    char cmd_line[MAX_GUEST_CMDLINE]; /* NUL-terminated kernel command line */
    uint64_t first_p2m_pfn; /* XEN_ELFNOTE_INIT_P2M only: first pfn of p2m + tables */
    uint64_t nr_p2m_frames; /* ... and their number */
};
XEN_ABI_SIZE(struct start_info, 1168);
XEN_ABI_OFFSET(struct start_info, nr_pages, 32);
XEN_ABI_OFFSET(struct start_info, shared_info, 40);
XEN_ABI_OFFSET(struct start_info, flags, 48);
XEN_ABI_OFFSET(struct start_info, store_mfn, 56);
XEN_ABI_OFFSET(struct start_info, store_evtchn, 64);
XEN_ABI_OFFSET(struct start_info, console.domU.mfn, 72);
XEN_ABI_OFFSET(struct start_info, console.domU.evtchn, 80);
XEN_ABI_OFFSET(struct start_info, console.dom0.info_size, 76);
XEN_ABI_OFFSET(struct start_info, pt_base, 88);
XEN_ABI_OFFSET(struct start_info, mfn_list, 104);
XEN_ABI_OFFSET(struct start_info, mod_start, 112);
XEN_ABI_OFFSET(struct start_info, cmd_line, 128);
XEN_ABI_OFFSET(struct start_info, first_p2m_pfn, 1152);
XEN_ABI_OFFSET(struct start_info, nr_p2m_frames, 1160);

/* start_info.flags (also hvm_start_info.flags). */
#define SIF_PRIVILEGED (1 << 0)      /* domain may use privileged hypercalls */
#define SIF_INITDOMAIN (1 << 1)      /* the initial (control) domain */
#define SIF_MULTIBOOT_MOD (1 << 2)   /* mod_start is a multiboot module list */
#define SIF_MOD_START_PFN (1 << 3)   /* mod_start is a pfn, not a VA */
#define SIF_VIRT_P2M_4TOOLS (1 << 4) /* tools understand a virtually mapped p2m */
#define SIF_PM_MASK (0xff << 8)      /* reserved for power management */

#endif /* PUBLIC_XEN_H */
