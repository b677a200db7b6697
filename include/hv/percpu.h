/* SPDX-License-Identifier: MIT */
/* Per-CPU data, reached through the GS base, and CPU bring-up parameters. */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <hv/layout.h>
#include <hv/spinlock.h>
#include <hv/types.h>

struct timer;

/*
 * Each CPU's struct percpu lives in its per-CPU area (layout.h); GS base
 * points at it and `self` lets this_cpu() fetch the pointer in one load.
 */
struct percpu {
    struct percpu *self;
    unsigned int cpu_id;        /* logical number, 0 = boot CPU */
    uint32_t apic_id;
    bool online;
    volatile uint32_t softirq_pending;
    uint64_t irq_count;         /* interrupts taken */
    uint64_t timer_irqs;        /* LAPIC timer interrupts */
    struct timer *timer_head;   /* armed timers, sorted by expiry */
    uint64_t timer_deadline;    /* programmed hardware deadline (ns), 0 = none */
    uint64_t timer_watch_next;  /* timer_watchdog.c: no new wake-up before this */
    uint64_t timer_rescues;     /* wake-ups it sent for an overdue deadline */
    spinlock_t timer_lock;      /* timer_head */
    struct timer *volatile timer_running; /* callback in progress */
    vaddr_t area;               /* base of this CPU's per-CPU area */
    void *tss;                  /* struct tss64 */
    void *gdt;                  /* uint64_t[GDT_ENTRIES] */
    uint64_t tsc_at_online;
    struct vcpu *current_vcpu;  /* the vCPU this pCPU runs, if any */
    /* PV guests in ring 3 (pv/pv_entry.asm): the hypervisor stack pointer
     * pv_enter() left, the guest RSP while SYSCALL entry switches stacks,
     * and the top of the running PV vCPU's register frame (= TSS.RSP0). */
    uint64_t pv_host_rsp;
    uint64_t pv_scratch;
    uint64_t pv_frame_top;
    unsigned int gdt_guest_pages; /* GDT pages mapping guest frames now */
    unsigned int ldt_guest_pages; /* LDT pages mapping guest frames now */
};

/* Handed to the AP trampoline: it loads cr3, enables long mode with EFER,
 * switches to the stack and calls entry(percpu). */
struct trampoline_params {
    uint32_t cr3;       /* boot page tables (below 4 GiB) */
    uint32_t pad;
    uint64_t efer;
    uint64_t stack;     /* top of the AP's primary stack */
    uint64_t entry;     /* void entry(struct percpu *) */
    uint64_t percpu;
};

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;

    asm volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

static inline unsigned int smp_processor_id(void)
{
    return this_cpu()->cpu_id;
}

extern struct percpu *percpu_of[MAX_CPUS];
extern unsigned int nr_cpus_online;
extern unsigned int nr_cpus_possible;

#endif /* HV_PERCPU_H */
