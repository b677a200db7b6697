// SPDX-License-Identifier: MIT
/* Checks include/public/ against the numbers in docs/xen-abi.md, at run time. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

/* Every public header, each included twice to prove the include guards. */
#include <public/xen-types.h>
#include <public/xen.h>
#include <public/arch-x86/xen.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/hvm/start_info.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/version.h>
#include <public/features.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/callback.h>
#include <public/physdev.h>
#include <public/grant_table.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/io/console.h>
#include <public/io/xs_wire.h>
#include <public/xen.h>
#include <public/vcpu.h>
#include <public/io/console.h>

/* The hypervisor's own headers must coexist with the public ones. */
#include <hv/errno.h>
#include <hv/mm.h>

/*
 * The expected numbers below are typed from docs/xen-abi.md (which was
 * checked against Xen's headers), independently of the _Static_asserts in
 * the headers, so one wrong number cannot hide behind another.
 */
struct num_case {
    const char *what;
    uint64_t got;
    uint64_t want;
};

#define SZ(type, want) { "sizeof(" #type ")", sizeof(type), want }
#define OFF(type, field, want) { #type "." #field, offsetof(type, field), want }
#define NUM(name, want) { #name, (uint64_t)(name), (uint64_t)(want) }

/* Fails the test after listing every mismatch, not just the first. */
static void check_table(const struct num_case *c, size_t n)
{
    size_t bad = 0;

    for (size_t i = 0; i < n; i++) {
        if (c[i].got != c[i].want) {
            printf("MISMATCH %s: header %#llx, fact sheet %#llx\n", c[i].what,
                   (unsigned long long)c[i].got, (unsigned long long)c[i].want);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static const struct num_case layouts[] = {
    SZ(struct shared_info, 3136),
    OFF(struct shared_info, vcpu_info, 0),
    OFF(struct shared_info, evtchn_pending, 0x800),
    OFF(struct shared_info, evtchn_mask, 0xa00),
    OFF(struct shared_info, wc_version, 0xc00),
    OFF(struct shared_info, wc_sec, 0xc04),
    OFF(struct shared_info, wc_nsec, 0xc08),
    OFF(struct shared_info, wc_sec_hi, 0xc0c),
    OFF(struct shared_info, arch.max_pfn, 0xc10),
    OFF(struct shared_info, arch.pfn_to_mfn_frame_list_list, 0xc18),
    OFF(struct shared_info, arch.nmi_reason, 0xc20),
    OFF(struct shared_info, arch.p2m_cr3, 0xc28),
    OFF(struct shared_info, arch.p2m_vaddr, 0xc30),
    OFF(struct shared_info, arch.p2m_generation, 0xc38),
    SZ(struct vcpu_info, 64),
    OFF(struct vcpu_info, evtchn_upcall_mask, 1),
    OFF(struct vcpu_info, evtchn_pending_sel, 8),
    OFF(struct vcpu_info, arch.cr2, 16),
    OFF(struct vcpu_info, time, 32),
    SZ(struct vcpu_time_info, 32),
    OFF(struct vcpu_time_info, tsc_timestamp, 8),
    OFF(struct vcpu_time_info, system_time, 16),
    OFF(struct vcpu_time_info, tsc_to_system_mul, 24),
    OFF(struct vcpu_time_info, tsc_shift, 28),
    OFF(struct vcpu_time_info, flags, 29),
    SZ(struct start_info, 1168),
    OFF(struct start_info, nr_pages, 32),
    OFF(struct start_info, shared_info, 40),
    OFF(struct start_info, flags, 48),
    OFF(struct start_info, store_mfn, 56),
    OFF(struct start_info, store_evtchn, 64),
    OFF(struct start_info, console.domU.mfn, 72),
    OFF(struct start_info, console.domU.evtchn, 80),
    OFF(struct start_info, console.dom0.info_off, 72),
    OFF(struct start_info, console.dom0.info_size, 76),
    OFF(struct start_info, pt_base, 88),
    OFF(struct start_info, nr_pt_frames, 96),
    OFF(struct start_info, mfn_list, 104),
    OFF(struct start_info, mod_start, 112),
    OFF(struct start_info, mod_len, 120),
    OFF(struct start_info, cmd_line, 128),
    OFF(struct start_info, first_p2m_pfn, 1152),
    OFF(struct start_info, nr_p2m_frames, 1160),
    SZ(struct hvm_start_info, 56),
    OFF(struct hvm_start_info, version, 4),
    OFF(struct hvm_start_info, flags, 8),
    OFF(struct hvm_start_info, nr_modules, 12),
    OFF(struct hvm_start_info, modlist_paddr, 16),
    OFF(struct hvm_start_info, cmdline_paddr, 24),
    OFF(struct hvm_start_info, rsdp_paddr, 32),
    OFF(struct hvm_start_info, memmap_paddr, 40),
    OFF(struct hvm_start_info, memmap_entries, 48),
    OFF(struct hvm_start_info, reserved, 52),
    SZ(struct hvm_modlist_entry, 32),
    OFF(struct hvm_modlist_entry, size, 8),
    OFF(struct hvm_modlist_entry, cmdline_paddr, 16),
    SZ(struct hvm_memmap_table_entry, 24),
    OFF(struct hvm_memmap_table_entry, size, 8),
    OFF(struct hvm_memmap_table_entry, type, 16),
    SZ(((struct xencons_interface *)0)->in, 1024),
    SZ(((struct xencons_interface *)0)->out, 2048),
    OFF(struct xencons_interface, out, 0x400),
    OFF(struct xencons_interface, in_cons, 0xc00),
    OFF(struct xencons_interface, in_prod, 0xc04),
    OFF(struct xencons_interface, out_cons, 0xc08),
    OFF(struct xencons_interface, out_prod, 0xc0c),
    OFF(struct xencons_interface, connection, 0xc10),
    OFF(struct xenstore_domain_interface, rsp, 1024),
    OFF(struct xenstore_domain_interface, req_cons, 2048),
    OFF(struct xenstore_domain_interface, rsp_prod, 2060),
    OFF(struct xenstore_domain_interface, server_features, 2064),
    OFF(struct xenstore_domain_interface, connection, 2068),
    OFF(struct xenstore_domain_interface, error, 2072),
    OFF(struct xenstore_domain_interface, evtchn_port, 2076),
    SZ(struct xsd_sockmsg, 16),
    SZ(struct xen_hvm_param, 16),
    OFF(struct xen_hvm_param, index, 4),
    OFF(struct xen_hvm_param, value, 8),
    SZ(struct xen_hvm_pagetable_dying, 16),
    OFF(struct xen_hvm_pagetable_dying, gpa, 8),
    SZ(struct xen_hvm_evtchn_upcall_vector, 8),
    OFF(struct xen_hvm_evtchn_upcall_vector, vector, 4),
    SZ(struct xen_add_to_physmap, 24),
    OFF(struct xen_add_to_physmap, size, 2),
    OFF(struct xen_add_to_physmap, space, 4),
    OFF(struct xen_add_to_physmap, idx, 8),
    OFF(struct xen_add_to_physmap, gpfn, 16),
    SZ(struct xen_memory_map, 16),
    OFF(struct xen_memory_map, buffer, 8),
    SZ(struct xen_e820_entry, 20),
    SZ(struct xen_memory_reservation, 32),
    OFF(struct xen_memory_reservation, nr_extents, 8),
    OFF(struct xen_memory_reservation, extent_order, 16),
    OFF(struct xen_memory_reservation, mem_flags, 20),
    OFF(struct xen_memory_reservation, domid, 24),
    SZ(struct xen_machphys_mapping, 24),
    SZ(struct xen_remove_from_physmap, 16),
    OFF(struct xen_remove_from_physmap, gpfn, 8),
    SZ(struct xen_feature_info, 8),
    OFF(struct xen_feature_info, submap, 4),
    SZ(struct vcpu_runstate_info, 48),
    OFF(struct vcpu_runstate_info, state_entry_time, 8),
    OFF(struct vcpu_runstate_info, time, 16),
    SZ(struct vcpu_register_runstate_memory_area, 8),
    SZ(struct vcpu_register_time_memory_area, 8),
    SZ(struct vcpu_set_singleshot_timer, 16),
    OFF(struct vcpu_set_singleshot_timer, flags, 8),
    SZ(struct vcpu_register_vcpu_info, 16),
    OFF(struct vcpu_register_vcpu_info, offset, 8),
    OFF(struct vcpu_register_vcpu_info, rsvd, 12),
    SZ(struct sched_shutdown, 4),
    SZ(struct sched_poll, 24),
    OFF(struct sched_poll, nr_ports, 8),
    OFF(struct sched_poll, timeout, 16),
    SZ(struct sched_remote_shutdown, 8),
    OFF(struct sched_remote_shutdown, reason, 4),
    SZ(struct evtchn_bind_interdomain, 12),
    OFF(struct evtchn_bind_interdomain, remote_port, 4),
    OFF(struct evtchn_bind_interdomain, local_port, 8),
    SZ(struct evtchn_bind_virq, 12),
    OFF(struct evtchn_bind_virq, vcpu, 4),
    OFF(struct evtchn_bind_virq, port, 8),
    SZ(struct evtchn_bind_pirq, 12),
    SZ(struct evtchn_close, 4),
    SZ(struct evtchn_send, 4),
    SZ(struct evtchn_status, 24),
    OFF(struct evtchn_status, port, 4),
    OFF(struct evtchn_status, status, 8),
    OFF(struct evtchn_status, vcpu, 12),
    OFF(struct evtchn_status, u, 16),
    OFF(struct evtchn_status, u.interdomain.port, 20),
    SZ(struct evtchn_alloc_unbound, 8),
    OFF(struct evtchn_alloc_unbound, remote_dom, 2),
    OFF(struct evtchn_alloc_unbound, port, 4),
    SZ(struct evtchn_bind_ipi, 8),
    OFF(struct evtchn_bind_ipi, port, 4),
    SZ(struct evtchn_bind_vcpu, 8),
    SZ(struct evtchn_unmask, 4),
    SZ(struct evtchn_reset, 2),
    SZ(struct evtchn_init_control, 24),
    OFF(struct evtchn_init_control, offset, 8),
    OFF(struct evtchn_init_control, vcpu, 12),
    OFF(struct evtchn_init_control, link_bits, 16),
    SZ(struct evtchn_expand_array, 8),
    SZ(struct evtchn_set_priority, 8),
    SZ(struct grant_entry_v1, 8),
    OFF(struct grant_entry_v1, domid, 2),
    OFF(struct grant_entry_v1, frame, 4),
    SZ(struct gnttab_map_grant_ref, 32),
    OFF(struct gnttab_map_grant_ref, flags, 8),
    OFF(struct gnttab_map_grant_ref, ref, 12),
    OFF(struct gnttab_map_grant_ref, dom, 16),
    OFF(struct gnttab_map_grant_ref, status, 18),
    OFF(struct gnttab_map_grant_ref, handle, 20),
    OFF(struct gnttab_map_grant_ref, dev_bus_addr, 24),
    SZ(struct gnttab_unmap_grant_ref, 24),
    OFF(struct gnttab_unmap_grant_ref, dev_bus_addr, 8),
    OFF(struct gnttab_unmap_grant_ref, handle, 16),
    OFF(struct gnttab_unmap_grant_ref, status, 20),
    SZ(struct gnttab_setup_table, 24),
    OFF(struct gnttab_setup_table, nr_frames, 4),
    OFF(struct gnttab_setup_table, status, 8),
    OFF(struct gnttab_setup_table, frame_list, 16),
    SZ(struct gnttab_query_size, 16),
    OFF(struct gnttab_query_size, nr_frames, 4),
    OFF(struct gnttab_query_size, max_nr_frames, 8),
    OFF(struct gnttab_query_size, status, 12),
    SZ(struct gnttab_set_version, 4),
    SZ(struct trap_info, 16),
    OFF(struct trap_info, cs, 2),
    OFF(struct trap_info, address, 8),
    SZ(struct iret_context, 72),
    OFF(struct iret_context, flags, 24),
    OFF(struct iret_context, ss, 64),
    SZ(struct mmu_update, 16),
    SZ(struct mmuext_op, 24),
    OFF(struct mmuext_op, arg1, 8),
    OFF(struct mmuext_op, arg2, 16),
    SZ(struct multicall_entry, 64),
    OFF(struct multicall_entry, args, 16),
    SZ(struct callback_register, 16),
    OFF(struct callback_register, address, 8),
    SZ(struct physdev_set_iobitmap, 16),
    OFF(struct physdev_set_iobitmap, nr_ports, 8),
    SZ(struct cpu_user_regs, 200),
    OFF(struct cpu_user_regs, rax, 80),
    OFF(struct cpu_user_regs, error_code, 120),
    OFF(struct cpu_user_regs, entry_vector, 124),
    OFF(struct cpu_user_regs, rip, 128),
    OFF(struct cpu_user_regs, cs, 136),
    OFF(struct cpu_user_regs, saved_upcall_mask, 140),
    OFF(struct cpu_user_regs, rflags, 144),
    OFF(struct cpu_user_regs, rsp, 152),
    OFF(struct cpu_user_regs, ss, 160),
    OFF(struct cpu_user_regs, es, 168),
    OFF(struct cpu_user_regs, ds, 176),
    OFF(struct cpu_user_regs, fs, 184),
    OFF(struct cpu_user_regs, gs, 192),
    SZ(struct vcpu_guest_context, 5168),
    OFF(struct vcpu_guest_context, flags, 512),
    OFF(struct vcpu_guest_context, user_regs, 520),
    OFF(struct vcpu_guest_context, trap_ctxt, 720),
    OFF(struct vcpu_guest_context, ldt_base, 4816),
    OFF(struct vcpu_guest_context, ldt_ents, 4824),
    OFF(struct vcpu_guest_context, gdt_frames, 4832),
    OFF(struct vcpu_guest_context, gdt_ents, 4960),
    OFF(struct vcpu_guest_context, kernel_ss, 4968),
    OFF(struct vcpu_guest_context, kernel_sp, 4976),
    OFF(struct vcpu_guest_context, ctrlreg, 4984),
    OFF(struct vcpu_guest_context, debugreg, 5048),
    OFF(struct vcpu_guest_context, event_callback_eip, 5112),
    OFF(struct vcpu_guest_context, failsafe_callback_eip, 5120),
    OFF(struct vcpu_guest_context, syscall_callback_eip, 5128),
    OFF(struct vcpu_guest_context, vm_assist, 5136),
    OFF(struct vcpu_guest_context, fs_base, 5144),
    OFF(struct vcpu_guest_context, gs_base_kernel, 5152),
    OFF(struct vcpu_guest_context, gs_base_user, 5160),
};

static void test_layouts(void **state)
{
    (void)state;
    check_table(layouts, ARRAY_SIZE(layouts));
}

/* docs/xen-abi.md §1.1: every hypercall number. */
static const struct num_case hypercalls[] = {
    NUM(XEN_HYPERCALL_set_trap_table, 0), NUM(XEN_HYPERCALL_mmu_update, 1),
    NUM(XEN_HYPERCALL_set_gdt, 2), NUM(XEN_HYPERCALL_stack_switch, 3),
    NUM(XEN_HYPERCALL_set_callbacks, 4), NUM(XEN_HYPERCALL_fpu_taskswitch, 5),
    NUM(XEN_HYPERCALL_sched_op_compat, 6), NUM(XEN_HYPERCALL_platform_op, 7),
    NUM(XEN_HYPERCALL_set_debugreg, 8), NUM(XEN_HYPERCALL_get_debugreg, 9),
    NUM(XEN_HYPERCALL_update_descriptor, 10), NUM(XEN_HYPERCALL_memory_op, 12),
    NUM(XEN_HYPERCALL_multicall, 13), NUM(XEN_HYPERCALL_update_va_mapping, 14),
    NUM(XEN_HYPERCALL_set_timer_op, 15), NUM(XEN_HYPERCALL_event_channel_op_compat, 16),
    NUM(XEN_HYPERCALL_xen_version, 17), NUM(XEN_HYPERCALL_console_io, 18),
    NUM(XEN_HYPERCALL_physdev_op_compat, 19), NUM(XEN_HYPERCALL_grant_table_op, 20),
    NUM(XEN_HYPERCALL_vm_assist, 21),
    NUM(XEN_HYPERCALL_update_va_mapping_otherdomain, 22),
    NUM(XEN_HYPERCALL_iret, 23), NUM(XEN_HYPERCALL_vcpu_op, 24),
    NUM(XEN_HYPERCALL_set_segment_base, 25), NUM(XEN_HYPERCALL_mmuext_op, 26),
    NUM(XEN_HYPERCALL_xsm_op, 27), NUM(XEN_HYPERCALL_nmi_op, 28),
    NUM(XEN_HYPERCALL_sched_op, 29), NUM(XEN_HYPERCALL_callback_op, 30),
    NUM(XEN_HYPERCALL_xenoprof_op, 31), NUM(XEN_HYPERCALL_event_channel_op, 32),
    NUM(XEN_HYPERCALL_physdev_op, 33), NUM(XEN_HYPERCALL_hvm_op, 34),
    NUM(XEN_HYPERCALL_sysctl, 35), NUM(XEN_HYPERCALL_domctl, 36),
    NUM(XEN_HYPERCALL_kexec_op, 37), NUM(XEN_HYPERCALL_tmem_op, 38),
    NUM(XEN_HYPERCALL_argo_op, 39), NUM(XEN_HYPERCALL_xenpmu_op, 40),
    NUM(XEN_HYPERCALL_dm_op, 41), NUM(XEN_HYPERCALL_hypfs_op, 42),
    NUM(XEN_HYPERCALL_arch_0, 48), NUM(XEN_HYPERCALL_arch_1, 49),
    NUM(XEN_HYPERCALL_arch_2, 50), NUM(XEN_HYPERCALL_arch_3, 51),
    NUM(XEN_HYPERCALL_arch_4, 52), NUM(XEN_HYPERCALL_arch_5, 53),
    NUM(XEN_HYPERCALL_arch_6, 54), NUM(XEN_HYPERCALL_arch_7, 55),
    NUM(XEN_HYPERCALL_PAGE_STUB_SIZE * XEN_HYPERCALL_PAGE_NR_STUBS, 4096),
};

static void test_hypercall_numbers(void **state)
{
    (void)state;
    check_table(hypercalls, ARRAY_SIZE(hypercalls));
}

/* Sub-op numbers and flags used at boot (§3.4, §3.5, §4.13, §5, §7, §9). */
static const struct num_case subops[] = {
    NUM(VIRQ_TIMER, 0), NUM(VIRQ_DEBUG, 1), NUM(VIRQ_CONSOLE, 2), NUM(VIRQ_XENPMU, 13),
    NUM(VIRQ_ARCH_0, 16), NUM(NR_VIRQS, 24),
    NUM(EVTCHNOP_bind_interdomain, 0), NUM(EVTCHNOP_bind_virq, 1), NUM(EVTCHNOP_close, 3),
    NUM(EVTCHNOP_send, 4), NUM(EVTCHNOP_status, 5), NUM(EVTCHNOP_alloc_unbound, 6),
    NUM(EVTCHNOP_bind_ipi, 7), NUM(EVTCHNOP_unmask, 9), NUM(EVTCHNOP_init_control, 11),
    NUM(EVTCHNOP_set_priority, 13), NUM(EVTCHNSTAT_ipi, 5),
    NUM(EVTCHN_2L_NR_CHANNELS, 4096),
    NUM(SCHEDOP_yield, 0), NUM(SCHEDOP_block, 1),
    NUM(SCHEDOP_shutdown, 2), NUM(SCHEDOP_poll, 3),
    NUM(SCHEDOP_remote_shutdown, 4), NUM(SCHEDOP_pin_override, 7),
    NUM(SHUTDOWN_poweroff, 0), NUM(SHUTDOWN_reboot, 1), NUM(SHUTDOWN_suspend, 2),
    NUM(SHUTDOWN_crash, 3), NUM(SHUTDOWN_watchdog, 4), NUM(SHUTDOWN_soft_reset, 5),
    NUM(VCPUOP_initialise, 0), NUM(VCPUOP_up, 1), NUM(VCPUOP_is_up, 3),
    NUM(VCPUOP_register_runstate_memory_area, 5), NUM(VCPUOP_stop_periodic_timer, 7),
    NUM(VCPUOP_set_singleshot_timer, 8), NUM(VCPUOP_stop_singleshot_timer, 9),
    NUM(VCPUOP_register_vcpu_info, 10), NUM(VCPUOP_register_vcpu_time_memory_area, 13),
    NUM(VCPUOP_register_vcpu_time_phys_area, 15), NUM(XEN_RUNSTATE_UPDATE, 1ULL << 63),
    NUM(VCPU_SSHOTTMR_future, 1),
    NUM(XENMEM_increase_reservation, 0), NUM(XENMEM_decrease_reservation, 1),
    NUM(XENMEM_populate_physmap, 6), NUM(XENMEM_add_to_physmap, 7),
    NUM(XENMEM_memory_map, 9),
    NUM(XENMEM_machphys_mapping, 12), NUM(XENMEM_remove_from_physmap, 15),
    NUM(XENMAPSPACE_shared_info, 0), NUM(XENMAPSPACE_grant_table, 1),
    NUM(XENMAPSPACE_gmfn_range, 3), NUM(XENMAPIDX_grant_table_status, 1U << 31),
    NUM(HVMOP_set_param, 0), NUM(HVMOP_get_param, 1), NUM(HVMOP_pagetable_dying, 9),
    NUM(HVMOP_set_evtchn_upcall_vector, 23),
    NUM(HVM_PARAM_CALLBACK_IRQ, 0), NUM(HVM_PARAM_STORE_PFN, 1),
    NUM(HVM_PARAM_STORE_EVTCHN, 2),
    NUM(HVM_PARAM_CONSOLE_PFN, 17), NUM(HVM_PARAM_CONSOLE_EVTCHN, 18),
    NUM(HVM_NR_PARAMS, 39),
    NUM((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56, 2ULL << 56),
    NUM(XENVER_version, 0), NUM(XENVER_extraversion, 1), NUM(XENVER_capabilities, 3),
    NUM(XENVER_get_features, 6), NUM(XENVER_pagesize, 7), NUM(XENVER_commandline2, 14),
    NUM(XEN_EXTRAVERSION_LEN, 16), NUM(XEN_CAPABILITIES_INFO_LEN, 1024),
    NUM(XEN_CHANGESET_INFO_LEN, 64),
    NUM(XENFEAT_writable_page_tables, 0), NUM(XENFEAT_auto_translated_physmap, 2),
    NUM(XENFEAT_mmu_pt_update_preserve_ad, 5), NUM(XENFEAT_gnttab_map_avail_bits, 7),
    NUM(XENFEAT_hvm_callback_vector, 8), NUM(XENFEAT_hvm_safe_pvclock, 9),
    NUM(XENFEAT_dom0, 11), NUM(XENFEAT_linux_rsdp_unrestricted, 15),
    NUM(XENFEAT_direct_mapped, 17), NUM(XENFEAT_dm_msix_all_writes, 20),
    NUM(XENFEAT_NR_SUBMAPS, 1),
    NUM(CONSOLEIO_write, 0), NUM(CONSOLEIO_read, 1),
    NUM(GNTTABOP_map_grant_ref, 0), NUM(GNTTABOP_setup_table, 2), NUM(GNTTABOP_copy, 5),
    NUM(GNTTABOP_query_size, 6), NUM(GNTTABOP_set_version, 8),
    NUM(GNTTABOP_get_version, 10),
    NUM(GNTTABOP_swap_grant_ref, 11), NUM(GNTTAB_NR_RESERVED_ENTRIES, 8),
    NUM(GTF_permit_access, 1), NUM(GTF_readonly, 4), NUM(GTF_sub_page, 0x100),
    NUM(GNTMAP_host_map, 2), NUM(GNTMAP_contains_pte, 16),
    NUM((int64_t)GNTST_no_space, -13),
    NUM(VMASST_TYPE_writable_pagetables, 2), NUM(VMASST_TYPE_runstate_update_flag, 5),
    NUM(VMASST_TYPE_m2p_strict, 32),
    NUM(CALLBACKTYPE_syscall32, 7), NUM(CALLBACKF_mask_events, 1),
    NUM(PHYSDEVOP_set_iopl, 6), NUM(PHYSDEVOP_pirq_eoi_gmfn_v2, 28),
    NUM(MMUEXT_PIN_L4_TABLE, 3), NUM(MMUEXT_NEW_USER_BASEPTR, 15),
    NUM(MMUEXT_UNMARK_SUPER, 20),
    NUM(MMU_PT_UPDATE_PRESERVE_AD, 2), NUM(UVMF_INVLPG, 2), NUM(UVMF_ALL, 4),
    NUM(SEGBASE_GS_USER_SEL, 3), NUM(VGCF_in_syscall, 0x100), NUM(VGCF_online, 0x20),
};

static void test_subop_numbers(void **state)
{
    (void)state;
    check_table(subops, ARRAY_SIZE(subops));
}

/* ELF notes (§2), CPUID (§1.4), start info and misc constants (§3.1, §9). */
static const struct num_case misc[] = {
    NUM(XEN_ELFNOTE_ENTRY, 1), NUM(XEN_ELFNOTE_HYPERCALL_PAGE, 2),
    NUM(XEN_ELFNOTE_VIRT_BASE, 3), NUM(XEN_ELFNOTE_XEN_VERSION, 5),
    NUM(XEN_ELFNOTE_FEATURES, 10), NUM(XEN_ELFNOTE_INIT_P2M, 15),
    NUM(XEN_ELFNOTE_SUPPORTED_FEATURES, 17), NUM(XEN_ELFNOTE_PHYS32_ENTRY, 18),
    NUM(XEN_ELFNOTE_PHYS32_RELOC, 19), NUM(XEN_ELFNOTE_CRASH_INFO, 0x1000001),
    NUM(XEN_CPUID_FIRST_LEAF, 0x40000000), NUM(XEN_CPUID_LEAF(5), 0x40000005),
    NUM(XEN_CPUID_SIGNATURE_EBX, 0x566e6558), NUM(XEN_CPUID_SIGNATURE_ECX, 0x65584d4d),
    NUM(XEN_CPUID_SIGNATURE_EDX, 0x4d4d566e), NUM(XEN_CPUID_MAX_NUM_LEAVES, 5),
    NUM(XEN_HVM_CPUID_VCPU_ID_PRESENT, 1 << 3), NUM(XEN_HVM_CPUID_DOMID_PRESENT, 1 << 4),
    NUM(XEN_HVM_CPUID_EXT_DEST_ID, 1 << 5), NUM(XEN_HVM_CPUID_UPCALL_VECTOR, 1 << 6),
    NUM(XEN_CPUID_HYPERCALL_MSR, 0x40000000),
    NUM(XEN_HVM_START_MAGIC_VALUE, 0x336ec578), NUM(XEN_HVM_MEMMAP_TYPE_PMEM, 7),
    NUM(SIF_INITDOMAIN, 2), NUM(SIF_MOD_START_PFN, 8), NUM(MAX_GUEST_CMDLINE, 1024),
    NUM(XEN_PVCLOCK_TSC_STABLE_BIT, 1), NUM(XEN_PVCLOCK_GUEST_STOPPED, 2),
    NUM(DOMID_SELF, 0x7ff0), NUM(DOMID_IO, 0x7ff1), NUM(DOMID_XEN, 0x7ff2),
    NUM(DOMID_COW, 0x7ff3), NUM(DOMID_INVALID, 0x7ff4), NUM(DOMID_ANY, 0x7ff5),
    NUM(DOMID_IDLE, 0x7fff), NUM(DOMID_MASK, 0x7fff),
    NUM(HYPERVISOR_VIRT_START, 0xffff800000000000ULL),
    NUM(HYPERVISOR_VIRT_END, 0xffff880000000000ULL),
    NUM(MACH2PHYS_VIRT_END, 0xffff804000000000ULL),
    NUM(MACH2PHYS_NR_ENTRIES, 0x800000000ULL),
    NUM(XEN_LEGACY_MAX_VCPUS, 32), NUM(XEN_HVM_DEBUGCONS_IOPORT, 0xe9),
    NUM(FLAT_KERNEL_CS64, 0xe033), NUM(FLAT_KERNEL_SS64, 0xe02b),
    NUM(FLAT_RING3_CS32, 0xe023),
    NUM(FIRST_RESERVED_GDT_ENTRY, 7168), NUM(XEN_MSR_PAT, 0x0000050100070406ULL),
    NUM(XENSTORE_RING_SIZE, 1024), NUM(XS_WATCH_EVENT, 15), NUM(XS_DIRECTORY_PART, 22),
    NUM(XEN_ENOSYS, 38), NUM(XEN_EOPNOTSUPP, 95), NUM(XEN_ETIME, 62),
};

static void test_misc_numbers(void **state)
{
    (void)state;
    check_table(misc, ARRAY_SIZE(misc));
}

/* Little-endian value of n bytes at off, as another party reads the page. */
static uint64_t le_at(const uint8_t *page, size_t off, size_t n)
{
    uint64_t v = 0;

    while (n--)
        v = (v << 8) | page[off + n];
    return v;
}

/* Fields written through the structs land at the fact-sheet byte offsets. */
static void test_guest_page_bytes(void **state)
{
    static uint8_t page[4096];
    struct shared_info si;
    struct start_info st;
    struct xencons_interface con;
    struct hvm_start_info hsi;

    (void)state;
    memset(&si, 0, sizeof(si));
    si.vcpu_info[1].time.system_time = 0x1122334455667788ULL;
    si.vcpu_info[1].evtchn_upcall_mask = 1;
    si.wc_sec = 0xa1b2c3d4;
    si.evtchn_pending[2] = 1ULL << 5; /* port 133 */
    si.arch.p2m_generation = 7;
    memcpy(page, &si, sizeof(si));
    assert_int_equal(le_at(page, 64 + 32 + 16, 8), 0x1122334455667788ULL);
    assert_int_equal(page[64 + 1], 1);
    assert_int_equal(le_at(page, 3076, 4), 0xa1b2c3d4);
    assert_int_equal(page[2048 + 133 / 8], 1 << (133 % 8));
    assert_int_equal(le_at(page, 3128, 8), 7);

    memset(&st, 0, sizeof(st));
    st.store_evtchn = 3;
    st.console.domU.evtchn = 4;
    strcpy(st.cmd_line, "console=hvc0");
    memcpy(page, &st, sizeof(st));
    assert_int_equal(le_at(page, 64, 4), 3);
    assert_int_equal(le_at(page, 80, 4), 4);
    assert_string_equal((const char *)page + 128, "console=hvc0");

    memset(&con, 0, sizeof(con));
    con.out[MASK_XENCONS_IDX(2053u, con.out)] = 'x';
    con.out_prod = 2054;
    memcpy(page, &con, sizeof(con));
    assert_int_equal(page[1024 + 5], 'x');
    assert_int_equal(le_at(page, 3084, 4), 2054);

    memset(&hsi, 0, sizeof(hsi));
    hsi.magic = XEN_HVM_START_MAGIC_VALUE;
    hsi.memmap_entries = 9;
    memcpy(page, &hsi, sizeof(hsi));
    assert_memory_equal(page, "\x78\xc5\x6e\x33", 4);
    assert_int_equal(le_at(page, 48, 4), 9);
}

/* The three signature registers spell the string guests compare. */
static void test_cpuid_signature(void **state)
{
    uint32_t regs[3] = { XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
                         XEN_CPUID_SIGNATURE_EDX };
    char sig[13] = { 0 };

    (void)state;
    memcpy(sig, regs, 12);
    assert_string_equal(sig, "XenVMMXenVMM");
    assert_string_equal(sig, XEN_CPUID_SIGNATURE);
}

/* include/hv/errno.h returns these to guests: both must agree. */
static void test_errno_agrees(void **state)
{
    static const struct num_case errnos[] = {
        NUM(EPERM, XEN_EPERM), NUM(ENOENT, XEN_ENOENT), NUM(ESRCH, XEN_ESRCH),
        NUM(EINTR, XEN_EINTR), NUM(EIO, XEN_EIO), NUM(E2BIG, XEN_E2BIG),
        NUM(EBADF, XEN_EBADF), NUM(EAGAIN, XEN_EAGAIN), NUM(ENOMEM, XEN_ENOMEM),
        NUM(EACCES, XEN_EACCES), NUM(EFAULT, XEN_EFAULT), NUM(EBUSY, XEN_EBUSY),
        NUM(EEXIST, XEN_EEXIST), NUM(ENODEV, XEN_ENODEV), NUM(EINVAL, XEN_EINVAL),
        NUM(ENOSPC, XEN_ENOSPC), NUM(ERANGE, XEN_ERANGE), NUM(ENOSYS, XEN_ENOSYS),
        NUM(EOVERFLOW, XEN_EOVERFLOW),
    };

    (void)state;
    check_table(errnos, ARRAY_SIZE(errnos));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_hypercall_numbers),
        cmocka_unit_test(test_subop_numbers),
        cmocka_unit_test(test_misc_numbers),
        cmocka_unit_test(test_guest_page_bytes),
        cmocka_unit_test(test_cpuid_signature),
        cmocka_unit_test(test_errno_agrees),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
