/* SPDX-License-Identifier: MIT */
/* The 64-bit PV guest's half of the address space: below the non-canonical
 * hole, or above the hypervisor's range (Xen's HYPERVISOR_VIRT_END). Pure
 * arithmetic, shared by the runtime (pv_internal.h) and the host-tested
 * builder plan and debug-register rules. */
#ifndef PV_GUEST_VA_H
#define PV_GUEST_VA_H

#include <stdbool.h>
#include <stdint.h>
#include <public/arch-x86/xen-x86_64.h>

#define PV_GUEST_LOW_END 0x0000800000000000ULL /* first non-canonical address */

static inline bool pv_addr_is_guest(uint64_t va)
{
    return va < PV_GUEST_LOW_END || va >= HYPERVISOR_VIRT_END;
}

/* [va, va+len) lies wholly in the guest's half, without wrapping. */
static inline bool pv_range_is_guest(uint64_t va, uint64_t len)
{
    uint64_t last = va + len - 1;

    if (!len)
        return true;
    if (last < va)
        return false;
    return last < PV_GUEST_LOW_END || va >= HYPERVISOR_VIRT_END;
}

#endif /* PV_GUEST_VA_H */
