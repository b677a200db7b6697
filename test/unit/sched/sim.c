// SPDX-License-Identifier: MIT
/* The scheduler core as sched.h describes it, on simulated time. */
#include <stdio.h>
#include <string.h>

#include "sim.h"

/*
 * Events at one instant are handled in a fixed order: bursts that end
 * (the unit blocks), blocked units that wake, ticks on every online pCPU
 * (lowest first), slices that end, and last every pCPU asked to
 * reschedule picks. Tickles take effect at once (no IPI delay).
 */

static struct sim_unit *sim_of(struct sched_unit *u)
{
    return u ? (struct sim_unit *)u->owner : NULL;
}

static void sim_error(struct sim *sim, const char *what, const struct sched_unit *u)
{
    if (sim->errors++ < 10)
        fprintf(stderr, "sim t=%llu: %s (d%u.v%u)\n", (unsigned long long)sim->now, what,
                u ? u->sdom->domid : 0, u ? u->vcpu_id : 0);
}

void sim_init(struct sim *sim, const struct sched_ops *ops, unsigned int nr_cpus)
{
    unsigned int c;

    memset(sim, 0, sizeof(*sim));
    sim->s.ops = ops;
    sim->s.nr_cpus = nr_cpus;
    sim->s.tslice_ns = SCHED_DEFAULT_TSLICE_NS;
    for (c = 0; c < nr_cpus; c++)
        sim->s.cpu[c].online = true;
    sim->next_tick = SCHED_TICK_NS;
}

struct sched_domain *sim_domain(struct sim *sim, unsigned int weight, unsigned int cap)
{
    struct sched_domain *sd = &sim->dom[sim->nr_doms];

    sd->domid = ++sim->nr_doms;
    sd->weight = weight;
    sd->cap = cap;
    sim->s.ops->add_domain(&sim->s, sd);
    return sd;
}

struct sim_unit *sim_unit(struct sim *sim, struct sched_domain *sd, uint64_t run_ns,
                          uint64_t block_ns, uint64_t affinity)
{
    struct sim_unit *su = &sim->unit[sim->nr_units];

    su->u.sdom = sd;
    su->u.owner = su;
    su->u.vcpu_id = sd->nr_units;
    su->u.cpu = sim->nr_units % sim->s.nr_cpus;
    su->u.affinity = affinity ? affinity : ~0ULL;
    su->u.state = SCHED_OFFLINE;
    su->run_ns = run_ns;
    su->block_ns = block_ns;
    sim->nr_units++;
    sim->s.ops->insert(&sim->s, &su->u);
    return su;
}

static void sim_tickle(struct sim *sim, uint64_t mask)
{
    unsigned int c;

    for (c = 0; c < sim->s.nr_cpus; c++)
        if (mask & (1ULL << c))
            sim->cpu[c].resched = true;
}

static void sim_ready(struct sim *sim, struct sim_unit *su, bool woke)
{
    su->ready = true;
    su->woke = woke;
    su->ready_since = sim->now;
}

static void sim_wake(struct sim *sim, struct sim_unit *su, bool from_block)
{
    if (su->u.queued || sim->s.cpu[su->u.cpu].curr == &su->u)
        sim_error(sim, "wake of a queued or running unit", &su->u);
    su->u.state = SCHED_RUNNABLE;
    su->u.woken_from_block = from_block;
    su->left_ns = su->run_ns;
    su->nr_wakes++;
    sim_ready(sim, su, true);
    sim_tickle(sim, sim->s.ops->wake(&sim->s, &su->u, sim->now));
}

void sim_start(struct sim *sim, struct sim_unit *su)
{
    sim_wake(sim, su, false);
}

static void sim_sleep(struct sim *sim, struct sim_unit *su, enum sched_runstate st)
{
    bool curr = sim->s.cpu[su->u.cpu].curr == &su->u;

    su->u.state = st;
    su->ready = false;
    sim->s.ops->sleep(&sim->s, &su->u, sim->now);
    if (su->u.queued)
        sim_error(sim, "sleep left the unit queued", &su->u);
    if (curr)
        sim->cpu[su->u.cpu].resched = true;
}

void sim_pause(struct sim *sim, struct sim_unit *su)
{
    sim_sleep(sim, su, SCHED_OFFLINE);
}

void sim_queue_on(struct sim *sim, struct sim_unit *su, unsigned int cpu)
{
    su->u.state = SCHED_RUNNABLE;
    su->u.charged_ns = sim->now;
    sim_ready(sim, su, false);
    runq_insert(&sim->s, cpu, &su->u);
}

static void sim_check_next(struct sim *sim, unsigned int cpu, struct sched_unit *prev,
                           struct sched_unit *next)
{
    unsigned int c;

    if (sim->s.cpu[cpu].curr != next)
        sim_error(sim, "pick did not set curr", next);
    if (!next)
        return;
    if (next->queued || next->cpu != cpu)
        sim_error(sim, "picked unit still queued or cpu not set", next);
    if (next != prev && next->state != SCHED_RUNNABLE)
        sim_error(sim, "picked a unit that is not runnable", next);
    if (!(next->affinity & (1ULL << cpu)))
        sim_error(sim, "affinity broken", next);
    for (c = 0; c < sim->s.nr_cpus; c++)
        if (c != cpu && sim->s.cpu[c].curr == next)
            sim_error(sim, "unit current on two pCPUs", next);
}

