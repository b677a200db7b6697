/* SPDX-License-Identifier: MIT */
/* XENFEAT_* bit numbers reported by XENVER_get_features (submap 0). */
#ifndef PUBLIC_FEATURES_H
#define PUBLIC_FEATURES_H

/*
 * Bit n of submap 0. What to report differs by guest type (see
 * docs/xen-abi.md §3.4 / §4.13): PV must get 5 and 7 and must not get
 * 0, 2 or 8; PVH needs at least 2, 8 and 9. Also used by name in the
 * XEN_ELFNOTE_FEATURES string and as bits of XEN_ELFNOTE_SUPPORTED_FEATURES.
 */
#define XENFEAT_writable_page_tables 0       /* guest writes its page tables directly */
#define XENFEAT_writable_descriptor_tables 1 /* guest may write GDT/LDT directly */
#define XENFEAT_auto_translated_physmap 2    /* hypervisor translates gfn -> mfn */
#define XENFEAT_supervisor_mode_kernel 3     /* kernel runs in ring 0 (obsolete) */
#define XENFEAT_pae_pgdir_above_4gb 4        /* PV: top-level tables may be above 4 GiB */
#define XENFEAT_mmu_pt_update_preserve_ad 5  /* MMU_PT_UPDATE_PRESERVE_AD supported */
#define XENFEAT_highmem_assist 6             /* PV x86-32 highmem helpers */
#define XENFEAT_gnttab_map_avail_bits 7      /* grant maps keep PTE available bits */
#define XENFEAT_hvm_callback_vector 8        /* HVM_PARAM_CALLBACK_TYPE_VECTOR works */
#define XENFEAT_hvm_safe_pvclock 9           /* HVM: pvclock in vcpu_info is usable */
#define XENFEAT_hvm_pirqs 10                 /* HVM: PIRQs routed over event channels */
#define XENFEAT_dom0 11                      /* this is the hardware domain */
#define XENFEAT_grant_map_identity 12        /* deprecated (gone from Xen): never set */
#define XENFEAT_memory_op_vnode_supported 13 /* XENMEMF_vnode understood */
#define XENFEAT_ARM_SMCCC_supported 14       /* ARM only */
#define XENFEAT_linux_rsdp_unrestricted 15   /* RSDP may be anywhere (Linux boot) */
#define XENFEAT_not_direct_mapped 16         /* domain memory is not 1:1 with host */
#define XENFEAT_direct_mapped 17             /* domain memory is 1:1 with host */
#define XENFEAT_runstate_phys_area 18        /* VCPUOP_register_runstate_phys_area */
#define XENFEAT_vcpu_time_phys_area 19       /* VCPUOP_register_vcpu_time_phys_area */
#define XENFEAT_dm_msix_all_writes 20        /* device model sees all MSI-X writes */

#define XENFEAT_NR_SUBMAPS 1

#endif /* PUBLIC_FEATURES_H */
