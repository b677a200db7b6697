// SPDX-License-Identifier: MIT
/* Unit tests of ACPI discovery (hv/x86/acpi.c) on synthetic tables. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include <hv/acpi.h>
#include <hv/errno.h>

/*
 * Firmware memory is a buffer standing at physical address BASE. map()
 * hands out a fresh heap copy of exactly the bytes asked for, so
 * AddressSanitizer catches any read beyond what the parser mapped, and it
 * returns NULL for anything outside the buffer.
 */
#define BASE 0x000e0000ull
#define MEM_SIZE 0x20000u
#define PA(off) (BASE + (off))

#define RSDP_OFF 0x100u
#define RSDT_OFF 0x1000u
#define XSDT_OFF 0x1800u
#define FACP_OFF 0x2000u
#define MADT_OFF 0x3000u
#define MADT2_OFF 0x5000u
#define BIG_OFF 0x8000u
#define SCAN_OFF 0x10000u

static uint8_t mem[MEM_SIZE];
static void **maps;
static size_t nr_maps, cap_maps;
static struct acpi_info info;

static const void *test_map(void *opaque, paddr_t pa, size_t len)
{
    void *copy;

    assert_ptr_equal(opaque, mem);
    if (pa < BASE || pa - BASE > MEM_SIZE || len > MEM_SIZE - (pa - BASE))
        return NULL;
    if (nr_maps == cap_maps) {
        cap_maps = cap_maps ? cap_maps * 2 : 64;
        maps = realloc(maps, cap_maps * sizeof(*maps));
        assert_non_null(maps);
    }
    copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, mem + (pa - BASE), len);
    maps[nr_maps++] = copy;
    return copy;
}

static const struct acpi_mem_ops ops = { test_map, mem };

static int setup(void **state)
{
    (void)state;
    memset(mem, 0, sizeof(mem));
    test_log_clear();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < nr_maps; i++)
        free(maps[i]);
    free(maps);
    maps = NULL;
    nr_maps = cap_maps = 0;
    return 0;
}

/* ---- Building tables ---- */

static void put(uint32_t off, const void *p, size_t n)
{
    assert_true(off + n <= MEM_SIZE);
    memcpy(mem + off, p, n);
}

static void put8(uint32_t off, uint8_t v) { put(off, &v, 1); }
static void put32(uint32_t off, uint32_t v) { put(off, &v, 4); }
static void put64(uint32_t off, uint64_t v) { put(off, &v, 8); }

static uint32_t get32(uint32_t off)
{
    uint32_t v;

    memcpy(&v, mem + off, 4);
    return v;
}

/* Make bytes [off, off+len) sum to zero by choosing the byte at `at`. */
static void set_checksum(uint32_t off, uint32_t len, uint32_t at)
{
    uint8_t sum = 0;

    mem[at] = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += mem[off + i];
    mem[at] = (uint8_t)-sum;
}

static void make_rsdp(uint32_t off, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    memset(mem + off, 0, rev >= 2 ? 36 : 20);
    put(off, "RSD PTR ", 8);
    put(off + 9, "MICAOE", 6);
    put8(off + 15, rev);
    put32(off + 16, rsdt);
    if (rev >= 2) {
        put32(off + 20, 36);
        put64(off + 24, xsdt);
    }
    set_checksum(off, 20, off + 8);
    if (rev >= 2)
        set_checksum(off, 36, off + 32);
}

static void sdt_header(uint32_t off, const char *sig, uint32_t len)
{
    memset(mem + off, 0, 36);
    put(off, sig, 4);
    put32(off + 4, len);
    put8(off + 8, 1);
    put(off + 10, "MICAOE", 6);
    put(off + 16, "MICATEST", 8);
}

static void sdt_finish(uint32_t off)
{
    set_checksum(off, get32(off + 4), off + 9);
}

static void make_root(uint32_t off, const char *sig, unsigned int esize,
                      const uint64_t *pa, size_t n)
{
    sdt_header(off, sig, (uint32_t)(36 + n * esize));
    for (size_t i = 0; i < n; i++) {
        if (esize == 8)
            put64(off + 36 + (uint32_t)i * 8, pa[i]);
        else
            put32(off + 36 + (uint32_t)i * 4, (uint32_t)pa[i]);
    }
    sdt_finish(off);
}

