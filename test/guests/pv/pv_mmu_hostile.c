// SPDX-License-Identifier: MIT
// Hostile PV guest kernel against the PV MMU (docs/pv-mm.md): mappings of
// hypervisor and foreign frames, writable mappings of page tables, type
// confusion, page-table cycles, writes to the hypervisor's L4 slots, a
// batch stopping at its bad entry, bad entries inside a multicall. Each is
// refused with Xen's errno, the guest runs on and the entries are as they
// were; a page table unpinned becomes writable memory again. Last, a burst
// of refusals checks that the hypervisor's log of them is rate-limited.
#include "pv.h"

const char test_name[] = "pv_mmu_hostile";

#define __HYPERVISOR_mmu_update 1
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define GRANT_FRAMES 2
#define MMUEXT_INVLPG_LOCAL 7
#define PTE_RO_USER 0x25ULL /* P, U, A */
#define PTE_ADDR 0x000ffffffffff000ULL
#define M2P ((const volatile uint64_t *)HYPERVISOR_VIRT_START)
#define M2P_INVALID (~0ULL)
#define HV_SLOT_FIRST 256
#define HV_SLOT_LAST 271
/* The scenario gives QEMU 768 MiB: no machine frame lies above this. */
#define MAX_MFN (768UL << 8)
/* Far above any RAM: no page_info at all (the log burst uses these). */
#define NO_RAM_MFN 0x100000UL
#define LOG_BURST 64

struct mmu_update {
    uint64_t ptr, val;
};

struct multicall_entry {
    uint64_t op, result, args[6];
};

static uint8_t scratch[4096] __attribute__((aligned(4096)));
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint8_t grant_va[4096] __attribute__((aligned(4096)));
static uint64_t new_l1[512] __attribute__((aligned(4096)));
static struct pv_jmp on_fault;
static volatile uint64_t probe_mfn;

/* The result the MMU gives for an L1 entry naming a hypervisor frame
 * (learnt in check_hv_frame, reused by the batch and the multicall). */
static long hv_rc;

static void on_pf(struct pv_frame *f)
{
    (void)f;
    pv_longjmp(&on_fault);
}

static long mmu_update(const struct mmu_update *req, unsigned int n, unsigned int *done)
{
    return hypercall5(__HYPERVISOR_mmu_update, (unsigned long)req, n, (unsigned long)done,
                      DOMID_SELF, 0);
}

static long mmuext1(uint32_t cmd, uint64_t arg)
{
    struct mmuext_op op = {cmd, 0, arg, 0};

    return hc_mmuext_op(&op, 1);
}

/* A table's entries by its virtual address in the boot region (the M2P
 * gives the pfn of the frame an entry names). */
static volatile uint64_t *table_va(uint64_t entry)
{
    uint64_t pfn = M2P[(entry & PTE_ADDR) >> 12];

    return (volatile uint64_t *)(PV_VIRT_BASE + pfn * PAGE_SIZE);
}

static volatile uint64_t *boot_l4(void)
{
    return (volatile uint64_t *)pv_start_info->pt_base;
}

/* The boot L3 that maps the guest image (L4 slot 511). */
static volatile uint64_t *boot_l3(void)
{
    return table_va(boot_l4()[(PV_VIRT_BASE >> 39) & 511]);
}

static volatile uint64_t *l1e_of(const void *va)
{
    volatile uint64_t *t = boot_l4();
    uint64_t a = (uint64_t)va;

    for (int level = 4; level > 1; level--)
        t = table_va(t[(a >> (12 + 9 * (level - 1))) & 511]);
    return &t[(a >> 12) & 511];
}

/* Machine address of a table entry, as mmu_update wants it. */
static uint64_t entry_ma(volatile uint64_t *e)
{
    return (pv_mfn_of((const void *)e) << 12) | ((uint64_t)e & 0xfff);
}

static uint64_t mfn_of_entry(uint64_t e)
{
    return (e & PTE_ADDR) >> 12;
}

