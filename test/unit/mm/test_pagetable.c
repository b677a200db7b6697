// SPDX-License-Identifier: MIT
/* Unit tests of mm/pagetable.c against tables kept in host memory. */
#include <string.h>

#include <hv/errno.h>
#include <hv/pagetable.h>

#include "pt_host.h"
#include "test_support.h"

static struct pt_ctx pt;

static void pt_fixture(bool allow_1g)
{
    pt_host_init(&pt, allow_1g);
}

/* Tables allocated beyond the root. */
static unsigned int tables(void)
{
    return pt_host_used - 1;
}

static uint64_t table_entry(paddr_t table, vaddr_t va, int level)
{
    uint64_t *t = pt_host_p2v(NULL, table);

    return t[(va >> (12 + 9 * (level - 1))) & 511];
}

/* The entry at `level` on the walk for va, read straight from the tables. */
static uint64_t entry_at(vaddr_t va, int level)
{
    paddr_t table = pt.root;
    int l;

    for (l = 4; l > level; l--) {
        uint64_t e = table_entry(table, va, l);

        assert_true(e & PTE_P);
        table = e & PTE_ADDR_MASK;
    }
    return table_entry(table, va, level);
}

static void expect_map(vaddr_t va, paddr_t pa, int level, uint64_t flags)
{
    paddr_t got_pa = 0;
    uint64_t got_flags = 0;
    int got_level = 0;

    assert_int_equal(pt_lookup(&pt, va, &got_pa, &got_flags, &got_level), 0);
    assert_int_equal(got_pa, pa);
    assert_int_equal(got_level, level);
    assert_int_equal(got_flags, flags | PTE_P | (level > 1 ? PTE_PS : 0));
}

static void expect_unmapped(vaddr_t va)
{
    paddr_t pa;

    assert_int_equal(pt_lookup(&pt, va, &pa, NULL, NULL), -ENOENT);
}

static void test_map_4k(void **state)
{
    (void)state;
    pt_fixture(false);
    assert_int_equal(pt_map(&pt, 0x1000, 0x5000, 0x3000, PAGE_HV_RW), 0);
    assert_int_equal(tables(), 3);
    expect_map(0x1000, 0x5000, 1, PAGE_HV_RW);
    expect_map(0x2abc, 0x6abc, 1, PAGE_HV_RW);
    expect_map(0x3fff, 0x7fff, 1, PAGE_HV_RW);
    expect_unmapped(0x0);
    expect_unmapped(0x4000);
}

static void test_map_2m_selection(void **state)
{
    (void)state;
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, 0x200000, 0x40000000, 0x200000, PAGE_HV_RX), 0);
    assert_int_equal(tables(), 2);
    expect_map(0x200000, 0x40000000, 2, PAGE_HV_RX);
    expect_map(0x3fffff, 0x401fffff, 2, PAGE_HV_RX);

    /* pa only 4 KiB aligned: no large page possible. */
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, 0x200000, 0x40001000, 0x200000, PAGE_HV_RX), 0);
    assert_int_equal(tables(), 3);
    expect_map(0x200000, 0x40001000, 1, PAGE_HV_RX);
    expect_map(0x3ff000, 0x40200000, 1, PAGE_HV_RX);
}

static void test_map_mixed_edges(void **state)
{
    (void)state;
    pt_fixture(false);
    /* 4K head, one 2M page, 4K tail; head and tail share no PT. */
    assert_int_equal(pt_map(&pt, 0x1ff000, 0x10001ff000ULL, 0x202000, PAGE_HV_RW), 0);
    assert_int_equal(tables(), 4);
    expect_map(0x1ff000, 0x10001ff000ULL, 1, PAGE_HV_RW);
    expect_map(0x200000, 0x1000200000ULL, 2, PAGE_HV_RW);
    expect_map(0x3ff000, 0x10003ff000ULL, 2, PAGE_HV_RW);
    expect_map(0x400000, 0x1000400000ULL, 1, PAGE_HV_RW);
    expect_unmapped(0x401000);
    expect_unmapped(0x1fe000);
}

