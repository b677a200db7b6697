// SPDX-License-Identifier: MIT
// Guest (32-bit): PAE paging outside long mode. Paging is turned on by a
// CR0 write that also sets NE, which on VT-x exits and is completed by the
// hypervisor: with EPT, the next VM entry takes the PDPTEs from the VMCS,
// so the hypervisor must have loaded them from the table CR3 names (SDM
// "Loading Guest PDPTEs"). Then CR3 switches between two PDPTs that map one
// linear page to different frames, with exits in between.
#include "guest.h"

const char test_name[] = "pae_paging";

#define CR0_PG (1UL << 31)
#define CR0_NE (1UL << 5)
#define CR4_PAE (1UL << 5)
#define PDE_2M (1ULL << 0 | 1ULL << 1 | 1ULL << 7) /* present, writable, 2 MiB */
#define MIB(n) ((uint32_t)(n) << 20)
/* The page both PDPTs map: A maps it 1:1, B to the frame at ALIAS_PA. */
#define PROBE_VA MIB(48)
#define ALIAS_PA MIB(32)
#define MARK_PROBE 0x5052424fU /* "OBRP" */
#define MARK_ALIAS 0x53414c41U /* "ALAS" */

/* Page directories: four for 0-4 GiB 1:1, one for B's first GiB. */
static uint64_t pd[4][512] __aligned(4096);
static uint64_t pd_b0[512] __aligned(4096);
static uint64_t pdpt_a[4] __aligned(32);
static uint64_t pdpt_b[4] __aligned(32);

static void build_tables(void)
{
    for (uint32_t g = 0; g < 4; g++) {
        for (uint32_t i = 0; i < 512; i++)
            pd[g][i] = ((uint64_t)g << 30 | (uint64_t)i << 21) | PDE_2M;
        pdpt_a[g] = (uint32_t)pd[g] | 1;
        pdpt_b[g] = (uint32_t)pd[g] | 1;
    }
    memcpy(pd_b0, pd[0], sizeof(pd_b0));
    pd_b0[PROBE_VA >> 21] = ALIAS_PA | PDE_2M;
    pdpt_b[0] = (uint32_t)pd_b0 | 1;
}

static uint32_t probe(void)
{
    return *(volatile uint32_t *)PROBE_VA;
}

/* CPUID always exits: the hypervisor reads the guest state back and
 * writes it again, PDPTEs included. */
static void force_exit(void)
{
    uint32_t a = 0, b, c = 0, d;

    asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

void test_main(void)
{
    CHECK(mb_ram_end() > PROBE_VA + 4, "needs RAM above %#x", PROBE_VA);
    *(volatile uint32_t *)PROBE_VA = MARK_PROBE;
    *(volatile uint32_t *)ALIAS_PA = MARK_ALIAS;
    build_tables();
    write_cr4(read_cr4() | CR4_PAE);
    write_cr3((uint32_t)pdpt_a);
    write_cr0(read_cr0() | CR0_PG | CR0_NE);
    CHECK_EQ("probe through PDPT A after paging on", probe(), MARK_PROBE);
    write_cr3((uint32_t)pdpt_b);
    CHECK_EQ("probe through PDPT B", probe(), MARK_ALIAS);
    force_exit();
    CHECK_EQ("probe through PDPT B after an exit", probe(), MARK_ALIAS);
    write_cr3((uint32_t)pdpt_a);
    force_exit();
    CHECK_EQ("probe through PDPT A again", probe(), MARK_PROBE);
    /* Paging off and on again through B, NE unchanged this time. */
    write_cr0(read_cr0() & ~CR0_PG);
    write_cr3((uint32_t)pdpt_b);
    write_cr0(read_cr0() | CR0_PG);
    CHECK_EQ("probe through PDPT B after paging off/on", probe(), MARK_ALIAS);
    info("PAE paging on with NE in one CR0 write; CR3 switches between two PDPTs seen");
}
