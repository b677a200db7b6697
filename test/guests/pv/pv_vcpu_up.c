// SPDX-License-Identifier: MIT
// PV guest kernel starting its second vCPU the way Linux does
// (VCPUOP_initialise with a struct vcpu_guest_context, then VCPUOP_up),
// after hostile contexts are each refused: a RIP, trap handler or callback
// in the hypervisor, an unvalidated or absent L4, debug registers, a GDT
// frame still writable, too many GDT entries, user mode, a non-canonical
// segment base, an LDT in the hypervisor or on a writable page; vCPU 0
// itself, a vCPU that does not exist, up before initialise, initialise
// twice. vCPU 1 starts with an LDT and a debug register and uses both;
// then VCPUOP_down and VCPUOP_up: vCPU 1 stopped by vCPU 0 (its counter
// stands still) and resumed, vCPU 1 downing itself and resuming after
// its hypercall with its state, vCPU 0 downing itself and woken by 1.
// Virtual NMIs (VCPUOP_send_nmi): dropped without an NMI callback, taken
// by it on the way back from the hypercall, a second one held until the
// callback's iret, and one ending vCPU 1's SCHEDOP_poll.
#include "pv.h"

const char test_name[] = "pv_vcpu_up";

#define VCPUOP_initialise 0
#define VCPUOP_up 1
#define VCPUOP_down 2
#define VCPUOP_send_nmi 11
#define TI_MASK_EVENTS 4
#define DESC_DATA_DPL3 0x00cff2000000ffffULL
#define SEL_LDT_FLAT 0x0f /* LDT entry 1, RPL 3 */
#define PTE_RO_USER 0x25ULL /* P, U, A */
#define AP_SENTINEL 0x5eed5eed5eed5eedULL
#define VGCF_in_kernel (1 << 2)
#define HV_TEXT 0xffff82d080000000ULL

struct vcpu_guest_context {
    uint8_t fpu_ctxt[512];
    uint64_t flags;
    struct {
        uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
        uint64_t rax, rcx, rdx, rsi, rdi;
        uint32_t error_code, entry_vector;
        uint64_t rip;
        uint16_t cs, pad0[1];
        uint8_t saved_upcall_mask, pad1[3];
        uint64_t rflags, rsp;
        uint16_t ss, pad2[3], es, pad3[3], ds, pad4[3], fs, pad5[3], gs, pad6[3];
    } user_regs;
    struct trap_info trap_ctxt[256];
    uint64_t ldt_base, ldt_ents, gdt_frames[16], gdt_ents, kernel_ss, kernel_sp;
    uint64_t ctrlreg[8], debugreg[8];
    uint64_t event_callback_eip, failsafe_callback_eip, syscall_callback_eip, vm_assist;
    uint64_t fs_base, gs_base_kernel, gs_base_user;
};
_Static_assert(sizeof(struct vcpu_guest_context) == 5168, "vcpu_guest_context");

static uint8_t ap_stack[8192] __attribute__((aligned(16)));
static uint64_t spare_page[512] __attribute__((aligned(4096)));
static struct vcpu_guest_context ctx;
static uint64_t ap_ldt[512] __attribute__((aligned(4096)));
static volatile uint64_t ap_probe = 0x1234abcd;
static volatile unsigned int ap_ran, ap_ldt_ok, ap_dr0_ok, ap_count;
static volatile unsigned int ap_down_self, ap_resumed, ap_wake_vcpu0;
static volatile unsigned int nmis, nmi_nest, nested_during, ap_poll, ap_poll_nmis;
static volatile long nested_rc = 1, ap_poll_rc = 1;

/* Through %ds, which vCPU 1 loaded with its LDT selector. */
static bool ap_ldt_read_ok(void)
{
    uint64_t v;

    asm volatile("movq %%ds:%1, %0" : "=r"(v) : "m"(ap_probe));
    return pv_read_sel("ds") == SEL_LDT_FLAT && v == ap_probe;
}

static void ap_down_and_back(void)
{
    volatile uint64_t sentinel = AP_SENTINEL;
    long rc;

    ap_down_self = 0;
    rc = hc_vcpu_op(VCPUOP_down, 1, NULL);
    ap_resumed = rc == 0 && sentinel == AP_SENTINEL && ap_ldt_read_ok() ? 1 : 2;
}

/* The NMI callback (both vCPUs): the first NMI of the nesting check sends
 * another to this vCPU, which must wait for this callback's iret. */
static void on_nmi(struct pv_frame *f)
{
    (void)f;
    nmis++;
    if (nmi_nest) {
        nmi_nest = 0;
        nested_rc = hc_vcpu_op(VCPUOP_send_nmi, 0, NULL);
        nested_during = nmis;
    }
}

/* vCPU 1 polls no port and has no timeout: only an NMI can end it. */
static void ap_poll_for_nmi(void)
{
    struct sched_poll sp = {0, 0, 0};

    ap_poll_rc = hc_sched_op(SCHEDOP_poll, &sp);
    ap_poll_nmis = nmis;
    ap_poll = 2;
}