static void test_map_1g(void **state)
{
    (void)state;
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, GiB(1), GiB(2), GiB(1), PAGE_HV_RW), 0);
    assert_int_equal(tables(), 1);
    expect_map(GiB(1) + 0x12345678, GiB(2) + 0x12345678, 3, PAGE_HV_RW);

    /* Without 1 GiB support the same request takes 512 2M leaves. */
    pt_fixture(false);
    assert_int_equal(pt_map(&pt, GiB(1), GiB(2), GiB(1), PAGE_HV_RW), 0);
    assert_int_equal(tables(), 2);
    expect_map(GiB(1) + 0x12345678, GiB(2) + 0x12345678, 2, PAGE_HV_RW);

    /* pa 2M- but not 1G-aligned: 2M leaves even with 1G allowed. */
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, GiB(1), GiB(2) + MiB(2), GiB(1), PAGE_HV_RW), 0);
    assert_int_equal(tables(), 2);
    expect_map(GiB(1), GiB(2) + MiB(2), 2, PAGE_HV_RW);
}

static void test_flags_leaf_vs_intermediate(void **state)
{
    uint64_t want = PTE_W | PTE_U | PTE_NX | PTE_PCD;
    const vaddr_t sva = GiB(512) * 5; /* own PML4 slot */
    int l;

    (void)state;
    pt_fixture(false);
    /* Bits outside PTE_FLAGS_MASK (A, D, PS, address) are ignored. */
    assert_int_equal(pt_map(&pt, 0x400000, 0x9000, 0x1000,
                            want | PTE_A | PTE_D | PTE_PS | 0xabc000), 0);
    assert_int_equal(entry_at(0x400000, 1), 0x9000 | PTE_P | want);
    for (l = 4; l >= 2; l--) {
        uint64_t e = entry_at(0x400000, l);

        assert_int_equal(e & ~PTE_ADDR_MASK, PTE_P | PTE_W | PTE_U);
    }

    /* A supervisor, read-only mapping elsewhere: no U on its path. */
    assert_int_equal(pt_map(&pt, sva, 0xa000, 0x1000, PAGE_HV_RO), 0);
    assert_int_equal(entry_at(sva, 4) & ~PTE_ADDR_MASK, PTE_P | PTE_W);
    assert_int_equal(entry_at(sva, 3) & ~PTE_ADDR_MASK, PTE_P | PTE_W);
    assert_int_equal(entry_at(sva, 2) & ~PTE_ADDR_MASK, PTE_P | PTE_W);
    expect_map(sva, 0xa000, 1, PAGE_HV_RO);

    /* A user page next to it upgrades the shared path but not the
     * neighbouring leaf. */
    assert_int_equal(pt_map(&pt, sva + 0x1000, 0xb000, 0x1000, PTE_U), 0);
    assert_int_equal(entry_at(sva, 2) & ~PTE_ADDR_MASK, PTE_P | PTE_W | PTE_U);
    assert_int_equal(entry_at(sva, 4) & ~PTE_ADDR_MASK, PTE_P | PTE_W | PTE_U);
    expect_map(sva, 0xa000, 1, PAGE_HV_RO);
    expect_map(sva + 0x1000, 0xb000, 1, PTE_U);
}

static void test_large_leaf_format(void **state)
{
    (void)state;
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, GiB(3), GiB(7), GiB(1), PAGE_HV_UC), 0);
    assert_int_equal(entry_at(GiB(3), 3), GiB(7) | PAGE_HV_UC | PTE_PS);
    assert_int_equal(pt_map(&pt, MiB(4), MiB(6), MiB(2), PTE_U | PTE_NX), 0);
    assert_int_equal(entry_at(MiB(4), 2), MiB(6) | PTE_P | PTE_U | PTE_NX | PTE_PS);
    assert_int_equal(entry_at(MiB(4), 3) & ~PTE_ADDR_MASK, PTE_P | PTE_W | PTE_U);
}

/* Bit 12 of a large leaf is PAT ("Paging", PDE mapping a 2-MByte page),
 * not part of the address; a leaf with it set must still translate. PAT is
 * unused, so the bit is neither reported nor carried into a split. */
static void test_large_leaf_pat_bit(void **state)
{
    uint64_t *pde;

    (void)state;
    pt_fixture(false);
    assert_int_equal(pt_map(&pt, MiB(4), MiB(6), MiB(2), PAGE_HV_RW), 0);
    pde = (uint64_t *)pt_host_p2v(NULL, entry_at(MiB(4), 3) & PTE_ADDR_MASK) + 2;
    *pde |= 1ULL << 12;
    expect_map(MiB(4) + 0x123, MiB(6) + 0x123, 2, PAGE_HV_RW);
    assert_int_equal(pt_unmap(&pt, MiB(4), 0x1000), 0);
    expect_map(MiB(4) + 0x1123, MiB(6) + 0x1123, 1, PAGE_HV_RW);
}

