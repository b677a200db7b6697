// SPDX-License-Identifier: MIT
// PV guest kernel feeding hostile arguments to the PV hypercalls: bad
// pointers, handlers and stacks in the hypervisor's range, non-canonical
// addresses, calls PV guests may not make. Each is refused with Xen's
// error (or Mica's stricter -EINVAL, docs/pv.md) and the guest runs on.
#include "pv.h"

const char test_name[] = "pv_hostile";

#define UNMAPPED_VA 0x1000UL

static volatile unsigned int int3s;

static void on_int3(struct pv_frame *f)
{
    (void)f;
    int3s++;
}

static void check_hostile(void)
{
    static const uint64_t bad[] = {0, UNMAPPED_VA, 0x8000000000000000ULL,
                                   HYPERVISOR_VIRT_START, 0xffff82d080000000ULL,
                                   HYPERVISOR_VIRT_END - 8};
    struct trap_info hv_trap[2] = {{3, 3, FLAT_KERNEL_CS, 0, 0xffff82d080000000ULL}, {0}};
    struct trap_info nc_trap[2] = {{3, 3, FLAT_KERNEL_CS, 0, 0x8000000000000000ULL}, {0}};
    struct callback_register hv_cb = {CALLBACKTYPE_event, 0, 0, HYPERVISOR_VIRT_START};
    struct callback_register odd_cb = {99, 0, 0, (uint64_t)on_int3};
    struct xen_feature_info fi = {0, 0};
    /* vcpu_info where Mica would write into a page table, or into a frame
     * that is not the domain's. */
    struct vcpu_register_vcpu_info on_l4 = {pv_mfn_of((void *)pv_start_info->pt_base), 0, 0};
    struct vcpu_register_vcpu_info not_ours = {0, 0, 0};

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        EXPECT_RC("console_io from a bad pointer", hc_console_io(CONSOLEIO_write, 8, (void *)bad[i]), -XEN_EFAULT);
        /* NULL would clear the table: start one byte in instead. */
        EXPECT_RC("set_trap_table from a bad pointer",
                  hc_set_trap_table((void *)(bad[i] ? bad[i] : 1)), -XEN_EFAULT);
        EXPECT_RC("callback_op from a bad pointer", hc_callback_op(CALLBACKOP_register, (void *)bad[i]), -XEN_EFAULT);
    }
    EXPECT_RC("vcpu_info in the boot L4", hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &on_l4), -XEN_EINVAL);
    EXPECT_RC("vcpu_info in machine frame 0", hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &not_ours), -XEN_EINVAL);
    EXPECT_RC("trap handler in the hypervisor", hc_set_trap_table(hv_trap), -XEN_EINVAL);
    EXPECT_RC("trap handler non-canonical", hc_set_trap_table(nc_trap), -XEN_EINVAL);
    EXPECT_RC("event callback in the hypervisor", hc_callback_op(CALLBACKOP_register, &hv_cb), -XEN_EINVAL);
    EXPECT_RC("unknown callback type", hc_callback_op(CALLBACKOP_register, &odd_cb), -XEN_ENOSYS);
    EXPECT_RC("stack_switch to the hypervisor", hc_stack_switch(FLAT_RING3_SS64, 0xffff830000001000ULL), -XEN_EINVAL);
    EXPECT_RC("stack_switch non-canonical", hc_stack_switch(FLAT_RING3_SS64, 0x8000000000000000ULL), -XEN_EINVAL);
    EXPECT_RC("set_segment_base non-canonical", hc_set_segment_base(SEGBASE_FS, 0x8000000000000000ULL), -XEN_EINVAL);
    EXPECT_RC("set_segment_base(9)", hc_set_segment_base(9, 0), -XEN_EINVAL);
    EXPECT_RC("user %gs selector: a hypervisor one", hc_set_segment_base(SEGBASE_GS_USER_SEL, 0xe010), -XEN_EINVAL);
    EXPECT_RC("user %gs selector: null", hc_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
    EXPECT_RC("SCHEDOP_yield", hc_sched_op(SCHEDOP_yield, NULL), 0);
    EXPECT_RC("hvm_op from PV", hypercall2(__HYPERVISOR_hvm_op, 0, 0), -XEN_ENOSYS);
    EXPECT_RC("hypercall 200", hypercall2(200, 0, 0), -XEN_ENOSYS);
    EXPECT_RC("vm_assist(4gb_segments)", hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_4gb_segments), -XEN_EINVAL);
    EXPECT_RC("vm_assist(writable_pagetables)", hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    EXPECT_RC("get_features", hc_xen_version(XENVER_get_features, &fi), 0);
    CHECK((fi.submap & (1U << XENFEAT_mmu_pt_update_preserve_ad)) &&
          !(fi.submap & (1U << XENFEAT_auto_translated_physmap)), "PV features %#x", fi.submap);
    asm volatile("int3");
    CHECK_EQ("INT3 deliveries after the refused trap tables", int3s, 1);
    info("hostile arguments refused, the trap table intact");
}

void test_main(void)
{
    pv_set_handler(3, on_int3);
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    check_hostile();
}
