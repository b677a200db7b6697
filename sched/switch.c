// SPDX-License-Identifier: MIT
/*
 * Every pCPU's loop: ask the policy what to run, switch vCPU contexts,
 * run the vCPU until the scheduler wants the pCPU back, or idle.
 *
 * A vCPU's context is its struct vcpu, its backend state (VMCB, VMCS or
 * the PV register frame, all in memory) and its FPU registers. The FPU is saved when the vCPU leaves a pCPU; until that
 * is done, ctx_cpu names the pCPU and no other pCPU may enter the vCPU
 * (it waits, which is short: every pCPU releases its previous vCPU before
 * it waits for its next one, so there is no cycle).
 */
#include <hv/domain.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/x86.h>

#include "sched_internal.h"

static inline void fpu_save(struct vcpu *v)
{
    asm volatile("fxsave64 %0" : "=m"(v->fpu));
}

static inline void fpu_restore(const struct vcpu *v)
{
    asm volatile("fxrstor64 %0" : : "m"(v->fpu));
}

/* Under sched_lock: choose the next vCPU and move runstates. */
static struct vcpu *pick_locked(unsigned int cpu, struct vcpu *prev, uint64_t now)
{
    struct sched_pcpu *sp = &sched_pcpu[cpu];
    uint64_t slice = sched.tslice_ns;
    struct sched_unit *u;
    struct vcpu *next;

    if (prev && prev->domain->dying && !prev->sched.dead) {
        prev->sched.dead = true;
        runstate_set(prev, SCHED_OFFLINE, now);
        sched.ops->sleep(&sched, &prev->sched.unit, now);
    }
    u = sched.ops->pick(&sched, cpu, now, &slice);
    next = u ? u->owner : NULL;
    if (prev && prev != next && prev->sched.unit.state == SCHED_RUNNING)
        runstate_set(prev, SCHED_RUNNABLE, now);
    if (prev && prev != next && prev->sched.dead)
        sched_vcpu_retire(prev);
    if (next) {
        if (next->sched.unit.state != SCHED_RUNNING)
            runstate_set(next, SCHED_RUNNING, now);
        next->sched.unit.start_ns = now;
        if (next->sched.wake_ns) {
            sched_stat_wake(next, now - next->sched.wake_ns);
            next->sched.wake_ns = 0;
        }
    }
    if (!prev && next && sp->idle_since)
        sp->idle_ns += now - sp->idle_since, sp->idle_since = 0;
    else if (!next && !sp->idle_since)
        sp->idle_since = now;
    timer_set(&sp->slice, now + slice);
    return next;
}

/* True if prev's domain died: the last of its vCPUs to leave destroys it
 * here, which takes tens of ms under TCG. */
static bool switch_out(struct vcpu *prev)
{
    bool gone = prev->sched.dead;

    fpu_save(prev);
    if (prev->domain->ops->switch_out)
        prev->domain->ops->switch_out(prev);
    __atomic_store_n(&prev->sched.ctx_cpu, -1, __ATOMIC_RELEASE);
    if (gone)
        domain_vcpus_gone(prev->domain);
    return gone;
}

/* next was chosen at its runstate's entry_ns, but this pCPU was busy with
 * a dead domain until now: that time was spent waiting, not running, and
 * is neither charged to next (credit, runstate) nor counted as a switch. */
static void restart_stint(struct vcpu *next)
{
    uint64_t flags = local_irq_save(), now;

    spin_lock(&sched_lock);
    now = now_ns();
    if (next->sched.unit.state == SCHED_RUNNING) {
        next->sched.time[SCHED_RUNNABLE] += now - next->sched.entry_ns;
        next->sched.entry_ns = now;
        next->sched.unit.start_ns = now;
    }
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
}

static void switch_in(struct vcpu *next, unsigned int cpu)
{
    while (__atomic_load_n(&next->sched.ctx_cpu, __ATOMIC_ACQUIRE) >= 0)
        cpu_relax();
    next->sched.ctx_cpu = (int)cpu;
    fpu_restore(next);
    this_cpu()->current_vcpu = next;
    next->domain->ops->switch_in(next);
}

/* One scheduling decision on this pCPU; returns the vCPU to run or NULL. */
static struct vcpu *schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct sched_pcpu *sp = &sched_pcpu[cpu];
    struct vcpu *prev = sp->curr, *next;
    uint64_t t0 = now_ns(), flags;
    bool gone;

    sp->need_resched = false;
    flags = local_irq_save();
    spin_lock(&sched_lock);
    next = pick_locked(cpu, prev, now_ns());
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    if (prev == next)
        return next;
    this_cpu()->current_vcpu = NULL;
    gone = prev && switch_out(prev);
    if (gone && next)
        restart_stint(next);
    if (next)
        switch_in(next, cpu);
    sp->curr = next;
    if (prev && next && !gone)
        sched_stat_switch(now_ns() - t0);
    return next;
}

/* Nothing to run: sleep until an interrupt brings work. */
static void idle_once(void)
{
    struct sched_pcpu *sp = &sched_pcpu[smp_processor_id()];

    local_irq_disable();
    if (!this_cpu()->softirq_pending && !sp->need_resched)
        safe_halt(); /* STI's shadow covers HLT: no wake-up is lost */
    local_irq_enable();
    softirq_run();
}

__noreturn void sched_cpu_loop(void)
{
    struct sched_pcpu *sp = &sched_pcpu[smp_processor_id()];

    for (;;) {
        struct vcpu *v = schedule();

        if (v)
            v->domain->ops->vcpu_run(v);
        while (!v && !sp->need_resched)
            idle_once();
    }
}
