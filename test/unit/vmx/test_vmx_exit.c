// SPDX-License-Identifier: MIT
/* Unit tests of vmx/vmx_exit.c, vmx_state.c and vmx_names.c: exit
 * qualifications, event re-injection, register state and error names. */
#include <string.h>

#include "test_support.h"
#include "cpu_caps.h"

#define CR0_PE 0x1ULL
#define CR0_NE 0x20ULL
#define CR0_PG 0x80000000ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL

static struct vmx_vmcs_image img;
static uint64_t gprs[16];

static int setup(void **state)
{
    const char *missing;

    (void)state;
    vmx_caps = caps_i7_3960x;
    assert_int_equal(vmx_controls_compute(&vmx_caps, &vmx_ctl, &missing), 0);
    memset(&img, 0, sizeof(img));
    memset(gprs, 0, sizeof(gprs));
    img.ctl = vmx_ctl;
    vmx_state_init(&img);
    img.guest.rip = 0x1000;
    return 0;
}

static struct hvm_exit decode(uint32_t reason, uint64_t qual, uint32_t insn_len)
{
    struct vmx_exit_info x = { .reason = reason, .qual = qual, .insn_len = insn_len };
    struct hvm_exit e;

    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    return e;
}

static void test_cr_qual(void **state)
{
    struct vmx_cr_qual q;

    (void)state;
    vmx_decode_cr_qual(0x104, &q);                  /* mov %rcx, %cr4 */
    assert_int_equal(q.cr, 4);
    assert_int_equal(q.type, CR_ACCESS_MOV_TO);
    assert_int_equal(q.gpr, 1);
    vmx_decode_cr_qual(0xf18, &q);                  /* mov %cr8, %r15 */
    assert_int_equal(q.cr, 8);
    assert_int_equal(q.type, CR_ACCESS_MOV_FROM);
    assert_int_equal(q.gpr, 15);
    vmx_decode_cr_qual(0x00110070, &q);             /* lmsw from memory, 0x11 */
    assert_int_equal(q.type, CR_ACCESS_LMSW);
    assert_true(q.lmsw_mem);
    assert_int_equal(q.lmsw_src, 0x11);
}

/* Guest sets CR0.PG with EFER.LME and CR4.PAE: long mode is entered, NE
 * stays forced underneath while the guest reads back its own value. */
static void test_cr0_write_enters_long_mode(void **state)
{
    struct hvm_exit e;

    (void)state;
    vmx_state_set(&img, HVM_CR4, 0x20);
    vmx_state_set(&img, HVM_EFER, EFER_LME);
    gprs[1] = CR0_PG | CR0_PE | 0x10;
    e = decode(EXIT_REASON_CR_ACCESS, 0x100, 3);  /* mov %rcx, %cr0 */
    assert_int_equal(e.reason, HVM_EXIT_NONE);
    assert_int_equal(img.guest.rip, 0x1003);
    assert_int_equal(img.guest.cr0, CR0_PG | CR0_PE | 0x10 | CR0_NE);
    assert_int_equal(vmx_state_get(&img, HVM_CR0), CR0_PG | CR0_PE | 0x10);
    assert_true(img.guest.efer & EFER_LMA);
    assert_true(img.ctl.entry & ENTRY_IA32E_MODE_GUEST);
}

static void test_cr_writes_refused(void **state)
{
    (void)state;
    gprs[0] = 0x2000;                               /* CR4.VMXE */
    assert_int_equal(decode(EXIT_REASON_CR_ACCESS, 0x4, 3).reason, HVM_EXIT_GP);
    gprs[0] = CR0_PG;                               /* PG without PE */
    assert_int_equal(decode(EXIT_REASON_CR_ACCESS, 0x0, 3).reason, HVM_EXIT_GP);
    gprs[0] = CR0_PG | CR0_PE;                      /* LME without PAE */
    vmx_state_set(&img, HVM_EFER, EFER_LME);
    assert_int_equal(decode(EXIT_REASON_CR_ACCESS, 0x0, 3).reason, HVM_EXIT_GP);
    assert_int_equal(img.guest.rip, 0x1000);       /* not skipped */
}

