// SPDX-License-Identifier: MIT
// PV guest kernel making a known number of each counted hypercall, for
// the `stats` domain option (hv/xen/hcstats.c): 3 mmu_update calls with 5
// requests in all, 2 mmuext_op calls with 3 operations, one multicall of
// 2 update_va_mapping entries, 2 INT3 bounced to its trap handler. The
// scenario checks Mica's table at the domain's end against these.
#include "pv.h"

const char test_name[] = "pv_hcstats";

#define __HYPERVISOR_mmu_update 1
#define MMU_MACHPHYS_UPDATE 2
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7
#define M2P ((const volatile uint64_t *)HYPERVISOR_VIRT_START)

struct mmu_update {
    uint64_t ptr, val;
};

struct multicall_entry {
    uint64_t op, result, args[6];
};

static uint8_t page[4096] __attribute__((aligned(4096)));
static volatile unsigned int int3s;

static void on_int3(struct pv_frame *f)
{
    (void)f;
    int3s++;
}

/* n M2P updates that change nothing: each frame keeps its pfn. */
static void mmu_update_n(unsigned int n)
{
    uint64_t mfn = pv_mfn_of(page);
    struct mmu_update req[2] = {{(mfn << 12) | MMU_MACHPHYS_UPDATE, M2P[mfn]},
                                {(mfn << 12) | MMU_MACHPHYS_UPDATE, M2P[mfn]}};
    unsigned int done = 0;

    EXPECT_RC("mmu_update", hypercall5(__HYPERVISOR_mmu_update, (unsigned long)req, n,
                                       (unsigned long)&done, DOMID_SELF, 0), 0);
    CHECK_EQ("mmu_update done", done, n);
}

/* update_va_mapping of page with the entry it already has. */
static void multicall_uvm2(void)
{
    uint64_t pte = (pv_mfn_of(page) << 12) | PTE_PRESENT_RW_USER;
    struct multicall_entry mc[2] = {
        {__HYPERVISOR_update_va_mapping, 1, {(uint64_t)page, pte, UVMF_INVLPG}},
        {__HYPERVISOR_update_va_mapping, 1, {(uint64_t)page, pte, UVMF_INVLPG}},
    };

    EXPECT_RC("multicall", hypercall2(__HYPERVISOR_multicall, (unsigned long)mc, 2), 0);
    CHECK_EQ("entry 0", (long)mc[0].result, 0);
    CHECK_EQ("entry 1", (long)mc[1].result, 0);
}

void test_main(void)
{
    struct mmuext_op ops[2] = {{MMUEXT_TLB_FLUSH_LOCAL, 0, 0, 0},
                               {MMUEXT_INVLPG_LOCAL, 0, (uint64_t)page, 0}};

    pv_set_handler(3, on_int3);
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    page[0] = 1;
    mmu_update_n(1);
    mmu_update_n(2);
    mmu_update_n(2);
    EXPECT_RC("mmuext_op of 1", hc_mmuext_op(ops, 1), 0);
    EXPECT_RC("mmuext_op of 2", hc_mmuext_op(ops, 2), 0);
    multicall_uvm2();
    asm volatile("int3");
    asm volatile("int3");
    CHECK_EQ("INT3 deliveries", int3s, 2);
    info("3 mmu_update (5 requests), 2 mmuext_op (3 ops), 1 multicall (2 "
         "update_va_mapping), 2 INT3");
}
