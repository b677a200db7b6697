/* SPDX-License-Identifier: MIT */
/* Helpers shared by the VM-entry checkers (vmx_check*.c). */
#ifndef VMX_VMX_CHECK_H
#define VMX_VMX_CHECK_H

#include "vmx.h"

#define CHK_CR0_PE (1ULL << 0)
#define CHK_CR0_PG (1ULL << 31)
#define CHK_CR4_PAE (1ULL << 5)
#define CHK_CR4_PCIDE (1ULL << 17)
#define CHK_EFER_LME (1ULL << 8)
#define CHK_EFER_LMA (1ULL << 10)
#define CHK_EFER_VALID (1ULL << 0 | 1ULL << 8 | 1ULL << 10 | 1ULL << 11)
#define CHK_RFLAGS_IF (1ULL << 9)
#define CHK_RFLAGS_VM (1ULL << 17)

/* Linear addresses are 48 bits wide on the CPUs Mica supports. */
static inline bool chk_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static inline bool chk_phys_ok(uint64_t pa, const struct vmx_caps *c)
{
    return c->phys_bits >= 64 || !(pa >> c->phys_bits);
}

/* Each byte of a PAT a valid memory type: 0, 1, 4, 5, 6 or 7. */
static inline bool chk_pat_ok(uint64_t pat)
{
    for (unsigned int i = 0; i < 8; i++) {
        uint8_t t = (uint8_t)(pat >> (i * 8));

        if (t > 7 || t == 2 || t == 3)
            return false;
    }
    return true;
}

static inline bool chk_ia32e(const struct vmx_vmcs_image *m)
{
    return m->ctl.entry & ENTRY_IA32E_MODE_GUEST;
}

static inline bool chk_ug(const struct vmx_vmcs_image *m)
{
    return (m->ctl.proc & CPU_SECONDARY_CONTROLS) && (m->ctl.proc2 & CPU2_UNRESTRICTED_GUEST);
}

extern const struct vmx_check_rule vmx_check_ctl_rules[], vmx_check_guest_rules[];
extern const unsigned int vmx_check_nr_ctl_rules, vmx_check_nr_guest_rules;

#endif /* VMX_VMX_CHECK_H */
