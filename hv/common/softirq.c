// SPDX-License-Identifier: MIT
/* Softirqs: per-CPU pending bits, raised from interrupt handlers or other
 * CPUs, run from the idle loop with interrupts enabled. */
#include <hv/apic.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/time.h>
#include <hv/traps.h>
#include <hv/x86.h>

static void (*softirq_handlers[NR_SOFTIRQS])(void);

void softirq_register(enum softirq_nr nr, void (*fn)(void))
{
    BUG_ON(nr >= NR_SOFTIRQS || softirq_handlers[nr]);
    softirq_handlers[nr] = fn;
}

void softirq_raise(enum softirq_nr nr)
{
    __atomic_fetch_or(&this_cpu()->softirq_pending, 1U << nr, __ATOMIC_SEQ_CST);
}

/* Set the bit on another CPU and kick it out of HLT. */
void softirq_raise_on(unsigned int cpu, enum softirq_nr nr)
{
    struct percpu *pc = percpu_of[cpu];

    __atomic_fetch_or(&pc->softirq_pending, 1U << nr, __ATOMIC_SEQ_CST);
    if (pc != this_cpu())
        apic_send_ipi(pc->apic_id, VEC_IPI_WAKE);
}

void softirq_run(void)
{
    uint32_t pending;

    while ((pending = __atomic_exchange_n(&this_cpu()->softirq_pending, 0,
                                          __ATOMIC_SEQ_CST))) {
        for (unsigned int nr = 0; nr < NR_SOFTIRQS; nr++)
            if ((pending & (1U << nr)) && softirq_handlers[nr])
                softirq_handlers[nr]();
    }
}
