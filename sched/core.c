// SPDX-License-Identifier: MIT
/*
 * The scheduler core: vCPU states and their transitions (wake, block,
 * pause, death), runstate accounting, and the per-pCPU tick. The policy
 * (credit or round robin) decides who runs where through sched_ops; this
 * file keeps the contract of include/hv/sched.h.
 *
 * Locking: sched_lock (interrupts off) covers the struct scheduler, every
 * vCPU's sched state and every domain's pause count. Kicks set
 * kick_pending before taking the lock and vcpu_block() checks it under
 * the lock, so a kick racing with a vCPU deciding to block is never lost.
 */
#include <hv/domain.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/x86.h>

#include "policy.h"
#include "sched_internal.h"

struct scheduler sched;
spinlock_t sched_lock = SPINLOCK_INIT;
struct sched_pcpu sched_pcpu[MAX_CPUS];

_Static_assert(MAX_VCPUS <= SCHED_MAX_UNITS, "a domain's vCPUs fit in sched_domain");
_Static_assert(MAX_DOMAINS <= SCHED_MAX_DOMAINS, "domains fit in the scheduler");

const char *sched_policy_name(void)
{
    return sched.ops->name;
}

/* Account the time spent in the old state and enter the new one. */
void runstate_set(struct vcpu *v, enum sched_runstate st, uint64_t now)
{
    struct sched_vcpu_state *vs = &v->sched;

    vs->time[vs->unit.state] += now - vs->entry_ns;
    vs->entry_ns = now;
    vs->unit.state = st;
}

void sched_runstate_get(struct vcpu *v, uint64_t time[4], uint64_t *entry_ns,
                        enum sched_runstate *state)
{
    uint64_t flags = local_irq_save();
    uint64_t now = now_ns();

    spin_lock(&sched_lock);
    for (unsigned int i = 0; i < 4; i++)
        time[i] = v->sched.time[i];
    time[v->sched.unit.state] += now - v->sched.entry_ns;
    *entry_ns = v->sched.entry_ns;
    *state = v->sched.unit.state;
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
}

/* Raise SOFTIRQ_SCHED on every pCPU in the mask. */
void sched_tickle(uint64_t mask)
{
    for (unsigned int c = 0; mask && c < MAX_CPUS; c++, mask >>= 1)
        if (mask & 1)
            softirq_raise_on(c, SOFTIRQ_SCHED);
}

static bool unit_is_current(struct sched_unit *u)
{
    return sched.cpu[u->cpu].curr == u;
}

/* Make a blocked or offline vCPU runnable; returns pCPUs to tickle. */
static uint64_t wake_locked(struct vcpu *v, uint64_t now)
{
    struct sched_unit *u = &v->sched.unit;
    bool from_block = u->state == SCHED_BLOCKED;

    if (v->sched.dead || v->domain->sched.pause_count || !v->domain->sched.added)
        return 0;
    if (u->state == SCHED_RUNNING || u->state == SCHED_RUNNABLE)
        return 0;
    if (unit_is_current(u)) {
        /* Blocked but not switched out yet: it simply keeps its pCPU. */
        runstate_set(v, SCHED_RUNNING, now);
        return 0;
    }
    runstate_set(v, SCHED_RUNNABLE, now);
    v->sched.wake_ns = from_block ? now : 0;
    u->woken_from_block = from_block;
    return sched.ops->wake(&sched, u, now);
}

void vcpu_kick(struct vcpu *v)
{
    struct sched_unit *u = &v->sched.unit;
    uint64_t flags, tickle = 0;
    int look_cpu = -1;

    __atomic_store_n(&v->sched.kick_pending, true, __ATOMIC_SEQ_CST);
    flags = local_irq_save();
    spin_lock(&sched_lock);
    if (u->state == SCHED_BLOCKED || u->state == SCHED_OFFLINE)
        tickle = wake_locked(v, now_ns());
    else if (u->state == SCHED_RUNNING && u->cpu != smp_processor_id())
        look_cpu = (int)u->cpu;
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    if (look_cpu >= 0) /* make it exit the guest and look again */
        softirq_raise_on((unsigned int)look_cpu, SOFTIRQ_TIMER);
    sched_tickle(tickle);
}

bool vcpu_block(struct vcpu *v, enum sched_runstate why)
{
    uint64_t flags = local_irq_save();
    bool paused, blocked = false;

    spin_lock(&sched_lock);
    paused = v->domain->sched.pause_count != 0;
    if (paused || !__atomic_load_n(&v->sched.kick_pending, __ATOMIC_SEQ_CST)) {
        runstate_set(v, paused ? SCHED_OFFLINE : why, now_ns());
        sched.ops->sleep(&sched, &v->sched.unit, now_ns());
        sched_pcpu[smp_processor_id()].need_resched = true;
        blocked = true;
    }
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    return blocked;
}

