// SPDX-License-Identifier: MIT
/* Credit scheduler: proportional shares by weight, caps, boost on wake. */
#include <hv/printk.h>

#include "policy.h"

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
 * A queued unit that has waited CREDIT_STARVE_SLICES slices runs next
 * whatever its priority: at extreme weights (1 vs 65535) credit alone
 * would leave the light unit waiting for minutes.
 *
 * For a queued unit charged_ns is when it was queued (its wait start).
 *
 * Locking: the core's sched_lock covers every call.
 */

#define CREDIT_PERIOD_NS (SCHED_TICK_NS * SCHED_TICKS_PER_PERIOD)
/* Credit stays within one period either way: idle units do not hoard,
 * and a unit that overran is not punished for longer than a period. */
#define CREDIT_MAX ((int64_t)CREDIT_PERIOD_NS)
#define CREDIT_MIN (-(int64_t)CREDIT_PERIOD_NS)
/* A new unit may run one tick before its first accounting. */
#define CREDIT_INIT ((int64_t)SCHED_TICK_NS)
#define CREDIT_STARVE_SLICES 8

static enum sched_pri credit_pri(const struct sched_unit *u)
{
    return u->credit > 0 ? SCHED_PRI_UNDER : SCHED_PRI_OVER;
}

static bool credit_out_of_cap(const struct sched_unit *u)
{
    return u->sdom->cap && u->credit <= 0;
}

static uint64_t credit_tslice(const struct scheduler *s)
{
    return s->tslice_ns ? s->tslice_ns : SCHED_DEFAULT_TSLICE_NS;
}

/* Debit the time since the unit started or was last charged. */
static void credit_charge(struct sched_unit *u, uint64_t now)
{
    uint64_t from = MAX(u->start_ns, u->charged_ns);

    if (now > from) {
        u->credit -= (int64_t)(now - from);
        u->active = true;
        u->charged_ns = now;
    }
    if (u->credit < CREDIT_MIN)
        u->credit = CREDIT_MIN;
}

/* Give u its priority from its credit, keeping its queue sorted. */
static void credit_set_pri(struct scheduler *s, struct sched_unit *u, enum sched_pri pri)
{
    if (u->pri == pri)
        return;
    u->pri = pri;
    if (u->queued)
        runq_insert(s, u->cpu, u);
}

/* ---- accounting ---- */

static bool credit_unit_active(const struct sched_unit *u)
{
    return u->active || u->state == SCHED_RUNNING || u->state == SCHED_RUNNABLE;
}

static unsigned int credit_nr_active(const struct sched_domain *sd)
{
    unsigned int i, n = 0;

    for (i = 0; i < sd->nr_units; i++)
        n += credit_unit_active(sd->unit[i]);
    return n;
}

/* Most a domain can use in a period: one pCPU per active unit, or its cap. */
static uint64_t credit_dom_limit(const struct sched_domain *sd, unsigned int active)
{
    uint64_t limit = active * CREDIT_PERIOD_NS;
    uint64_t cap = sd->cap * CREDIT_PERIOD_NS / 100;

    return (sd->cap && cap < limit) ? cap : limit;
}

static uint64_t credit_weight(const struct sched_domain *sd)
{
    return sd->weight ? sd->weight : 1;
}

/* Water filling: the state after every domain whose weighted share
 * exceeds its limit has been held at that limit. */
struct credit_fill {
    uint64_t sat[SCHED_MAX_DOMAINS / 64]; /* bit i: s->dom[i] at its limit */
    uint64_t rem;                         /* capacity left for the others */
    uint64_t wsum;                        /* their total weight */
};

static bool credit_sat(const struct credit_fill *f, unsigned int i)
{
    return f->sat[i / 64] & (1ULL << (i % 64));
}

static unsigned int credit_nr_online(const struct scheduler *s)
{
    uint64_t m = policy_online_mask(s);
    unsigned int n = 0;

    for (; m; m &= m - 1)
        n++;
    return n;
}

/* One pass: recompute rem/wsum, then saturate the domains now over their
 * limit; true if any was. */