/* A 32-bit guest turns on PAE paging by a CR0 write that exits (NE
 * changes): the PDPTEs the VMCS holds are stale until reloaded from guest
 * memory; present entries with reserved bits are refused. */
static void test_pae_pdptes(void **state)
{
    uint64_t good[4] = { 0x5001, 0, 0x7019, 0x8000 };   /* PWT|PCD ok; 3 absent */
    uint64_t bad[4] = { 0x5001, 0x6003, 0, 0 };         /* bit 1 reserved */
    uint64_t high[4] = { 1ULL << 40 | 1, 0, 0, 0 };    /* beyond MAXPHYADDR */
    uint64_t nx[4] = { 1ULL << 63 | 0x5001, 0, 0, 0 };  /* no XD in a PDPTE */

    (void)state;
    vmx_state_set(&img, HVM_CR4, 0x20);
    vmx_state_set(&img, HVM_CR3, 0x4000);
    img.guest.pdptes_stale = false;
    assert_false(vmx_state_pae_paging(&img));
    gprs[1] = CR0_PG | CR0_PE | CR0_NE;
    assert_int_equal(decode(EXIT_REASON_CR_ACCESS, 0x100, 3).reason, HVM_EXIT_NONE);
    assert_true(vmx_state_pae_paging(&img));
    assert_true(img.guest.pdptes_stale);
    assert_int_equal(vmx_state_set_pdptes(&img, bad, 39), -1);
    assert_int_equal(vmx_state_set_pdptes(&img, high, 39), -1);
    assert_int_equal(vmx_state_set_pdptes(&img, nx, 39), -1);
    assert_true(img.guest.pdptes_stale);
    assert_int_equal(vmx_state_set_pdptes(&img, high, 46), 0);
    assert_int_equal(vmx_state_set_pdptes(&img, good, 39), 0);
    assert_false(img.guest.pdptes_stale);
    assert_memory_equal(img.guest.pdpte, good, sizeof(good));
    vmx_state_set(&img, HVM_CR3, 0x6000);           /* Mica moved CR3 */
    assert_true(img.guest.pdptes_stale);
    vmx_state_set(&img, HVM_EFER, EFER_LME);        /* long mode: no PDPTEs */
    assert_false(vmx_state_pae_paging(&img));
}

static void test_lmsw_keeps_pe(void **state)
{
    (void)state;
    decode(EXIT_REASON_CR_ACCESS, 0x00000030, 3);   /* lmsw %ax with 0 */
    assert_true(vmx_state_get(&img, HVM_CR0) & CR0_PE);
}

static void test_io_qual(void **state)
{
    struct hvm_exit e;
    struct vmx_exit_info x = { .reason = EXIT_REASON_IO_INSTRUCTION, .insn_len = 2,
                               .qual = 0x03f80000 | 0x30 | 0x8 | 0x1, /* rep insw */
                               .insn_info = (1U << 7) | (0U << 15) };

    (void)state;
    e = decode(EXIT_REASON_IO_INSTRUCTION, 0x00800040, 2);  /* out %al, $0x80 */
    assert_int_equal(e.reason, HVM_EXIT_IO);
    assert_int_equal(e.io.port, 0x80);
    assert_int_equal(e.io.size, 1);
    assert_false(e.io.in);
    assert_false(e.io.string);
    assert_int_equal(e.io.next_rip, 0x1002);
    assert_int_equal(e.insn_len, 2);
    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    assert_int_equal(e.io.port, 0x3f8);
    assert_int_equal(e.io.size, 2);
    assert_true(e.io.in && e.io.string && e.io.rep);
    assert_int_equal(e.io.addr_size, 4);
    assert_int_equal(e.io.seg, 0);
    /* Without the INS/OUTS information the generic code decodes it. */
    vmx_caps.basic &= ~VMX_BASIC_INSOUTS_INFO;
    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    assert_int_equal(e.io.addr_size, 0);
}

