// SPDX-License-Identifier: MIT
/* Unit tests of mm/memmap.c: sanitizer, queries and multiboot parsers. */
#include <string.h>

#include <hv/errno.h>
#include <hv/memmap.h>

#include "test_support.h"

static struct memmap map;

struct range {
    uint64_t base, end;
    uint32_t type;
};

static void reset(void)
{
    memset(&map, 0, sizeof(map));
    test_log_clear();
}

static void add(uint64_t base, uint64_t end, uint32_t type)
{
    assert_int_equal(memmap_add(&map, base, end - base, type), 0);
}

static void expect(const struct range *want, unsigned int n)
{
    unsigned int i;

    assert_int_equal(map.nr, n);
    for (i = 0; i < n; i++) {
        assert_int_equal(map.e[i].base, want[i].base);
        assert_int_equal(map.e[i].base + map.e[i].len, want[i].end);
        assert_int_equal(map.e[i].type, want[i].type);
    }
}

#define EXPECT(...)                                                     \
    do {                                                                \
        const struct range want_[] = { __VA_ARGS__ };                   \
        expect(want_, ARRAY_SIZE(want_));                               \
    } while (0)

static void test_add(void **state)
{
    unsigned int i;

    (void)state;
    reset();
    assert_int_equal(memmap_add(&map, 0x1000, 0, MEMMAP_RAM), 0);
    assert_int_equal(map.nr, 0);
    for (i = 0; i < MEMMAP_MAX; i++)
        add(i * 0x2000ULL, i * 0x2000ULL + 0x1000, MEMMAP_RAM);
    assert_int_equal(memmap_add(&map, 0x10000000, 0x1000, MEMMAP_RAM), -ENOSPC);
    assert_int_equal(memmap_add(&map, 0x10000000, 0, MEMMAP_RAM), 0);
    assert_int_equal(map.nr, MEMMAP_MAX);

    /* A length running past 2^64 is cut at the top of the space. */
    reset();
    assert_int_equal(memmap_add(&map, 0xfffffffffffff000ULL, 0x2000, 2), 0);
    assert_int_equal(map.e[0].len, 0xfffULL);
}

static void test_unsorted_and_holes(void **state)
{
    (void)state;
    reset();
    add(0x300000, 0x400000, MEMMAP_RAM);
    add(0x100000, 0x200000, MEMMAP_RESERVED);
    add(0x0, 0x80000, MEMMAP_RAM);
    add(0x500000, 0x600000, MEMMAP_ACPI);
    memmap_sanitize(&map);
    EXPECT({ 0x0, 0x80000, MEMMAP_RAM },
           { 0x100000, 0x200000, MEMMAP_RESERVED },
           { 0x300000, 0x400000, MEMMAP_RAM },
           { 0x500000, 0x600000, MEMMAP_ACPI });
}

static void test_zero_length_dropped(void **state)
{
    (void)state;
    reset();
    /* memmap_add refuses empty entries, so plant them directly. */
    map.e[0] = (struct memmap_entry){ 0x5000, 0, MEMMAP_BAD };
    map.e[1] = (struct memmap_entry){ 0x1000, 0x1000, MEMMAP_RAM };
    map.e[2] = (struct memmap_entry){ 0x1800, 0, MEMMAP_RESERVED };
    map.nr = 3;
    memmap_sanitize(&map);
    EXPECT({ 0x1000, 0x2000, MEMMAP_RAM });

    reset();
    map.e[0] = (struct memmap_entry){ 0x5000, 0, MEMMAP_RAM };
    map.nr = 1;
    memmap_sanitize(&map);
    assert_int_equal(map.nr, 0);
}

