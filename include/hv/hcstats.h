/* SPDX-License-Identifier: MIT */
/* Hypercall and PV event counts of Xen-ABI domains (hv/xen/hcstats.c). */
#ifndef HV_HCSTATS_H
#define HV_HCSTATS_H

#include <hv/types.h>

struct domain;
struct textbuf;
struct vcpu;

#define HCSTATS_NR_CALLS 64 /* NR_HYPERCALLS; calls[64] counts larger numbers */

/* Elements of the batching hypercalls, each counted as it is processed. */
enum hcstat_batch {
    HCSTAT_MMU_UPDATE_REQS,  /* mmu_update requests */
    HCSTAT_MMUEXT_OPS,       /* mmuext_op operations */
    HCSTAT_MULTICALL_CALLS,  /* multicall entries */
    NR_HCSTAT_BATCH
};

/* PV events that reach the guest kernel or are handled in its place. */
enum hcstat_event {
    HCSTAT_SYSCALL,    /* user SYSCALL bounced to the guest kernel */
    HCSTAT_UPCALL,     /* event upcall bounced */
    HCSTAT_EMUL_GP,    /* privileged instruction emulated after #GP */
    HCSTAT_EMUL_UD,    /* #UD emulated (forced-emulation CPUID) */
    HCSTAT_EMUL_PTWR,  /* guest write to its own L1 table emulated */
    NR_HCSTAT_EVENT
};

/* One vCPU's counts (in its struct xen_vcpu), or a domain's sum. */
struct hcstats {
    uint64_t calls[HCSTATS_NR_CALLS + 1]; /* by hypercall number */
    uint64_t batch[NR_HCSTAT_BATCH];
    uint64_t traps[32];                   /* exceptions bounced, by vector */
    uint64_t events[NR_HCSTAT_EVENT];
};

/* Counting, by the vCPU itself (no-ops for a vCPU without Xen state). */
void hcstats_call(struct vcpu *v, uint64_t nr);
void hcstats_batch(struct vcpu *v, enum hcstat_batch b);
void hcstats_trap(struct vcpu *v, unsigned int vector);
void hcstats_event(struct vcpu *v, enum hcstat_event e);

/* The sum over d's vCPUs, read while they may still be counting. */
void hcstats_domain_sum(const struct domain *d, struct hcstats *sum);
/* The table, one line per nonzero count:
 *   hcstats d<id> begin
 *   hcstats d<id> <hypercall|entries|trap|event> <name> <count>
 *   hcstats d<id> end hypercalls <total>                          */
void hcstats_format(const struct hcstats *s, unsigned int domid, struct textbuf *out);

/* hv/xen/hcstats_key.c: print d's table (the `stats` domain option, at
 * its end); register the debug key that prints every domain's. */
void hcstats_domain_print(const struct domain *d);
void hcstats_init(void);

#endif /* HV_HCSTATS_H */
