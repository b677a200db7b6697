/* SPDX-License-Identifier: MIT */
/* SVM ASIDs handed out per pCPU and per generation (svm_asid.c). */
#ifndef SVM_SVM_ASID_H
#define SVM_SVM_ASID_H

#include <hv/types.h>

/* One per pCPU; only that pCPU touches it, with interrupts off. */
struct svm_asid_cpu {
    uint64_t generation;  /* bumped each time the ASIDs run out */
    uint32_t next;        /* next ASID to hand out in this generation */
    uint32_t nr_asids;    /* CPUID 0x8000000A EBX; 0 is the host's */
    bool flush_pending;   /* a bump happened; no VMRUN has flushed yet */
    bool flush_by_asid;   /* TLB_CONTROL 3 exists (CPUID 0x8000000A EDX[6]) */
};

/* One per vCPU: the ASID it was last given, and where and when. A zeroed
 * tag (generation 0) never matches, so a new vCPU needs no set-up. */
struct svm_asid_tag {
    uint64_t generation;
    uint32_t asid;
    unsigned int cpu;
};

/* What the next VMRUN must flush (TLB_CONTROL in the VMCB). */
enum svm_asid_flush {
    SVM_ASID_FLUSH_NONE,
    SVM_ASID_FLUSH_ASID,  /* the vCPU's own ASID on this pCPU (flush_by_asid) */
    SVM_ASID_FLUSH_ALL,   /* every ASID on this pCPU */
};

/* @pre nr_asids >= 2 (at least one ASID for guests). */
void svm_asid_cpu_init(struct svm_asid_cpu *c, uint32_t nr_asids, bool flush_by_asid);

/* On pCPU cpu, interrupts off, right before VMRUN: make t name an ASID that
 * is valid here and now, and say what that VMRUN must flush. want_flush:
 * the vCPU's translations are stale (its nested tables changed). */
enum svm_asid_flush svm_asid_assign(struct svm_asid_cpu *c, unsigned int cpu,
                                    struct svm_asid_tag *t, bool want_flush);

/* After a VMRUN that was entered (not VMEXIT_INVALID): a flush of every
 * ASID it carried has been done. */
void svm_asid_flushed(struct svm_asid_cpu *c);

#endif /* SVM_SVM_ASID_H */
