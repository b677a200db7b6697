// SPDX-License-Identifier: MIT
// Test-guest IDT: gates for all vectors, dispatch, deliberate-fault recovery.
#include "traps.h"

#include <stddef.h>

/* Interrupt gate descriptor (Intel SDM vol. 3, "IDT Descriptors"; 16 bytes
 * in IA-32e mode, "64-Bit Mode IDT"). */
struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
#ifdef __x86_64__
    uint32_t offset_hi;
    uint32_t reserved;
#endif
} __packed;

#define GATE_INTR_DPL0 0x8e /* present, DPL 0, interrupt gate */

struct desc_ptr {
    uint16_t limit;
    ureg_t base;
} __packed;

_Static_assert(offsetof(struct fault_info, vector) == 0,
               "isr_*.asm reads the vector at offset 0");

extern const ureg_t isr_stubs[256];
extern char fault_recover[];
extern volatile uint32_t fault_armed;

struct fault_info last_fault;
static struct idt_gate idt[256] __aligned(16);
static trap_handler_t handlers[256];

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *exception_name(unsigned int vector)
{
    return vector < 32 ? exc_names[vector] : "interrupt";
}

void load_idt(const void *base, uint16_t limit)
{
    struct desc_ptr d = {.limit = limit, .base = (ureg_t)base};

    asm volatile("lidt %0" : : "m"(d) : "memory");
}

static void set_gate(unsigned int vector, ureg_t target, uint16_t cs)
{
    struct idt_gate *g = &idt[vector];

    g->offset_lo = (uint16_t)target;
    g->selector = cs;
    g->ist = 0;
    g->type_attr = GATE_INTR_DPL0;
    g->offset_mid = (uint16_t)(target >> 16);
#ifdef __x86_64__
    g->offset_hi = (uint32_t)(target >> 32);
    g->reserved = 0;
#endif
}

void traps_init(void)
{
    uint16_t cs;

    asm volatile("mov %%cs, %0" : "=r"(cs));
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, isr_stubs[v], cs);
    load_idt(idt, sizeof(idt) - 1);
}

void trap_set_handler(unsigned int vector, trap_handler_t fn)
{
    handlers[vector & 0xff] = fn;
}

/* Called by isr_common for every vector. */
void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
    unsigned int v = (unsigned int)f->vector;

    if (v < 32 && fault_armed) {
        fault_armed = 0;
        last_fault.vector = v;
        last_fault.error = f->error;
        last_fault.ip = f->ip;
        last_fault.cr2 = v == X86_EXC_PF ? read_cr2() : 0;
        f->ip = (ureg_t)fault_recover;
        return;
    }
    if (handlers[v]) {
        handlers[v](f);
        return;
    }
    if (v < 32)
        test_fail("unexpected exception %s (vector %u) at %#lx, error code %#lx, "
                  "cr2 %#lx",
                  exception_name(v), v, f->ip, f->error,
                  v == X86_EXC_PF ? read_cr2() : 0UL);
    test_fail("unexpected interrupt, vector %#x at %#lx", v, f->ip);
}

struct msr_op {
    uint32_t msr;
    uint64_t val;
};

static void do_rdmsr(void *arg)
{
    struct msr_op *op = arg;

    op->val = rdmsr(op->msr);
}

static void do_wrmsr(void *arg)
{
    struct msr_op *op = arg;

    wrmsr(op->msr, op->val);
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    struct msr_op op = {.msr = msr, .val = 0};
    int r = expect_fault(do_rdmsr, &op);

    *val = op.val;
    return r;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
    struct msr_op op = {.msr = msr, .val = val};

    return expect_fault(do_wrmsr, &op);
}
