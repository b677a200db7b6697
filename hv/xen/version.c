// SPDX-License-Identifier: MIT
/* xen_version and vm_assist: what Mica says it is, as Xen 4.17 would. */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/xen.h>
#include <public/features.h>
#include <public/version.h>

/* Features of a translated (HVM/PVH) domU: xen-abi.md §3.4. */
static uint32_t xen_features_submap0(void)
{
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
        return version_copy_string(v, args->a[1], "hvm-3.0-x86_64", 64);
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_get_features:
        if (copy_from_guest(v, &fi, args->a[1], sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
            return -EINVAL;
        fi.submap = xen_features_submap0();
        return copy_to_guest(v, args->a[1], &fi, sizeof(fi));
    default:
        return -ENOSYS;
    }
}

/* vm_assist(cmd, type): only the runstate update flag matters to HVM
 * guests; it is accepted (Mica updates runstate areas atomically). */
long do_vm_assist(struct vcpu *v, struct hypercall_args *args)
{
    (void)v;
    if (args->a[0] > 1) /* VMASST_CMD_enable / disable */
        return -ENOSYS;
    return args->a[1] == 5 /* VMASST_TYPE_runstate_update_flag */ ? 0 : -EINVAL;
}
