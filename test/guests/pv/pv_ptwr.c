// SPDX-License-Identifier: MIT
// PV guest kernel writing its own L1 page-table entries directly (the
// writable-pagetables assist Linux relies on): a plain MOV, an XCHG, a
// byte AND that clears RW, each done through the PV MMU; and the writes
// the MMU must refuse (an entry for a frame not the domain's, a writable
// mapping of a page table), each delivered back as the guest's #PF while
// the entry stays as it was.
#include "pv.h"

const char test_name[] = "pv_ptwr";

#define MMUEXT_INVLPG_LOCAL 7
#define PTE_RW 2ULL

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static struct pv_jmp on_fault;
static volatile unsigned int faults;

static void on_pf(struct pv_frame *f)
{
    (void)f;
    faults++;
    pv_longjmp(&on_fault);
}

/* The boot region maps pfn n at PV_VIRT_BASE + n pages; the M2P gives
 * the pfn of a table's frame. */
static volatile uint64_t *table_va(uint64_t entry)
{
    uint64_t mfn = (entry & 0x000ffffffffff000ULL) >> 12;
    uint64_t pfn = ((const volatile uint64_t *)HYPERVISOR_VIRT_START)[mfn];

    return (volatile uint64_t *)(PV_VIRT_BASE + pfn * PAGE_SIZE);
}

/* The L1 entry that maps va, as the guest sees it (read-only). */
static volatile uint64_t *l1e_of(const void *va)
{
    volatile uint64_t *t = (volatile uint64_t *)pv_start_info->pt_base;
    uint64_t a = (uint64_t)va;

    for (int level = 4; level > 1; level--)
        t = table_va(t[(a >> (12 + 9 * (level - 1))) & 511]);
    return &t[(a >> 12) & 511];
}

static void flush(const void *va)
{
    struct mmuext_op op = {MMUEXT_INVLPG_LOCAL, 0, (uint64_t)va, 0};

    hc_mmuext_op(&op, 1);
}

/* A write the MMU must refuse: #PF, and the entry unchanged. */
static void expect_refused(const char *what, volatile uint64_t *pte, uint64_t val)
{
    uint64_t before = *pte;
    unsigned int n = faults;

    if (!pv_setjmp(&on_fault))
        *pte = val;
    CHECK(faults == n + 1 && *pte == before, "%s: %u faults, entry %#lx", what, faults - n,
          *pte);
}

void test_main(void)
{
    volatile uint64_t *pte = l1e_of(page_a);
    uint64_t orig = *pte, mfn_b = pv_mfn_of(page_b), old;

    pv_set_handler(14, on_pf);
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    page_a[0] = 'a', page_b[0] = 'b';
    CHECK_EQ("L1 entry of page_a", (orig >> 12) & 0xffffffffffULL, pv_mfn_of(page_a));
    *pte = (mfn_b << 12) | PTE_PRESENT_RW_USER; /* MOV */
    flush(page_a);
    CHECK_EQ("page_a after a direct L1 write", page_a[0], 'b');
    old = orig;
    asm volatile("xchg %0, %1" : "+r"(old), "+m"(*pte) : : "memory");
    flush(page_a);
    CHECK_EQ("XCHG returned the entry", (old >> 12) & 0xffffffffffULL, mfn_b);
    CHECK_EQ("page_a after XCHG back", page_a[0], 'a');
    asm volatile("lock andb %1, %0" : "+m"(*(volatile uint8_t *)pte) : "i"((uint8_t)~PTE_RW));
    CHECK_EQ("RW cleared by a byte AND", *pte & PTE_RW, 0);
    flush(page_a);
    info("direct L1 writes (MOV, XCHG, AND) through the PV MMU");
    expect_refused("entry for machine frame 0", pte, PTE_PRESENT_RW_USER);
    expect_refused("writable mapping of an L1 table",
                   pte, ((uint64_t)pv_mfn_of((void *)pte) << 12) | PTE_PRESENT_RW_USER);
    CHECK_EQ("page_a still readable", page_a[0], 'a');
    info("refused L1 writes come back as #PF, entries unchanged");
}
