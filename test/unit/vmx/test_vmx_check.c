// SPDX-License-Identifier: MIT
/* Unit tests of vmx/vmx_check*.c: valid VMCS images pass, and each broken
 * SDM rule is reported by name. */
#include <string.h>

#include "test_support.h"
#include "cpu_caps.h"

static struct vmx_vmcs_image img;

static void set_seg(enum x86_segment s, uint16_t sel, uint16_t attr, uint32_t limit,
                    uint64_t base)
{
    struct segment seg = { sel, attr, limit, base };

    vmx_state_set_seg(&img, s, &seg);
}

/* What vmx.c fills in: controls, bitmaps, EPTP, VPID and a 64-bit host. */
static void image_common(void)
{
    const char *missing;

    vmx_caps = caps_i7_3960x;
    assert_int_equal(vmx_controls_compute(&vmx_caps, &vmx_ctl, &missing), 0);
    memset(&img, 0, sizeof(img));
    img.ctl = vmx_ctl;
    img.exception_bitmap = 1U << 18;
    img.io_bitmap_a = 0x10000, img.io_bitmap_b = 0x11000;
    img.msr_bitmap = 0x12000, img.vapic_addr = 0x13000;
    img.eptp = 0x14000 | (3 << 3) | 6;
    img.vpid = 1;
    img.host.cr0 = 0x80050033, img.host.cr3 = 0x100000, img.host.cr4 = 0x20a0 | 0x2000;
    img.host.cs = 0x08, img.host.ss = 0x10, img.host.tr = 0x28;
    img.host.tr_base = 0xffff82d080200000ULL, img.host.gdtr_base = 0xffff82d080201000ULL;
    img.host.idtr_base = 0xffff82d080202000ULL, img.host.gs_base = 0xffff82d080300000ULL;
    img.host.rip = 0xffff82d080100000ULL;
    img.host.pat = 0x0007040600070406ULL, img.host.efer = 0xd01;
    vmx_state_init(&img);
}