static void make_dummy(uint32_t off, const char *sig)
{
    sdt_header(off, sig, 64);
    sdt_finish(off);
}

struct madt {
    uint32_t off;
    uint32_t len;
};

static struct madt madt_begin(uint32_t off, uint32_t lapic, uint32_t flags)
{
    sdt_header(off, "APIC", 44);
    put32(off + 36, lapic);
    put32(off + 40, flags);
    return (struct madt){ off, 44 };
}

static void madt_add(struct madt *m, const uint8_t *e, size_t n)
{
    put(m->off + m->len, e, n);
    m->len += (uint32_t)n;
}

static void madt_end(struct madt *m)
{
    put32(m->off + 4, m->len);
    sdt_finish(m->off);
}

static void add_lapic(struct madt *m, uint8_t uid, uint8_t id, uint32_t fl)
{
    uint8_t e[8] = { 0, 8, uid, id };

    memcpy(e + 4, &fl, 4);
    madt_add(m, e, sizeof(e));
}

static void add_ioapic(struct madt *m, uint8_t id, uint32_t addr,
                       uint32_t gsi)
{
    uint8_t e[12] = { 1, 12, id, 0 };

    memcpy(e + 4, &addr, 4);
    memcpy(e + 8, &gsi, 4);
    madt_add(m, e, sizeof(e));
}

static void add_iso(struct madt *m, uint8_t src, uint32_t gsi, uint16_t fl)
{
    uint8_t e[10] = { 2, 10, 0, src };

    memcpy(e + 4, &gsi, 4);
    memcpy(e + 8, &fl, 2);
    madt_add(m, e, sizeof(e));
}

static void add_nmi(struct madt *m, uint8_t uid, uint16_t fl, uint8_t lint)
{
    uint8_t e[6] = { 4, 6, uid };

    memcpy(e + 3, &fl, 2);
    e[5] = lint;
    madt_add(m, e, sizeof(e));
}

static void add_lapic_addr(struct madt *m, uint64_t addr)
{
    uint8_t e[12] = { 5, 12 };

    memcpy(e + 4, &addr, 8);
    madt_add(m, e, sizeof(e));
}

static void add_x2apic(struct madt *m, uint32_t id, uint32_t fl, uint32_t uid)
{
    uint8_t e[16] = { 9, 16 };

    memcpy(e + 4, &id, 4);
    memcpy(e + 8, &fl, 4);
    memcpy(e + 12, &uid, 4);
    madt_add(m, e, sizeof(e));
}

static void add_x2nmi(struct madt *m, uint16_t fl, uint32_t uid, uint8_t lint)
{
    uint8_t e[12] = { 0xa, 12 };

    memcpy(e + 2, &fl, 2);
    memcpy(e + 4, &uid, 4);
    e[8] = lint;
    madt_add(m, e, sizeof(e));
}

/* The usual small machine: 2 enabled CPUs of 4, 2 IOAPICs, ISA overrides
 * for the timer and SCI, LINT1 NMI for all. */
static void make_std_madt(uint32_t off, uint32_t lapic)
{
    struct madt m = madt_begin(off, lapic, 1);

    add_lapic(&m, 10, 0, 1);
    add_lapic(&m, 11, 2, 1);
    add_lapic(&m, 12, 4, 0);   /* disabled */
    add_lapic(&m, 13, 6, 2);   /* online-capable, not enabled */
    add_ioapic(&m, 8, 0xfec00000, 0);
    add_ioapic(&m, 9, 0xfec01000, 24);
    add_iso(&m, 0, 2, 0);
    add_iso(&m, 9, 9, 0xd);
    add_nmi(&m, 0xff, 5, 1);
    madt_end(&m);
}

