// SPDX-License-Identifier: MIT
/* What the PV MMU core (mm/pv_mm*.c, include/hv/pv_mm.h) asks of the PV
 * runtime: the direct map, the idle L4, a vCPU's MMU state, TLB flushes
 * on the domain's vCPUs and CR3 reloads when a base pointer changes. */
#include <hv/ioremap.h>
#include <hv/paging.h>
#include <hv/percpu.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/x86.h>

#include "pv_internal.h"

static void *glue_map_frame(mfn_t mfn)
{
    return __va(mfn_to_paddr(mfn));
}

static const uint64_t *glue_hv_l4(void)
{
    return __va(hv_pt.root);
}

static struct pv_mm_vcpu *glue_vcpu(struct vcpu *v)
{
    return v->domain->type == DOMAIN_PV && v->arch ? &pv_vcpu(v)->mm : NULL;
}

/* If this pCPU runs a vCPU of d, forget its translations. The PV MMU
 * never leaves G in a guest entry, so a CR3 reload drops them all,
 * paging-structure caches included. */
static void flush_here(struct pv_mm_domain *d, vaddr_t va)
{
    struct vcpu *cur = this_cpu()->current_vcpu;

    if (!cur || cur->domain->type != DOMAIN_PV || &cur->domain->pv->mm != d)
        return;
    if (va == PV_MM_FLUSH_ALL)
        write_cr3(read_cr3());
    else
        invlpg(va);
}

struct flush_req {
    struct pv_mm_domain *d;
    vaddr_t va;
};

static void flush_ipi(void *arg)
{
    struct flush_req *r = arg;

    flush_here(r->d, r->va);
}

/* A vCPU whose context another pCPU holds may have the tables loaded
 * there (sched/switch.c); one that is switched out reloads CR3 when it
 * comes back. Hypercalls run with interrupts on, so waiting for the other
 * pCPUs cannot deadlock on d->lock. */
static void glue_flush(struct pv_mm_domain *d, uint64_t vcpu_mask, vaddr_t va)
{
    struct domain *dom = container_of(d, struct pv_domain, mm)->domain;
    struct flush_req r = { d, va };
    bool remote = false;

    for (unsigned int i = 0; i < dom->nr_vcpus && i < 64; i++) {
        int cpu = dom->vcpu[i] ? __atomic_load_n(&dom->vcpu[i]->sched.ctx_cpu,
                                                  __ATOMIC_ACQUIRE) : -1;

        remote |= (vcpu_mask >> i & 1) && cpu >= 0 && (unsigned int)cpu != smp_processor_id();
    }
    flush_here(d, va);
    if (remote)
        smp_call_others(flush_ipi, &r);
}

static void glue_base_changed(struct pv_mm_vcpu *mv)
{
    struct pv_vcpu *p = container_of(mv, struct pv_vcpu, mm);

    if (this_cpu()->current_vcpu == p->vcpu)
        pv_load_cr3(p->vcpu);
}

static int glue_ldt_changed(struct pv_mm_vcpu *mv, uint64_t base, unsigned int ents)
{
    return pv_ldt_set(container_of(mv, struct pv_vcpu, mm)->vcpu, base, ents);
}

static bool glue_preempt_check(void)
{
    return this_cpu()->softirq_pending || sched_resched_pending();
}

static const struct pv_mm_ops pv_runtime_mm_ops = {
    .map_frame = glue_map_frame,
    .hv_l4 = glue_hv_l4,
    .vcpu = glue_vcpu,
    .flush = glue_flush,
    .base_changed = glue_base_changed,
    .ldt_changed = glue_ldt_changed,
    .preempt_check = glue_preempt_check,
};

void pv_mm_ops_install(void)
{
    pv_mm_ops = &pv_runtime_mm_ops;
}
