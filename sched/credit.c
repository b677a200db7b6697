// SPDX-License-Identifier: MIT
/* Credit scheduler: proportional shares by weight, caps, boost on wake. */

#include "credit.h"

#define CREDIT_STARVE_SLICES 32

/*
 * Design (after Xen's credit1): every unit holds credit, ns of CPU it may
 * still use. Each period (SCHED_TICKS_PER_PERIOD ticks of the lowest
 * online pCPU) the machine's capacity is shared among the active domains
 * by weight, each limited to one pCPU per active unit and to its cap; what
 * a limited domain cannot take goes to the others (water filling). Running
 * costs credit at every tick and pick. Units with credit are UNDER and run
 * before those without (OVER); a unit woken from a block while UNDER is
 * BOOSTed until its next tick, so I/O-bound vCPUs answer fast.
 *
 * A capped unit out of credit is parked: off every queue until accounting
 * pays it again, and its slices end where its credit does, so a capped
 * domain gets no more than its cap even on an idle machine.
 *
 * A queued unit that has waited CREDIT_STARVE_SLICES slices (about a
 * second: long enough never to bend ordinary weights) runs next
 * unless a BOOSTed one is queued: at extreme weights (1 vs 65535) credit alone
 * would leave the light unit waiting for minutes.
 *
 * Accounting is in credit_account.c. For a queued unit charged_ns is
 * when it was queued (its wait start).
 *
 * Locking: the core's sched_lock covers every call.
 */

static uint64_t credit_tslice(const struct scheduler *s)
{
    return s->tslice_ns ? s->tslice_ns : SCHED_DEFAULT_TSLICE_NS;
}

static void credit_insert(struct scheduler *s, struct sched_unit *u)
{
    (void)s;
    u->credit = CREDIT_INIT;
    u->pri = SCHED_PRI_UNDER;
    u->parked = false;
    u->active = false;
    u->charged_ns = 0;
    policy_unit_attach(u);
}

static void credit_remove(struct scheduler *s, struct sched_unit *u)
{
    policy_unit_detach(s, u);
}

static uint64_t credit_wake(struct scheduler *s, struct sched_unit *u, uint64_t now)
{
    u->charged_ns = now;
    u->pri = credit_pri(u);
    if (credit_out_of_cap(u)) {
        u->parked = true;
        return 0;
    }
    u->parked = false;
    if (u->woken_from_block && u->pri == SCHED_PRI_UNDER)
        u->pri = SCHED_PRI_BOOST;
    return policy_enqueue_woken(s, u);
}

static void credit_sleep(struct scheduler *s, struct sched_unit *u, uint64_t now)
{
    (void)now;
    runq_remove(s, u);
    u->parked = false;
    if (!policy_is_curr(s, u))
        u->pri = credit_pri(u);
}

/* A queued unit that has waited too long, or NULL. */
static struct sched_unit *credit_starving(struct scheduler *s, unsigned int cpu,
                                          uint64_t now)
{
    uint64_t limit = CREDIT_STARVE_SLICES * credit_tslice(s);
    struct sched_unit *u;

    for (u = runq_peek(s, cpu); u; u = u->next)
        if (now > u->charged_ns && now - u->charged_ns >= limit)
            return u;
    return NULL;
}

/* A starving unit (unless a BOOSTed one waits), else the best unit of
 * any queue by priority and waiting time. */
static struct sched_unit *credit_choose(struct scheduler *s, unsigned int cpu,
                                        uint64_t now)
{
    struct sched_unit *head = runq_peek(s, cpu), *u;

    u = credit_starving(s, cpu, now);
    if (u && !(head && head->pri == SCHED_PRI_BOOST)) {
        runq_remove(s, u);
        return u;
    }
    return policy_take_best(s, cpu);
}