static void check_std_madt(void)
{
    assert_int_equal(info.lapic_addr, 0xfee00000);
    assert_true(info.pcat_compat);
    assert_int_equal(info.nr_cpus, 2);
    assert_int_equal(info.cpu[0].apic_id, 0);
    assert_int_equal(info.cpu[0].acpi_uid, 10);
    assert_false(info.cpu[0].x2apic);
    assert_int_equal(info.cpu[1].apic_id, 2);
    assert_int_equal(info.cpu[1].acpi_uid, 11);
    assert_int_equal(info.nr_ioapics, 2);
    assert_int_equal(info.ioapic[0].id, 8);
    assert_int_equal(info.ioapic[0].addr, 0xfec00000);
    assert_int_equal(info.ioapic[0].gsi_base, 0);
    assert_int_equal(info.ioapic[1].id, 9);
    assert_int_equal(info.ioapic[1].addr, 0xfec01000);
    assert_int_equal(info.ioapic[1].gsi_base, 24);
    assert_int_equal(info.nr_overrides, 2);
    assert_int_equal(info.override[0].bus, 0);
    assert_int_equal(info.override[0].source, 0);
    assert_int_equal(info.override[0].gsi, 2);
    assert_int_equal(info.override[0].flags, 0);
    assert_int_equal(info.override[1].source, 9);
    assert_int_equal(info.override[1].gsi, 9);
    assert_int_equal(info.override[1].flags, 0xd);
    assert_int_equal(info.nr_nmis, 1);
    assert_int_equal(info.nmi[0].acpi_uid, 0xff);
    assert_int_equal(info.nmi[0].flags, 5);
    assert_int_equal(info.nmi[0].lint, 1);
}

/* RSDT (and for rev >= 2 an XSDT) listing a FACP and the MADT at madt. */
static void make_system(uint8_t rev, uint32_t madt)
{
    const uint64_t tables[] = { PA(FACP_OFF), PA(madt) };

    make_dummy(FACP_OFF, "FACP");
    make_root(RSDT_OFF, "RSDT", 4, tables, 2);
    if (rev >= 2)
        make_root(XSDT_OFF, "XSDT", 8, tables, 2);
    make_rsdp(RSDP_OFF, rev, (uint32_t)PA(RSDT_OFF),
              rev >= 2 ? PA(XSDT_OFF) : 0);
}

/* ---- RSDP ---- */

static void test_rev0_rsdt(void **state)
{
    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(0, MADT_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.rsdp_addr, PA(RSDP_OFF));
    assert_int_equal(info.revision, 0);
    assert_int_equal(info.madt_addr, PA(MADT_OFF));
    assert_int_equal(info.nr_bad_tables, 0);
    check_std_madt();
}

/* A rev 0 RSDP is 20 bytes: nothing past them may be needed. */
static void test_rev0_rsdp_at_end_of_memory(void **state)
{
    const uint32_t off = MEM_SIZE - 20;

    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(0, MADT_OFF);
    memcpy(mem + off, mem + RSDP_OFF, 20);
    assert_int_equal(acpi_parse(&ops, PA(off), &info), 0);
    check_std_madt();
}

static void test_rev2_xsdt_preferred(void **state)
{
    const uint64_t rsdt_tables[] = { PA(MADT2_OFF) };

    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_std_madt(MADT2_OFF, 0xfee10000);
    make_system(2, MADT_OFF);
    make_root(RSDT_OFF, "RSDT", 4, rsdt_tables, 1);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.revision, 2);
    assert_int_equal(info.madt_addr, PA(MADT_OFF));
    check_std_madt();
}

/* ACPI 2.0 firmware with no XSDT address: the RSDT is used. */
static void test_rev2_without_xsdt(void **state)
{
    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(2, MADT_OFF);
    make_rsdp(RSDP_OFF, 2, (uint32_t)PA(RSDT_OFF), 0);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.madt_addr, PA(MADT_OFF));
    assert_int_equal(info.nr_bad_tables, 0);
}

