// SPDX-License-Identifier: MIT
/* PV debug register values: what a guest may load (pv_dr.h). */
#include <hv/errno.h>
#include <hv/x86.h>

#include "pv_dr.h"
#include "pv_guest_va.h"

#define DR6_ZEROS 0x1000ULL  /* bit 12 reads as 0 */
#define DR7_ZEROS 0xd800ULL  /* bits 11 (RTM: not offered), 12, 14, 15 */
#define DR7_GD (1ULL << 13)  /* general detect: MOV DR faults; Mica's own */
#define DR7_RW_IO 2          /* R/Wn = 10b: an I/O breakpoint */

static int dr7_check(uint64_t value, uint64_t *out)
{
    if (value >> 32)
        return -EINVAL;
    value = (value & ~DR7_ZEROS) | X86_DR7_DEFAULT;
    if (value & DR7_GD)
        return -EPERM;
    if (value & PV_DR7_ACTIVE)
        for (unsigned int i = 0; i < 4; i++)
            if (((value >> (16 + 4 * i)) & 3) == DR7_RW_IO)
                return -EPERM;
    *out = value;
    return 7;
}

int pv_dr_check(uint64_t reg, uint64_t value, bool cr4_de, uint64_t *out)
{
    if ((reg == 4 || reg == 5) && !cr4_de)
        reg += 2; /* the old aliases of DR6 and DR7 */
    switch (reg) {
    case 0: case 1: case 2: case 3:
        /* Xen's breakpoint_addr_ok: a breakpoint in the guest's half can
         * never match an access of the hypervisor's own. */
        if (!pv_addr_is_guest(value))
            return -EPERM;
        *out = value;
        return (int)reg;
    case 6:
        if (value >> 32)
            return -EINVAL;
        *out = (value | X86_DR6_DEFAULT) & ~DR6_ZEROS;
        return 6;
    case 7:
        return dr7_check(value, out);
    default:
        return -ENODEV;
    }
}

uint64_t pv_dr6_merge(uint64_t guest, uint64_t hw)
{
    /* In positive polarity a set bit reports an event. */
    uint64_t old = (guest ^ X86_DR6_DEFAULT) & 0xffffffffULL;
    uint64_t now = (hw ^ X86_DR6_DEFAULT) & 0xffffffffULL;
    uint64_t dr6 = ((old & ~X86_DR6_BP_MASK) | now) ^ X86_DR6_DEFAULT;

    return (dr6 | X86_DR6_DEFAULT) & ~DR6_ZEROS;
}
