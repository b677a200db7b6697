// SPDX-License-Identifier: MIT
// Guest (long mode): exceptions and software interrupts reach the guest's own
// IDT with the right vector, error code, RIP and CR2, and execution resumes.
#include "guest.h"
#include "paging.h"
#include "traps.h"

const char test_name[] = "exceptions";

#define BAD_SELECTOR 0x1230 /* index 0x246: far beyond our 4-entry GDT */
#define PF_OFFSET 0x123
#define INT80_MAGIC 0x5a5a0000a5a5ULL
#define PFEC_P (1U << 0)
#define PFEC_W (1U << 1)
#define PFEC_RSVD (1U << 3)
#define PFEC_I (1U << 4)
#define CPUID81_EDX_NX (1U << 20)

/* Each fault site has a label so the saved RIP can be checked exactly.
 * SysV: the first argument arrives in RDI. */
asm(".pushsection .text\n"
    "do_de:     xor %ecx, %ecx\n mov $1, %eax\n xor %edx, %edx\n"
    "de_insn:   div %ecx\n ret\n"
    "do_ud:\n"
    "ud_insn:   ud2\n ret\n"
    "do_bp:     int3\n"
    "bp_next:   ret\n"
    "do_gp_msr: mov $0x12345, %ecx\n"
    "msr_insn:  rdmsr\n ret\n"
    "do_gp_nc:  movabs $0x8000000000000000, %rax\n"
    "nc_insn:   mov (%rax), %rax\n ret\n"
    "do_gp_sel: mov $0x1230, %eax\n"
    "sel_insn:  mov %eax, %ds\n ret\n"
    "do_read:\n"
    "read_insn: mov (%rdi), %al\n ret\n"
    "do_write:\n"
    "write_insn: movb $1, (%rdi)\n ret\n"
    "do_exec:   call *%rdi\n ret\n"
    "do_int80:  mov %rdi, %rax\n int $0x80\n"
    "int80_next: ret\n"
    ".popsection");

void do_de(void *), do_ud(void *), do_bp(void *), do_gp_msr(void *), do_gp_nc(void *);
void do_gp_sel(void *), do_read(void *), do_write(void *), do_exec(void *);
uint64_t do_int80(uint64_t v);
extern char de_insn[], ud_insn[], bp_next[], msr_insn[], nc_insn[], sel_insn[];
extern char read_insn[], write_insn[], int80_next[];

struct fault_case {
    const char *name;
    void (*fn)(void *);
    void *arg;
    unsigned int vector;
    ureg_t error, ip, cr2;
};

static uint8_t pf_page[4096] __aligned(4096);
static uint8_t *const pf_addr = pf_page + PF_OFFSET;
#define HUGE_VA 0x7fe00000UL /* a 2 MiB page never used otherwise */

/* ignored: error code bits not checked. */
static void run_case_ignoring(const struct fault_case *c, ureg_t ignored)
{
    int vec = expect_fault(c->fn, c->arg);

    CHECK(vec >= 0, "%s: no exception, expected %s", c->name, exception_name(c->vector));
    CHECK((unsigned int)vec == c->vector, "%s: %s (vector %d), expected %s", c->name,
          exception_name((unsigned int)vec), vec, exception_name(c->vector));
    CHECK((last_fault.error & ~ignored) == c->error, "%s: error code %#lx, expected %#lx",
          c->name, last_fault.error, c->error);
    CHECK(last_fault.ip == c->ip, "%s: RIP %#lx, expected %#lx", c->name, last_fault.ip,
          c->ip);
    CHECK(last_fault.cr2 == c->cr2, "%s: CR2 %#lx, expected %#lx", c->name,
          last_fault.cr2, c->cr2);
}

static void run_case(const struct fault_case *c)
{
    run_case_ignoring(c, 0);
}

static void test_basic_faults(void)
{
    const struct fault_case cases[] = {
        {"div by 0", do_de, NULL, X86_EXC_DE, 0, (ureg_t)de_insn, 0},
        {"ud2", do_ud, NULL, X86_EXC_UD, 0, (ureg_t)ud_insn, 0},
        {"int3", do_bp, NULL, X86_EXC_BP, 0, (ureg_t)bp_next, 0},
        {"non-canonical load", do_gp_nc, NULL, X86_EXC_GP, 0, (ureg_t)nc_insn, 0},
        {"load DS beyond the GDT", do_gp_sel, NULL, X86_EXC_GP, BAD_SELECTOR,
         (ureg_t)sel_insn, 0},
    };
    const struct fault_case msr = {"rdmsr of an unassigned MSR",
                                   do_gp_msr,
                                   NULL,
                                   X86_EXC_GP,
                                   0,
                                   (ureg_t)msr_insn,
                                   0};

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        run_case(&cases[i]);
    /* QEMU's TCG does not #GP on unassigned MSRs; Mica must. */
    if (on_mica())
        run_case(&msr);
}

static void set_pf_pte(uint64_t flags)
{
    pt_set_pte((uintptr_t)pf_page, (uintptr_t)pf_page | flags);
}

