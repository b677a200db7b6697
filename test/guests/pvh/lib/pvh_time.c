// SPDX-License-Identifier: MIT
// PVH test guests: Xen system time from the pvclock record in vcpu_info.
#include "pvh.h"

/*
 * now = system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul / 2^32,
 * shifting right for a negative tsc_shift (xen-abi.md §4.2). The 64x32-bit
 * product is formed from two 32x32 halves so that no 128-bit arithmetic
 * (and no libgcc) is needed.
 */
static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return (((delta & 0xffffffffULL) * mul) >> 32) + (delta >> 32) * mul;
}

/* Writer protocol: version odd while updating, bumped again when done;
 * retry until an even version is read unchanged around the fields. */
bool pvclock_read(const volatile struct vcpu_time_info *t, uint64_t *ns)
{
    for (unsigned int tries = 0; tries < 1000000; tries++) {
        uint32_t version = t->version;
        uint64_t tsc_ts, sys, tsc;
        uint32_t mul;
        int8_t shift;

        barrier();
        if (version & 1) {
            cpu_relax();
            continue;
        }
        tsc_ts = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = rdtsc();
        barrier();
        if (t->version != version)
            continue;
        *ns = sys + scale_delta(tsc - tsc_ts, mul, shift);
        return true;
    }
    return false;
}

uint64_t xen_now_ns(void)
{
    const volatile struct vcpu_time_info *t = &xen_vcpu_info()->time;
    uint64_t ns;

    if (!t->tsc_to_system_mul)
        test_fail("pvclock: vcpu_info time has tsc_to_system_mul 0 (version %u)",
                  t->version);
    if (!pvclock_read(t, &ns))
        test_fail("pvclock: version stays odd (%u)", t->version);
    return ns;
}

void xen_delay_ns(uint64_t ns)
{
    uint64_t end = xen_now_ns() + ns;

    while (xen_now_ns() < end)
        cpu_relax();
}
