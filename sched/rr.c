// SPDX-License-Identifier: MIT
/* Round robin: one priority, a fixed slice, no weights or caps (for tests). */

#include "policy.h"

/*
 * Design: every unit has priority UNDER, so the queues are plain FIFOs.
 * Placement and idle stealing are the credit policy's (policy_common.c),
 * which lets tests compare the two on everything but credit.
 * Locking: the core's sched_lock covers every call.
 */

static void rr_insert(struct scheduler *s, struct sched_unit *u)
{
    (void)s;
    u->pri = SCHED_PRI_UNDER;
    u->parked = false;
    policy_unit_attach(u);
}

static void rr_remove(struct scheduler *s, struct sched_unit *u)
{
    policy_unit_detach(s, u);
}

static uint64_t rr_wake(struct scheduler *s, struct sched_unit *u, uint64_t now)
{
    u->pri = SCHED_PRI_UNDER;
    u->charged_ns = now; /* queued since: the longest waiting runs first */
    return policy_enqueue_woken(s, u);
}

static void rr_sleep(struct scheduler *s, struct sched_unit *u, uint64_t now)
{
    (void)now;
    runq_remove(s, u);
}

static struct sched_unit *rr_pick(struct scheduler *s, unsigned int cpu, uint64_t now,
                                  uint64_t *slice_ns)
{
    struct sched_unit *prev = s->cpu[cpu].curr, *next;

    if (prev && prev->state == SCHED_RUNNING) {
        prev->charged_ns = now;
        runq_insert(s, cpu, prev);
    }
    next = policy_take_best(s, cpu); /* the longest waiting, from any queue */
    policy_run(s, cpu, next);
    *slice_ns = s->tslice_ns;
    return next;
}

/* Slices end on the core's timer; a tick only sends idle pCPUs to work. */
static uint64_t rr_tick(struct scheduler *s, unsigned int cpu, uint64_t now)
{
    (void)now;
    s->cpu[cpu].tick++;
    if (s->cpu[cpu].curr)
        return 0;
    if (runq_peek(s, cpu) || policy_steal_peek(s, cpu, SCHED_PRI_IDLE))
        return 1ULL << cpu;
    return 0;
}

static void rr_adjust(struct scheduler *s, struct sched_domain *sd)
{
    (void)s;
    (void)sd;
}

static void rr_dump(struct scheduler *s, struct textbuf *out)
{
    textbuf_printf(out, "sched rr: slice %llu ns, %llu steals\n", (unsigned long long)s->tslice_ns,
           (unsigned long long)s->nr_steals);
    policy_dump_queues(s, out);
}

const struct sched_ops sched_rr_ops = {
    .name = "rr",
    .add_domain = policy_dom_attach,
    .remove_domain = policy_dom_detach,
    .insert = rr_insert,
    .remove = rr_remove,
    .wake = rr_wake,
    .sleep = rr_sleep,
    .pick = rr_pick,
    .tick = rr_tick,
    .adjust = rr_adjust,
    .dump = rr_dump,
};