static void test_split_2m(void **state)
{
    vaddr_t va = 0x600000;
    paddr_t old = 0x80000000;
    unsigned int i;

    (void)state;
    pt_fixture(false);
    assert_int_equal(pt_map(&pt, va, old, MiB(2), PAGE_HV_RW), 0);
    assert_int_equal(tables(), 2);
    assert_int_equal(pt_map(&pt, va + 0x5000, 0x12345000, 0x1000, PAGE_HV_RO), 0);
    assert_int_equal(tables(), 3);
    for (i = 0; i < 512; i++) {
        if (i == 5)
            expect_map(va + 0x5000, 0x12345000, 1, PAGE_HV_RO);
        else
            expect_map(va + i * 0x1000ULL, old + i * 0x1000ULL, 1, PAGE_HV_RW);
    }
}

static void test_split_1g(void **state)
{
    vaddr_t va = GiB(2) + MiB(10) + 0x3000;

    (void)state;
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, GiB(2), GiB(4), GiB(1), PAGE_HV_RX), 0);
    assert_int_equal(tables(), 1);
    assert_int_equal(pt_map(&pt, va, 0x7000, 0x1000, PAGE_HV_RW), 0);
    assert_int_equal(tables(), 3);
    expect_map(va, 0x7000, 1, PAGE_HV_RW);
    expect_map(va - 0x1000, GiB(4) + MiB(10) + 0x2000, 1, PAGE_HV_RX);
    expect_map(GiB(2) + MiB(12), GiB(4) + MiB(12), 2, PAGE_HV_RX);
    expect_map(GiB(2), GiB(4), 2, PAGE_HV_RX);
    expect_map(GiB(3) - 1, GiB(5) - 1, 2, PAGE_HV_RX);
}

static void test_remap_overwrites(void **state)
{
    (void)state;
    pt_fixture(false);
    assert_int_equal(pt_map(&pt, 0x1000, 0x5000, 0x1000, PAGE_HV_RW), 0);
    assert_int_equal(pt_map(&pt, 0x1000, 0x8000, 0x1000, PAGE_HV_RX), 0);
    assert_int_equal(tables(), 3);
    expect_map(0x1000, 0x8000, 1, PAGE_HV_RX);

    /* A 2M leaf replaces a 2M leaf in place. */
    assert_int_equal(pt_map(&pt, MiB(8), MiB(20), MiB(2), PAGE_HV_RW), 0);
    assert_int_equal(pt_map(&pt, MiB(8), MiB(40), MiB(2), PAGE_HV_RO), 0);
    assert_int_equal(tables(), 3);
    expect_map(MiB(8) + 0x10, MiB(40) + 0x10, 2, PAGE_HV_RO);
}

/* A large mapping over an existing PT reuses it (4K leaves) so that the
 * table, which pt_ctx cannot free, is not orphaned. */
static void test_large_over_table_reuses(void **state)
{
    (void)state;
    pt_fixture(false);
    assert_int_equal(pt_map(&pt, MiB(2) + 0x3000, 0x1000, 0x1000, PAGE_HV_RW), 0);
    assert_int_equal(tables(), 3);
    assert_int_equal(pt_map(&pt, MiB(2), MiB(64), MiB(2), PAGE_HV_RX), 0);
    assert_int_equal(tables(), 3);
    expect_map(MiB(2) + 0x3000, MiB(64) + 0x3000, 1, PAGE_HV_RX);
    expect_map(MiB(4) - 0x1000, MiB(66) - 0x1000, 1, PAGE_HV_RX);
}

static void test_unmap_edges(void **state)
{
    vaddr_t va = MiB(16);

    (void)state;
    pt_fixture(false);
    assert_int_equal(pt_map(&pt, va, MiB(32), MiB(6), PAGE_HV_RW), 0);
    assert_int_equal(tables(), 2);
    /* Splits the first and last 2M pages, clears the middle one whole. */
    assert_int_equal(pt_unmap(&pt, va + MiB(1), MiB(4)), 0);
    assert_int_equal(tables(), 4);
    expect_map(va, MiB(32), 1, PAGE_HV_RW);
    expect_map(va + MiB(1) - 0x1000, MiB(33) - 0x1000, 1, PAGE_HV_RW);
    expect_unmapped(va + MiB(1));
    expect_unmapped(va + MiB(3));
    expect_unmapped(va + MiB(5) - 0x1000);
    expect_map(va + MiB(5), MiB(37), 1, PAGE_HV_RW);
    expect_map(va + MiB(6) - 1, MiB(38) - 1, 1, PAGE_HV_RW);
    assert_int_equal(entry_at(va + MiB(2), 2), 0);

    /* Unmapping what is not mapped is fine and allocates nothing. */
    assert_int_equal(pt_unmap(&pt, GiB(100), GiB(2)), 0);
    assert_int_equal(pt_unmap(&pt, va, MiB(6)), 0);
    assert_int_equal(tables(), 4);
    expect_unmapped(va);
    expect_unmapped(va + MiB(6) - 1);
}

