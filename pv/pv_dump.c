// SPDX-License-Identifier: MIT
/* A PV domain for the 'v' debug key (domain_ops.dump): each vCPU's guest
 * mode and RIP, whether it runs, and what it waits for. Read without
 * locks: debug output. */
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/xen.h>

#include "pv_internal.h"

void pv_domain_dump(struct domain *d)
{
    printk("d%u %s: %u vCPU%s\n", d->id, domain_type_name(d->type), d->nr_vcpus,
           d->nr_vcpus == 1 ? "" : "s");
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        const struct pv_vcpu *p;

        if (!v)
            continue;
        p = pv_vcpu(v);
        printk("  vCPU%u: %s mode at 0x%lx, %s%s, sched %s, NMIs %s\n", v->id,
               p->kernel_mode ? "kernel" : "user", p->regs.rip,
               v->halted ? "halted" : "running", v->wait_for_sipi ? " (down)" : "",
               sched_state_name(v->sched.unit.state), p->nmi_masked ? "masked" : "open");
        xen_vcpu_dump(v);
    }
}
