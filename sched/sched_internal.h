/* SPDX-License-Identifier: MIT */
/* Shared between the scheduler core's files (sched/). */
#ifndef SCHED_INTERNAL_H
#define SCHED_INTERNAL_H

#include <hv/sched.h>
#include <hv/spinlock.h>
#include <hv/time.h>

struct vcpu;
struct domain;

/* Per-pCPU core state; the policy's is in sched.cpu[]. */
struct sched_pcpu {
    struct timer tick;           /* SCHED_TICK_NS, always armed */
    struct timer slice;          /* end of the current unit's slice */
    volatile bool need_resched;
    struct vcpu *curr;           /* whose context this pCPU holds */
    uint64_t idle_since;         /* 0 while running a vCPU */
    uint64_t idle_ns;            /* total idle time */
};

/* Boot options (sched/options.c). */
struct sched_options {
    const struct sched_ops *policy;
    uint64_t tslice_ns;
    uint64_t report_delay_ms, report_window_ms; /* sched_report=; 0: none */
};

extern struct scheduler sched;
extern spinlock_t sched_lock;
extern struct sched_pcpu sched_pcpu[MAX_CPUS];
extern struct sched_options sched_opts;

void runstate_set(struct vcpu *v, enum sched_runstate st, uint64_t now);
void sched_tickle(uint64_t mask);
void sched_vcpu_retire(struct vcpu *v);

/* Statistics and the sched_report window (sched/report.c). */
void sched_report_init(void);
void sched_report_poll(uint64_t now);
void sched_stat_switch(uint64_t cost_ns);
void sched_stat_wake(struct vcpu *v, uint64_t latency_ns);
void sched_report_domain(struct domain *d, bool present);

#endif /* SCHED_INTERNAL_H */