bool sched_resched_pending(void)
{
    return sched_pcpu[smp_processor_id()].need_resched;
}

void domain_pause(struct domain *d)
{
    uint64_t flags = local_irq_save(), tickle = 0;

    spin_lock(&sched_lock);
    d->sched.pause_count++;
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct sched_unit *u = &d->vcpu[i]->sched.unit;

        if (u->state == SCHED_RUNNABLE) {
            runstate_set(d->vcpu[i], SCHED_OFFLINE, now_ns());
            sched.ops->sleep(&sched, u, now_ns());
        } else if (u->state == SCHED_RUNNING) {
            tickle |= 1ULL << u->cpu;
        }
    }
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    /* A running vCPU notices the pause on its next pass, within
     * microseconds of the tickle; pausing does not wait for that, since
     * the caller may itself be on a pCPU that runs one of them. */
    sched_tickle(tickle);
}

void domain_unpause(struct domain *d)
{
    uint64_t flags = local_irq_save(), tickle = 0;

    spin_lock(&sched_lock);
    BUG_ON(!d->sched.pause_count);
    if (--d->sched.pause_count == 0)
        for (unsigned int i = 0; i < d->nr_vcpus; i++)
            tickle |= wake_locked(d->vcpu[i], now_ns()); /* each looks again */
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    sched_tickle(tickle);
}

static void sched_unit_setup(struct vcpu *v, struct sched_domain *sd, uint64_t affinity)
{
    struct sched_unit *u = &v->sched.unit;

    u->sdom = sd;
    u->owner = v;
    u->vcpu_id = v->id;
    u->affinity = affinity;
    u->state = SCHED_OFFLINE;
    u->cpu = (unsigned int)__builtin_ctzll(affinity);
    v->sched.entry_ns = now_ns();
    v->sched.ctx_cpu = -1;
}

void sched_domain_start(struct domain *d, unsigned int weight, unsigned int cap,
                        uint64_t affinity)
{
    struct sched_domain *sd = &d->sched.sdom;
    uint64_t flags, tickle;

    affinity &= policy_online_mask(&sched);
    if (!affinity)
        affinity = policy_online_mask(&sched);
    sd->domid = d->id;
    sd->weight = weight;
    sd->cap = cap;
    flags = local_irq_save();
    spin_lock(&sched_lock);
    sched.ops->add_domain(&sched, sd);
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        sched_unit_setup(d->vcpu[i], sd, affinity);
        sched.ops->insert(&sched, &d->vcpu[i]->sched.unit);
    }
    d->sched.added = true;
    sched_report_domain(d, true);
    tickle = wake_locked(d->vcpu[0], now_ns()); /* APs wait for a SIPI */
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    sched_tickle(tickle);
}

/* Under sched_lock, on the pCPU that just switched v out for good. */
void sched_vcpu_retire(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct sched_domain *sd = &d->sched.sdom;

    sched.ops->remove(&sched, &v->sched.unit);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (!d->vcpu[i]->sched.dead)
            return;
    sched.ops->remove_domain(&sched, sd);
    d->sched.added = false;
    sched_report_domain(d, false);
}

/* The per-pCPU tick: the policy charges and accounts. */
static void tick_fn(void *data)
{
    struct sched_pcpu *sp = data;
    uint64_t flags = local_irq_save(), now = now_ns(), tickle;

    spin_lock(&sched_lock);
    tickle = sched.ops->tick(&sched, smp_processor_id(), now);
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    timer_set(&sp->tick, now + SCHED_TICK_NS);
    sched_tickle(tickle);
    sched_report_poll(now);
}

static void slice_fn(void *data)
{
    ((struct sched_pcpu *)data)->need_resched = true;
}

static void sched_softirq(void)
{
    sched_pcpu[smp_processor_id()].need_resched = true;
}

/* This pCPU joins the scheduler (from its idle loop). */
void sched_cpu_online(void)
{
    unsigned int cpu = smp_processor_id();
    struct sched_pcpu *sp = &sched_pcpu[cpu];
    uint64_t flags = local_irq_save();

    timer_init(&sp->tick, tick_fn, sp, "sched-tick");
    timer_init(&sp->slice, slice_fn, sp, "sched-slice");
    spin_lock(&sched_lock);
    sched.cpu[cpu].online = true;
    if (cpu >= sched.nr_cpus)
        sched.nr_cpus = cpu + 1;
    sp->idle_since = now_ns();
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    timer_set(&sp->tick, now_ns() + SCHED_TICK_NS);
}

void sched_init(void)
{
    sched.ops = sched_opts.policy;
    sched.tslice_ns = sched_opts.tslice_ns;
    sched.last_account_ns = now_ns();
    softirq_register(SOFTIRQ_SCHED, sched_softirq);
    sched_report_init();
    printk("Scheduler: %s, time slice %lu ms\n", sched.ops->name,
           sched.tslice_ns / 1000000);
}
