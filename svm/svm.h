/* SPDX-License-Identifier: MIT */
/* SVM backend internals shared by the files of svm/. */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <hv/domain.h>
#include <hv/hvm.h>
#include "svm_asid.h"
#include "vmcb.h"

#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117
#define VM_CR_SVMDIS (1U << 4)
#define EFER_SVME (1U << 12)

/* CPUID 0x8000000A EDX feature bits. */
#define SVM_FEAT_NPT (1U << 0)
#define SVM_FEAT_NRIPS (1U << 3)
#define SVM_FEAT_FLUSH_BY_ASID (1U << 6)
#define SVM_FEAT_DECODE_ASSISTS (1U << 7)

struct svm_vcpu {
    struct vmcb *vmcb;
    paddr_t vmcb_pa;
    struct svm_asid_tag asid; /* svm_asid.c; copied to the VMCB at each run */
    bool flush_tlb;       /* the nested tables changed since the last run */
};

struct svm_caps {
    uint32_t nr_asids;
    uint32_t features;    /* CPUID 0x8000000A EDX */
};

extern struct svm_caps svm_caps;
extern paddr_t svm_iopm_pa, svm_msrpm_pa;

void svm_vmrun(uint64_t *gprs, paddr_t vmcb_pa, paddr_t host_vmcb_pa);
void svm_exit_decode(struct vcpu *v, struct hvm_exit *exit);
int svm_bitmaps_init(void);
void svm_vmcb_init(struct vcpu *v, struct vmcb *vmcb);

static inline struct svm_vcpu *to_svm(const struct vcpu *v)
{
    return v->arch;
}

#endif /* SVM_SVM_H */
