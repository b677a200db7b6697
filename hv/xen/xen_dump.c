// SPDX-License-Identifier: MIT
/* One line of a Xen-ABI vCPU's wait state for the 'v' debug key: blocked
 * in SCHEDOP_block/_poll, its upcall and NMI, its single-shot timer. A
 * vCPU that never wakes shows here what it waits for. */
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/xen.h>

void xen_vcpu_dump(const struct vcpu *v)
{
    const struct xen_vcpu *x = v->xen;
    const struct timer *t;

    if (!x || !x->vinfo)
        return;
    t = &x->singleshot;
    printk("    Xen: %s, upcall pending %u mask %u, NMI %s, single-shot %s %ld us, "
           "poll %u ports%s\n", x->blocked ? "blocked" : "not blocked",
           x->vinfo->evtchn_upcall_pending, x->vinfo->evtchn_upcall_mask,
           v->nmi_pending ? "pending" : "none", t->armed ? "in" : "off",
           t->armed ? time_us_until(t->expires, now_ns()) : 0L, x->poll.nr,
           x->poll.deadline_ns ? " with a timeout" : "");
}