static void test_adjacent_merge(void **state)
{
    (void)state;
    reset();
    add(0x1000, 0x2000, MEMMAP_RAM);
    add(0x3000, 0x4000, MEMMAP_RAM);
    add(0x2000, 0x3000, MEMMAP_RAM);
    add(0x4000, 0x5000, MEMMAP_RESERVED);
    add(0x5000, 0x6000, MEMMAP_RESERVED);
    add(0x7000, 0x8000, MEMMAP_RESERVED);  /* hole before: stays apart */
    add(0x8000, 0x9000, MEMMAP_ACPI);      /* other type: stays apart */
    memmap_sanitize(&map);
    EXPECT({ 0x1000, 0x4000, MEMMAP_RAM },
           { 0x4000, 0x6000, MEMMAP_RESERVED },
           { 0x7000, 0x8000, MEMMAP_RESERVED },
           { 0x8000, 0x9000, MEMMAP_ACPI });
}

static void test_ram_vs_reserved_overlap(void **state)
{
    (void)state;
    reset();
    add(0x1000, 0x3000, MEMMAP_RESERVED);
    add(0x2000, 0x5000, MEMMAP_RAM);
    memmap_sanitize(&map);
    EXPECT({ 0x1000, 0x3000, MEMMAP_RESERVED }, { 0x3000, 0x5000, MEMMAP_RAM });

    reset();
    add(0x2000, 0x5000, MEMMAP_RAM);
    add(0x1000, 0x3000, MEMMAP_RESERVED);
    memmap_sanitize(&map);
    EXPECT({ 0x1000, 0x3000, MEMMAP_RESERVED }, { 0x3000, 0x5000, MEMMAP_RAM });

    /* Reserved overlapping the top of RAM. */
    reset();
    add(0x1000, 0x4000, MEMMAP_RAM);
    add(0x3000, 0x6000, MEMMAP_RESERVED);
    memmap_sanitize(&map);
    EXPECT({ 0x1000, 0x3000, MEMMAP_RAM }, { 0x3000, 0x6000, MEMMAP_RESERVED });

    /* RAM entirely inside reserved disappears. */
    reset();
    add(0x1000, 0x9000, MEMMAP_NVS);
    add(0x2000, 0x3000, MEMMAP_RAM);
    memmap_sanitize(&map);
    EXPECT({ 0x1000, 0x9000, MEMMAP_NVS });
}

static void test_nested(void **state)
{
    (void)state;
    reset();
    add(0x0, 0x10000, MEMMAP_RAM);
    add(0x4000, 0x5000, MEMMAP_RESERVED);
    memmap_sanitize(&map);
    EXPECT({ 0x0, 0x4000, MEMMAP_RAM },
           { 0x4000, 0x5000, MEMMAP_RESERVED },
           { 0x5000, 0x10000, MEMMAP_RAM });

    /* Among non-RAM types the higher number wins. */
    reset();
    add(0x1000, 0x9000, MEMMAP_ACPI);
    add(0x2000, 0x3000, MEMMAP_RESERVED);
    add(0x4000, 0x5000, MEMMAP_BAD);
    add(0x8000, 0xa000, MEMMAP_NVS);
    memmap_sanitize(&map);
    EXPECT({ 0x1000, 0x4000, MEMMAP_ACPI },
           { 0x4000, 0x5000, MEMMAP_BAD },
           { 0x5000, 0x8000, MEMMAP_ACPI },
           { 0x8000, 0xa000, MEMMAP_NVS });

    /* Three levels deep, plus an exact duplicate. */
    reset();
    add(0x0, 0x100000, MEMMAP_RAM);
    add(0x10000, 0x20000, MEMMAP_ACPI);
    add(0x14000, 0x15000, MEMMAP_BAD);
    add(0x14000, 0x15000, MEMMAP_BAD);
    memmap_sanitize(&map);
    EXPECT({ 0x0, 0x10000, MEMMAP_RAM },
           { 0x10000, 0x14000, MEMMAP_ACPI },
           { 0x14000, 0x15000, MEMMAP_BAD },
           { 0x15000, 0x20000, MEMMAP_ACPI },
           { 0x20000, 0x100000, MEMMAP_RAM });
}

