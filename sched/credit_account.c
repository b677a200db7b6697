// SPDX-License-Identifier: MIT
/* Credit accounting: each period, share the machine among active domains. */
#include "credit.h"

/*
 * Design: the period's capacity (online pCPUs x period) goes to the
 * domains active in it by weight, each held to one pCPU per active unit
 * and to its cap; what a held domain cannot take is shared again among
 * the others by weight (water filling), so no capacity is lost to a
 * domain that cannot use it. A domain's share is split evenly among its
 * active units: those runnable, running, or that ran in the period.
 *
 * Locking: the core's sched_lock covers every call.
 */

/* Give u its priority from its credit, keeping its queue sorted. */
static void credit_set_pri(struct scheduler *s, struct sched_unit *u, enum sched_pri pri)
{
    if (u->pri == pri)
        return;
    u->pri = pri;
    if (u->queued)
        runq_insert(s, u->cpu, u);
}

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
static uint64_t credit_dom_limit(const struct sched_domain *sd, unsigned int active,
                                 uint64_t period)
{
    uint64_t limit = active * period;
    uint64_t cap = sd->cap * period / 100;

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
    uint64_t period;                      /* ns this accounting pays for */
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

    f->rem = credit_nr_online(s) * f->period;
    f->wsum = 0;
    for (i = 0; i < s->nr_doms; i++) {
        sd = s->dom[i];
        n = credit_nr_active(sd);
        if (n && credit_sat(f, i))
            f->rem -= MIN(f->rem, credit_dom_limit(sd, n, f->period));
        else if (n)
            f->wsum += credit_weight(sd);
    }
    for (i = 0; i < s->nr_doms && f->wsum; i++) {
        sd = s->dom[i];
        n = credit_nr_active(sd);
        if (n && !credit_sat(f, i) &&
            f->rem * credit_weight(sd) / f->wsum >= credit_dom_limit(sd, n, f->period)) {
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
                                  uint64_t share, uint64_t period, uint64_t now)
{
    unsigned int i, n = credit_nr_active(sd);
    int64_t pay = n ? (int64_t)((share + n - 1) / n) : 0;
    uint64_t mask = 0;

    for (i = 0; i < sd->nr_units; i++) {
        sd->unit[i]->full = share >= n * period && !sd->cap;
        if (credit_unit_active(sd->unit[i]))
            mask |= credit_pay(s, sd->unit[i], pay, now);
    }
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

/*
 * The time this accounting pays for. Ticks arrive late when exits are
 * slow (TCG) or a pCPU was busy; paying a nominal period then would shrink
 * every share, and a capped domain, which cannot run on debt, would fall
 * below its cap. Clamped so that one stall does not pay a burst.
 */
static uint64_t credit_elapsed(const struct scheduler *s, uint64_t now)
{
    uint64_t dt = now - s->last_account_ns;

    if (!s->last_account_ns || now <= s->last_account_ns)
        return CREDIT_PERIOD_NS;
    return MIN(dt, 2 * CREDIT_PERIOD_NS);
}

uint64_t credit_account(struct scheduler *s, uint64_t now)
{
    struct credit_fill f = {{0}, 0, 0, credit_elapsed(s, now)};
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
            share = credit_dom_limit(sd, credit_nr_active(sd), f.period);
        else
            share = f.wsum ? f.rem * credit_weight(sd) / f.wsum : 0;
        mask |= credit_pay_domain(s, sd, share, f.period, now);
    }
    s->nr_accounts++;
    s->last_account_ns = now;
    return mask | credit_preempt_mask(s);
}