/* One mmu_update that must fail with want; the entry must not change. */
static void refuse_update(const char *what, volatile uint64_t *e, uint64_t val, long want)
{
    struct mmu_update req = {entry_ma(e), val};
    uint64_t before = *e;

    EXPECT_RC(what, mmu_update(&req, 1, NULL), want);
    CHECK(*e == before, "%s: entry now %#lx, was %#lx", what, *e, before);
}

/* Same through update_va_mapping of scratch. */
static void refuse_va(const char *what, uint64_t pte, long want)
{
    volatile uint64_t *e = l1e_of(scratch);
    uint64_t before = *e;

    EXPECT_RC(what, hc_update_va_mapping(scratch, pte, UVMF_INVLPG), want);
    CHECK(*e == before && scratch[0] == 's', "%s: entry now %#lx", what, *e);
}

/*
 * A hypervisor frame: the L3 that L4 slot 256 names (the M2P's, copied
 * from the hypervisor's own L4 into every guest L4). The M2P says it is
 * no guest's frame (M2P_INVALID), so mapping it can only be refused.
 */
static uint64_t hv_frame(void)
{
    uint64_t e = boot_l4()[HV_SLOT_FIRST];

    CHECK(e & 1, "L4 slot 256 not present: %#lx", e);
    CHECK(M2P[mfn_of_entry(e)] == M2P_INVALID, "M2P of %#lx", mfn_of_entry(e));
    return mfn_of_entry(e);
}

static void check_hv_frame(void)
{
    uint64_t hv = hv_frame();
    struct mmu_update req = {entry_ma(l1e_of(scratch)), (hv << 12) | PTE_RO_USER};

    /* Xen answers -EBUSY (RAM not the domain's); Mica gives -EPERM for
     * frames it marks reserved, as the hypervisor's early page tables
     * are (mm/pv_mm_pt.c l1_refusal). Either is a refusal. */
    hv_rc = mmu_update(&req, 1, NULL);
    EXPECT_RC("L1 entry for a hypervisor frame", hv_rc, -XEN_EBUSY, -XEN_EPERM);
    refuse_va("update_va_mapping of a hypervisor frame", (hv << 12) | PTE_RO_USER, hv_rc);
    refuse_va("update_va_mapping of machine frame 0", PTE_RO_USER, -XEN_EPERM);
    info("hypervisor frame %#lx refused (%s)", hv, xen_errno_name(hv_rc));
}

/* Ours: the p2m list names it (or it is our shared_info page). */
static bool own_frame(uint64_t mfn, uint64_t pfn)
{
    const uint64_t *p2m = (const uint64_t *)pv_start_info->mfn_list;

    if (mfn == pv_start_info->shared_info >> 12)
        return true;
    return pfn < pv_start_info->nr_pages && p2m[pfn] == mfn;
}

/*
 * Another domain's frame, found from the guest: the M2P is readable by
 * every PV guest and holds a pfn for each frame a domain owns (the domain
 * builder sets it, teardown resets it). A frame with a pfn that our own
 * p2m list does not map back to it belongs to another domain. The M2P
 * may be shorter than MAX_MFN: a #PF ends the scan.
 */
static uint64_t foreign_frame(void)
{
    if (pv_setjmp(&on_fault))
        return 0;
    for (probe_mfn = 1; probe_mfn < MAX_MFN; probe_mfn++) {
        uint64_t pfn = M2P[probe_mfn];

        if (pfn != M2P_INVALID && !own_frame(probe_mfn, pfn))
            return probe_mfn;
    }
    return 0;
}

static void check_foreign_frame(void)
{
    uint64_t mfn = foreign_frame();

    CHECK(mfn, "no other domain's frame found in the M2P");
    refuse_va("read-only mapping of a foreign frame", (mfn << 12) | PTE_RO_USER,
              -XEN_EBUSY);
    refuse_va("writable mapping of a foreign frame", (mfn << 12) | PTE_PRESENT_RW_USER,
              -XEN_EBUSY);
    refuse_update("L1 entry for a foreign frame", l1e_of(scratch),
                  (mfn << 12) | PTE_RO_USER, -XEN_EBUSY);
    info("another domain's frame %#lx (its pfn %#lx) refused", mfn, M2P[mfn]);
}

