// SPDX-License-Identifier: MIT
/* Handing a built domain to the scheduler, and destroying it once its
 * last vCPU has left its pCPU for good.
 *
 * Locking: vcpus_left[] is atomic; the scheduler calls domain_vcpus_gone()
 * once per vCPU, after that vCPU's context is released.
 */
#include <hv/boot.h>
#include <hv/domain.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/sched.h>

static unsigned int vcpus_left[MAX_DOMAINS];
/* Until boot has built every module's domain, one that ends early must
 * not power the machine off: the others are still to come (setup.c looks
 * once boot is done). */
static bool booting = true;

void domains_boot_done(void)
{
    __atomic_store_n(&booting, false, __ATOMIC_SEQ_CST);
}

void domain_vcpus_gone(struct domain *d)
{
    if (__atomic_sub_fetch(&vcpus_left[d->id], 1, __ATOMIC_SEQ_CST) != 0)
        return;
    printk("Domain %u (%s) destroyed (%s); memory scrubbed and freed\n", d->id,
           d->name, shutdown_reason_name(d->shutdown));
    domain_destroy(d);
    if (!domains_alive() && !__atomic_load_n(&booting, __ATOMIC_SEQ_CST)) {
        printk("No domains left\n");
        if (boot_opts.poweroff_when_empty)
            machine_poweroff();
    }
}

void domain_start(struct domain *d, const struct domain_config *cfg)
{
    vcpus_left[d->id] = d->nr_vcpus;
    sched_domain_start(d, cfg->weight, cfg->cap, cfg->affinity);
}