static void test_unknown_types(void **state)
{
    (void)state;
    reset();
    add(0x1000, 0x2000, 0);
    add(0x2000, 0x3000, MEMMAP_RESERVED);
    add(0x3000, 0x4000, 6);
    add(0x5000, 0x6000, 0xf0000001u);
    add(0x5800, 0x7000, MEMMAP_RAM);
    add(0x8000, 0x9000, 12);
    add(0x8000, 0x9000, MEMMAP_ACPI);   /* ACPI (3) beats reserved (2) */
    memmap_sanitize(&map);
    EXPECT({ 0x1000, 0x4000, MEMMAP_RESERVED },
           { 0x5000, 0x6000, MEMMAP_RESERVED },
           { 0x6000, 0x7000, MEMMAP_RAM },
           { 0x8000, 0x9000, MEMMAP_ACPI });
}

/* More pieces than fit: RAM split by 127 reserved islands. */
static void test_too_many_pieces(void **state)
{
    unsigned int i, reserved = 0;

    (void)state;
    reset();
    add(0, MiB(128), MEMMAP_RAM);
    for (i = 1; i < MEMMAP_MAX; i++)
        add(MiB(i), MiB(i) + 0x1000 * (i % 3 + 1), MEMMAP_RESERVED);
    memmap_sanitize(&map);
    assert_true(map.nr <= MEMMAP_MAX);
    for (i = 0; i < map.nr; i++) {
        if (i)
            assert_true(map.e[i - 1].base + map.e[i - 1].len <= map.e[i].base);
        if (map.e[i].type == MEMMAP_RESERVED) {
            reserved++;
            assert_int_equal(map.e[i].base, MiB(reserved));
        } else {
            assert_int_equal(map.e[i].type, MEMMAP_RAM);
        }
    }
    assert_int_equal(reserved, MEMMAP_MAX - 1);
    assert_true(memmap_ram_bytes(&map) < MiB(128));
    assert_non_null(strstr(test_log, "dropped"));
}

static void add_qemu_map(void)
{
    add(0x0, 0x9fc00, MEMMAP_RAM);
    add(0x9fc00, 0xa0000, MEMMAP_RESERVED);
    add(0xf0000, 0x100000, MEMMAP_RESERVED);
    add(0x100000, 0x7fe0000, MEMMAP_RAM);
    add(0x7fe0000, 0x8000000, MEMMAP_RESERVED);
    add(0xfffc0000, 0x100000000ULL, MEMMAP_RESERVED);
}

static void test_totals_qemu(void **state)
{
    (void)state;
    reset();
    add_qemu_map();
    memmap_sanitize(&map);
    assert_int_equal(map.nr, 6);
    assert_int_equal(memmap_ram_bytes(&map), 0x9fc00 + 0x7fe0000 - 0x100000);
    assert_int_equal(memmap_ram_end(&map), 0x7fe0000);
}

static void test_totals_4g(void **state)
{
    (void)state;
    reset();
    add(0x100000000ULL, 0x240000000ULL, MEMMAP_RAM);
    add(0x0, 0x9fc00, MEMMAP_RAM);
    add(0x9fc00, 0xa0000, MEMMAP_RESERVED);
    add(0xf0000, 0x100000, MEMMAP_RESERVED);
    add(0x100000, 0xbffe0000, MEMMAP_RAM);
    add(0xbffe0000, 0xc0000000, MEMMAP_RESERVED);
    add(0xfeffc000, 0xff000000, MEMMAP_RESERVED);
    add(0xfffc0000, 0x100000000ULL, MEMMAP_RESERVED);
    memmap_sanitize(&map);
    assert_int_equal(map.nr, 8);
    assert_int_equal(map.e[7].base, 0x100000000ULL);
    assert_int_equal(memmap_ram_end(&map), 0x240000000ULL);
    assert_int_equal(memmap_ram_bytes(&map),
                     0x9fc00 + (0xbffe0000 - 0x100000) + 0x140000000ULL);

    memmap_clip_ram(&map, GiB(4));
    assert_int_equal(map.nr, 7);
    assert_int_equal(memmap_ram_end(&map), 0xbffe0000);
}

