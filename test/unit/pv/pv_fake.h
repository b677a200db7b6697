/* SPDX-License-Identifier: MIT */
/* A simulated machine for the PV MMU unit tests: a 64-frame table with
 * contents in host memory, two PV domains and a recording ops table. */
#ifndef TEST_PV_FAKE_H
#define TEST_PV_FAKE_H

#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/m2p.h>
#include <hv/pagetable.h>
#include <hv/pv_mm.h>

#include "test_support.h"

#define FAKE_FRAMES 64
#define DOM1 1
#define DOM2 2

/* Frame map: 0-3 hypervisor, 4 reserved (MMIO hole), 5-39 d1, 40-47 d2,
 * 48-63 free. The d1 frames the tests build trees from: */
#define F_XEN 2
#define F_HOLE 4
#define F_L4 10
#define F_L3 11
#define F_L2 12
#define F_L1 13
#define F_SPARE 14 /* 14-19: more tables */
#define F_DATA 20  /* 20-29: data pages */
#define F_D2 40    /* a d2 frame */
#define F_FREE 50

/* Guest virtual memory for hypercall arguments. */
#define GVA_BASE 0x100000ULL
extern uint8_t guest_mem[4096];

extern struct pv_mm_domain dom1, dom2;
extern struct pv_mm_vcpu mv1[2], mv2;
extern struct vcpu vcpu1[2], vcpu2, vcpu_hvm;

/* What the ops table saw. */
struct fake_calls {
    unsigned int flushes;
    uint64_t flush_mask, flush_va; /* last flush */
    unsigned int base_changed, ldt_changed;
    uint64_t ldt_base;        /* last ldt_changed arguments */
    unsigned int ldt_ents;
    int ldt_rc;               /* what ldt_changed returns */
    int preempt_in; /* preempt_check true after this many calls; -1 never */
};
extern struct fake_calls calls;
extern uint64_t fake_hv_l4[512];

void fake_reset(void);
struct page_info *pg(uint64_t mfn);
uint64_t *frame(uint64_t mfn);
static inline uint64_t pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << 12) | flags;
}
/* Machine address of entry `slot` of table `mfn`. */
static inline uint64_t ma_of(uint64_t mfn, unsigned int slot)
{
    return (mfn << 12) + slot * 8;
}
/* The tree L4 -> L3 -> L2 -> L1 (slot 0 each) with data frames 20-23
 * mapped writable at va 0-0x3fff, the L1 itself read-only at 0x5000. */
void fake_build_tree(void);
/* ... and pinned as d1's L4. */
void fake_tree_pin(void);
/* cmocka setup: fake_reset(). */
int fake_setup(void **state);
/* Frames of d with any reference held. */
unsigned int fake_busy(uint16_t domid);

#define PT_FLAGS (PTE_P | PTE_W | PTE_U | PTE_A | PTE_D)
#define RO_FLAGS (PTE_P | PTE_A)
#define RW_FLAGS (PTE_P | PTE_W | PTE_A)

#endif /* TEST_PV_FAKE_H */
