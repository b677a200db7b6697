// SPDX-License-Identifier: MIT
// PV guest kernel with its own GDT (set_gdt, update_descriptor): a user
// data segment loaded into %ds and used, a code segment of its own run
// through a far return, the descriptors Mica must refuse (call gate, TSS,
// LDT, interrupt gate; a frame still writable, a page table, a frame not
// the domain's) each refused while the guest runs on; then multicall with
// a nested multicall refused in its own entry, and port I/O under the
// virtual IOPL of physdev_op.
#include "pv.h"

const char test_name[] = "pv_gdt";

#define DESC_CODE64_DPL0 0x00af9a000000ffffULL /* Xen raises DPL 0 to 3 */
#define DESC_DATA_DPL3 0x00cff2000000ffffULL
#define DESC_CALL_GATE 0x0000ec0000000000ULL   /* 64-bit call gate, DPL 3 */
#define DESC_TSS 0x0000890000000067ULL
#define DESC_LDT 0x0000820000000fffULL
#define DESC_INT_GATE 0x0000ee0000000000ULL
#define SEL_CODE 0x0b /* entry 1, RPL 3 */
#define SEL_DATA 0x13 /* entry 2 */
#define SEL_DATA2 0x1b /* entry 3, written by update_descriptor */
#define PTE_RO_USER 0x25ULL /* P, U, A */

struct multicall_entry {
    uint64_t op, result, args[6];
};

static uint64_t gdt[512] __attribute__((aligned(4096)));
static uint64_t bad_gdt[512] __attribute__((aligned(4096)));
static volatile uint64_t probe = 0x1234567890abcdefULL;

static volatile unsigned int int3s;

static void on_int3(struct pv_frame *f)
{
    (void)f;
    int3s++;
}

static long set_gdt(uint64_t mfn, unsigned long entries)
{
    return hypercall2(__HYPERVISOR_set_gdt, (unsigned long)&mfn, entries);
}

static long update_desc(uint64_t ma, uint64_t desc)
{
    return hypercall2(__HYPERVISOR_update_descriptor, ma, desc);
}

static long make_ro(void *va)
{
    return hc_update_va_mapping(va, (pv_mfn_of(va) << 12) | PTE_RO_USER, UVMF_INVLPG);
}

/* A far return to sel:next, i.e. run on with another code segment. */
static void far_to(uint16_t sel)
{
    asm volatile("pushq %q0\n\tleaq 1f(%%rip), %%rax\n\tpushq %%rax\n\tlretq\n1:"
                 : : "r"((uint64_t)sel) : "rax", "memory");
}

static void check_own_gdt(void)
{
    uint64_t mfn = pv_mfn_of(gdt), val;

    gdt[1] = DESC_CODE64_DPL0;
    gdt[2] = DESC_DATA_DPL3;
    EXPECT_RC("set_gdt while the frame is writable", set_gdt(mfn, 3), -XEN_EINVAL);
    EXPECT_RC("GDT frame read-only", make_ro(gdt), 0);
    EXPECT_RC("set_gdt", set_gdt(mfn, 3), 0);
    CHECK_EQ("DPL of the DPL-0 code descriptor as stored", (gdt[1] >> 45) & 3, 3);
    asm volatile("mov %w1, %%ds\n\tmovq %%ds:%2, %0" : "=r"(val) : "r"(SEL_DATA), "m"(probe));
    CHECK(val == probe, "read through the guest's data segment: %#lx", val);
    hc_sched_op(SCHEDOP_yield, NULL);
    CHECK_EQ("%ds across hypercalls", pv_read_sel("ds"), SEL_DATA);
    far_to(SEL_CODE);
    /* A bounce and the iret hypercall back to this CS (a hypercall would
     * return on FLAT_KERNEL_CS, as Xen's SYSCALL path does). */
    asm volatile("int3");
    CHECK_EQ("%cs after an exception in the guest's code segment", pv_read_sel("cs"),
             SEL_CODE);
    CHECK_EQ("INT3 delivered", int3s, 1);
    far_to(FLAT_KERNEL_CS);
    EXPECT_RC("update_descriptor (data)", update_desc((mfn << 12) + 3 * 8, DESC_DATA_DPL3), 0);
    asm volatile("mov %w0, %%es" : : "r"(SEL_DATA2));
    info("own GDT: data segment %#x, code segment %#x used", SEL_DATA, SEL_CODE);
}