static void test_unmap_1g_and_4k(void **state)
{
    (void)state;
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, 0, 0, GiB(2), PAGE_HV_RW), 0);
    assert_int_equal(pt_unmap(&pt, GiB(1), GiB(1)), 0);
    assert_int_equal(tables(), 1);
    expect_map(GiB(1) - 1, GiB(1) - 1, 3, PAGE_HV_RW);
    expect_unmapped(GiB(1));
    assert_int_equal(pt_unmap(&pt, 0x1000, 0x1000), 0);
    assert_int_equal(tables(), 3);
    expect_map(0, 0, 1, PAGE_HV_RW);
    expect_unmapped(0x1000);
    expect_map(0x2000, 0x2000, 1, PAGE_HV_RW);
    expect_map(MiB(2), MiB(2), 2, PAGE_HV_RW);
}

static void test_lookup_unmapped(void **state)
{
    uint64_t flags = 0x55;
    int level = 7;

    (void)state;
    pt_fixture(false);
    expect_unmapped(0);
    expect_unmapped(0xffff800000000000ULL);
    assert_int_equal(pt_map(&pt, 0x5000, 0x5000, 0x1000, PAGE_HV_RW), 0);
    expect_unmapped(0x4000);          /* PT present, entry not */
    expect_unmapped(MiB(2));          /* PD present, entry not */
    expect_unmapped(GiB(1));          /* PDPT present, entry not */
    expect_unmapped(GiB(512));        /* PML4 entry not present */
    expect_unmapped(0x0000800000005000ULL); /* non-canonical */
    assert_int_equal(pt_lookup(&pt, 0x4000, NULL, &flags, &level), -ENOENT);
    assert_int_equal(flags, 0x55);
    assert_int_equal(level, 7);
    assert_int_equal(pt_lookup(&pt, 0x5000, NULL, NULL, NULL), 0);
}