/* Charge the outgoing unit; requeue it if it still wants to run. */
static void credit_put_prev(struct scheduler *s, unsigned int cpu, uint64_t now)
{
    struct sched_unit *prev = s->cpu[cpu].curr;

    if (!prev)
        return;
    credit_charge(prev, now);
    prev->pri = credit_pri(prev);
    s->cpu[cpu].curr = NULL;
    if (prev->state != SCHED_RUNNING) {
        prev->parked = false;
        return;
    }
    prev->parked = credit_out_of_cap(prev);
    if (!prev->parked) {
        runq_insert(s, cpu, prev);
        prev->charged_ns = now;
    }
}

static struct sched_unit *credit_pick(struct scheduler *s, unsigned int cpu, uint64_t now,
                                      uint64_t *slice_ns)
{
    struct sched_unit *next;

    credit_put_prev(s, cpu, now);
    next = credit_choose(s, cpu, now);
    policy_run(s, cpu, next);
    *slice_ns = credit_tslice(s);
    if (!next)
        return NULL;
    next->charged_ns = now;
    next->active = true;
    /* A capped unit stops where its credit ends, not a tick later. */
    if (next->sdom->cap && next->credit > 0)
        *slice_ns = MIN(*slice_ns, (uint64_t)next->credit);
    return next;
}

static bool credit_should_resched(struct scheduler *s, unsigned int cpu, uint64_t now)
{
    const struct sched_unit *curr = s->cpu[cpu].curr, *head = runq_peek(s, cpu);
    enum sched_pri floor = curr ? curr->pri : SCHED_PRI_IDLE;

    if (curr && curr->parked)
        return true;
    if (head && head->pri > floor)
        return true;
    if (floor < SCHED_PRI_UNDER && policy_steal_peek(s, cpu, floor))
        return true;
    return credit_starving(s, cpu, now) != NULL;
}

static uint64_t credit_tick(struct scheduler *s, unsigned int cpu, uint64_t now)
{
    uint64_t online = policy_online_mask(s), mask = 0;
    struct sched_unit *curr;

    s->cpu[cpu].tick++;
    if (online && cpu == (unsigned int)__builtin_ctzll(online) &&
        s->cpu[cpu].tick % SCHED_TICKS_PER_PERIOD == 0)
        mask = credit_account(s, now);
    curr = s->cpu[cpu].curr;
    if (curr) {
        credit_charge(curr, now);
        curr->pri = credit_pri(curr); /* ends a boost */
        curr->parked = credit_out_of_cap(curr);
    }
    if (credit_should_resched(s, cpu, now))
        mask |= 1ULL << cpu;
    return mask;
}

static void credit_adjust(struct scheduler *s, struct sched_domain *sd)
{
    (void)s;
    (void)sd; /* the next accounting reads the new weight and cap */
}

static void credit_dump(struct scheduler *s, struct textbuf *out)
{
    const struct sched_domain *sd;
    unsigned int i, j;
    int64_t credit;

    textbuf_printf(out, "sched credit: slice %llu ns, %llu periods, %llu steals\n",
           (unsigned long long)credit_tslice(s), (unsigned long long)s->nr_accounts,
           (unsigned long long)s->nr_steals);
    policy_dump_queues(s, out);
    for (i = 0; i < s->nr_doms; i++) {
        sd = s->dom[i];
        credit = 0;
        for (j = 0; j < sd->nr_units; j++)
            credit += sd->unit[j]->credit;
        textbuf_printf(out, "  d%u: weight %u cap %u credit %lld\n", sd->domid, sd->weight, sd->cap,
               (long long)credit);
    }
}

const struct sched_ops sched_credit_ops = {
    .name = "credit",
    .add_domain = policy_dom_attach,
    .remove_domain = policy_dom_detach,
    .insert = credit_insert,
    .remove = credit_remove,
    .wake = credit_wake,
    .sleep = credit_sleep,
    .pick = credit_pick,
    .tick = credit_tick,
    .adjust = credit_adjust,
    .dump = credit_dump,
};