/* Writable mappings of the boot L4 and of an L1, by both hypercalls. */
static void check_pt_writable(void)
{
    uint64_t l4 = pv_mfn_of((const void *)boot_l4());
    uint64_t l1 = pv_mfn_of((const void *)l1e_of(scratch));

    refuse_va("writable mapping of the boot L4", (l4 << 12) | PTE_PRESENT_RW_USER,
              -XEN_EBUSY);
    refuse_va("writable mapping of an L1", (l1 << 12) | PTE_PRESENT_RW_USER, -XEN_EBUSY);
    refuse_update("L1 entry: writable boot L4", l1e_of(scratch),
                  (l4 << 12) | PTE_PRESENT_RW_USER, -XEN_EBUSY);
    /* Read-only is fine (Xen allows it): map, read, restore. */
    EXPECT_RC("read-only mapping of the boot L4",
              hc_update_va_mapping(page_a, (l4 << 12) | PTE_RO_USER, UVMF_INVLPG), 0);
    CHECK(((volatile uint64_t *)page_a)[511] == boot_l4()[511], "L4 read through page_a");
    EXPECT_RC("page_a back",
              hc_update_va_mapping(
                  page_a, (pv_mfn_of(page_a) << 12) | PTE_PRESENT_RW_USER, UVMF_INVLPG),
              0);
    CHECK_EQ("page_a back", page_a[0], 'a');
    info("writable mappings of page tables refused");
}

/* A table's type is fixed while used: no L1 pinned as an L2, no L4 as L1. */
static void check_type_confusion(void)
{
    uint64_t l1 = pv_mfn_of((const void *)l1e_of(scratch));
    uint64_t l4 = pv_mfn_of((const void *)boot_l4());

    EXPECT_RC("pin the boot L1 as an L2", mmuext1(MMUEXT_PIN_L2_TABLE, l1), -XEN_EINVAL);
    EXPECT_RC("pin the boot L4 as an L1", mmuext1(MMUEXT_PIN_L1_TABLE, l4), -XEN_EINVAL);
    EXPECT_RC("unpin a table never pinned", mmuext1(MMUEXT_UNPIN_TABLE, l1), -XEN_EINVAL);
    EXPECT_RC("unpin a hypervisor frame", mmuext1(MMUEXT_UNPIN_TABLE, hv_frame()),
              -XEN_EINVAL);
}

static unsigned int free_slot(volatile uint64_t *t, unsigned int below)
{
    for (unsigned int i = 0; i < below; i++)
        if (!(t[i] & 1))
            return i;
    test_fail("no free slot");
}

/* Levels fall by one along every reference, so no cycle can form. */
static void check_cycles(void)
{
    uint64_t l4 = pv_mfn_of((const void *)boot_l4());
    volatile uint64_t *l3 = boot_l3();
    uint64_t self = (l4 << 12) | PTE_PRESENT_RW_USER;

    refuse_update("L3 entry naming its own L4", &l3[free_slot(l3, 512)], self,
                  -XEN_EINVAL);
    refuse_update("L4 entry naming itself",
                  &boot_l4()[free_slot(boot_l4(), HV_SLOT_FIRST)], self, -XEN_EINVAL);
    refuse_update("L3 entry naming its own L3", &l3[free_slot(l3, 512)],
                  (pv_mfn_of((const void *)l3) << 12) | PTE_PRESENT_RW_USER, -XEN_EINVAL);
    info("page-table cycles (L3 to L4, L4 to itself, L3 to itself) refused");
}

/* L4 slots 256-271 are the hypervisor's: no write, not even a clear. */
static void check_hv_slots(void)
{
    static const unsigned int slots[] = {HV_SLOT_FIRST, 260, 264, HV_SLOT_LAST};
    volatile uint64_t *l4 = boot_l4();
    uint64_t own_l3 = l4[(PV_VIRT_BASE >> 39) & 511];

    for (size_t i = 0; i < ARRAY_SIZE(slots); i++) {
        refuse_update("L4 hypervisor slot: own L3", &l4[slots[i]], own_l3, -XEN_EINVAL);
        refuse_update("L4 hypervisor slot: clear", &l4[slots[i]], 0, -XEN_EINVAL);
    }
    info("writes to L4 slots 256-271 refused");
}