static void test_bad_rsdp(void **state)
{
    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(2, MADT_OFF);

    mem[RSDP_OFF + 8]++;           /* ACPI 1.0 checksum */
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), -EINVAL);
    mem[RSDP_OFF + 8]--;
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);

    mem[RSDP_OFF + 32]++;          /* extended checksum */
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), -EINVAL);
    mem[RSDP_OFF + 32]--;

    mem[RSDP_OFF + 3] = 'X';       /* signature */
    set_checksum(RSDP_OFF, 20, RSDP_OFF + 8);
    set_checksum(RSDP_OFF, 36, RSDP_OFF + 32);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), -EINVAL);

    assert_int_equal(acpi_parse(&ops, 0, &info), -ENOENT);
    assert_int_equal(acpi_parse(&ops, 0x12340000, &info), -ENOENT);
    assert_int_equal(acpi_parse(&ops, ~0ull - 4, &info), -ENOENT);
}

/* A rev 2 RSDP whose 36 bytes run past mapped memory is invalid. */
static void test_rev2_rsdp_truncated(void **state)
{
    const uint32_t off = MEM_SIZE - 32;

    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(2, MADT_OFF);
    memcpy(mem + off, mem + RSDP_OFF, 32);
    assert_int_equal(acpi_parse(&ops, PA(off), &info), -EINVAL);
}

static void test_scan_rsdp(void **state)
{
    const uint32_t area = SCAN_OFF;

    (void)state;
    /* Junk signature on a boundary: bad checksum, skipped. */
    put(area + 0x40, "RSD PTR ", 8);
    /* A valid rev 0 RSDP off the 16-byte grid: not looked at. */
    make_rsdp(area + 0x68, 0, 0x1234, 0);
    assert_int_equal(acpi_scan_rsdp(&ops, PA(area), 0x1000), 0);

    /* A rev 2 RSDP whose extended checksum is wrong: skipped. */
    make_rsdp(area + 0x80, 2, 0x1234, 0x5678);
    mem[area + 0x80 + 32]++;
    assert_int_equal(acpi_scan_rsdp(&ops, PA(area), 0x1000), 0);

    make_rsdp(area + 0xc0, 2, 0x1234, 0x5678);
    assert_int_equal(acpi_scan_rsdp(&ops, PA(area), 0x1000),
                     PA(area + 0xc0));
    /* An unaligned start is rounded up to the grid. */
    assert_int_equal(acpi_scan_rsdp(&ops, PA(area) + 3, 0x1000),
                     PA(area + 0xc0));
    /* Range ends before the RSDP's first 20 bytes do. */
    assert_int_equal(acpi_scan_rsdp(&ops, PA(area), 0xc0 + 19), 0);
    assert_int_equal(acpi_scan_rsdp(&ops, PA(area), 0xc0 + 20),
                     PA(area + 0xc0));
    /* Unmappable or wrapping ranges find nothing. */
    assert_int_equal(acpi_scan_rsdp(&ops, 0x100000000ull, 0x1000), 0);
    assert_int_equal(acpi_scan_rsdp(&ops, ~0ull - 8, 0x1000), 0);
    assert_int_equal(acpi_scan_rsdp(&ops, PA(area), 0), 0);
}

/* ---- RSDT/XSDT ---- */

static void test_bad_xsdt_falls_back_to_rsdt(void **state)
{
    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(2, MADT_OFF);
    mem[XSDT_OFF + 40]++;
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.nr_bad_tables, 1);
    assert_non_null(strstr(test_log, "XSDT"));
    assert_non_null(strstr(test_log, "bad checksum"));
    check_std_madt();

    /* No RSDT to fall back to. */
    make_rsdp(RSDP_OFF, 2, 0, PA(XSDT_OFF));
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), -ENOENT);
    assert_int_equal(info.nr_bad_tables, 1);
}

static void test_root_wrong_signature_or_unmapped(void **state)
{
    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(2, MADT_OFF);
    /* The XSDT address points at the FACP; the RSDT is outside memory. */
    make_rsdp(RSDP_OFF, 2, 0x7fff0000, PA(FACP_OFF));
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), -ENOENT);
    assert_int_equal(info.nr_bad_tables, 2);
    assert_non_null(strstr(test_log, "wrong signature"));
    assert_non_null(strstr(test_log, "not mappable"));
}

/* A root table length that is not a whole number of entries: the tail
 * is ignored. */
