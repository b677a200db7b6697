// SPDX-License-Identifier: MIT
/* xen_version and vm_assist: what Mica says it is, as Xen 4.17 would. */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/pv.h>
#include <hv/xen.h>
#include <public/features.h>
#include <public/version.h>

/* Features of a 64-bit PV domU (xen-abi.md §4.13): Linux panics without
 * preserve_ad and gnttab_map_avail_bits (they belong to the PV MMU and
 * grant maps); pae_pgdir_above_4gb once the guest enabled the assist. */
static uint32_t xen_features_pv(const struct domain *d)
{
    return (1U << XENFEAT_mmu_pt_update_preserve_ad) |
           (1U << XENFEAT_gnttab_map_avail_bits) | (1U << XENFEAT_direct_mapped) |
           (d->pv->vm_assist & (1ULL << VMASST_TYPE_pae_extended_cr3)
                ? 1U << XENFEAT_pae_pgdir_above_4gb : 0);
}

/* Features of a translated (HVM/PVH) domU: xen-abi.md §3.4. */
static uint32_t xen_features_submap0(const struct domain *d)
{
    if (d->type == DOMAIN_PV)
        return xen_features_pv(d);
    return (1U << XENFEAT_writable_page_tables) |
           (1U << XENFEAT_auto_translated_physmap) |
           (1U << XENFEAT_hvm_callback_vector) |
           (1U << XENFEAT_hvm_safe_pvclock) |
           (1U << XENFEAT_not_direct_mapped);
}

static long version_copy_string(struct vcpu *v, uint64_t buf, const char *s, size_t len)
{
    char tmp[64] = { 0 };

    memcpy(tmp, s, MIN(strlen(s), sizeof(tmp) - 1));
    return copy_to_guest(v, buf, tmp, MIN(len, sizeof(tmp)));
}

long do_xen_version(struct vcpu *v, struct hypercall_args *args)
{
    struct xen_feature_info fi;

    switch (args->a[0]) {
    case XENVER_version:
        return (MICA_XEN_MAJOR << 16) | MICA_XEN_MINOR;
    case XENVER_extraversion:
        return version_copy_string(v, args->a[1], "-mica", XEN_EXTRAVERSION_LEN);
    case XENVER_capabilities:
        return version_copy_string(v, args->a[1], v->domain->type == DOMAIN_PV
                                                      ? "xen-3.0-x86_64" : "hvm-3.0-x86_64",
                                   64);
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_get_features:
        if (copy_from_guest(v, &fi, args->a[1], sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
            return -EINVAL;
        fi.submap = xen_features_submap0(v->domain);
        return copy_to_guest(v, args->a[1], &fi, sizeof(fi));
    default:
        return -ENOSYS;
    }
}

/* Assists a 64-bit PV guest may switch (Xen's VM_ASSIST_VALID); HVM
 * guests only have the runstate update flag. */
#define VMASST_PV_VALID ((1ULL << VMASST_TYPE_writable_pagetables) |  \
                         (1ULL << VMASST_TYPE_pae_extended_cr3) |     \
                         (1ULL << VMASST_TYPE_architectural_iopl) |   \
                         (1ULL << VMASST_TYPE_runstate_update_flag) | \
                         (1ULL << VMASST_TYPE_m2p_strict))

/* vm_assist(cmd, type): recorded for PV (the PV MMU and traps read them);
 * for HVM the runstate flag is accepted (Mica updates runstate areas
 * atomically). */
long do_vm_assist(struct vcpu *v, struct hypercall_args *args)
{
    uint64_t type = args->a[1];
    bool pv = v->domain->type == DOMAIN_PV;
    uint64_t valid = pv ? VMASST_PV_VALID : 1ULL << VMASST_TYPE_runstate_update_flag;

    if (args->a[0] > VMASST_CMD_disable)
        return -ENOSYS;
    if (type >= 64 || !(valid & (1ULL << type)))
        return -EINVAL;
    if (pv && args->a[0] == VMASST_CMD_enable)
        __atomic_fetch_or(&v->domain->pv->vm_assist, 1ULL << type, __ATOMIC_RELAXED);
    else if (pv)
        __atomic_fetch_and(&v->domain->pv->vm_assist, ~(1ULL << type), __ATOMIC_RELAXED);
    return 0;
}
