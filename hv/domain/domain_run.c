// SPDX-License-Identifier: MIT
/* Starting a domain's vCPUs on their pCPUs and ending the domain when the
 * last vCPU leaves its run loop.
 *
 * Locking: pending_vcpu[c] is written by the starting CPU before the
 * softirq IPI and consumed once by CPU c; running_vcpus is atomic.
 */
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/hvm/vcpu.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>

static struct vcpu *volatile pending_vcpu[MAX_CPUS];
static unsigned int running_vcpus[MAX_DOMAINS];

static void domain_last_vcpu_out(struct domain *d)
{
    printk("Domain %u (%s) destroyed (%s); memory scrubbed and freed\n", d->id,
           d->name, shutdown_reason_name(d->shutdown));
    domain_destroy(d);
    if (!domains_alive()) {
        printk("No domains left\n");
        if (boot_opts.poweroff_when_empty)
            machine_poweroff();
    }
}

static void vcpu_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    struct vcpu *v = pending_vcpu[cpu];
    struct domain *d;

    if (!v)
        return;
    pending_vcpu[cpu] = NULL;
    d = v->domain;
    hvm_vcpu_loop(v);
    if (__atomic_sub_fetch(&running_vcpus[d->id], 1, __ATOMIC_SEQ_CST) == 0)
        domain_last_vcpu_out(d);
}

void domain_start(struct domain *d)
{
    static bool registered;

    if (!registered) {
        softirq_register(SOFTIRQ_VCPU, vcpu_softirq);
        registered = true;
    }
    running_vcpus[d->id] = d->nr_vcpus;
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        BUG_ON(pending_vcpu[v->pcpu]);
        pending_vcpu[v->pcpu] = v;
        softirq_raise_on(v->pcpu, SOFTIRQ_VCPU);
    }
}