static void test_root_partial_entry(void **state)
{
    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(0, MADT_OFF);
    put32(RSDT_OFF + 4, 36 + 4 + 3);   /* FACP entry + 3 bytes of MADT's */
    sdt_finish(RSDT_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), -ENOENT);
    assert_int_equal(info.nr_bad_tables, 0);
}

static void test_table_pointer_outside_memory(void **state)
{
    const uint64_t tables[] = {
        0,                          /* empty slot */
        0xdead0000,                 /* nowhere */
        PA(MEM_SIZE - 10),          /* header runs off the end */
        PA(MEM_SIZE - 40),          /* header fits, table does not */
        PA(MADT_OFF),
    };

    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    sdt_header(MEM_SIZE - 40, "APIC", 200);
    make_root(XSDT_OFF, "XSDT", 8, tables, 5);
    make_rsdp(RSDP_OFF, 2, 0, PA(XSDT_OFF));
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.nr_bad_tables, 3);
    assert_int_equal(info.madt_addr, PA(MADT_OFF));
    check_std_madt();
}

static void test_find_table(void **state)
{
    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(2, MADT_OFF);
    assert_int_equal(acpi_find_table(&ops, PA(RSDP_OFF), "FACP"),
                     PA(FACP_OFF));
    assert_int_equal(acpi_find_table(&ops, PA(RSDP_OFF), "APIC"),
                     PA(MADT_OFF));
    assert_int_equal(acpi_find_table(&ops, PA(RSDP_OFF), "HPET"), 0);
    mem[FACP_OFF + 20]++;
    assert_int_equal(acpi_find_table(&ops, PA(RSDP_OFF), "FACP"), 0);
    assert_int_equal(acpi_find_table(&ops, 0, "APIC"), 0);
}

/* ---- MADT validation ---- */

static void test_madt_bad_checksum(void **state)
{
    (void)state;
    make_std_madt(MADT_OFF, 0xfee00000);
    make_system(2, MADT_OFF);
    mem[MADT_OFF + 50]++;
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), -ENOENT);
    assert_int_equal(info.nr_bad_tables, 1);
    assert_int_equal(info.nr_cpus, 0);
    assert_non_null(strstr(test_log, "APIC"));
    assert_non_null(strstr(test_log, "bad checksum"));
}

static void test_madt_bad_then_good(void **state)
{
    const uint64_t tables[] = { PA(MADT_OFF), PA(FACP_OFF), PA(MADT2_OFF) };

    (void)state;
    make_std_madt(MADT_OFF, 0xfee10000);
    make_std_madt(MADT2_OFF, 0xfee00000);
    make_dummy(FACP_OFF, "FACP");
    mem[MADT_OFF + 9]++;
    make_root(RSDT_OFF, "RSDT", 4, tables, 3);
    make_rsdp(RSDP_OFF, 0, (uint32_t)PA(RSDT_OFF), 0);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.madt_addr, PA(MADT2_OFF));
    assert_int_equal(info.nr_bad_tables, 1);
    check_std_madt();
}

static void test_madt_bad_lengths(void **state)
{
    static const uint32_t lens[] = { 0, 20, 35, 36, 43, (1u << 20) + 1,
                                     0xffffffffu };

    (void)state;
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        setup(state);
        make_std_madt(MADT_OFF, 0xfee00000);
        make_system(0, MADT_OFF);
        put32(MADT_OFF + 4, lens[i]);
        if (lens[i] >= 36 && lens[i] < 0x1000)
            sdt_finish(MADT_OFF);
        assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), -ENOENT);
        assert_int_equal(info.nr_bad_tables, 1);
        assert_non_null(strstr(test_log, "bad length"));
    }
}

/* Just the 44-byte fixed part: valid, no CPUs. */
static void test_madt_empty(void **state)
{
    struct madt m = madt_begin(MADT_OFF, 0xfee00000, 0);

    (void)state;
    madt_end(&m);
    make_system(0, MADT_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.nr_cpus, 0);
    assert_false(info.pcat_compat);
    assert_int_equal(info.lapic_addr, 0xfee00000);
}

/* ---- MADT entries ---- */