static void test_clip(void **state)
{
    (void)state;
    reset();
    add_qemu_map();
    memmap_sanitize(&map);
    memmap_clip_ram(&map, 0x4000000);
    EXPECT({ 0x0, 0x9fc00, MEMMAP_RAM },
           { 0x9fc00, 0xa0000, MEMMAP_RESERVED },
           { 0xf0000, 0x100000, MEMMAP_RESERVED },
           { 0x100000, 0x4000000, MEMMAP_RAM },
           { 0x7fe0000, 0x8000000, MEMMAP_RESERVED },
           { 0xfffc0000, 0x100000000ULL, MEMMAP_RESERVED });

    /* A limit on an entry boundary drops the entry above it whole. */
    memmap_clip_ram(&map, 0x100000);
    assert_int_equal(map.nr, 5);
    assert_int_equal(memmap_ram_bytes(&map), 0x9fc00);
    assert_int_equal(memmap_ram_end(&map), 0x9fc00);

    memmap_clip_ram(&map, 0);
    assert_int_equal(map.nr, 4);
    assert_int_equal(memmap_ram_bytes(&map), 0);
    assert_int_equal(memmap_ram_end(&map), 0);
}

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(memmap_type_name(MEMMAP_RAM), "RAM");
    assert_string_equal(memmap_type_name(MEMMAP_RESERVED), "reserved");
    assert_string_equal(memmap_type_name(MEMMAP_ACPI), "ACPI");
    assert_string_equal(memmap_type_name(MEMMAP_NVS), "ACPI NVS");
    assert_string_equal(memmap_type_name(MEMMAP_BAD), "bad");
    assert_string_equal(memmap_type_name(0), "unknown");
    assert_string_equal(memmap_type_name(6), "unknown");
    assert_string_equal(memmap_type_name(0xffffffffu), "unknown");
}

/* Serialise one multiboot1 entry with a given size field; returns bytes
 * written (size + 4). */
static size_t mb1_put(uint8_t *p, uint32_t size, uint64_t base, uint64_t len,
                      uint32_t type)
{
    memset(p, 0xee, size + 4);
    memcpy(p, &size, 4);
    memcpy(p + 4, &base, 8);
    memcpy(p + 12, &len, 8);
    memcpy(p + 20, &type, 4);
    return size + 4;
}

static void test_mb1(void **state)
{
    uint8_t buf[256];
    uint8_t *p = buf + 1; /* misaligned on purpose */
    size_t n = 0;

    (void)state;
    reset();
    n += mb1_put(p + n, 20, 0x0, 0x9fc00, 1);
    n += mb1_put(p + n, 28, 0x100000, 0x7ee0000, 1); /* extended entry */
    n += mb1_put(p + n, 20, 0xfffc0000, 0x40000, 2);
    n += mb1_put(p + n, 20, 0x5000, 0, 1);           /* empty: ignored */
    assert_int_equal(memmap_from_mb1(&map, p, (uint32_t)n), 0);
    EXPECT({ 0x0, 0x9fc00, 1 }, { 0x100000, 0x7fe0000, 1 },
           { 0xfffc0000, 0x100000000ULL, 2 });
    assert_int_equal(test_log[0], '\0');

    /* Truncated in the middle of the third entry. */
    reset();
    assert_int_equal(memmap_from_mb1(&map, p, 24 + 32 + 10), 0);
    assert_int_equal(map.nr, 2);
    assert_non_null(strstr(test_log, "truncated"));

    /* A size below 20 stops the walk. */
    reset();
    n = mb1_put(p, 20, 0x0, 0x1000, 1);
    n += mb1_put(p + n, 8, 0x2000, 0x1000, 1);
    n += mb1_put(p + n, 20, 0x4000, 0x1000, 1);
    assert_int_equal(memmap_from_mb1(&map, p, (uint32_t)n), 0);
    assert_int_equal(map.nr, 1);
    assert_non_null(strstr(test_log, "size 8"));

    /* Nothing to read. */
    reset();
    assert_int_equal(memmap_from_mb1(&map, p, 0), 0);
    assert_int_equal(memmap_from_mb1(&map, p, 23), 0);
    assert_int_equal(map.nr, 0);

    /* A huge size field must not wrap the cursor. */
    reset();
    n = mb1_put(p, 20, 0x0, 0x1000, 1);
    memset(p, 0xff, 4);
    assert_int_equal(memmap_from_mb1(&map, p, 200), 0);
    assert_int_equal(map.nr, 1);
}

