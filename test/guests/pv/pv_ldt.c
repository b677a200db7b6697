// SPDX-License-Identifier: MIT
// PV guest kernel with its own LDT (MMUEXT_SET_LDT): selectors with TI=1
// loaded into %ds and %fs and read through (the %fs one with a base of
// its own, so that a flat read would give another value), kept across
// hypercalls, the limit enforced (#GP past it); then what Mica must
// refuse, each while the guest runs on with its LDT: a call gate in the
// LDT page or written by update_descriptor, a writable LDT frame, a
// writable mapping of the frame in use, a page table as LDT, a base in
// the hypervisor or crossing into it, too many entries, an unmapped page.
#include "pv.h"

const char test_name[] = "pv_ldt";

#define DESC_DATA_DPL3 0x00cff2000000ffffULL
#define DESC_DATA_DPL0 0x00cf92000000ffffULL /* Xen raises DPL 0 to 3 */
#define DESC_CALL_GATE 0x0000ec0000000000ULL /* 64-bit call gate, DPL 3 */
#define DESC_ACCESSED (1ULL << 40)
#define FS_BASE 0x40                           /* the base of LDT entry 3 */
#define SEL_LDT_FLAT 0x0f                      /* entry 1, TI, RPL 3 */
#define SEL_LDT_DPL0 0x17                      /* entry 2 */
#define SEL_LDT_BASED 0x1f                     /* entry 3 */
#define SEL_LDT_PAST 0x27                      /* entry 4: past the limit */
#define PTE_RO_USER 0x25ULL                    /* P, U, A */

static uint64_t ldt[512] __attribute__((aligned(4096)));
static uint64_t bad_ldt[512] __attribute__((aligned(4096)));
static volatile uint64_t probe[32];
static struct pv_jmp on_fault;
static volatile unsigned int gps;

static void on_gp(struct pv_frame *f)
{
    (void)f;
    gps++;
    pv_longjmp(&on_fault);
}

static long set_ldt(const void *base, unsigned long ents)
{
    struct mmuext_op op = {MMUEXT_SET_LDT, 0, (uint64_t)base, ents};

    return hc_mmuext_op(&op, 1);
}

static long set_pte(void *va, uint64_t flags)
{
    return hc_update_va_mapping(va, (pv_mfn_of(va) << 12) | flags, UVMF_INVLPG);
}

static long update_desc(const void *va, uint64_t desc)
{
    uint64_t ma = (pv_mfn_of(va) << 12) | ((uint64_t)va & 0xfff);

    return hypercall2(__HYPERVISOR_update_descriptor, ma, desc);
}

/* A data descriptor with a 32-bit base (limit 4 GiB, DPL 3). */
static uint64_t data_desc(uint32_t base)
{
    return DESC_DATA_DPL3 | ((uint64_t)(base & 0xffffff) << 16) |
           ((uint64_t)(base >> 24) << 56);
}

/* probe[16] through %fs, whose base is FS_BASE: the offset leaves it out. */
static uint64_t read_fs_probe(void)
{
    uint64_t v, off = (uint64_t)&probe[16] - FS_BASE;

    asm volatile("movq %%fs:(%1), %0" : "=r"(v) : "r"(off), "m"(probe[16]));
    return v;
}