static void sim_started(struct sim *sim, unsigned int cpu, struct sim_unit *su)
{
    uint64_t wait = sim->now - su->ready_since;

    su->u.state = SCHED_RUNNING;
    su->nr_runs++;
    if (su->ready && wait > su->max_wait_ns)
        su->max_wait_ns = wait;
    if (su->ready && su->woke && wait > su->max_wake_lat_ns)
        su->max_wake_lat_ns = wait;
    su->ready = false;
    su->ran_on |= 1ULL << cpu;
}

static void sim_pick(struct sim *sim, unsigned int cpu)
{
    struct sched_unit *prev = sim->s.cpu[cpu].curr, *next;
    uint64_t slice = 0;

    next = sim->s.ops->pick(&sim->s, cpu, sim->now, &slice);
    sim_check_next(sim, cpu, prev, next);
    if (prev && prev != next && prev->state == SCHED_RUNNING) {
        prev->state = SCHED_RUNNABLE;
        sim_ready(sim, sim_of(prev), false);
    }
    sim->cpu[cpu].resched = false;
    if (!next)
        return;
    if (next != prev)
        sim_started(sim, cpu, sim_of(next));
    if (!slice)
        sim_error(sim, "zero slice", next);
    next->start_ns = sim->now;
    sim->cpu[cpu].last = sim->now;
    sim->cpu[cpu].slice_end = sim->now + (slice ? slice : 1);
}

/* The earliest event after now, at most `end`. */
static uint64_t sim_next_event(const struct sim *sim, uint64_t end)
{
    uint64_t t = MIN(end, sim->next_tick);
    const struct sim_unit *su;
    unsigned int c, i;

    for (c = 0; c < sim->s.nr_cpus; c++) {
        su = sim_of(sim->s.cpu[c].curr);
        if (!su)
            continue;
        t = MIN(t, sim->cpu[c].slice_end);
        if (su->run_ns)
            t = MIN(t, sim->cpu[c].last + su->left_ns);
    }
    for (i = 0; i < sim->nr_units; i++)
        if (sim->unit[i].u.state == SCHED_BLOCKED)
            t = MIN(t, sim->unit[i].wake_at);
    return t;
}

/* Run the current units up to t; those whose burst ends block. */
static void sim_advance(struct sim *sim, uint64_t t)
{
    struct sim_unit *su;
    unsigned int c;
    uint64_t d;

    for (c = 0; c < sim->s.nr_cpus; c++) {
        su = sim_of(sim->s.cpu[c].curr);
        if (!su || su->u.state != SCHED_RUNNING)
            continue;
        d = t - sim->cpu[c].last;
        su->runtime_ns += d;
        su->left_ns -= su->run_ns ? MIN(d, su->left_ns) : 0;
        sim->cpu[c].last = t;
    }
    sim->now = t;
    for (c = 0; c < sim->s.nr_cpus; c++) {
        su = sim_of(sim->s.cpu[c].curr);
        if (su && su->u.state == SCHED_RUNNING && su->run_ns && !su->left_ns) {
            su->wake_at = t + su->block_ns;
            sim_sleep(sim, su, SCHED_BLOCKED);
        }
    }
}

static void sim_step(struct sim *sim, uint64_t t)
{
    unsigned int c, i;

    sim_advance(sim, t);
    for (i = 0; i < sim->nr_units; i++)
        if (sim->unit[i].u.state == SCHED_BLOCKED && sim->unit[i].wake_at == t)
            sim_wake(sim, &sim->unit[i], true);
    if (t == sim->next_tick) {
        for (c = 0; c < sim->s.nr_cpus; c++)
            if (sim->s.cpu[c].online)
                sim_tickle(sim, sim->s.ops->tick(&sim->s, c, t));
        sim->next_tick += SCHED_TICK_NS;
    }
    for (c = 0; c < sim->s.nr_cpus; c++)
        if (sim->s.cpu[c].curr && sim->cpu[c].slice_end <= t)
            sim->cpu[c].resched = true;
    for (c = 0; c < sim->s.nr_cpus; c++)
        if (sim->cpu[c].resched && sim->s.cpu[c].online)
            sim_pick(sim, c);
}

void sim_run(struct sim *sim, uint64_t ns)
{
    uint64_t end = sim->now + ns;

    /* Tickles from setup calls (wake before the first event). */
    sim_step(sim, sim->now);
    while (sim->now < end)
        sim_step(sim, sim_next_event(sim, end));
}

uint64_t sim_max_wait(const struct sim *sim, const struct sim_unit *su)
{
    uint64_t now = su->ready ? sim->now - su->ready_since : 0;

    return MAX(now, su->max_wait_ns);
}

double sim_share(const struct sim *sim, const struct sim_unit *su)
{
    return sim->now ? 100.0 * su->runtime_ns / ((double)sim->now * sim->s.nr_cpus) : 0;
}
