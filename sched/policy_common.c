// SPDX-License-Identifier: MIT
/* Placement, work stealing and bookkeeping shared by credit and rr. */

#include "policy.h"

/* Locking: all of it runs under the core's sched_lock. */

static unsigned int first_cpu(uint64_t mask)
{
    return (unsigned int)__builtin_ctzll(mask);
}

void policy_dom_attach(struct scheduler *s, struct sched_domain *sd)
{
    if (sd->listed || s->nr_doms >= SCHED_MAX_DOMAINS)
        return;
    s->dom[s->nr_doms++] = sd;
    sd->listed = true;
}

void policy_dom_detach(struct scheduler *s, struct sched_domain *sd)
{
    unsigned int i;

    for (i = 0; i < sd->nr_units; i++) {
        runq_remove(s, sd->unit[i]);
        sd->unit[i]->parked = false;
    }
    for (i = 0; i < s->nr_doms; i++) {
        if (s->dom[i] == sd) {
            s->dom[i] = s->dom[--s->nr_doms];
            s->dom[s->nr_doms] = NULL;
            break;
        }
    }
    sd->listed = false;
}

void policy_unit_attach(struct sched_unit *u)
{
    struct sched_domain *sd = u->sdom;
    unsigned int i;

    for (i = 0; i < sd->nr_units; i++)
        if (sd->unit[i] == u)
            return;
    if (sd->nr_units < SCHED_MAX_UNITS)
        sd->unit[sd->nr_units++] = u;
}

void policy_unit_detach(struct scheduler *s, struct sched_unit *u)
{
    struct sched_domain *sd = u->sdom;
    unsigned int i;

    runq_remove(s, u);
    u->parked = false;
    for (i = 0; i < sd->nr_units; i++) {
        if (sd->unit[i] == u) {
            sd->unit[i] = sd->unit[--sd->nr_units];
            sd->unit[sd->nr_units] = NULL;
            return;
        }
    }
}

uint64_t policy_online_mask(const struct scheduler *s)
{
    uint64_t mask = 0;
    unsigned int c;

    for (c = 0; c < s->nr_cpus && c < MAX_CPUS; c++)
        if (s->cpu[c].online)
            mask |= 1ULL << c;
    return mask;
}

uint64_t policy_unit_cpus(const struct scheduler *s, const struct sched_unit *u)
{
    uint64_t online = policy_online_mask(s);

    return (u->affinity & online) ? (u->affinity & online) : online;
}

bool policy_cpu_idle(const struct scheduler *s, unsigned int cpu)
{
    return !s->cpu[cpu].curr && !s->cpu[cpu].head;
}

bool policy_is_curr(const struct scheduler *s, const struct sched_unit *u)
{
    return u->cpu < MAX_CPUS && s->cpu[u->cpu].curr == u;
}

/*
 * Prefer the pCPU u last ran on while it is idle (its cache is warm),
 * then any idle pCPU it may use, then its own pCPU again: a busy pCPU
 * is as good as another, and stealing evens out the rest.
 */
unsigned int policy_place(const struct scheduler *s, const struct sched_unit *u)
{
    uint64_t cpus = policy_unit_cpus(s, u);
    uint64_t idle = 0;
    unsigned int c;

    if (u->cpu < MAX_CPUS && (cpus & (1ULL << u->cpu)) && policy_cpu_idle(s, u->cpu))
        return u->cpu;
    for (c = 0; c < s->nr_cpus && c < MAX_CPUS; c++)
        if ((cpus & (1ULL << c)) && policy_cpu_idle(s, c))
            idle |= 1ULL << c;
    if (idle)
        return first_cpu(idle);
    if (u->cpu < MAX_CPUS && (cpus & (1ULL << u->cpu)))
        return u->cpu;
    return first_cpu(cpus);
}

uint64_t policy_enqueue_woken(struct scheduler *s, struct sched_unit *u)
{
    unsigned int cpu;
    const struct sched_unit *curr;

    if (!policy_online_mask(s))
        return 0;
    cpu = policy_place(s, u);
    runq_insert(s, cpu, u);
    curr = s->cpu[cpu].curr;
    return (!curr || u->pri > curr->pri) ? 1ULL << cpu : 0;
}