/* A 64-bit kernel: long mode, flat segments, a 64-bit TSS. */
static int setup_64(void **state)
{
    (void)state;
    image_common();
    set_seg(SEG_CS, 0x10, 0xa9b, 0xffffffff, 0);
    for (unsigned int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            set_seg(s, 0x18, 0xc93, 0xffffffff, 0);
    set_seg(SEG_FS, 0, 0, 0, 0x7f0000001000ULL);   /* null FS with a base */
    set_seg(SEG_TR, 0x28, 0x8b, 0x67, 0xffffffff82000000ULL);
    set_seg(SEG_GDTR, 0, 0, 0x7f, 0xffffffff82001000ULL);
    vmx_state_set(&img, HVM_CR4, 0x6a0);           /* PAE, PGE, OSFXSR, OSXMMEXCPT */
    vmx_state_set(&img, HVM_EFER, 0xd01);
    vmx_state_set(&img, HVM_CR0, 0x80050033);
    vmx_state_set(&img, HVM_CR3, 0x1000);
    vmx_state_set(&img, HVM_RIP, 0xffffffff81000000ULL);
    vmx_state_set(&img, HVM_RFLAGS, 0x246);
    return 0;
}

/* An AP after SIPI: real mode under unrestricted guest (hv/hvm/sipi.c). */
static int setup_real(void **state)
{
    (void)state;
    image_common();
    set_seg(SEG_CS, 0x9a00, 0x9b, 0xffff, 0x9a000);
    for (unsigned int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            set_seg(s, 0, 0x93, 0xffff, 0);
    set_seg(SEG_LDTR, 0, 0x82, 0xffff, 0);
    set_seg(SEG_TR, 0, 0x8b, 0xffff, 0);
    vmx_state_set(&img, HVM_CR0, 0x10);
    vmx_state_set(&img, HVM_CR4, 0);
    vmx_state_set(&img, HVM_EFER, 0);
    vmx_state_set(&img, HVM_RIP, 0);
    return 0;
}

static void expect(const char *rule)
{
    const struct vmx_check_rule *r = vmx_check_vmcs(&img, &vmx_caps);

    if (!rule) {
        if (r)
            fail_msg("unexpected failure: %s", r->rule);
        return;
    }
    assert_non_null(r);
    assert_string_equal(r->rule, rule);
}

static void test_valid_64bit(void **state)
{
    (void)state;
    assert_true(img.ctl.entry & ENTRY_IA32E_MODE_GUEST);
    expect(NULL);
    /* An injected #PF with its error code and an external interrupt. */
    assert_true(vmx_state_inject(&img, HVM_EVENT_EXCEPTION, 14, true, 2));
    expect(NULL);
}

static void test_valid_real_mode(void **state)
{
    (void)state;
    assert_false(img.ctl.entry & ENTRY_IA32E_MODE_GUEST);
    expect(NULL);
    assert_true(vmx_state_inject(&img, HVM_EVENT_EXCEPTION, 13, true, 0));
    expect(NULL);
}

static void test_boot_state_valid(void **state)
{
    (void)state;
    image_common();  /* vmx_state_init's flat 32-bit protected mode */
    expect(NULL);
}

static void test_pg_without_pe(void **state)
{
    (void)state;
    img.guest.cr0 &= ~1ULL;
    expect("CR0.PG requires CR0.PE");
}

static void test_ia32e_without_pae(void **state)
{
    (void)state;
    img.guest.cr4 &= ~0x20ULL;
    expect("IA-32e mode guest requires CR0.PG and CR4.PAE");
}

static void test_cr4_vmxe_clear(void **state)
{
    (void)state;
    img.guest.cr4 &= ~0x2000ULL;
    expect("CR4 within IA32_VMX_CR4_FIXED0/1");
}

static void test_efer_lma_mismatch(void **state)
{
    (void)state;
    img.guest.efer &= ~0x400ULL;
    expect("IA32_EFER: reserved bits zero, LMA = IA-32e mode guest, LMA = LME with paging");
}

static void test_cs_l_and_db(void **state)
{
    (void)state;
    img.guest.seg[SEG_CS].ar |= 1U << 14;
    expect("CS.L requires CS.D/B clear in IA-32e mode");
}

static void test_tr_unusable(void **state)
{
    (void)state;
    img.guest.seg[SEG_TR].ar = VMX_AR_UNUSABLE;
    expect("TR usable, type 11 (3 outside IA-32e mode), S clear, P set");
}

static void test_rflags_bit1(void **state)
{
    (void)state;
    img.guest.rflags = 0x200;
    expect("RFLAGS reserved bits zero and bit 1 set");
}

static void test_rip_noncanonical(void **state)
{
    (void)state;
    img.guest.rip = 0x0000800000000000ULL;
    expect("RIP bits 63:32 zero outside 64-bit code, canonical in it");
}

static void test_limit_granularity(void **state)
{
    (void)state;
    img.guest.seg[SEG_DS].limit = 0x12345;          /* G = 1 needs low 12 bits set */
    expect("limit and granularity consistent");
}

static void test_link_pointer(void **state)
{
    (void)state;
    img.guest.link = 0;
    expect("VMCS link pointer all ones");
}

static void test_sti_and_mov_ss(void **state)
{
    (void)state;
    img.guest.interruptibility = INTR_BLOCK_STI | INTR_BLOCK_MOV_SS;
    expect("interruptibility bits 31:5 zero, not both STI and MOV-SS blocking");
}

static void test_inject_with_if_clear(void **state)
{
    (void)state;
    img.guest.rflags = 0x2;
    assert_true(vmx_state_inject(&img, HVM_EVENT_EXTINT, 0x30, false, 0));
    expect("RFLAGS.IF set when injecting an external interrupt");
}

static void test_error_code_on_ud(void **state)
{
    (void)state;
    img.entry_intr_info = 0x80000b06;               /* #UD with an error code */
    expect("VM-entry interruption information: deliver-error-code as the exception does");
}

static void test_eptp_walk_length(void **state)
{
    (void)state;
    img.eptp = 0x14000 | (1 << 3) | 6;
    expect("EPTP: supported memory type, 4-level walk, reserved bits zero");
}

static void test_pin_allowed0(void **state)
{
    (void)state;
    img.ctl.pin = PIN_EXT_INTR_EXITING | PIN_NMI_EXITING;   /* default1 bits dropped */
    expect("pin-based controls within IA32_VMX_(TRUE_)PINBASED_CTLS");
}

static void test_ug_without_ept(void **state)
{
    (void)state;
    img.ctl.proc2 &= ~CPU2_ENABLE_EPT;
    expect("unrestricted guest requires enable EPT");
}

static void test_host_cs_zero(void **state)
{
    (void)state;
    img.host.cs = 0;
    expect("host selectors RPL and TI zero; CS and TR nonzero");
}

static void test_real_ss_dpl(void **state)
{
    (void)state;
    img.guest.seg[SEG_SS].ar |= 3U << 5;   /* CS.DPL follows, so only SS breaks */
    img.guest.seg[SEG_CS].ar |= 3U << 5;
    expect("SS type 3 or 7; DPL = RPL; DPL 0 in real mode or with CS type 3");
}

static void test_real_ds_not_accessed(void **state)
{
    (void)state;
    img.guest.seg[SEG_DS].ar &= ~1U;
    expect("DS, ES, FS, GS usable: accessed, readable if code, S and P set");
}

static void test_real_cs_conforming_dpl(void **state)
{
    (void)state;
    img.guest.seg[SEG_CS].ar = (img.guest.seg[SEG_CS].ar & ~0xfU) | 3 | (1U << 5);
    expect("CS.DPL: 0 for type 3, SS.DPL if non-conforming, <= SS.DPL if conforming");
}

#define T64(t) cmocka_unit_test_setup(t, setup_64)
#define TRM(t) cmocka_unit_test_setup(t, setup_real)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T64(test_valid_64bit), TRM(test_valid_real_mode), T64(test_boot_state_valid),
        T64(test_pg_without_pe), T64(test_ia32e_without_pae), T64(test_cr4_vmxe_clear),
        T64(test_efer_lma_mismatch), T64(test_cs_l_and_db), T64(test_tr_unusable),
        T64(test_rflags_bit1), T64(test_rip_noncanonical), T64(test_limit_granularity),
        T64(test_link_pointer), T64(test_sti_and_mov_ss), T64(test_inject_with_if_clear),
        T64(test_error_code_on_ud), T64(test_eptp_walk_length), T64(test_pin_allowed0),
        T64(test_ug_without_ept), T64(test_host_cs_zero), TRM(test_real_ss_dpl),
        TRM(test_real_ds_not_accessed), TRM(test_real_cs_conforming_dpl),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