static void ap_main(void)
{
    asm volatile("mov %w0, %%ds" : : "r"(SEL_LDT_FLAT));
    ap_ldt_ok = ap_ldt_read_ok();
    ap_dr0_ok = hypercall1(__HYPERVISOR_get_debugreg, 0) == (long)&ap_probe;
    ap_ran = 1;
    for (;;) {
        ap_count++;
        if (ap_down_self)
            ap_down_and_back();
        if (ap_poll == 1)
            ap_poll_for_nmi();
        if (ap_wake_vcpu0 && hc_vcpu_op(VCPUOP_is_up, 0, NULL) == 0) {
            ap_wake_vcpu0 = 0;
            hc_vcpu_op(VCPUOP_up, 0, NULL);
        }
        hc_sched_op(SCHEDOP_yield, NULL);
    }
}

static void good_context(void)
{
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.user_regs.rip = (uint64_t)ap_main;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = FLAT_RING3_SS64;
    ctx.user_regs.rsp = (uint64_t)(ap_stack + sizeof(ap_stack) - 8);
    ctx.user_regs.rflags = 0x200;
    ctx.ctrlreg[3] = pv_mfn_of((void *)pv_start_info->pt_base) << 12;
    ctx.ldt_base = (uint64_t)ap_ldt;
    ctx.ldt_ents = 2;
    ctx.debugreg[0] = (uint64_t)&ap_probe;
    ctx.trap_ctxt[2] = (struct trap_info){2, TI_MASK_EVENTS, FLAT_KERNEL_CS, 0,
                                          (uint64_t)pv_entry_nmi};
}

static long initialise(unsigned int vcpu)
{
    return hc_vcpu_op(VCPUOP_initialise, vcpu, &ctx);
}