static void test_ept_violation(void **state)
{
    struct vmx_exit_info x = { .reason = EXIT_REASON_EPT_VIOLATION, .qual = 0x2 | 0x8,
                               .gpa = 0xfee00030 };
    struct hvm_exit e;

    (void)state;
    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    assert_int_equal(e.reason, HVM_EXIT_NPF);
    assert_int_equal(e.npf.gpa, 0xfee00030);
    assert_true(e.npf.write);
    assert_false(e.npf.fetch);
    assert_true(e.npf.present);
    x.qual = 0x4 | (1U << 12);                      /* fetch, unmapped, after IRET */
    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    assert_true(e.npf.fetch);
    assert_false(e.npf.present);
    assert_true(img.guest.interruptibility & INTR_BLOCK_NMI);
}

static void test_simple_exits(void **state)
{
    (void)state;
    assert_int_equal(decode(EXIT_REASON_VMCALL, 0, 3).reason, HVM_EXIT_HYPERCALL);
    assert_int_equal(decode(EXIT_REASON_VMCALL, 0, 3).insn_len, 3);
    assert_int_equal(decode(EXIT_REASON_CPUID, 0, 2).reason, HVM_EXIT_CPUID);
    assert_int_equal(decode(EXIT_REASON_HLT, 0, 1).reason, HVM_EXIT_HLT);
    assert_int_equal(decode(EXIT_REASON_RDMSR, 0, 2).reason, HVM_EXIT_MSR_READ);
    assert_int_equal(decode(EXIT_REASON_WRMSR, 0, 2).reason, HVM_EXIT_MSR_WRITE);
    assert_int_equal(decode(EXIT_REASON_EXTERNAL_INTERRUPT, 0, 0).reason, HVM_EXIT_INTR);
    assert_int_equal(decode(EXIT_REASON_INTERRUPT_WINDOW, 0, 0).reason, HVM_EXIT_IRQ_WINDOW);
    assert_int_equal(decode(EXIT_REASON_NMI_WINDOW, 0, 0).reason, HVM_EXIT_IRQ_WINDOW);
    assert_int_equal(decode(EXIT_REASON_TRIPLE_FAULT, 0, 0).reason, HVM_EXIT_SHUTDOWN);
    assert_int_equal(decode(EXIT_REASON_TASK_SWITCH, 0, 0).reason, HVM_EXIT_FAIL);
    assert_int_equal(decode(EXIT_REASON_VMXON, 0, 4).reason, HVM_EXIT_UD);
    assert_int_equal(decode(EXIT_REASON_XSETBV, 0, 3).reason, HVM_EXIT_UD);
    assert_int_equal(decode(EXIT_REASON_EPT_MISCONFIG, 0, 0).reason, HVM_EXIT_FAIL);
    assert_int_equal(decode(0x80000000U | EXIT_REASON_INVALID_GUEST_STATE, 0, 0).reason,
                     HVM_EXIT_FAIL);
    assert_int_equal(decode(EXIT_REASON_INVD, 0, 2).reason, HVM_EXIT_NONE);
    assert_int_equal(img.guest.rip, 0x1002);
    /* No instruction length for exits not caused by one. */
    assert_int_equal(decode(EXIT_REASON_EXTERNAL_INTERRUPT, 0, 5).insn_len, 0);
}

static void test_exception_exits(void **state)
{
    struct vmx_exit_info x = { .reason = EXIT_REASON_EXCEPTION_NMI, .intr_info = 0x80000202 };
    struct hvm_exit e;

    (void)state;
    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    assert_int_equal(e.reason, HVM_EXIT_INTR);    /* host NMI */
    x.intr_info = 0x80000b0d, x.intr_error = 0x18;
    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    assert_int_equal(e.reason, HVM_EXIT_GP);
    assert_int_equal(e.gp.error, 0x18);
}

/* A #PF cut short by the exit is injected again with its error code; a
 * software interrupt is re-executed, not re-injected. */
