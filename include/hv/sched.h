/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: a core (sched/core.c) that owns locking, timers, IPIs and
 * runstate accounting, and a policy behind struct sched_ops (credit, or
 * round robin for tests) that only manipulates the data structures below.
 * Policies need no privileged instruction and are unit-tested on the host
 * with simulated time (test/unit/sched/).
 *
 * Locking: one scheduler lock (sched_lock in the core) covers every field
 * here and every call into the ops; the core takes it, the ops never do.
 * At the scale Mica targets (a few dozen pCPUs) the single lock costs
 * less than the per-pCPU lock ordering Xen's credit1 needs.
 *
 * Contract between core and ops (all times in ns of host time):
 *  - u->state is the core's: it sets RUNSTATE_runnable before wake(),
 *    RUNSTATE_blocked/offline before sleep(), and RUNSTATE_running for the
 *    unit pick() returns. Ops read it and never write it.
 *  - wake(u) is called only for a unit that is neither queued nor the
 *    current unit of a pCPU. The ops queue it on some pCPU allowed by
 *    u->affinity (setting u->cpu) and return the mask of pCPUs that should
 *    reschedule (tickle).
 *  - sleep(u) dequeues a queued unit; for a current unit it does nothing,
 *    as the core reschedules that pCPU next.
 *  - pick(cpu) is called on `cpu` when it reschedules. The previous
 *    current unit (cpu[cpu].curr, maybe NULL = idle) is charged for
 *    now - u->start_ns and, if its state is still RUNSTATE_running,
 *    requeued. pick returns the next unit (NULL = idle), having dequeued
 *    it, set cpu[cpu].curr and u->cpu, and stores in *slice_ns how long
 *    it may run before the core calls pick again.
 *  - tick(cpu) runs on every online pCPU each SCHED_TICK_NS, busy or idle;
 *    it returns the mask of pCPUs that should reschedule.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/layout.h>
#include <hv/textbuf.h>
#include <hv/types.h>

#define SCHED_TICK_NS 10000000ULL          /* credit debit granularity: 10 ms */
#define SCHED_TICKS_PER_PERIOD 3           /* accounting every 30 ms */
#define SCHED_DEFAULT_TSLICE_NS 30000000ULL
#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_MAX_WEIGHT 65535
#define SCHED_MAX_DOMAINS 128
#define SCHED_MAX_UNITS 8                 /* vCPUs per domain (MAX_VCPUS) */

/* Runstates, numbered as Xen's RUNSTATE_* (public/vcpu.h). */
enum sched_runstate {
    SCHED_RUNNING = 0,  /* on a pCPU */
    SCHED_RUNNABLE = 1, /* wants a pCPU, queued */
    SCHED_BLOCKED = 2,  /* waits for an event, timer or interrupt */
    SCHED_OFFLINE = 3,  /* not started, paused, or down */
};

/* Credit priorities: higher runs first; FIFO within a priority. */
enum sched_pri { SCHED_PRI_IDLE = -1, SCHED_PRI_OVER = 0, SCHED_PRI_UNDER = 1,
                 SCHED_PRI_BOOST = 2 };

struct sched_domain;

/* The scheduler's view of one vCPU. */
struct sched_unit {
    struct sched_unit *next;     /* run-queue link */
    struct sched_domain *sdom;
    void *owner;                 /* struct vcpu, opaque to the ops */
    unsigned int vcpu_id;
    unsigned int cpu;            /* pCPU it runs on or is queued on */
    uint64_t affinity;           /* allowed pCPUs, bit n = pCPU n */
    enum sched_runstate state;   /* the core's; read-only for ops */
    bool queued;
    bool woken_from_block;       /* set by the core before wake(): boost candidate */
    uint64_t start_ns;           /* when it last started running (core) */
    /* Policy state (credit; rr uses none of it). */
    enum sched_pri pri;
    int64_t credit;              /* ns of CPU it may still use */
    uint64_t charged_ns;         /* start_ns or the last tick it was charged at */
    bool parked;                 /* capped and out of credit: not runnable */
    bool active;                 /* took part in the last accounting period */
    bool full;                   /* entitled to a whole pCPU: never OVER */
};

/* The scheduler's view of one domain. */
struct sched_domain {
    unsigned int domid;
    unsigned int weight;         /* relative share, 1..SCHED_MAX_WEIGHT */
    unsigned int cap;            /* % of one pCPU, 0 = uncapped */
    unsigned int nr_units;
    struct sched_unit *unit[SCHED_MAX_UNITS];
    bool listed;                 /* in scheduler.dom[] */
};

struct sched_cpu {
    bool online;
    struct sched_unit *curr;     /* NULL: idle */
    struct sched_unit *head;     /* run queue, by priority then FIFO */
    unsigned int tick;           /* ticks seen, for the period */
};

