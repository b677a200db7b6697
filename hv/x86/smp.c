// SPDX-License-Identifier: MIT
/* Application processor start-up (INIT-SIPI-SIPI), per-CPU setup, the
 * idle loop and cross-CPU function calls.
 *
 * Locking: APs are started one at a time by the boot CPU, which owns
 * tramp_params until the AP reports online. call_lock serializes
 * smp_call_others(); callers must have interrupts enabled.
 */
#include <hv/apic.h>
#include <hv/hvm.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/paging.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include <hv/traps.h>
#include <hv/x86.h>

#define AP_ONLINE_TIMEOUT_MS 5000

extern const char trampoline_start[], trampoline_end[], tramp_params[];

struct percpu *percpu_of[MAX_CPUS];
unsigned int nr_cpus_online;
unsigned int nr_cpus_possible;

static struct {
    spinlock_t lock;
    void (*fn)(void *);
    void *arg;
    volatile unsigned int pending;
} call_state = { .lock = SPINLOCK_INIT };

static struct percpu *percpu_setup(unsigned int cpu, uint32_t apic_id)
{
    vaddr_t area = percpu_area_create(cpu);
    struct percpu *pc;

    if (!area)
        return NULL;
    pc = (struct percpu *)(area + PERCPU_DATA_OFF);
    pc->self = pc;
    pc->cpu_id = cpu;
    pc->apic_id = apic_id;
    pc->area = area;
    if (cpu_tables_alloc(pc))
        return NULL;
    percpu_of[cpu] = pc;
    return pc;
}

static vaddr_t percpu_stack_top(const struct percpu *pc)
{
    return pc->area + PERCPU_STACK_OFF + PERCPU_STACK_SIZE;
}

void smp_boot_cpu_init(void (*next)(void))
{
    struct percpu *pc = percpu_setup(0, lapic_id());

    if (!pc)
        panic("no memory for the boot CPU's per-CPU area");
    cpu_tables_load(pc);
    /* Leave the boot stack for one with guard pages. */
    asm volatile("mov %0, %%rsp\n\t"
                 "xor %%ebp, %%ebp\n\t"
                 "call *%1\n\t"
                 "ud2"
                 : : "r"(percpu_stack_top(pc)), "r"(next) : "memory");
    __builtin_unreachable();
}

static void ipi_wake(struct cpu_regs *regs)
{
    (void)regs; /* the idle loop looks at softirq_pending after waking */
}

static void ipi_call(struct cpu_regs *regs)
{
    (void)regs;
    call_state.fn(call_state.arg);
    __atomic_fetch_sub(&call_state.pending, 1, __ATOMIC_SEQ_CST);
}

void cpu_common_init(struct percpu *pc)
{
    lapic_init();
    if (pc->cpu_id == 0) {
        irq_register(VEC_IPI_WAKE, ipi_wake);
        irq_register(VEC_IPI_CALL, ipi_call);
    }
    timers_cpu_init();
    hvm_cpu_enable();
    pc->tsc_at_online = rdtsc();
    sched_cpu_online();
    pc->online = true;
    __atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
}

static __noreturn void ap_start(struct percpu *pc)
{
    cpu_tables_load(pc);
    cpu_common_init(pc);
    printk("CPU%u online (APIC id %u)\n", pc->cpu_id, pc->apic_id);
    cpu_idle_loop();
}

/* Every CPU ends here: the scheduler runs vCPUs or idles. */
void cpu_idle_loop(void)
{
    sched_cpu_loop();
}

/* INIT-SIPI-SIPI (SDM Vol. 3, "MP Initialization Example"). */
static void ap_kick(uint32_t apic_id)
{
    apic->send_ipi(apic_id, APIC_DM_INIT | APIC_ICR_LEVEL_ASSERT);
    udelay(10000);
    for (int i = 0; i < 2; i++) {
        apic->send_ipi(apic_id, APIC_DM_STARTUP | (TRAMPOLINE_PADDR >> 12));
        udelay(200);
    }
}

static bool ap_wait_online(const struct percpu *pc)
{
    uint64_t deadline = now_ns() + AP_ONLINE_TIMEOUT_MS * 1000000ULL;

    while (now_ns() < deadline) {
        if (__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE))
            return true;
        cpu_relax();
    }
    return false;
}

static void ap_start_one(unsigned int cpu, uint32_t apic_id)
{
    struct percpu *pc = percpu_setup(cpu, apic_id);
    struct trampoline_params *p;

    if (!pc) {
        printk(LOG_ERR "CPU%u: no memory for its per-CPU area\n", cpu);
        return;
    }
    p = __va(TRAMPOLINE_PADDR + ((uintptr_t)tramp_params - (uintptr_t)trampoline_start));
    p->cr3 = (uint32_t)hv_pt.root;
    p->efer = rdmsr(MSR_EFER) & ~EFER_LMA; /* LMA is read-only */
    p->stack = percpu_stack_top(pc);
    p->entry = (uint64_t)ap_start;
    p->percpu = (uint64_t)pc;
    ap_kick(apic_id);
    if (!ap_wait_online(pc))
        printk(LOG_ERR "CPU%u (APIC id %u) did not come online\n", cpu, apic_id);
}

void smp_bring_up(const struct acpi_info *acpi, unsigned int max_cpus)
{
    uint32_t self = this_cpu()->apic_id;
    unsigned int cpu = 1;

    memcpy(__va(TRAMPOLINE_PADDR), trampoline_start,
           (uintptr_t)trampoline_end - (uintptr_t)trampoline_start);
    nr_cpus_possible = MIN(acpi->nr_cpus, MIN(max_cpus, MAX_CPUS));
    for (unsigned int i = 0; i < acpi->nr_cpus && cpu < nr_cpus_possible; i++) {
        if (acpi->cpu[i].apic_id == self)
            continue;
        ap_start_one(cpu++, acpi->cpu[i].apic_id);
    }
    if (acpi->nr_cpus > nr_cpus_possible)
        printk("%u of %u CPUs used (maxcpus=%u)\n", nr_cpus_possible,
               acpi->nr_cpus, max_cpus);
}

void smp_call_others(void (*fn)(void *), void *arg)
{
    spin_lock(&call_state.lock);
    call_state.fn = fn;
    call_state.arg = arg;
    call_state.pending = nr_cpus_online - 1;
    for (unsigned int c = 0; c < MAX_CPUS; c++) {
        struct percpu *pc = percpu_of[c];

        if (pc && pc->online && pc != this_cpu())
            apic_send_ipi(pc->apic_id, VEC_IPI_CALL);
    }
    while (__atomic_load_n(&call_state.pending, __ATOMIC_ACQUIRE))
        cpu_relax();
    spin_unlock(&call_state.lock);
}