static void test_idt_vectoring(void **state)
{
    struct vmx_exit_info x = { .reason = EXIT_REASON_EPT_VIOLATION,
                               .idt_info = 0x80000b0e, .idt_error = 2 };
    struct hvm_exit e;

    (void)state;
    img.entry_intr_info = 0x80000320;             /* consumed by the entry */
    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    assert_int_equal(img.entry_intr_info, 0x80000b0e);
    assert_int_equal(img.entry_error, 2);
    x.idt_info = 0x80000480;                        /* INT 0x80 */
    vmx_exit_decode(&img, gprs, &x, &vmx_caps, &e);
    assert_int_equal(img.entry_intr_info, 0);
}

static void test_inject(void **state)
{
    (void)state;
    vmx_state_set(&img, HVM_CR0, 0x10);           /* real mode */
    assert_true(vmx_state_inject(&img, HVM_EVENT_EXCEPTION, 13, true, 0));
    assert_int_equal(img.entry_intr_info, 0x8000030d);   /* no error code in real mode */
    assert_false(vmx_state_inject(&img, HVM_EVENT_EXTINT, 0x20, false, 0));
    img.entry_intr_info = 0;
    vmx_state_set(&img, HVM_CR0, 0x11);
    assert_true(vmx_state_inject(&img, HVM_EVENT_EXCEPTION, 14, true, 6));
    assert_int_equal(img.entry_intr_info, 0x80000b0e);
    assert_int_equal(img.entry_error, 6);
}

static void test_segments(void **state)
{
    struct segment s = { 0x10, 0xa9b, 0, 0 }, out;

    (void)state;
    assert_int_equal(vmx_attr_to_ar(0xc93), 0xc093);
    assert_int_equal(vmx_attr_to_ar(0), VMX_AR_UNUSABLE);
    assert_int_equal(vmx_ar_to_attr(0xa09b), 0xa9b);
    assert_int_equal(vmx_ar_to_attr(VMX_AR_UNUSABLE | 0x60), 0x60);
    vmx_state_set_seg(&img, SEG_CS, &s);
    vmx_state_get_seg(&img, SEG_CS, &out);
    assert_memory_equal(&s, &out, sizeof(s));
    vmx_state_set(&img, HVM_RIP, 0x2000);
    img.guest.interruptibility = INTR_BLOCK_STI | INTR_BLOCK_NMI;
    vmx_state_set(&img, HVM_RIP, 0x2001);         /* ends the STI shadow only */
    assert_int_equal(img.guest.interruptibility, INTR_BLOCK_NMI);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(vmx_insn_error_name(7), "VM entry with invalid control field(s)");
    assert_string_equal(vmx_insn_error_name(8), "VM entry with invalid host-state field(s)");
    assert_string_equal(vmx_insn_error_name(28), "Invalid operand to INVEPT/INVVPID");
    assert_string_equal(vmx_insn_error_name(14), "unknown VM-instruction error");
    assert_string_equal(vmx_insn_error_name(1000), "unknown VM-instruction error");
    assert_string_equal(vmx_exit_reason_name(48), "EPT violation");
    assert_string_equal(vmx_exit_reason_name(0x80000021),
                        "VM-entry failure due to invalid guest state");
    assert_string_equal(vmx_exit_reason_name(35), "unknown exit reason");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_cr_qual, setup),
        cmocka_unit_test_setup(test_cr0_write_enters_long_mode, setup),
        cmocka_unit_test_setup(test_cr_writes_refused, setup),
        cmocka_unit_test_setup(test_pae_pdptes, setup),
        cmocka_unit_test_setup(test_lmsw_keeps_pe, setup),
        cmocka_unit_test_setup(test_io_qual, setup),
        cmocka_unit_test_setup(test_ept_violation, setup),
        cmocka_unit_test_setup(test_simple_exits, setup),
        cmocka_unit_test_setup(test_exception_exits, setup),
        cmocka_unit_test_setup(test_idt_vectoring, setup),
        cmocka_unit_test_setup(test_inject, setup),
        cmocka_unit_test_setup(test_segments, setup),
        cmocka_unit_test_setup(test_names, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