struct scheduler {
    const struct sched_ops *ops;
    unsigned int nr_cpus;        /* pCPUs 0..nr_cpus-1 may be online */
    uint64_t tslice_ns;
    struct sched_cpu cpu[MAX_CPUS];
    struct sched_domain *dom[SCHED_MAX_DOMAINS];
    unsigned int nr_doms;
    uint64_t last_account_ns;
    uint64_t nr_accounts;        /* accounting periods run */
    uint64_t nr_steals;          /* units moved to an idle pCPU */
};

struct sched_ops {
    const char *name;
    void (*add_domain)(struct scheduler *s, struct sched_domain *sd);
    void (*remove_domain)(struct scheduler *s, struct sched_domain *sd);
    /* A new unit (state offline, not queued) of an added domain. */
    void (*insert)(struct scheduler *s, struct sched_unit *u);
    void (*remove)(struct scheduler *s, struct sched_unit *u);
    uint64_t (*wake)(struct scheduler *s, struct sched_unit *u, uint64_t now);
    void (*sleep)(struct scheduler *s, struct sched_unit *u, uint64_t now);
    struct sched_unit *(*pick)(struct scheduler *s, unsigned int cpu, uint64_t now,
                               uint64_t *slice_ns);
    uint64_t (*tick)(struct scheduler *s, unsigned int cpu, uint64_t now);
    /* Weight or cap of sd changed (already stored in sd). */
    void (*adjust)(struct scheduler *s, struct sched_domain *sd);
    /* Describe the policy's per-pCPU and per-domain state (called under
     * the scheduler's lock; printed by the caller after dropping it). */
    void (*dump)(struct scheduler *s, struct textbuf *out);
};

extern const struct sched_ops sched_credit_ops;
extern const struct sched_ops sched_rr_ops;

/* Run-queue helpers shared by the policies (sched/runq.c). */
void runq_insert(struct scheduler *s, unsigned int cpu, struct sched_unit *u);
void runq_remove(struct scheduler *s, struct sched_unit *u);
struct sched_unit *runq_peek(struct scheduler *s, unsigned int cpu);

/*
 * The core's interface to the rest of the hypervisor (sched/core.c,
 * sched/switch.c, sched/report.c).
 */
struct vcpu;
struct domain;

/* Per-vCPU core state, embedded in struct vcpu. */
struct sched_vcpu_state {
    struct sched_unit unit;
    uint64_t entry_ns;           /* when the current runstate began */
    uint64_t time[4];            /* ns spent in each runstate */
    uint64_t wake_ns;            /* became runnable after blocking; 0 = not */
    volatile bool kick_pending;  /* something changed since the last look */
    volatile int ctx_cpu;        /* pCPU still holding its context, -1 none */
    bool dead;                   /* its domain died; never runs again */
    /* Per-window statistics for sched_report. */
    uint64_t win_run_ns;
};

/* Per-domain core state, embedded in struct domain. */
struct sched_dom_state {
    struct sched_domain sdom;
    unsigned int pause_count;
    bool added;
    uint64_t wakes, wake_sum_ns, wake_max_ns; /* in the report window */
};

void sched_init(void);                     /* boot CPU, before the APs */
__noreturn void sched_cpu_loop(void);      /* every pCPU's idle loop */
void sched_cpu_online(void);               /* this pCPU may run vCPUs */
/* Put a built domain's vCPUs under the scheduler and start vCPU 0. */
void sched_domain_start(struct domain *d, unsigned int weight, unsigned int cap,
                        uint64_t affinity);
/* Something changed for v (interrupt, event, SIPI, shutdown): wake it if
 * blocked, or make its pCPU look again. Safe from any CPU. */
void vcpu_kick(struct vcpu *v);
/* v (running here) has nothing to do until kicked: true if it blocked;
 * false if a kick arrived meanwhile, so the caller should look again. */
bool vcpu_block(struct vcpu *v, enum sched_runstate why);
/* The running vCPU should give its pCPU back to the scheduler now. */
bool sched_resched_pending(void);
/* Stop every vCPU of d (not from one of d's own vCPUs) / let them run. */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
/* Runstate snapshot including the time in the current state so far. */
void sched_runstate_get(struct vcpu *v, uint64_t time[4], uint64_t *entry_ns,
                        enum sched_runstate *state);
const char *sched_policy_name(void);
/* "running", "runnable", "blocked" or "offline". */
const char *sched_state_name(enum sched_runstate st);
/* Boot option parsers (sched/options.c), used by hv/common/bootopts.c. */
int sched_opt_policy(const char *v);
int sched_opt_tslice(const char *v);
int sched_opt_report(const char *v);

#endif /* HV_SCHED_H */
