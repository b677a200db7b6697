// SPDX-License-Identifier: MIT
/* vcpu_op: vcpu_info placement, runstate area, the single-shot timer, and
 * whether a vCPU is up (APs start through INIT/SIPI, as on a PC). */
#include <hv/errno.h>
#include <hv/sched.h>
#include <hv/hvm/platform_internal.h>
#include <hv/hvm/vcpu.h>
#include <hv/hypercall.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/percpu.h>
#include <hv/xen.h>
#include <public/vcpu.h>

#define XEN_ETIME 62

/* Point v at its new vcpu_info: the current content is copied, then every
 * selector bit is set and an upcall raised so that no event in flight is
 * lost, as Xen does. v may be running on its own pCPU (Linux registers an
 * AP's before starting it, but nothing forces a guest to), so the pointer
 * is published whole; it always names memory the domain owns until it is
 * destroyed (ballooned-out frames are freed only then). */
static void vcpu_info_move(struct vcpu *v, struct vcpu_info *nvi, uint64_t gpa)
{
    memcpy(nvi, v->xen->vinfo, sizeof(*nvi));
    nvi->evtchn_pending_sel = ~0ULL;
    nvi->evtchn_upcall_pending = 1;
    __atomic_store_n(&v->xen->vinfo, nvi, __ATOMIC_RELEASE);
    v->xen->vinfo_gpa = gpa;
    xen_vcpu_info_changed(v);
}

/*
 * Move v's vcpu_info to a frame of guest RAM (Linux does this for every
 * vCPU, each AP's from the CPU that starts it). Once only per vCPU; the
 * domain lock makes two vCPUs registering the same one take turns.
 */
static long register_vcpu_info(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct xen_domain *x = v->domain->xen;
    struct vcpu_register_vcpu_info r;
    paddr_t pa;
    long rc = 0;

    if (copy_from_guest(caller, &r, arg, sizeof(r)))
        return -EFAULT;
    if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || r.rsvd)
        return -EINVAL;
    if (v->domain->ops->guest_frame_get(v->domain, r.mfn, &pa))
        return -EINVAL;
    spin_lock(&x->lock);
    if (v->xen->vinfo_gpa)
        rc = -EINVAL;
    else
        vcpu_info_move(v, (struct vcpu_info *)((char *)__va(pa) + r.offset),
                       (r.mfn << PAGE_SHIFT) + r.offset);
    spin_unlock(&x->lock);
    if (rc && v->domain->ops->guest_frame_put)
        v->domain->ops->guest_frame_put(v->domain, r.mfn);
    if (!rc)
        vcpu_kick(v);
    return rc;
}

static long register_runstate(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_runstate_memory_area r;

    if (copy_from_guest(caller, &r, arg, sizeof(r)))
        return -EFAULT;
    v->xen->runstate_gva = r.addr;
    if (xen_runstate_write(caller, v)) {
        v->xen->runstate_gva = 0;
        return -EFAULT;
    }
    return 0;
}

/* Arm v's single-shot timer for a guest system time; the timer lives on
 * v's own pCPU, so only a vCPU may arm its own. */
long xen_set_singleshot(struct vcpu *v, uint64_t deadline_ns, bool future_only)
{
    uint64_t now = xen_system_time(v->domain);

    if (future_only && deadline_ns < now)
        return -XEN_ETIME;
    timer_set(&v->xen->singleshot, v->domain->created_ns + deadline_ns);
    return 0;
}

static long set_singleshot(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer t;

    if (caller != v)
        return -EINVAL;
    if (copy_from_guest(caller, &t, arg, sizeof(t)))
        return -EFAULT;
    return xen_set_singleshot(v, t.timeout_abs_ns, t.flags & 1 /* VCPU_SSHOTTMR_future */);
}

/* VCPUOP_send_nmi: a virtual NMI for any vCPU of the caller's domain, the
 * caller too; one stays pending until that vCPU takes it (HVM/PVH: as an
 * NMI, hv/hvm/platform.c; PV: its NMI callback, pv/pv_traps.c). It ends a
 * SCHEDOP_block or _poll (hv/xen/poll.c), as Xen's vcpu_kick does. */
static long send_nmi(struct vcpu *t)
{
    if (!__atomic_exchange_n(&t->nmi_pending, true, __ATOMIC_ACQ_REL))
        vcpu_kick(t);
    return 0;
}

/* Xen's !_VPF_down: vCPU 0 from creation, an AP once a Startup IPI or
 * VCPUOP_up has started it, until a VCPUOP_down (PV only). */
static long vcpu_is_up(const struct vcpu *v)
{
    return !__atomic_load_n(&v->wait_for_sipi, __ATOMIC_ACQUIRE);
}

long do_vcpu_op(struct vcpu *v, struct hypercall_args *args)
{
    uint64_t id = args->a[1];
    struct vcpu *t;

    if (id >= v->domain->nr_vcpus)
        return -ENOENT;
    t = v->domain->vcpu[id];
    switch (args->a[0]) {
    case VCPUOP_initialise:
        return v->domain->ops->vcpu_initialise
                   ? v->domain->ops->vcpu_initialise(v, t, args->a[2]) : -ENOSYS;
    case VCPUOP_up:
        return v->domain->ops->vcpu_up ? v->domain->ops->vcpu_up(t) : -ENOSYS;
    case VCPUOP_down:
        return v->domain->ops->vcpu_down ? v->domain->ops->vcpu_down(v, t) : -ENOSYS;
    case VCPUOP_register_vcpu_info: return register_vcpu_info(v, t, args->a[2]);
    case VCPUOP_register_runstate_memory_area: return register_runstate(v, t, args->a[2]);
    case VCPUOP_is_up: return vcpu_is_up(t);
    case VCPUOP_set_singleshot_timer: return set_singleshot(v, t, args->a[2]);
    case VCPUOP_stop_singleshot_timer:
        if (t != v)
            return -EINVAL;
        timer_stop(&t->xen->singleshot);
        return 0;
    case VCPUOP_stop_periodic_timer: return 0; /* never started */
    case VCPUOP_send_nmi: return send_nmi(t);
    default: return -ENOSYS;
    }
}