static bool credit_fill_pass(const struct scheduler *s, struct credit_fill *f)
{
    const struct sched_domain *sd;
    unsigned int i, n;
    bool grew = false;

    f->rem = credit_nr_online(s) * CREDIT_PERIOD_NS;
    f->wsum = 0;
    for (i = 0; i < s->nr_doms; i++) {
        sd = s->dom[i];
        n = credit_nr_active(sd);
        if (n && credit_sat(f, i))
            f->rem -= MIN(f->rem, credit_dom_limit(sd, n));
        else if (n)
            f->wsum += credit_weight(sd);
    }
    for (i = 0; i < s->nr_doms && f->wsum; i++) {
        sd = s->dom[i];
        n = credit_nr_active(sd);
        if (n && !credit_sat(f, i) &&
            f->rem * credit_weight(sd) / f->wsum >= credit_dom_limit(sd, n)) {
            f->sat[i / 64] |= 1ULL << (i % 64);
            grew = true;
        }
    }
    return grew;
}

/* Pay u, re-sort it and unpark it if it can run again; returns pCPUs to tickle. */
static uint64_t credit_pay(struct scheduler *s, struct sched_unit *u, int64_t pay,
                           uint64_t now)
{
    u->credit = MIN(u->credit + pay, CREDIT_MAX);
    if (u->pri != SCHED_PRI_BOOST)
        credit_set_pri(s, u, credit_pri(u));
    if (!u->parked || credit_out_of_cap(u))
        return 0;
    u->parked = false;
    if (u->state != SCHED_RUNNABLE || u->queued || policy_is_curr(s, u))
        return 0;
    u->charged_ns = now;
    return policy_enqueue_woken(s, u);
}

static uint64_t credit_pay_domain(struct scheduler *s, struct sched_domain *sd,
                                  uint64_t share, uint64_t now)
{
    unsigned int i, n = credit_nr_active(sd);
    int64_t pay = n ? (int64_t)((share + n - 1) / n) : 0;
    uint64_t mask = 0;

    for (i = 0; i < sd->nr_units; i++)
        if (credit_unit_active(sd->unit[i]))
            mask |= credit_pay(s, sd->unit[i], pay, now);
    for (i = 0; i < sd->nr_units; i++)
        sd->unit[i]->active = false;
    return mask;
}

/* pCPUs whose queue head now beats what they run. */
static uint64_t credit_preempt_mask(const struct scheduler *s)
{
    const struct sched_cpu *c;
    uint64_t mask = 0;
    unsigned int i;

    for (i = 0; i < s->nr_cpus && i < MAX_CPUS; i++) {
        c = &s->cpu[i];
        if (c->online && c->head && (!c->curr || c->head->pri > c->curr->pri))
            mask |= 1ULL << i;
    }
    return mask;
}

static uint64_t credit_account(struct scheduler *s, uint64_t now)
{
    struct credit_fill f = { { 0 }, 0, 0 };
    struct sched_domain *sd;
    uint64_t mask = 0, share;
    unsigned int i;

    /* Charge running units first so the period's use is complete. */
    for (i = 0; i < s->nr_cpus && i < MAX_CPUS; i++)
        if (s->cpu[i].online && s->cpu[i].curr)
            credit_charge(s->cpu[i].curr, now);
    while (credit_fill_pass(s, &f))
        ;
    for (i = 0; i < s->nr_doms; i++) {
        sd = s->dom[i];
        if (credit_sat(&f, i))
            share = credit_dom_limit(sd, credit_nr_active(sd));
        else
            share = f.wsum ? f.rem * credit_weight(sd) / f.wsum : 0;
        mask |= credit_pay_domain(s, sd, share, now);
    }
    s->nr_accounts++;
    s->last_account_ns = now;
    return mask | credit_preempt_mask(s);
}

/* ---- the ops ---- */

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

static struct sched_unit *credit_pick(struct scheduler *s, unsigned int cpu,
                                      uint64_t now, uint64_t *slice_ns)
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

static void credit_dump(struct scheduler *s)
{
    const struct sched_domain *sd;
    unsigned int i, j;
    int64_t credit;

    printk("sched credit: slice %llu ns, %llu periods, %llu steals\n",
           (unsigned long long)credit_tslice(s), (unsigned long long)s->nr_accounts,
           (unsigned long long)s->nr_steals);
    policy_dump_queues(s);
    for (i = 0; i < s->nr_doms; i++) {
        sd = s->dom[i];
        credit = 0;
        for (j = 0; j < sd->nr_units; j++)
            credit += sd->unit[j]->credit;
        printk("  d%u: weight %u cap %u credit %lld\n", sd->domid, sd->weight, sd->cap,
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
