// SPDX-License-Identifier: MIT
/* The IDT and do_trap(): exceptions in the hypervisor are fatal, device
 * and IPI vectors go to registered handlers. */
#include <hv/apic.h>
#include <hv/lib.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/traps.h>
#include <hv/x86.h>

struct idt_entry {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type; /* P, DPL, gate type */
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_entry) == 16, "IDT entry layout");

#define GATE_INTR 0x8e /* present, DPL0, 64-bit interrupt gate */
#define GATE_DPL3 0x60 /* INT n allowed from ring 3 */
#define STUB_SIZE 16

extern const char trap_stubs[];
static struct idt_entry idt[256] __aligned(16);
static irq_handler_fn irq_handlers[256];

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
    "#OF overflow", "#BR bound range", "#UD invalid opcode",
    "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault",
    "#GP general protection", "#PF page fault", "reserved 15",
    "#MF x87 error", "#AC alignment check", "#MC machine check",
    "#XM SIMD error", "#VE virtualization", "#CP control protection",
};

static void idt_set(unsigned int vec, uint64_t handler, uint8_t ist)
{
    idt[vec] = (struct idt_entry){
        .off_lo = handler & 0xffff,
        .sel = SEL_HV_CS,
        .ist = ist,
        .type = GATE_INTR,
        .off_mid = (handler >> 16) & 0xffff,
        .off_hi = handler >> 32,
    };
}

void idt_init(void)
{
    for (unsigned int v = 0; v < 256; v++)
        idt_set(v, (uint64_t)trap_stubs + v * STUB_SIZE, 0);
    /* INT3 and INTO from a PV guest (ring 3) arrive as themselves, as
     * under Xen, and are bounced to the guest's handlers (pv/). */
    idt[3].type |= GATE_DPL3;
    idt[4].type |= GATE_DPL3;
    idt[2].ist = IST_NMI;
    idt[8].ist = IST_DF;
    idt[18].ist = IST_MC;
    idt[1].ist = IST_DB;
}

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed idtr = { sizeof(idt) - 1, (uint64_t)idt };

    asm volatile("lidt %0" : : "m"(idtr));
}

void irq_register(unsigned int vector, irq_handler_fn fn)
{
    BUG_ON(vector >= 256 || irq_handlers[vector]);
    irq_handlers[vector] = fn;
}

const char *exception_name(unsigned int vec);
const char *exception_name(unsigned int vec)
{
    if (vec < 32 && exception_names[vec])
        return exception_names[vec];
    return "reserved";
}

/* An exception raised by the hypervisor's own code: report and stop. */
static __noreturn void fatal_exception(struct cpu_regs *regs)
{
    panic_begin();
    printk(LOG_ERR "FATAL: exception %lu (%s), error code 0x%lx, on CPU %u\n",
           regs->vector, exception_name((unsigned int)regs->vector),
           regs->error_code, this_cpu()->cpu_id);
    show_registers(regs);
    show_backtrace(regs->rip, regs->rbp);
    panic_end();
}

static void do_nmi(struct cpu_regs *regs)
{
    (void)regs;
    if (panic_in_progress)
        panic_stop_this_cpu();
    printk(LOG_WARN "NMI on CPU %u ignored\n", this_cpu()->cpu_id);
}

/*
 * #DB in the hypervisor. A PV guest's data breakpoint (pv/pv_debugreg.c)
 * matches when the hypervisor copies the guest's memory: a trap after the
 * access, so the copy simply goes on (Xen ignores these too). A PV
 * guest's breakpoints name guest addresses only, so no instruction
 * breakpoint can hit here. DR6 is reset either way, so that nothing stale
 * is reported next time; the rest (a single-stepped SYSCALL) goes on to
 * the exception table.
 */
static bool db_guest_watchpoint(const struct cpu_regs *regs)
{
    uint64_t dr6 = read_dr6();

    if (regs->cs & 3)
        return false;
    write_dr6(X86_DR6_DEFAULT);
    return (dr6 & X86_DR6_BP_MASK) && !(dr6 & X86_DR6_BS);
}

void do_trap(struct cpu_regs *regs)
{
    unsigned int vec = (unsigned int)regs->vector;

    if (vec == 2) {
        do_nmi(regs);
        return;
    }
    if (vec == 1 && db_guest_watchpoint(regs))
        return;
    if (vec < 32 && extable_fixup(regs))
        return;
    if (vec < 32)
        fatal_exception(regs);
    this_cpu()->irq_count++;
    if (vec == VEC_SPURIOUS)
        return; /* spurious interrupts take no EOI */
    if (irq_handlers[vec])
        irq_handlers[vec](regs);
    else
        printk_ratelimited(LOG_WARN "unexpected interrupt vector 0x%x\n", vec);
    lapic_eoi();
}
