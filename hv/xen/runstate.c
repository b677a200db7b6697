// SPDX-License-Identifier: MIT
/*
 * The runstate area (VCPUOP_register_runstate_memory_area): the scheduler's
 * accounting of a vCPU, in guest system time, at a guest virtual address.
 * Linux derives steal time from it (time runnable + offline). It is written
 * when the vCPU is switched in, so the vCPU itself never sees it half
 * written; other vCPUs reading it remotely retry on a changed
 * state_entry_time, as Linux does.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hvm.h>
#include <hv/hvm/vcpu.h>
#include <hv/hypercall.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/x86.h>
#include <hv/xen.h>
#include <public/vcpu.h>

_Static_assert(RUNSTATE_running == SCHED_RUNNING && RUNSTATE_runnable == SCHED_RUNNABLE &&
               RUNSTATE_blocked == SCHED_BLOCKED && RUNSTATE_offline == SCHED_OFFLINE,
               "Mica's runstates are numbered as Xen's");

/* Fill the area of v as the guest sees it (times since the domain began). */
static void runstate_fill(struct vcpu *v, struct vcpu_runstate_info *rs)
{
    enum sched_runstate st;
    uint64_t entry;

    sched_runstate_get(v, rs->time, &entry, &st);
    rs->state = (int)st;
    rs->state_entry_time = entry > v->domain->created_ns ? entry - v->domain->created_ns : 0;
}

/* Write v's area through the page tables of `via` (the caller at
 * registration, v itself afterwards). */
long xen_runstate_write(struct vcpu *via, struct vcpu *v)
{
    struct vcpu_runstate_info rs;

    if (!v->xen->runstate_gva)
        return 0;
    runstate_fill(v, &rs);
    return via->domain->ops->copy_to_guest_kernel(via, v->xen->runstate_gva, &rs,
                                                   sizeof(rs));
}

/*
 * On switch-in. The area is a 64-bit virtual address, so it is written
 * only while v runs in long mode: Linux registers the area of a secondary
 * vCPU from CPU0 before that vCPU has left real mode, where the address
 * would be truncated to a physical one. A write that fails is retried at
 * the next switch-in; the domain type's copy says whether that is worth a
 * log line (-EAGAIN: no; an HVM/PVH vCPU under KPTI often cannot see its
 * area for a moment).
 */
void xen_runstate_update(struct vcpu *v)
{
    long rc = xen_runstate_write(v, v);

    if (rc && rc != -EAGAIN)
        printk_ratelimited(LOG_WARN "d%u vCPU%u: runstate area at 0x%lx not writable\n",
                           v->domain->id, v->id, v->xen->runstate_gva);
}
