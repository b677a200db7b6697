// SPDX-License-Identifier: MIT
/* Register dumps and frame-pointer backtraces, symbolized with the table
 * that the second link stage embeds (scripts/gen_symbols.sh). */
#include <hv/layout.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/x86.h>

struct symtab_entry {
    uint64_t addr;
    uint64_t name_off;
};

extern const uint64_t hv_symtab_count;
extern const struct symtab_entry hv_symtab[];
extern const char hv_symtab_names[];
extern const char __text_start[], __text_end[];

bool symbol_lookup(uint64_t addr, const char **name, uint64_t *offset)
{
    uint64_t lo = 0, hi = hv_symtab_count;

    if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end || !hi)
        return false;
    /* Binary search for the last symbol at or below addr. */
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;

        if (hv_symtab[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (hv_symtab[lo].addr > addr)
        return false;
    *name = hv_symtab_names + hv_symtab[lo].name_off;
    *offset = addr - hv_symtab[lo].addr;
    return true;
}

static void print_symbol(const char *label, uint64_t addr)
{
    const char *name;
    uint64_t off;

    if (symbol_lookup(addr, &name, &off))
        printk(LOG_ERR "%s[<%016lx>] %s+0x%lx\n", label, addr, name, off);
    else
        printk(LOG_ERR "%s[<%016lx>] ?\n", label, addr);
}

void show_registers(const struct cpu_regs *r)
{
    print_symbol("RIP: ", r->rip);
    printk(LOG_ERR "CS: %04lx  RFLAGS: %016lx  SS: %04lx\n", r->cs, r->rflags, r->ss);
    printk(LOG_ERR "RAX: %016lx  RBX: %016lx  RCX: %016lx\n", r->rax, r->rbx, r->rcx);
    printk(LOG_ERR "RDX: %016lx  RSI: %016lx  RDI: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk(LOG_ERR "RBP: %016lx  RSP: %016lx  R8:  %016lx\n", r->rbp, r->rsp, r->r8);
    printk(LOG_ERR "R9:  %016lx  R10: %016lx  R11: %016lx\n", r->r9, r->r10, r->r11);
    printk(LOG_ERR "R12: %016lx  R13: %016lx  R14: %016lx\n", r->r12, r->r13, r->r14);
    printk(LOG_ERR "R15: %016lx\n", r->r15);
    printk(LOG_ERR "CR0: %016lx  CR2: %016lx  CR3: %016lx  CR4: %016lx\n",
           read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

/* A frame pointer is followed only while it stays inside hypervisor
 * memory and grows upwards, so a corrupt chain ends the walk. */
static bool frame_plausible(uint64_t fp, uint64_t prev)
{
    return fp > prev && (fp & 7) == 0 && fp >= PERCPU_VIRT_START &&
           fp < DIRECTMAP_VIRT_START;
}

void show_backtrace(uint64_t rip, uint64_t rbp)
{
    uint64_t prev = 0;

    printk(LOG_ERR "Backtrace:\n");
    print_symbol("  ", rip);
    for (int depth = 0; depth < 32 && frame_plausible(rbp, prev); depth++) {
        const uint64_t *frame = (const uint64_t *)rbp;

        if (!frame[1])
            break;
        print_symbol("  ", frame[1]);
        prev = rbp;
        rbp = frame[0];
    }
}
