/* SPDX-License-Identifier: MIT */
/* VMX backend internals that touch hardware (not built for host tests). */
#ifndef VMX_VMX_HW_H
#define VMX_VMX_HW_H

#include <hv/domain.h>
#include <hv/ept.h>
#include "vmx.h"

extern enum ept_memtype vmx_ept_mt;

int vmx_cpu_enable(void);
int vmx_vcpu_init(struct vcpu *v);
void vmx_vcpu_destroy(struct vcpu *v);
void vmx_vcpu_unload(struct vcpu *v);
void vmx_vmcs_load(struct vmx_vcpu *s);
void vmx_flush_tlb(struct vmx_vcpu *s);

static inline struct vmx_vcpu *to_vmx(const struct vcpu *v)
{
    return v->arch;
}

#endif /* VMX_VMX_HW_H */
