// SPDX-License-Identifier: MIT
/* HVM and PVH domains: guest RAM behind the vendor backend's nested page
 * tables, vCPUs run by hv/hvm/, hypercall arguments read through the
 * guest's own paging. */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hvm.h>
#include <hv/hvm/platform.h>
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/x86.h>
#include <hv/xen.h>

/* Guest RAM layout (docs/hvm-platform.md): up to 3 GiB from 0, the rest
 * from 4 GiB. */
#define LOW_RAM_MAX GiB(3)

static int hvm_domain_init(struct domain *d)
{
    uint64_t low = MIN(d->ram_bytes, LOW_RAM_MAX);
    int rc;

    if (!hvm_available())
        return -ENODEV;
    rc = p2m_init(&d->p2m, hvm_ops->p2m_view);
    if (!rc)
        rc = p2m_populate(&d->p2m, 0, low, (uint16_t)d->id);
    if (!rc && d->ram_bytes > low)
        rc = p2m_populate(&d->p2m, GiB(4), d->ram_bytes - low, (uint16_t)d->id);
    return rc;
}

static int hvm_domain_vcpu_init(struct vcpu *v)
{
    int rc;

    hvm_vcpu_timers_init(v);
    rc = hvm_ops->vcpu_init(v);
    if (!rc)
        hvm_ops->set_npt_root(v, p2m_root(&v->domain->p2m));
    return rc;
}

static void hvm_domain_vcpu_destroy(struct vcpu *v)
{
    timer_stop(&v->wake_timer);
    hvm_ops->vcpu_destroy(v);
}

static void hvm_domain_switch_out(struct vcpu *v)
{
    if (hvm_ops->vcpu_unload)
        hvm_ops->vcpu_unload(v); /* VMX: VMCLEAR here, not from afar */
}

static int hvm_copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    struct guest_fault f;

    if (!len)
        return 0;
    return hvm_copy_from_linear(v, dst, gva, len, 0, &f) ? -EFAULT : 0;
}

static int hvm_copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    struct guest_fault f;

    if (!len)
        return 0;
    return hvm_copy_to_linear(v, gva, src, len, &f) ? -EFAULT : 0;
}

/* As the guest kernel: v may be switched in while in user mode. A 64-bit
 * address means nothing before long mode (an AP still in real mode). */
static int hvm_copy_to_guest_kernel(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    struct guest_fault f;

    if (v->wait_for_sipi || !(hvm_ops->get_reg(v, HVM_EFER) & EFER_LMA))
        return -EAGAIN;
    /* Under KPTI (Linux on Intel) the page tables in CR3 do not map kernel
     * memory in user mode, nor in the few kernel instructions around the
     * CR3 switch, where a host interrupt may still stop the vCPU (seen
     * under VT-x). A failed write is tried again at a later switch-in
     * (the times are cumulative, so nothing is lost), silently, as Xen. */
    return hvm_copy_to_linear_kernel(v, gva, src, len, &f) ? -EAGAIN : 0;
}

static int hvm_guest_frame_get(struct domain *d, uint64_t gfn, paddr_t *pa)
{
    if (gfn >> 40 || p2m_translate(&d->p2m, gfn << PAGE_SHIFT, pa))
        return -EINVAL;
    return 0;
}

const struct domain_ops hvm_domain_ops = {
    .name = "HVM",
    .domain_init = hvm_domain_init,
    .domain_destroy = hvm_platform_destroy,
    .vcpu_init = hvm_domain_vcpu_init,
    .vcpu_destroy = hvm_domain_vcpu_destroy,
    .build = hvm_domain_build,
    .vcpu_run = hvm_vcpu_run,
    .switch_in = hvm_vcpu_switched_in,
    .switch_out = hvm_domain_switch_out,
    .copy_from_guest = hvm_copy_from_guest,
    .copy_to_guest = hvm_copy_to_guest,
    .copy_to_guest_kernel = hvm_copy_to_guest_kernel,
    .guest_frame_get = hvm_guest_frame_get,
    .dump = hvm_domain_dump,
};