static void test_mb1_full(void **state)
{
    static uint8_t buf[(MEMMAP_MAX + 1) * 24];
    size_t n = 0;
    unsigned int i;

    (void)state;
    reset();
    for (i = 0; i <= MEMMAP_MAX; i++)
        n += mb1_put(buf + n, 20, i * 0x2000ULL, 0x1000, 1);
    assert_int_equal(memmap_from_mb1(&map, buf, (uint32_t)n), -ENOSPC);
    assert_int_equal(map.nr, MEMMAP_MAX);
}

/* Serialise a multiboot2 mmap tag: header then count entries of esize. */
static uint32_t mb2_put(uint8_t *p, uint32_t esize, const struct range *r,
                        unsigned int count)
{
    uint32_t type = 6, size = 16 + esize * count, version = 0, i;

    memset(p, 0xee, size);
    memcpy(p, &type, 4);
    memcpy(p + 4, &size, 4);
    memcpy(p + 8, &esize, 4);
    memcpy(p + 12, &version, 4);
    for (i = 0; i < count; i++) {
        uint8_t *e = p + 16 + i * esize;
        uint64_t len = r[i].end - r[i].base;

        memcpy(e, &r[i].base, 8);
        memcpy(e + 8, &len, 8);
        memcpy(e + 16, &r[i].type, 4);
    }
    return size;
}

static const struct range mb2_ranges[] = {
    { 0x0, 0x9fc00, 1 },
    { 0x9fc00, 0xa0000, 2 },
    { 0x100000, 0x7fe0000, 1 },
    { 0x7fe0000, 0x8000000, 3 },
};

static void test_mb2(void **state)
{
    uint8_t buf[16 + 4 * 40 + 8];
    uint8_t *p = buf + 4; /* 4-byte aligned only, like a real tag may be */
    uint32_t size;

    (void)state;
    reset();
    size = mb2_put(p, 24, mb2_ranges, 4);
    assert_int_equal(memmap_from_mb2(&map, p, size), 0);
    expect(mb2_ranges, 4);

    /* Larger entries (a newer entry_version) are stepped over. */
    reset();
    size = mb2_put(p, 40, mb2_ranges, 4);
    assert_int_equal(memmap_from_mb2(&map, p, size), 0);
    expect(mb2_ranges, 4);

    /* The readable size bounds the walk even if the tag claims more. */
    reset();
    size = mb2_put(p, 24, mb2_ranges, 4);
    assert_int_equal(memmap_from_mb2(&map, p, 16 + 24 * 2 + 23), 0);
    expect(mb2_ranges, 2);

    /* And the tag's own size bounds it when the buffer is larger. */
    reset();
    size = mb2_put(p, 24, mb2_ranges, 3);
    assert_int_equal(memmap_from_mb2(&map, p, sizeof(buf) - 4), 0);
    expect(mb2_ranges, 3);

    /* Header only. */
    reset();
    size = mb2_put(p, 24, mb2_ranges, 0);
    assert_int_equal(memmap_from_mb2(&map, p, size), 0);
    assert_int_equal(map.nr, 0);
}

static void test_mb2_invalid(void **state)
{
    uint8_t buf[16 + 4 * 24];
    uint32_t size, bad;

    (void)state;
    reset();
    size = mb2_put(buf, 16, mb2_ranges, 4);
    assert_int_equal(memmap_from_mb2(&map, buf, size), -EINVAL);
    size = mb2_put(buf, 0, mb2_ranges, 0);
    assert_int_equal(memmap_from_mb2(&map, buf, size), -EINVAL);

    size = mb2_put(buf, 24, mb2_ranges, 4);
    assert_int_equal(memmap_from_mb2(&map, buf, 15), -EINVAL);
    bad = 8;                       /* tag size smaller than its header */
    memcpy(buf + 4, &bad, 4);
    assert_int_equal(memmap_from_mb2(&map, buf, size), -EINVAL);
    size = mb2_put(buf, 24, mb2_ranges, 4);
    bad = 5;                       /* not a memory-map tag */
    memcpy(buf, &bad, 4);
    assert_int_equal(memmap_from_mb2(&map, buf, size), -EINVAL);
    assert_int_equal(map.nr, 0);
}