/* The table length ends in the middle of the second entry. */
static void test_madt_truncated_entry(void **state)
{
    struct madt m = madt_begin(MADT_OFF, 0xfee00000, 0);

    (void)state;
    add_lapic(&m, 0, 0, 1);
    add_lapic(&m, 1, 1, 1);
    m.len -= 4;
    madt_end(&m);
    make_system(0, MADT_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.nr_cpus, 1);
    assert_non_null(strstr(test_log, "rest of MADT ignored"));
}

static void test_madt_entry_length_0_and_1(void **state)
{
    for (uint8_t bad = 0; bad < 2; bad++) {
        struct madt m;
        const uint8_t e[8] = { 0, bad, 5, 5, 1 };

        setup(state);
        m = madt_begin(MADT_OFF, 0xfee00000, 0);
        add_lapic(&m, 0, 0, 1);
        madt_add(&m, e, sizeof(e));
        add_lapic(&m, 1, 1, 1);
        madt_end(&m);
        make_system(0, MADT_OFF);
        assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
        assert_int_equal(info.nr_cpus, 1);
        assert_int_equal(info.cpu[0].apic_id, 0);
        assert_non_null(strstr(test_log, "rest of MADT ignored"));
    }
}

/* The last entry's length claims more bytes than the table has. */
static void test_madt_entry_past_end(void **state)
{
    struct madt m = madt_begin(MADT_OFF, 0xfee00000, 0);
    const uint8_t e[8] = { 1, 200, 7 };

    (void)state;
    add_ioapic(&m, 1, 0xfec00000, 0);
    madt_add(&m, e, sizeof(e));
    madt_end(&m);
    make_system(0, MADT_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.nr_ioapics, 1);
    assert_non_null(strstr(test_log, "rest of MADT ignored"));
}

/* Entries too short for their type are skipped; unknown types passed
 * over; the walk goes on; one odd trailing byte is ignored. */
static void test_madt_short_and_unknown_entries(void **state)
{
    struct madt m = madt_begin(MADT_OFF, 0xfee00000, 0);
    const uint8_t short_lapic[6] = { 0, 6, 3, 3, 1 };
    const uint8_t short_x2apic[12] = { 9, 12, 0, 0, 5, 0, 0, 0, 1 };
    const uint8_t unknown[3] = { 0x7f, 3, 0xaa };
    const uint8_t big_unknown[40] = { 0x0b, 40 };
    const uint8_t odd = 0;

    (void)state;
    madt_add(&m, short_lapic, sizeof(short_lapic));
    madt_add(&m, unknown, sizeof(unknown));
    madt_add(&m, short_x2apic, sizeof(short_x2apic));
    madt_add(&m, big_unknown, sizeof(big_unknown));
    add_lapic(&m, 4, 4, 1);
    madt_add(&m, &odd, 1);
    madt_end(&m);
    make_system(0, MADT_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.nr_cpus, 1);
    assert_int_equal(info.cpu[0].apic_id, 4);
    assert_non_null(strstr(test_log, "2 MADT entries too short"));
    assert_null(strstr(test_log, "rest of MADT ignored"));
}

static void test_x2apic(void **state)
{
    struct madt m = madt_begin(MADT_OFF, 0xfee00000, 0);

    (void)state;
    add_lapic(&m, 0, 0, 1);
    add_x2apic(&m, 0x100, 1, 0x1000);
    add_x2apic(&m, 0x101, 0, 0x1001);         /* disabled */
    add_x2apic(&m, 0x102, 2, 0x1002);         /* online-capable only */
    add_x2apic(&m, 0xffffffff, 1, 0x1003);    /* invalid ID */
    add_x2apic(&m, 0, 1, 0x1004);             /* duplicate of LAPIC 0 */
    add_lapic(&m, 5, 0xff, 1);                /* broadcast ID */
    add_x2nmi(&m, 0xf, 0xffffffff, 1);
    add_x2nmi(&m, 0x5, 0x1000, 0);
    madt_end(&m);
    make_system(2, MADT_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.nr_cpus, 2);
    assert_int_equal(info.cpu[0].apic_id, 0);
    assert_false(info.cpu[0].x2apic);
    assert_int_equal(info.cpu[1].apic_id, 0x100);
    assert_int_equal(info.cpu[1].acpi_uid, 0x1000);
    assert_true(info.cpu[1].x2apic);
    assert_int_equal(info.nr_nmis, 2);
    assert_int_equal(info.nmi[0].acpi_uid, 0xffffffff);
    assert_int_equal(info.nmi[0].flags, 0xf);
    assert_int_equal(info.nmi[0].lint, 1);
    assert_int_equal(info.nmi[1].acpi_uid, 0x1000);
    assert_int_equal(info.nmi[1].flags, 5);
    assert_int_equal(info.nmi[1].lint, 0);
}

