// SPDX-License-Identifier: MIT
/* fault=<kind>: a deliberate fault after boot, so that tests can check the
 * fatal-exception path (register dump, backtrace, stop, exit status). */
#include <hv/boot.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/traps.h>

extern const char __text_start[];

/* noinline so the backtrace shows a recognisable frame. */
static __attribute__((noinline)) void fault_ud(void)
{
    asm volatile("ud2");
}

static __attribute__((noinline)) void fault_gp(void)
{
    /* A non-canonical address: #GP, not #PF. */
    uintptr_t addr = 0x8000000000000000ULL;

    asm volatile("" : "+r"(addr));
    (void)*(volatile uint64_t *)addr;
}

static __attribute__((noinline)) void fault_pf(void)
{
    uintptr_t addr = 0x10; /* never mapped */

    asm volatile("" : "+r"(addr)); /* hide the constant from the compiler */
    (void)*(volatile uint64_t *)addr;
}

static __attribute__((noinline)) void fault_de(void)
{
    volatile uint64_t zero = 0, x = 1;

    // cppcheck-suppress zerodiv ; the point of this function
    x /= zero;
}

/* Writing to our own text must fault: the image is mapped W^X. */
static __attribute__((noinline)) void fault_wx(void)
{
    *(volatile char *)__text_start = 0;
}

/* Recursing into the guard page below the stack: the #PF cannot be pushed
 * on the dead stack, so the CPU raises #DF on its IST stack. */
static __attribute__((noinline)) unsigned int fault_stack_recurse(unsigned int n)
{
    volatile char pad[512];

    pad[0] = (char)n;
    if (n == ~0U) /* unreachable in practice; keeps the recursion finite */
        return pad[0];
    return fault_stack_recurse(n + 1) + pad[0];
}

static void fault_stack(void)
{
    fault_stack_recurse(0);
}

static const struct {
    const char *name;
    void (*fn)(void);
} faults[] = {
    { "ud", fault_ud }, { "gp", fault_gp }, { "pf", fault_pf },
    { "de", fault_de }, { "wx", fault_wx }, { "stack", fault_stack },
};

void fault_inject_maybe(void)
{
    if (!boot_opts.fault[0])
        return;
    for (unsigned int i = 0; i < ARRAY_SIZE(faults); i++) {
        if (!strcmp(boot_opts.fault, faults[i].name)) {
            printk(LOG_WARN "Injecting a deliberate fault: %s\n", faults[i].name);
            faults[i].fn();
            printk(LOG_ERR "Deliberate fault '%s' did not fault\n", faults[i].name);
            return;
        }
    }
    printk(LOG_WARN "fault=%s: unknown kind (ud, gp, pf, de, wx, stack)\n",
           boot_opts.fault);
}