/* A batch stops at its bad entry: the first done, pdone 1, the third not. */
static void check_batch(void)
{
    volatile uint64_t *e = l1e_of(scratch);
    uint64_t ma = entry_ma(e), orig = *e;
    struct mmu_update req[3] = {
        {ma, (pv_mfn_of(page_a) << 12) | PTE_RO_USER},
        {ma, (hv_frame() << 12) | PTE_RO_USER},
        {ma, (pv_mfn_of(page_b) << 12) | PTE_RO_USER},
    };
    unsigned int done = 99;

    EXPECT_RC("batch with a bad middle entry", mmu_update(req, 3, &done), hv_rc);
    CHECK_EQ("pdone", done, 1);
    mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)scratch);
    CHECK_EQ("entry 1 applied, entry 3 not", mfn_of_entry(*e), pv_mfn_of(page_a));
    CHECK_EQ("scratch now shows page_a", scratch[0], 'a');
    EXPECT_RC("scratch back", hc_update_va_mapping(scratch, orig, UVMF_INVLPG), 0);
    CHECK_EQ("scratch back", scratch[0], 's');
    info("batch of 3, bad middle entry: first applied, pdone 1, third not");
}

/* A page of ours made an L1, pinned, refused as anything else, unpinned,
 * then writable memory again. */
static void check_own_l1(void)
{
    uint64_t mfn = pv_mfn_of(new_l1), rw = (mfn << 12) | PTE_PRESENT_RW_USER;

    new_l1[0] = (pv_mfn_of(page_b) << 12) | PTE_RO_USER;
    EXPECT_RC("pin as L1 while mapped writable", mmuext1(MMUEXT_PIN_L1_TABLE, mfn),
              -XEN_EINVAL);
    EXPECT_RC("map it read-only",
              hc_update_va_mapping(new_l1, (mfn << 12) | PTE_RO_USER, UVMF_INVLPG), 0);
    EXPECT_RC("pin as L1", mmuext1(MMUEXT_PIN_L1_TABLE, mfn), 0);
    EXPECT_RC("pin it again", mmuext1(MMUEXT_PIN_L1_TABLE, mfn), -XEN_EINVAL);
    EXPECT_RC("pin the pinned L1 as an L2", mmuext1(MMUEXT_PIN_L2_TABLE, mfn),
              -XEN_EINVAL);
    EXPECT_RC("writable mapping of the pinned L1",
              hc_update_va_mapping(new_l1, rw, UVMF_INVLPG), -XEN_EBUSY);
    CHECK_EQ("its entry readable", mfn_of_entry(new_l1[0]), pv_mfn_of(page_b));
    EXPECT_RC("unpin", mmuext1(MMUEXT_UNPIN_TABLE, mfn), 0);
    EXPECT_RC("writable mapping after unpin",
              hc_update_va_mapping(new_l1, rw, UVMF_INVLPG), 0);
    new_l1[1] = 0x5a5a5a5a;
    CHECK_EQ("written after unpin", new_l1[1], 0x5a5a5a5a);
    info("own L1 pinned, refused as L2 and writable, unpinned, writable again");
}

/* Bad entries inside a multicall: each its own error, the rest done. */
static void check_multicall(void)
{
    struct mmu_update bad = {entry_ma(l1e_of(scratch)), (hv_frame() << 12) | PTE_RO_USER};
    struct mmuext_op pin = {MMUEXT_PIN_L2_TABLE, 0,
                            pv_mfn_of((const void *)l1e_of(scratch)), 0};
    uint64_t l4 = pv_mfn_of((const void *)boot_l4());
    unsigned int done = 99;
    struct multicall_entry mc[4] = {
        {__HYPERVISOR_mmu_update, 1, {(uint64_t)&bad, 1, (uint64_t)&done, DOMID_SELF}},
        {__HYPERVISOR_update_va_mapping,
         1,
         {(uint64_t)scratch, (l4 << 12) | PTE_PRESENT_RW_USER, UVMF_INVLPG}},
        {__HYPERVISOR_mmuext_op, 1, {(uint64_t)&pin, 1, 0, DOMID_SELF}},
        {__HYPERVISOR_xen_version, 1, {XENVER_version, 0}},
    };

    EXPECT_RC("multicall", hypercall2(__HYPERVISOR_multicall, (unsigned long)mc, 4), 0);
    CHECK_EQ("bad mmu_update in a multicall", (long)mc[0].result, hv_rc);
    CHECK_EQ("its pdone", done, 0);
    CHECK_EQ("writable L4 mapping in a multicall", (long)mc[1].result, -XEN_EBUSY);
    CHECK_EQ("L1 pinned as L2 in a multicall", (long)mc[2].result, -XEN_EINVAL);
    CHECK(mc[3].result == (uint64_t)hc_xen_version(XENVER_version, NULL),
          "entry 3 result %#lx", mc[3].result);
    CHECK_EQ("scratch unchanged", scratch[0], 's');
    info("multicall: bad mmu_update, update_va_mapping, mmuext_op each refused");
}