/* The override wins even when it comes before or after other entries. */
static void test_lapic_addr_override(void **state)
{
    struct madt m = madt_begin(MADT_OFF, 0xfee00000, 1);

    (void)state;
    add_lapic(&m, 0, 0, 1);
    add_lapic_addr(&m, 0x123456789000ull);
    add_lapic(&m, 1, 1, 1);
    madt_end(&m);
    make_system(2, MADT_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_true(info.lapic_addr == 0x123456789000ull);
    assert_int_equal(info.nr_cpus, 2);
    assert_true(info.pcat_compat);
}

/* More of everything than struct acpi_info holds: the first ones are
 * kept, the rest counted and reported once, nothing overflows. */
static void test_madt_overflow(void **state)
{
    struct madt m = madt_begin(BIG_OFF, 0xfee00000, 0);

    (void)state;
    for (uint32_t i = 0; i < ACPI_MAX_CPUS + 44; i++)
        add_x2apic(&m, 0x1000 + i, 1, i);
    for (uint32_t i = 0; i < ACPI_MAX_IOAPICS + 4; i++)
        add_ioapic(&m, (uint8_t)i, 0xfec00000 + i * 0x1000, i * 24);
    for (uint32_t i = 0; i < ACPI_MAX_OVERRIDES + 8; i++)
        add_iso(&m, (uint8_t)i, i, 0);
    for (uint32_t i = 0; i < ACPI_MAX_NMIS + 3; i++)
        add_nmi(&m, (uint8_t)i, 0, 1);
    madt_end(&m);
    make_system(2, BIG_OFF);
    assert_int_equal(acpi_parse(&ops, PA(RSDP_OFF), &info), 0);
    assert_int_equal(info.nr_cpus, ACPI_MAX_CPUS);
    assert_int_equal(info.cpu[ACPI_MAX_CPUS - 1].apic_id,
                     0x1000 + ACPI_MAX_CPUS - 1);
    assert_int_equal(info.nr_ioapics, ACPI_MAX_IOAPICS);
    assert_int_equal(info.nr_overrides, ACPI_MAX_OVERRIDES);
    assert_int_equal(info.nr_nmis, ACPI_MAX_NMIS);
    assert_non_null(strstr(test_log, "44 CPUs beyond the first 256"));
    assert_non_null(strstr(test_log, "4 I/O APICs"));
    assert_non_null(strstr(test_log, "8 interrupt overrides"));
    assert_non_null(strstr(test_log, "3 LAPIC NMI"));
    /* Once each, not once per dropped entry. */
    assert_null(strstr(strstr(test_log, "CPUs beyond") + 1, "CPUs beyond"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_rev0_rsdt),
        T(test_rev0_rsdp_at_end_of_memory),
        T(test_rev2_xsdt_preferred),
        T(test_rev2_without_xsdt),
        T(test_bad_rsdp),
        T(test_rev2_rsdp_truncated),
        T(test_scan_rsdp),
        T(test_bad_xsdt_falls_back_to_rsdt),
        T(test_root_wrong_signature_or_unmapped),
        T(test_root_partial_entry),
        T(test_table_pointer_outside_memory),
        T(test_find_table),
        T(test_madt_bad_checksum),
        T(test_madt_bad_then_good),
        T(test_madt_bad_lengths),
        T(test_madt_empty),
        T(test_madt_truncated_entry),
        T(test_madt_entry_length_0_and_1),
        T(test_madt_entry_past_end),
        T(test_madt_short_and_unknown_entries),
        T(test_x2apic),
        T(test_lapic_addr_override),
        T(test_madt_overflow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