static void check_hostile(void)
{
    good_context(); ctx.user_regs.rip = HV_TEXT;
    EXPECT_RC("RIP in the hypervisor", initialise(1), -XEN_EINVAL);
    good_context(); ctx.trap_ctxt[3].address = HV_TEXT;
    EXPECT_RC("trap handler in the hypervisor", initialise(1), -XEN_EINVAL);
    good_context(); ctx.event_callback_eip = HYPERVISOR_VIRT_START;
    EXPECT_RC("event callback in the hypervisor", initialise(1), -XEN_EINVAL);
    good_context(); ctx.ctrlreg[3] = pv_mfn_of(spare_page) << 12;
    EXPECT_RC("CR3 of a frame that is no L4", initialise(1), -XEN_EINVAL);
    good_context(); ctx.ctrlreg[3] = 0;
    EXPECT_RC("CR3 of machine frame 0", initialise(1), -XEN_EINVAL);
    good_context(); ctx.debugreg[0] = HV_TEXT;
    EXPECT_RC("breakpoint in the hypervisor", initialise(1), -XEN_EINVAL);
    good_context(); ctx.debugreg[7] = 0x2000;
    EXPECT_RC("DR7 general detect", initialise(1), -XEN_EINVAL);
    good_context(); ctx.ldt_base = HYPERVISOR_VIRT_START;
    EXPECT_RC("LDT in the hypervisor", initialise(1), -XEN_EINVAL);
    good_context(); ctx.ldt_base = (uint64_t)spare_page;
    EXPECT_RC("LDT on a writable page", initialise(1), -XEN_EINVAL);
    good_context(); ctx.gdt_frames[0] = pv_mfn_of(spare_page); ctx.gdt_ents = 16;
    EXPECT_RC("GDT frame still writable", initialise(1), -XEN_EINVAL);
    good_context(); ctx.gdt_ents = 14 * 512 + 1;
    EXPECT_RC("GDT over the reserved page", initialise(1), -XEN_EINVAL);
    good_context(); ctx.flags = 0;
    EXPECT_RC("start in user mode", initialise(1), -XEN_EINVAL);
    good_context(); ctx.fs_base = 0x8000000000000000ULL;
    EXPECT_RC("non-canonical FS base", initialise(1), -XEN_EINVAL);
    good_context();
    EXPECT_RC("initialise vCPU 0 (running)", initialise(0), -XEN_EINVAL);
    EXPECT_RC("initialise vCPU 7 (none)", initialise(7), -XEN_ENOENT);
    EXPECT_RC("up before initialise", hc_vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    EXPECT_RC("vCPU 1 still down", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    info("hostile vCPU contexts refused");
}

/* Wait (yielding) until *flag holds want; false after many tries. */
static bool wait_for(volatile unsigned int *flag, unsigned int want)
{
    for (unsigned int i = 0; i < 100000 && *flag != want; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    return *flag == want;
}

static bool wait_is_up(unsigned int vcpu, long want)
{
    for (unsigned int i = 0; i < 100000; i++) {
        if (hc_vcpu_op(VCPUOP_is_up, vcpu, NULL) == want)
            return true;
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    return false;
}

static void check_down_up(void)
{
    unsigned int count;

    EXPECT_RC("down vCPU 7 (none)", hc_vcpu_op(VCPUOP_down, 7, NULL), -XEN_ENOENT);
    EXPECT_RC("down vCPU 1", hc_vcpu_op(VCPUOP_down, 1, NULL), 0);
    CHECK_EQ("vCPU 1 down", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    for (unsigned int i = 0; i < 100; i++)
        hc_sched_op(SCHEDOP_yield, NULL); /* it leaves the guest at its next exit */
    count = ap_count;
    for (unsigned int i = 0; i < 2000; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    CHECK_EQ("vCPU 1 stopped while down", ap_count, count);
    EXPECT_RC("up vCPU 1", hc_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK(wait_for(&ap_count, count + 5) || ap_count > count, "vCPU 1 resumed: %u",
          ap_count);
    ap_down_self = 1;
    CHECK(wait_is_up(1, 0), "vCPU 1 downed itself");
    CHECK_EQ("not resumed while down", ap_resumed, 0);
    EXPECT_RC("up vCPU 1 again", hc_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK(wait_for(&ap_resumed, 1), "vCPU 1 back from its down with its state: %u",
          ap_resumed);
    ap_wake_vcpu0 = 1;
    EXPECT_RC("vCPU 0 downs itself, vCPU 1 ups it", hc_vcpu_op(VCPUOP_down, 0, NULL), 0);
    CHECK_EQ("vCPU 0 woken by vCPU 1", ap_wake_vcpu0, 0);
    info("VCPUOP_down and VCPUOP_up: vCPU 1 stopped and resumed, "
         "each vCPU downing itself");
}

static void check_nmi(void)
{
    struct callback_register cb = {CALLBACKTYPE_nmi, 0, 0, (uint64_t)pv_entry_nmi};

    pv_set_handler(2, on_nmi);
    EXPECT_RC("send_nmi to vCPU 7 (none)", hc_vcpu_op(VCPUOP_send_nmi, 7, NULL), -XEN_ENOENT);
    EXPECT_RC("send_nmi, no NMI callback", hc_vcpu_op(VCPUOP_send_nmi, 0, NULL), 0);
    hc_sched_op(SCHEDOP_yield, NULL);
    CHECK_EQ("NMIs taken without a callback", nmis, 0);
    EXPECT_RC("register the NMI callback", hc_callback_op(CALLBACKOP_register, &cb), 0);
    nmi_nest = 1;
    EXPECT_RC("send_nmi to itself", hc_vcpu_op(VCPUOP_send_nmi, 0, NULL), 0);
    CHECK_EQ("the second NMI's send_nmi (in the callback)", nested_rc, 0);
    CHECK_EQ("NMIs taken when the callback sent the second", nested_during, 1);
    CHECK_EQ("NMIs taken after the callback's iret", nmis, 2);
    ap_poll = 1;
    for (unsigned int i = 0; i < 100000 && ap_poll != 2; i++) {
        hc_vcpu_op(VCPUOP_send_nmi, 1, NULL); /* again, if one came before the poll */
        for (unsigned int j = 0; j < 20; j++)
            hc_sched_op(SCHEDOP_yield, NULL);
    }
    CHECK_EQ("vCPU 1's poll ended", ap_poll, 2);
    CHECK_EQ("SCHEDOP_poll ended by an NMI", ap_poll_rc, 0);
    CHECK(ap_poll_nmis >= 3, "vCPU 1 returned from its poll before its NMI (%u)",
          ap_poll_nmis);
    info("virtual NMIs: dropped without a callback, one held until the callback's iret, "
         "one ending vCPU 1's SCHEDOP_poll");
}

void test_main(void)
{
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    ap_ldt[1] = DESC_DATA_DPL3;
    EXPECT_RC("LDT page read-only",
              hc_update_va_mapping(ap_ldt, (pv_mfn_of(ap_ldt) << 12) | PTE_RO_USER,
                                   UVMF_INVLPG), 0);
    check_hostile();
    good_context();
    EXPECT_RC("initialise vCPU 1", initialise(1), 0);
    EXPECT_RC("initialise vCPU 1 again", initialise(1), -XEN_EEXIST);
    EXPECT_RC("up vCPU 1", hc_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK(wait_for(&ap_ran, 1), "vCPU 1 never ran its entry");
    EXPECT_RC("vCPU 1 up", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 1);
    CHECK_EQ("vCPU 1 read through its LDT selector", ap_ldt_ok, 1);
    CHECK_EQ("vCPU 1 DR0 from its context", ap_dr0_ok, 1);
    info("vCPU 1 started by VCPUOP_initialise and VCPUOP_up");
    check_down_up();
    check_nmi();
}