static void check_refused(void)
{
    static const uint64_t system_descs[] = {DESC_CALL_GATE | (0xe008ULL << 16), DESC_CALL_GATE,
                                            DESC_TSS, DESC_LDT, DESC_INT_GATE};
    uint64_t mfn = pv_mfn_of(gdt), l4 = pv_mfn_of((void *)pv_start_info->pt_base);

    for (size_t i = 0; i < ARRAY_SIZE(system_descs); i++) {
        EXPECT_RC("update_descriptor of a system descriptor",
                  update_desc((mfn << 12) + 4 * 8, system_descs[i]), -XEN_EINVAL);
        bad_gdt[4] = system_descs[i];
        EXPECT_RC("GDT frame with a system descriptor read-only", make_ro(bad_gdt), 0);
        EXPECT_RC("set_gdt with a system descriptor", set_gdt(pv_mfn_of(bad_gdt), 8), -XEN_EINVAL);
        EXPECT_RC("frame writable again",
                  hc_update_va_mapping(bad_gdt, (pv_mfn_of(bad_gdt) << 12) | PTE_PRESENT_RW_USER,
                                       UVMF_INVLPG), 0);
    }
    EXPECT_RC("update_descriptor misaligned", update_desc((mfn << 12) + 4, DESC_DATA_DPL3), -XEN_EINVAL);
    EXPECT_RC("update_descriptor into the L4", update_desc(l4 << 12, DESC_DATA_DPL3), -XEN_EINVAL);
    EXPECT_RC("update_descriptor into frame 0", update_desc(0, DESC_DATA_DPL3), -XEN_EINVAL);
    EXPECT_RC("set_gdt of the L4", set_gdt(l4, 8), -XEN_EINVAL);
    EXPECT_RC("set_gdt of frame 0", set_gdt(0, 8), -XEN_EINVAL);
    EXPECT_RC("set_gdt over the reserved page", set_gdt(mfn, 14 * 512 + 1), -XEN_EINVAL);
    EXPECT_RC("set_gdt from a bad pointer", hypercall2(__HYPERVISOR_set_gdt, 0x1000, 8), -XEN_EFAULT);
    CHECK_EQ("%ds after the refusals", pv_read_sel("ds"), SEL_DATA);
    CHECK_EQ("entry 4 untouched", gdt[4], 0);
    info("system descriptors, writable frames, page tables refused; guest running");
}

static void check_multicall_io(void)
{
    struct multicall_entry mc[3] = {
        {__HYPERVISOR_xen_version, 1, {XENVER_version, 0}},
        {__HYPERVISOR_multicall, 1, {0, 0}},
        {__HYPERVISOR_iret, 1, {0}},
    };
    uint32_t iopl = 1, v;

    mc[1].args[0] = (uint64_t)mc;
    mc[1].args[1] = 1;
    EXPECT_RC("multicall", hypercall2(__HYPERVISOR_multicall, (unsigned long)mc, 3), 0);
    CHECK(mc[0].result == (uint64_t)hc_xen_version(XENVER_version, NULL), "entry 0 result %#lx",
          mc[0].result);
    CHECK_EQ("nested multicall refused", (long)mc[1].result, -XEN_EINVAL);
    CHECK_EQ("iret in a multicall refused", (long)mc[2].result, -XEN_EINVAL);
    EXPECT_RC("physdev_op(set_iopl 4)", hypercall2(__HYPERVISOR_physdev_op, 6,
                                                   (unsigned long)&(uint32_t){4}), -XEN_EINVAL);
    EXPECT_RC("physdev_op(set_iopl 1)", hypercall2(__HYPERVISOR_physdev_op, 6,
                                                   (unsigned long)&iopl), 0);
    asm volatile("outl %0, %w1" : : "a"(0x80000000U), "Nd"(0xcf8));
    asm volatile("inl %w1, %0" : "=a"(v) : "Nd"(0xcf8));
    CHECK_EQ("PCI address latch", v, 0x80000000U);
    asm volatile("inl %w1, %0" : "=a"(v) : "Nd"(0xcfc));
    CHECK_EQ("no device behind it", v, 0xffffffffU);
    asm volatile("cli; sti"); /* no-ops under IOPL 1, as on Xen */
    info("multicall per-entry refusals, port I/O under IOPL 1");
}

void test_main(void)
{
    pv_set_handler(3, on_int3);
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    check_own_gdt();
    check_refused();
    check_multicall_io();
}