static void test_invalid_inputs(void **state)
{
    (void)state;
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, 0x1001, 0x1000, 0x1000, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_map(&pt, 0x1000, 0x1800, 0x1000, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_map(&pt, 0x1000, 0x1000, 0x800, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_map(&pt, 0x0000800000000000ULL, 0, 0x1000, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_map(&pt, 0xffff7ffffffff000ULL, 0, 0x1000, PAGE_HV_RW), -EINVAL);
    /* Ranges running into the canonical hole or off the top. */
    assert_int_equal(pt_map(&pt, 0x00007ffffffff000ULL, 0, 0x2000, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_map(&pt, 0xfffffffffffff000ULL, 0, 0x2000, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_map(&pt, 0x1000, 0, 0xfffffffffffff000ULL, PAGE_HV_RW), -EINVAL);
    /* Physical addresses beyond 52 bits. */
    assert_int_equal(pt_map(&pt, 0x1000, 1ULL << 52, 0x1000, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_map(&pt, 0x1000, (1ULL << 52) - 0x1000, 0x2000, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_map(&pt, 0x1000, 0xfffffffffffff000ULL, 0x1000, PAGE_HV_RW), -EINVAL);
    assert_int_equal(pt_unmap(&pt, 0x1800, 0x1000), -EINVAL);
    assert_int_equal(pt_unmap(&pt, 0x1000, 0x10), -EINVAL);
    assert_int_equal(pt_unmap(&pt, 0x0000800000000000ULL, 0x1000), -EINVAL);
    assert_int_equal(pt_unmap(&pt, 0xfffffffffffff000ULL, 0x2000), -EINVAL);
    assert_int_equal(tables(), 0);

    /* The very ends of both canonical halves are fine. */
    assert_int_equal(pt_map(&pt, 0xfffffffffffff000ULL, 0x3000, 0x1000, PAGE_HV_RW), 0);
    expect_map(0xffffffffffffffffULL, 0x3fff, 1, PAGE_HV_RW);
    assert_int_equal(pt_map(&pt, 0x00007ffffffff000ULL, (1ULL << 52) - 0x1000,
                            0x1000, PAGE_HV_RW), 0);
    expect_map(0x00007ffffffff000ULL, (1ULL << 52) - 0x1000, 1, PAGE_HV_RW);
    assert_int_equal(pt_map(&pt, 0x1000, 0x1000, 0, PAGE_HV_RW), 0);
    expect_unmapped(0x1000);
}

static void test_enomem(void **state)
{
    (void)state;
    pt_fixture(false);
    pt_host_limit = 2; /* root + one table: a 4K mapping needs three */
    assert_int_equal(pt_map(&pt, 0x1000, 0x1000, 0x1000, PAGE_HV_RW), -ENOMEM);
    expect_unmapped(0x1000);

    /* A failed split leaves the large page as it was. */
    pt_fixture(false);
    assert_int_equal(pt_map(&pt, MiB(2), MiB(4), MiB(2), PAGE_HV_RW), 0);
    pt_host_limit = pt_host_used;
    assert_int_equal(pt_map(&pt, MiB(2) + 0x1000, 0x1000, 0x1000, PAGE_HV_RO), -ENOMEM);
    assert_int_equal(pt_unmap(&pt, MiB(2), 0x1000), -ENOMEM);
    expect_map(MiB(2) + 0x1000, MiB(4) + 0x1000, 2, PAGE_HV_RW);

    /* Partial mappings remain: the first 2M fits in the PD we have. */
    assert_int_equal(pt_map(&pt, MiB(8), MiB(8), MiB(4), PAGE_HV_RW), 0);
    assert_int_equal(pt_map(&pt, MiB(12), MiB(12), GiB(1), PAGE_HV_RW), -ENOMEM);
    expect_map(MiB(12), MiB(12), 2, PAGE_HV_RW);
    expect_unmapped(GiB(1));
}

static void test_higher_half(void **state)
{
    const vaddr_t image = 0xffff82d080000000ULL;
    const vaddr_t direct = 0xffff830000000000ULL;
    uint64_t *l4;

    (void)state;
    pt_fixture(true);
    assert_int_equal(pt_map(&pt, image, MiB(16), MiB(4) + 0x3000, PAGE_HV_RX), 0);
    assert_int_equal(pt_map(&pt, direct, 0, GiB(4), PAGE_HV_RW), 0);
    l4 = pt_host_p2v(NULL, pt.root);
    assert_true(l4[261] & PTE_P);
    assert_true(l4[262] & PTE_P);
    expect_map(image, MiB(16), 2, PAGE_HV_RX);
    expect_map(image + MiB(2) + 0x123, MiB(18) + 0x123, 2, PAGE_HV_RX);
    expect_map(image + MiB(4) + 0x2fff, MiB(20) + 0x2fff, 1, PAGE_HV_RX);
    expect_unmapped(image + MiB(4) + 0x3000);
    expect_unmapped(image - 0x1000);
    expect_map(direct + 0x12345678, 0x12345678, 3, PAGE_HV_RW);
    expect_map(direct + GiB(4) - 1, GiB(4) - 1, 3, PAGE_HV_RW);
    expect_unmapped(direct + GiB(4));
    /* image: PDPT, PD, PT; direct map: one PDPT of 1G leaves. */
    assert_int_equal(tables(), 4);
    assert_int_equal(pt_unmap(&pt, image, MiB(2)), 0);
    expect_unmapped(image);
    expect_map(image + MiB(2), MiB(18), 2, PAGE_HV_RX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_4k),
        cmocka_unit_test(test_map_2m_selection),
        cmocka_unit_test(test_map_mixed_edges),
        cmocka_unit_test(test_map_1g),
        cmocka_unit_test(test_flags_leaf_vs_intermediate),
        cmocka_unit_test(test_large_leaf_format),
        cmocka_unit_test(test_large_leaf_pat_bit),
        cmocka_unit_test(test_split_2m),
        cmocka_unit_test(test_split_1g),
        cmocka_unit_test(test_remap_overwrites),
        cmocka_unit_test(test_large_over_table_reuses),
        cmocka_unit_test(test_unmap_edges),
        cmocka_unit_test(test_unmap_1g_and_4k),
        cmocka_unit_test(test_lookup_unmapped),
        cmocka_unit_test(test_invalid_inputs),
        cmocka_unit_test(test_enomem),
        cmocka_unit_test(test_higher_half),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