static void check_own_ldt(void)
{
    uint64_t v;

    for (unsigned int i = 0; i < 32; i++)
        probe[i] = 0x1000 + i;
    ldt[1] = DESC_DATA_DPL3;
    ldt[2] = DESC_DATA_DPL0;
    ldt[3] = data_desc(FS_BASE);
    EXPECT_RC("SET_LDT while the frame is writable", set_ldt(ldt, 4), -XEN_EINVAL);
    EXPECT_RC("LDT frame read-only", set_pte(ldt, PTE_RO_USER), 0);
    EXPECT_RC("SET_LDT", set_ldt(ldt, 4), 0);
    CHECK_EQ("DPL of the DPL-0 data descriptor as stored", (ldt[2] >> 45) & 3, 3);
    asm volatile("mov %w1, %%ds\n\tmovq %%ds:%2, %0" : "=r"(v)
                 : "r"(SEL_LDT_FLAT), "m"(probe[5]));
    CHECK_EQ("read through the LDT data segment in %ds", v, 0x1005);
    asm volatile("mov %w0, %%es" : : "r"(SEL_LDT_DPL0));
    asm volatile("mov %w0, %%fs" : : "r"(SEL_LDT_BASED));
    CHECK_EQ("read through %fs with the LDT segment's base", read_fs_probe(), 0x1010);
    hc_sched_op(SCHEDOP_yield, NULL);
    CHECK_EQ("%fs across hypercalls", pv_read_sel("fs"), SEL_LDT_BASED);
    if (!pv_setjmp(&on_fault))
        asm volatile("mov %w0, %%gs" : : "r"(SEL_LDT_PAST));
    CHECK_EQ("#GP for a selector past the LDT's limit", gps, 1);
    info("own LDT: selectors %#x %#x %#x loaded and read through", SEL_LDT_FLAT,
         SEL_LDT_DPL0, SEL_LDT_BASED);
}

static void check_refused(void)
{
    uint64_t *l4 = (uint64_t *)pv_start_info->pt_base;

    EXPECT_RC("update_descriptor of a call gate into the LDT",
              update_desc(&ldt[1], DESC_CALL_GATE), -XEN_EINVAL);
    CHECK_EQ("LDT entry 1 untouched (but accessed)", ldt[1] & ~DESC_ACCESSED,
             DESC_DATA_DPL3);
    EXPECT_RC("update_descriptor of a DPL-0 data segment into the LDT",
              update_desc(&ldt[5], DESC_DATA_DPL0), 0);
    CHECK_EQ("its DPL as stored", (ldt[5] >> 45) & 3, 3);
    EXPECT_RC("writable mapping of the LDT frame", set_pte(ldt, PTE_PRESENT_RW_USER),
              -XEN_EINVAL, -XEN_EBUSY);
    bad_ldt[1] = DESC_CALL_GATE;
    EXPECT_RC("bad LDT frame read-only", set_pte(bad_ldt, PTE_RO_USER), 0);
    EXPECT_RC("SET_LDT with a call gate", set_ldt(bad_ldt, 2), -XEN_EINVAL);
    EXPECT_RC("SET_LDT of a page table", set_ldt(l4, 2), -XEN_EINVAL);
    EXPECT_RC("SET_LDT in the hypervisor", set_ldt((void *)0xffff830000000000ULL, 2),
              -XEN_EINVAL);
    EXPECT_RC("SET_LDT into the hypervisor hole",
              set_ldt((void *)0x00007ffffffff000ULL, 1024), -XEN_EINVAL);
    EXPECT_RC("SET_LDT misaligned", set_ldt(&ldt[1], 2), -XEN_EINVAL);
    EXPECT_RC("SET_LDT of 8193 entries", set_ldt(ldt, 8193), -XEN_EINVAL);
    EXPECT_RC("SET_LDT of an unmapped page", set_ldt((void *)0x1000, 2), -XEN_EINVAL);
    CHECK_EQ("%fs after the refusals", pv_read_sel("fs"), SEL_LDT_BASED);
    CHECK_EQ("the old LDT still in use", read_fs_probe(), 0x1010);
    EXPECT_RC("no LDT", set_ldt(NULL, 0), 0);
    EXPECT_RC("the frame writable again", set_pte(ldt, PTE_PRESENT_RW_USER), 0);
    asm volatile("mov %w0, %%fs" : : "r"(0));
    info("call gates, writable and page-table frames, hypervisor ranges refused");
}

void test_main(void)
{
    pv_set_handler(13, on_gp);
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    check_own_ldt();
    check_refused();
}
