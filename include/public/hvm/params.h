/* SPDX-License-Identifier: MIT */
/* HVM_PARAM_* indices for HVMOP_set_param / HVMOP_get_param. */
#ifndef PUBLIC_HVM_PARAMS_H
#define PUBLIC_HVM_PARAMS_H

#include <public/hvm/hvm_op.h>

/*
 * Values are set by [builder] (the toolstack) or by the guest itself for
 * the few indices a guest may write (CALLBACK_IRQ, STORE_EVTCHN,
 * CONSOLE_EVTCHN, ...; docs/xen-abi.md §3.5 lists Xen's access rules).
 * A parameter never set reads as 0. Index >= HVM_NR_PARAMS is -EINVAL.
 */

/*
 * How event upcalls reach the guest. 0 disables them; otherwise bits 63:56
 * are a HVM_PARAM_CALLBACK_TYPE_* and the rest depends on it.
 */
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK 0xff00000000000000ULL
#define HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT 56 /* Mica name */
#define HVM_PARAM_CALLBACK_TYPE_GSI 0      /* bits 55:0 = GSI (not 0) */
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1 /* seg 47:32 bus 31:16 devfn 15:8 INTx 1:0 */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2   /* bits 7:0 = vector, injected directly */

#define HVM_PARAM_STORE_PFN 1         /* xenstore ring gfn (0 = no xenstore) */
#define HVM_PARAM_STORE_EVTCHN 2      /* xenstore event channel */
#define HVM_PARAM_IOREQ_PFN 5         /* device model: synchronous ioreq page */
#define HVM_PARAM_BUFIOREQ_PFN 6      /* device model: buffered ioreq page */
#define HVM_PARAM_VIRIDIAN 9          /* Hyper-V enlightenment mask */
#define HVM_PARAM_TIMER_MODE 10       /* HVMPTM_* */
#define HVM_PARAM_HPET_ENABLED 11
#define HVM_PARAM_IDENT_PT 12         /* VMX: identity page table while paging is off */
#define HVM_PARAM_ACPI_S_STATE 14     /* current ACPI sleep state */
#define HVM_PARAM_VM86_TSS 15         /* TSS for real-mode emulation (VMX) */
#define HVM_PARAM_VPT_ALIGN 16        /* align virtual timers across vCPUs */
#define HVM_PARAM_CONSOLE_PFN 17      /* console ring gfn (struct xencons_interface) */
#define HVM_PARAM_CONSOLE_EVTCHN 18   /* console event channel */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19 /* 0: PM1a at 0x1f40, 1: at 0xb000 */
#define HVM_PARAM_PAGING_RING_PFN 27
#define HVM_PARAM_MONITOR_RING_PFN 28
#define HVM_PARAM_SHARING_RING_PFN 29
#define HVM_PARAM_TRIPLE_FAULT_REASON 31 /* SHUTDOWN_* used on triple fault */
#define HVM_PARAM_IOREQ_SERVER_PFN 32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES 33
#define HVM_PARAM_VM_GENERATION_ID_ADDR 34
#define HVM_PARAM_ALTP2M 35           /* XEN_ALTP2M_* */
#define HVM_PARAM_X87_FIP_WIDTH 36    /* 0, 4 or 8: FIP/FDP width saved by FXSAVE */
#define HVM_PARAM_VM86_TSS_SIZED 37   /* VM86_TSS with size in bits 63:32 */
#define HVM_PARAM_MCA_CAP 38          /* XEN_HVM_MCA_CAP_* */
#define HVM_NR_PARAMS 39

/* Deprecated indices: Xen answers -EINVAL to guests. */
#define HVM_PARAM_PAE_ENABLED 4
#define HVM_PARAM_DM_DOMAIN 13
#define HVM_PARAM_MEMORY_EVENT_CR0 20
#define HVM_PARAM_MEMORY_EVENT_CR3 21
#define HVM_PARAM_MEMORY_EVENT_CR4 22
#define HVM_PARAM_MEMORY_EVENT_INT3 23
#define HVM_PARAM_NESTEDHVM 24
#define HVM_PARAM_MEMORY_EVENT_SINGLE_STEP 25
#define HVM_PARAM_BUFIOREQ_EVTCHN 26
#define HVM_PARAM_MEMORY_EVENT_MSR 30

/* HVM_PARAM_TIMER_MODE values. */
#define HVMPTM_delay_for_missed_ticks 0
#define HVMPTM_no_delay_for_missed_ticks 1
#define HVMPTM_no_missed_ticks_pending 2
#define HVMPTM_one_missed_tick_pending 3

/* HVM_PARAM_ALTP2M values. */
#define XEN_ALTP2M_disabled 0
#define XEN_ALTP2M_mixed 1
#define XEN_ALTP2M_external 2
#define XEN_ALTP2M_limited 3

/* HVM_PARAM_MCA_CAP bits. */
#define XEN_HVM_MCA_CAP_LMCE (1ULL << 0)
#define XEN_HVM_MCA_CAP_MASK XEN_HVM_MCA_CAP_LMCE

#endif /* PUBLIC_HVM_PARAMS_H */