/* The first unit of cpu's queue allowed on `to`; queues are sorted, so it
 * is the best one there. */
static struct sched_unit *first_allowed(const struct scheduler *s, unsigned int cpu,
                                        unsigned int to)
{
    struct sched_unit *u;

    for (u = s->cpu[cpu].head; u; u = u->next)
        if (policy_unit_cpus(s, u) & (1ULL << to))
            return u;
    return NULL;
}

/* Scan starting after cpu so that idle pCPUs do not all raid pCPU 0. */
struct sched_unit *policy_steal_peek(const struct scheduler *s, unsigned int cpu,
                                     enum sched_pri floor)
{
    struct sched_unit *best = NULL, *u;
    unsigned int i, c;

    for (i = 1; i < s->nr_cpus && i < MAX_CPUS; i++) {
        c = (cpu + i) % s->nr_cpus;
        if (!s->cpu[c].online)
            continue;
        u = first_allowed(s, c, cpu);
        if (u && u->pri > floor && (!best || u->pri > best->pri))
            best = u;
    }
    return best;
}

/* a runs before b: higher priority; as high, one entitled to a whole
 * pCPU (it cannot make up lost time later); then more credit (the one
 * furthest behind its share); then queued earlier (charged_ns of a
 * queued unit is when it was queued). Round robin leaves credit at 0. */
static bool runs_before(const struct sched_unit *a, const struct sched_unit *b)
{
    if (!b || a->pri != b->pri)
        return !b || a->pri > b->pri;
    if (a->full != b->full)
        return a->full;
    if (a->credit != b->credit)
        return a->credit > b->credit;
    return a->charged_ns < b->charged_ns;
}

/*
 * The unit cpu should run next from all queues, wherever it is queued.
 * Looking at every queued unit on each pick makes the per-pCPU queues
 * behave as one, so shares do not depend on where units happen to be
 * queued, and running the unit with the most credit first lets a heavy
 * domain use its whole share instead of waiting its FIFO turn. With the
 * few pCPUs and vCPUs Mica targets the scan is cheap. Dequeued, and
 * counted as a steal when it came from another pCPU.
 */
struct sched_unit *policy_take_best(struct scheduler *s, unsigned int cpu)
{
    struct sched_unit *best = NULL;

    for (unsigned int c = 0; c < s->nr_cpus && c < MAX_CPUS; c++) {
        if (!s->cpu[c].online)
            continue;
        for (struct sched_unit *u = s->cpu[c].head; u; u = u->next)
            if ((policy_unit_cpus(s, u) & (1ULL << cpu)) && runs_before(u, best))
                best = u;
    }
    if (best && best->cpu != cpu)
        s->nr_steals++;
    if (best)
        runq_remove(s, best);
    return best;
}

struct sched_unit *policy_steal(struct scheduler *s, unsigned int cpu,
                                enum sched_pri floor)
{
    struct sched_unit *u = policy_steal_peek(s, cpu, floor);

    if (u) {
        runq_remove(s, u);
        s->nr_steals++;
    }
    return u;
}

void policy_run(struct scheduler *s, unsigned int cpu, struct sched_unit *u)
{
    if (u) {
        runq_remove(s, u);
        u->cpu = cpu;
    }
    s->cpu[cpu].curr = u;
}

static void dump_unit(struct textbuf *out, const char *what, const struct sched_unit *u)
{
    textbuf_printf(out, "    %s d%u.v%u pri %d credit %lld%s\n", what, u->sdom->domid, u->vcpu_id,
           (int)u->pri, (long long)u->credit, u->parked ? " parked" : "");
}

void policy_dump_queues(const struct scheduler *s, struct textbuf *out)
{
    const struct sched_unit *u;
    unsigned int c;

    for (c = 0; c < s->nr_cpus && c < MAX_CPUS; c++) {
        if (!s->cpu[c].online)
            continue;
        textbuf_printf(out, "  cpu%u: %s\n", c, s->cpu[c].curr ? "running" : "idle");
        if (s->cpu[c].curr)
            dump_unit(out, "curr", s->cpu[c].curr);
        for (u = s->cpu[c].head; u; u = u->next)
            dump_unit(out, "queued", u);
    }
}