/* Neither table nor base pointer, whatever the level. */
static void refuse_as_table(const char *what, uint64_t mfn)
{
    static const uint32_t pins[] = {MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE,
                                    MMUEXT_PIN_L4_TABLE, MMUEXT_NEW_BASEPTR};

    for (unsigned int i = 0; i < sizeof(pins) / sizeof(pins[0]); i++)
        CHECK(mmuext1(pins[i], mfn) == -XEN_EINVAL, "%s %#lx: mmuext %u not refused",
              what, mfn, pins[i]);
}

/*
 * Grant-table frames and shared_info are the hypervisor's pages shared
 * with the guest, as on Xen: mappable writable (Linux maps the frames
 * GNTTABOP_setup_table returns), never a page table.
 */
static void check_shared_frames(void)
{
    uint64_t frames[GRANT_FRAMES] = {0}, shinfo = pv_start_info->shared_info >> 12;
    struct gnttab_setup_table op = {
        .dom = DOMID_SELF, .nr_frames = GRANT_FRAMES, .status = 1,
        .frame_list = (uint64_t)frames};
    volatile uint64_t *e = l1e_of(grant_va);
    uint64_t before = *e;

    EXPECT_RC("setup_table", hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                                        (unsigned long)&op, 1), 0);
    CHECK_EQ("setup_table status", op.status, 0);
    for (unsigned int i = 0; i < GRANT_FRAMES; i++) {
        EXPECT_RC("writable mapping of a grant frame",
                  hc_update_va_mapping(grant_va, (frames[i] << 12) | PTE_PRESENT_RW_USER,
                                       UVMF_INVLPG), 0);
        ((volatile uint64_t *)grant_va)[i] = 0x1234 + i;
        CHECK_EQ("grant entry written", ((volatile uint64_t *)grant_va)[i], 0x1234 + i);
        refuse_as_table("mapped grant frame", frames[i]);
    }
    EXPECT_RC("grant_va back", hc_update_va_mapping(grant_va, before, UVMF_INVLPG), 0);
    for (unsigned int i = 0; i < GRANT_FRAMES; i++)
        refuse_as_table("unmapped grant frame", frames[i]);
    refuse_as_table("shared_info", shinfo);
    info("grant frames %#lx, %#lx mapped writable; they and shared_info never tables",
         frames[0], frames[1]);
}

/* Many refusals: the scenario checks the hypervisor stopped logging them
 * (the last one, entry 0x10003f025, must not appear). */
static void log_burst(void)
{
    for (unsigned long i = 0; i < LOG_BURST; i++)
        refuse_va("entry beyond RAM", ((NO_RAM_MFN + i) << 12) | PTE_RO_USER, -XEN_EPERM);
    info("%u refusals in a burst, the guest still running", LOG_BURST);
}

void test_main(void)
{
    pv_set_handler(14, on_pf);
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    scratch[0] = 's', page_a[0] = 'a', page_b[0] = 'b';
    check_hv_frame();
    check_foreign_frame();
    check_pt_writable();
    check_type_confusion();
    check_cycles();
    check_hv_slots();
    check_batch();
    check_own_l1();
    check_multicall();
    check_shared_frames();
    log_burst();
}