static void test_page_faults(void)
{
    struct cpuid_regs e1 = cpuid(0x80000001, 0), e8 = cpuid(0x80000008, 0);
    unsigned int maxphys = e8.eax & 0xff;
    uint64_t *pde;

    set_pf_pte(0);
    run_case(&(struct fault_case){"read of a not-present 4K page", do_read, pf_addr,
                                  X86_EXC_PF, 0, (ureg_t)read_insn, (ureg_t)pf_addr});
    run_case(&(struct fault_case){"write to a not-present 4K page", do_write, pf_addr,
                                  X86_EXC_PF, PFEC_W, (ureg_t)write_insn,
                                  (ureg_t)pf_addr});
    set_pf_pte(PTE_P);
    run_case(&(struct fault_case){"write to a read-only page (CR0.WP)", do_write, pf_addr,
                                  X86_EXC_PF, PFEC_P | PFEC_W, (ureg_t)write_insn,
                                  (ureg_t)pf_addr});
    /* The SDM has P=1 with RSVD; QEMU 7.2's TCG reports RSVD alone, and
     * under Mica the CPU (TCG again, nested) walks the guest's tables. */
    if (maxphys < 52) {
        set_pf_pte(PTE_P | PTE_W | 1ULL << maxphys);
        run_case_ignoring(&(struct fault_case){"read through a PTE with a reserved bit",
                                               do_read, pf_addr, X86_EXC_PF, PFEC_RSVD,
                                               (ureg_t)read_insn, (ureg_t)pf_addr},
                          PFEC_P);
    }
    if (e1.edx & CPUID81_EDX_NX) {
        set_pf_pte(PTE_P | PTE_W);
        pf_addr[0] = 0xc3; /* ret */
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
        set_pf_pte(PTE_P | PTE_W | PTE_NX);
        run_case(&(struct fault_case){"fetch from an NX page", do_exec, pf_addr,
                                      X86_EXC_PF, PFEC_P | PFEC_I, (ureg_t)pf_addr,
                                      (ureg_t)pf_addr});
    }
    info("#PF checked: not present (4K, 2M), write to read-only, reserved bit %s, NX %s",
         maxphys < 52 ? "yes" : "no (MAXPHYADDR 52)",
         e1.edx & CPUID81_EDX_NX ? "yes" : "no (not supported)");
    set_pf_pte(PTE_P | PTE_W);
    pf_addr[1] = 0x42;
    CHECK_EQ("pf_page after restoring its PTE", pf_addr[1], 0x42);

    pde = pt_pde(HUGE_VA);
    *pde = 0;
    write_cr3(read_cr3());
    run_case(&(struct fault_case){"read of a not-present 2M page", do_read,
                                  (void *)(HUGE_VA + 8), X86_EXC_PF, 0, (ureg_t)read_insn,
                                  HUGE_VA + 8});
    *pde = HUGE_VA | PTE_PS | PTE_W | PTE_P;
    write_cr3(read_cr3());
}

static unsigned int handled;
static struct trap_frame seen;

static void count_handler(struct trap_frame *f)
{
    handled++;
    seen = *f;
    if (f->vector == X86_EXC_UD)
        f->ip += 2; /* skip the ud2 */
    if (f->vector == 0x80)
        f->ax ^= INT80_MAGIC;
}

/* Delivery through handlers that return with IRETQ. */
static void test_resume(void)
{
    uint64_t v;

    trap_set_handler(X86_EXC_BP, count_handler);
    do_bp(NULL);
    CHECK(handled == 1, "int3 with a handler: %u deliveries", handled);
    CHECK_EQ("int3 frame RIP", seen.ip, (ureg_t)bp_next);
    trap_set_handler(X86_EXC_UD, count_handler);
    do_ud(NULL);
    CHECK(handled == 2, "ud2 with a handler: %u deliveries", handled);
    CHECK_EQ("ud2 frame RIP", seen.ip, (ureg_t)ud_insn);
    trap_set_handler(X86_EXC_BP, NULL);
    trap_set_handler(X86_EXC_UD, NULL);

    trap_set_handler(0x80, count_handler);
    v = do_int80(0x1122334455667788ULL);
    CHECK(handled == 3, "int $0x80: %u deliveries", handled);
    CHECK_EQ("int $0x80 vector", seen.vector, 0x80);
    CHECK_EQ("int $0x80 frame RIP", seen.ip, (ureg_t)int80_next);
    CHECK_EQ("int $0x80 frame CS", seen.cs, GDT_CS64);
    CHECK_EQ("int $0x80 frame error code (none pushed)", seen.error, 0);
    CHECK_EQ("RAX changed by the int $0x80 handler", v,
             0x1122334455667788ULL ^ INT80_MAGIC);
    trap_set_handler(0x80, NULL);
    CHECK(expect_fault(do_read, pf_addr) < 0, "a harmless read faulted");
}

void test_main(void)
{
    test_basic_faults();
    test_page_faults();
    test_resume();
}
