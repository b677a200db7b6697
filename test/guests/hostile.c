// SPDX-License-Identifier: MIT
// Guest (long mode): SVM instructions with garbage operands raise #UD in the
// guest, EFER.SVME cannot be set on Mica, unassigned MSRs raise #GP.
#include "guest.h"
#include "traps.h"

const char test_name[] = "hostile";

/* Every general register holds garbage when the instruction runs, RAX
 * (the VMCB / save-area address operand) included. */
#define SVM_INSN(name, bytes)                                                            \
    asm(".pushsection .text\n" #name ":\n"                                               \
        "push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"        \
        "movabs $0xdeadbeefcafe0000, %rax\n mov %rax, %rbx\n mov %rax, %rcx\n"           \
        "mov %rax, %rdx\n mov %rax, %rsi\n mov %rax, %rdi\n mov %rax, %rbp\n"            \
        "mov %rax, %r8\n mov %rax, %r9\n mov %rax, %r10\n mov %rax, %r11\n"              \
        "mov %rax, %r12\n mov %rax, %r13\n mov %rax, %r14\n mov %rax, %r15\n"            \
        ".byte " bytes "\n"                                                              \
        "pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"              \
        "ret\n.popsection");                                                             \
    void name(void *)

/* AMD APM vol. 3, "Secure Virtual Machine Instructions": 0F 01 D8-DF,
 * #UD while EFER.SVME is clear (SKINIT also without the SKINIT feature). */
SVM_INSN(do_vmrun, "0x0f, 0x01, 0xd8");
SVM_INSN(do_vmmcall, "0x0f, 0x01, 0xd9");
SVM_INSN(do_vmload, "0x0f, 0x01, 0xda");
SVM_INSN(do_vmsave, "0x0f, 0x01, 0xdb");
SVM_INSN(do_stgi, "0x0f, 0x01, 0xdc");
SVM_INSN(do_clgi, "0x0f, 0x01, 0xdd");
SVM_INSN(do_skinit, "0x0f, 0x01, 0xde");
SVM_INSN(do_invlpga, "0x0f, 0x01, 0xdf");

static const struct {
    const char *name;
    void (*fn)(void *);
} svm_insns[] = {
    {"VMRUN", do_vmrun},   {"VMMCALL", do_vmmcall}, {"VMLOAD", do_vmload},
    {"VMSAVE", do_vmsave}, {"STGI", do_stgi},       {"CLGI", do_clgi},
    {"SKINIT", do_skinit}, {"INVLPGA", do_invlpga},
};

static void test_svm_insns(const char *when)
{
    for (size_t i = 0; i < ARRAY_SIZE(svm_insns); i++) {
        int vec = expect_fault(svm_insns[i].fn, NULL);

        CHECK(vec == X86_EXC_UD, "%s %s: %s, expected #UD", svm_insns[i].name, when,
              vec < 0 ? "no exception" : exception_name((unsigned int)vec));
    }
}

/* Mica hides SVM: setting EFER.SVME must #GP (reserved bit) or not stick. */
static void test_efer_svme(void)
{
    uint64_t efer = rdmsr(MSR_EFER), after;
    int vec;

    CHECK(!(efer & EFER_SVME), "EFER.SVME set at start (EFER %#llx)",
          (unsigned long long)efer);
    if (!on_mica()) {
        info("not on Mica: EFER.SVME write not attempted");
        return;
    }
    vec = wrmsr_safe(MSR_EFER, efer | EFER_SVME);
    after = rdmsr(MSR_EFER);
    CHECK(!(after & EFER_SVME), "wrmsr EFER.SVME %s and SVME reads back set (EFER %#llx)",
          vec < 0 ? "did not fault" : exception_name((unsigned int)vec),
          (unsigned long long)after);
    info("wrmsr EFER.SVME: %s", vec < 0 ? "ignored" : exception_name((unsigned int)vec));
    CHECK(vec < 0 || vec == X86_EXC_GP, "wrmsr EFER.SVME: %s, expected #GP",
          exception_name((unsigned int)vec));
    CHECK_EQ("EFER after the refused SVME write", after, efer);
    test_svm_insns("after the EFER.SVME write");
}

static void test_msrs(void)
{
    static const uint32_t msrs[] = {MSR_UNASSIGNED, 0xdeadbeef, 0x0badc0de, 0xc0005555};
    uint64_t v;

    for (size_t i = 0; i < ARRAY_SIZE(msrs); i++) {
        int rd = rdmsr_safe(msrs[i], &v), wr = wrmsr_safe(msrs[i], 0xdeadbeefcafe0000ULL);

        if (!on_mica()) /* QEMU's TCG ignores unassigned MSRs */
            continue;
        CHECK(rd == X86_EXC_GP, "rdmsr %#x: %s, expected #GP", msrs[i],
              rd < 0 ? "no exception" : exception_name((unsigned int)rd));
        CHECK(wr == X86_EXC_GP, "wrmsr %#x: %s, expected #GP", msrs[i],
              wr < 0 ? "no exception" : exception_name((unsigned int)wr));
    }
}

void test_main(void)
{
    test_svm_insns("with EFER.SVME clear");
    test_efer_svme();
    test_msrs();
}
