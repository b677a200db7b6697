/* SPDX-License-Identifier: MIT */
/* PV debug registers: the rules for guest values (pv_dr_rules.c, pure and
 * host-tested) and the vCPU's registers on the pCPU (pv_debugreg.c). */
#ifndef PV_DR_H
#define PV_DR_H

#include <hv/types.h>

#define PV_DR7_ACTIVE 0xffULL /* L0..L3, G0..G3: some breakpoint enabled */

/*
 * A guest's value for debug register `reg` (set_debugreg, or a
 * VCPUOP_initialise context) by Xen's rules: DR0..3 in the guest's half
 * (-EPERM); DR6/DR7 upper halves zero (-EINVAL), their fixed bits set or
 * cleared; DR7.GD never (-EPERM); with a breakpoint enabled, none of the
 * four of I/O type (-EPERM: Mica does not emulate them, Xen does under
 * CR4.DE); DR4/DR5 are DR6/DR7 unless the guest's CR4.DE is set
 * (-ENODEV then, and for any other number). Returns the register the
 * value goes to (0..3, 6, 7) with *out the value to keep, or -errno.
 */
int pv_dr_check(uint64_t reg, uint64_t value, bool cr4_de, uint64_t *out);

/* The guest's DR6 after a #DB that left `hw` in DR6: the breakpoint bits
 * replaced, the others accumulated, as Xen's x86_merge_dr6. */
uint64_t pv_dr6_merge(uint64_t guest, uint64_t hw);

#endif /* PV_DR_H */
