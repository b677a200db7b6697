// SPDX-License-Identifier: MIT
/* Unit tests of the HVM guest memory map and boot GDT (hv/domain/e820.c). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "loader_test_mem.h"
#include <hv/loader.h>

#define R MEMMAP_RAM
#define X MEMMAP_RESERVED

/* Entries every map starts with, then RAM from 1 MiB, then the APICs. */
#define LOW_PART \
    { 0, 0x9fc00, R }, { 0x9fc00, 0x400, X }, { 0xe0000, 0x20000, X }
#define APICS { 0xfec00000, 0x1000, X }, { 0xfee00000, 0x1000, X }

struct e820_case {
    uint64_t ram;
    uint64_t gpa_end;
    int n;
    struct e820_entry e[GUEST_E820_MAX];
};

static const struct e820_case cases[] = {
    { MiB(64), MiB(64), 6,
      { LOW_PART, { MiB(1), MiB(63), R }, APICS } },
    { GiB(1), GiB(1), 6,
      { LOW_PART, { MiB(1), GiB(1) - MiB(1), R }, APICS } },
    { GiB(3), GiB(3), 6,
      { LOW_PART, { MiB(1), GiB(3) - MiB(1), R }, APICS } },
    { GiB(4), GiB(5), 7,
      { LOW_PART, { MiB(1), GiB(3) - MiB(1), R }, APICS, { GiB(4), GiB(1), R } } },
    { GiB(6), GiB(7), 7,
      { LOW_PART, { MiB(1), GiB(3) - MiB(1), R }, APICS, { GiB(4), GiB(3), R } } },
};

static void test_maps(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct e820_case *c = &cases[i];
        struct e820_entry out[GUEST_E820_MAX + 1];
        uint64_t ram = 0;

        memset(out, 0xee, sizeof(out));
        print_message("ram %llu MiB\n", (unsigned long long)(c->ram >> 20));
        assert_int_equal(guest_e820_build(c->ram, out, GUEST_E820_MAX), c->n);
        assert_memory_equal(out, c->e, c->n * sizeof(out[0]));
        assert_int_equal(out[c->n].type, 0xeeeeeeee);   /* nothing more */
        assert_int_equal(guest_ram_gpa_end(c->ram), c->gpa_end);
        assert_int_equal(guest_ram_low_end(c->ram), MIN(c->ram, GiB(3)));
        /* Sorted, disjoint, and RAM adds up to ram minus the hole. */
        for (int k = 0; k < c->n; k++) {
            if (k)
                assert_true(out[k - 1].addr + out[k - 1].size <= out[k].addr);
            if (out[k].type == R)
                ram += out[k].size;
        }
        assert_int_equal(ram, c->ram - (MiB(1) - 0x9fc00));
        /* Exactly enough room works; one less does not. */
        assert_int_equal(guest_e820_build(c->ram, out, (unsigned int)c->n), c->n);
        assert_int_equal(guest_e820_build(c->ram, out, (unsigned int)c->n - 1),
                         -ENOSPC);
    }
}

static void test_bad_sizes(void **state)
{
    struct e820_entry out[GUEST_E820_MAX];

    (void)state;
    assert_int_equal(guest_e820_build(0, out, GUEST_E820_MAX), -EINVAL);
    assert_int_equal(guest_e820_build(MiB(2) - PAGE_SIZE, out, GUEST_E820_MAX),
                     -EINVAL);
    assert_int_equal(guest_e820_build(MiB(64) + 1, out, GUEST_E820_MAX), -EINVAL);
    assert_int_equal(guest_e820_build(UINT64_MAX & PAGE_MASK, out, GUEST_E820_MAX),
                     -EINVAL);
    assert_int_equal(guest_e820_build(MiB(2), out, GUEST_E820_MAX), 6);
}

struct range_case {
    uint64_t ram, gpa, len;
    bool ok;
};

static const struct range_case ranges[] = {
    { MiB(64), MiB(1), MiB(63), true },
    { MiB(64), MiB(1), MiB(63) + 1, false },          /* past RAM end */
    { MiB(64), 0x9f000, 0x2000, false },              /* into the EBDA */
    { MiB(64), 0xe0000, 0x1000, false },              /* ACPI area */
    { MiB(64), 0x30000, 0x1000, true },               /* low RAM, free */
    { MiB(64), 0x5000, 0x1000, true },                /* just below */
    { MiB(64), 0x5000, 0x1001, false },               /* loader area */
    { MiB(64), LOADER_CMDLINE_GPA, 1, false },
    { MiB(64), MiB(2), 0, false },                    /* empty */
    { MiB(64), UINT64_MAX - 10, 100, false },         /* wraps */
    { GiB(6), GiB(3) - PAGE_SIZE, 2 * PAGE_SIZE, false }, /* into the hole */
    { GiB(6), GiB(4), GiB(3), true },
    { GiB(6), GiB(4), GiB(3) + 1, false },
    { 0, MiB(1), 1, false },                          /* invalid RAM size */
};

static void test_range_loadable(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
        const struct range_case *c = &ranges[i];

        print_message("range %zu\n", i);
        assert_int_equal(guest_range_loadable(c->ram, c->gpa, c->len), c->ok);
    }
}

static void test_boot_gdt(void **state)
{
    struct test_guest g;
    struct loader_cpu_state st = { 0 };

    (void)state;
    tg_init(&g, MiB(2), MiB(2));
    assert_int_equal(guest_boot_gdt_write(&g.mem, &st), 0);
    assert_int_equal(st.gdt_base, 0x6000);
    assert_int_equal(st.gdt_limit, 31);
    assert_int_equal(st.cs, 0x10);
    assert_int_equal(st.ds, 0x18);
    assert_int_equal(tg_get(&g, 0x6000, 8), 0);
    /* Code: base 0, limit 0xfffff, G=1 D=1 P=1 S=1, type execute/read. */
    assert_int_equal(tg_get(&g, 0x6010, 8), 0x00cf9b000000ffffull);
    assert_int_equal(tg_get(&g, 0x6018, 8), 0x00cf93000000ffffull);
    g.fail_at = 2;
    g.accesses = 1;
    assert_int_equal(guest_boot_gdt_write(&g.mem, &st), -EFAULT);
    tg_fini(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maps),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_range_loadable),
        cmocka_unit_test(test_boot_gdt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