/* Deterministic xorshift64 so failures reproduce on any libc. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define ORACLE_PAGES 64

/* Independent statement of the rules, one page at a time. */
static uint32_t oracle_type(const struct memmap_entry *in, unsigned int n,
                            uint64_t page)
{
    uint32_t best = 0;
    unsigned int i;

    for (i = 0; i < n; i++) {
        uint32_t t = in[i].type;

        if (page * 0x1000 < in[i].base || page * 0x1000 >= in[i].base + in[i].len)
            continue;
        if (t == 0 || t > MEMMAP_BAD)
            t = MEMMAP_RESERVED;
        if (best == 0 || best == MEMMAP_RAM || (t != MEMMAP_RAM && t > best))
            best = t;
    }
    return best;
}

static uint32_t result_type(uint64_t page)
{
    unsigned int i;

    for (i = 0; i < map.nr; i++)
        if (page * 0x1000 >= map.e[i].base &&
            page * 0x1000 < map.e[i].base + map.e[i].len)
            return map.e[i].type;
    return 0;
}

static void check_well_formed(void)
{
    unsigned int i;

    for (i = 0; i < map.nr; i++) {
        assert_true(map.e[i].len > 0);
        assert_true(map.e[i].type >= MEMMAP_RAM && map.e[i].type <= MEMMAP_BAD);
        if (i == 0)
            continue;
        assert_true(map.e[i - 1].base + map.e[i - 1].len <= map.e[i].base);
        if (map.e[i - 1].base + map.e[i - 1].len == map.e[i].base)
            assert_int_not_equal(map.e[i - 1].type, map.e[i].type);
    }
}

static void random_map(struct memmap_entry *in, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++) {
        uint64_t a = rng() % ORACLE_PAGES, b = rng() % (ORACLE_PAGES + 1);
        uint64_t lo = a < b ? a : b, hi = a < b ? b : a;

        if (rng() % 4 == 0)
            hi = lo + rng() % 3; /* short, often empty */
        in[i].base = lo * 0x1000;
        in[i].len = (hi - lo) * 0x1000;
        in[i].type = (uint32_t)(rng() % 8);
    }
}

static void test_random_vs_oracle(void **state)
{
    static struct memmap_entry in[MEMMAP_MAX];
    unsigned int iter, page;

    (void)state;
    for (iter = 0; iter < 3000; iter++) {
        unsigned int n = 1 + (unsigned int)(rng() % (iter % 10 ? 24 : MEMMAP_MAX));

        reset();
        random_map(in, n);
        memcpy(map.e, in, n * sizeof(in[0]));
        map.nr = n;
        memmap_sanitize(&map);
        check_well_formed();
        for (page = 0; page <= ORACLE_PAGES + 1; page++)
            assert_int_equal(result_type(page), oracle_type(in, n, page));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_unsorted_and_holes),
        cmocka_unit_test(test_zero_length_dropped),
        cmocka_unit_test(test_adjacent_merge),
        cmocka_unit_test(test_ram_vs_reserved_overlap),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_unknown_types),
        cmocka_unit_test(test_too_many_pieces),
        cmocka_unit_test(test_totals_qemu),
        cmocka_unit_test(test_totals_4g),
        cmocka_unit_test(test_clip),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_mb1),
        cmocka_unit_test(test_mb1_full),
        cmocka_unit_test(test_mb2),
        cmocka_unit_test(test_mb2_invalid),
        cmocka_unit_test(test_random_vs_oracle),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
