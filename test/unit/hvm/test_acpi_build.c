// SPDX-License-Identifier: MIT
/* Unit tests of the guest ACPI tables (hv/hvm/acpi_build.c): an independent checker, then acpi_parse(). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "loader_test_mem.h"
#include <hv/acpi.h>
#include <hv/hvm/acpi_build.h>

#define BASE 0xe0000ull
#define AREA_END 0x100000ull

static struct test_guest g;
static struct acpi_info info;

static int setup(void **state)
{
    (void)state;
    test_log_clear();
    tg_init(&g, MiB(2), MiB(2));
    memset(g.buf, 0xff, MiB(1));       /* the area must be cleared */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tg_fini(&g);
    return 0;
}

static uint64_t rd(uint64_t gpa, unsigned int size)
{
    assert_true(gpa + size <= AREA_END);
    return tg_get(&g, gpa, size);
}

static uint8_t sum(uint64_t gpa, uint64_t len)
{
    uint8_t s = 0;

    for (uint64_t i = 0; i < len; i++)
        s = (uint8_t)(s + g.buf[gpa + i]);
    return s;
}

/* A table header: inside the area, signature, OEM fields, checksum 0. */
static uint32_t check_sdt(uint64_t gpa, const char *sig, uint8_t min_rev)
{
    uint32_t len;

    assert_true(gpa >= BASE && gpa + 36 <= AREA_END);
    assert_memory_equal(g.buf + gpa, sig, 4);
    len = (uint32_t)rd(gpa + 4, 4);
    assert_true(len >= 36 && gpa + len <= AREA_END);
    assert_true(rd(gpa + 8, 1) >= min_rev);
    assert_int_equal(sum(gpa, len), 0);
    assert_memory_equal(g.buf + gpa + 10, "MICA  ", 6);
    assert_memory_equal(g.buf + gpa + 16, "MICAHVM ", 8);
    return len;
}

static void check_gas_io(uint64_t gpa, unsigned int bits, uint64_t port)
{
    assert_int_equal(rd(gpa, 1), 1);           /* system I/O */
    assert_int_equal(rd(gpa + 1, 1), bits);
    assert_int_equal(rd(gpa + 2, 1), 0);
    assert_int_equal(rd(gpa + 4, 8), port);
}

/* AML PkgLength (ACPI §20.2.4): bits 7:6 count the extra bytes; with
 * extras, the lead byte gives bits 3:0 and each extra byte 8 more. */
static uint32_t aml_pkglen(const uint8_t *p, unsigned int *used)
{
    unsigned int extra = p[0] >> 6;
    uint32_t len;

    if (extra == 0) {
        *used = 1;
        return p[0] & 0x3f;
    }
    len = p[0] & 0x0f;
    for (unsigned int i = 0; i < extra; i++)
        len |= (uint32_t)p[1 + i] << (4 + 8 * i);
    *used = 1 + extra;
    return len;
}

/* Integer data objects: ZeroOp, OneOp, BytePrefix. */
static uint64_t aml_int(const uint8_t **p)
{
    uint8_t op = *(*p)++;

    if (op == 0x00 || op == 0x01)
        return op;
    assert_int_equal(op, 0x0a);
    return *(*p)++;
}

/* The DSDT body must be exactly Name (_S5_, Package (n) {...}) with
 * integers; returns element 0 (PM1a SLP_TYP) and checks element 1. */
static void check_dsdt(uint64_t dsdt)
{
    uint32_t len = check_sdt(dsdt, "DSDT", 2);
    const uint8_t *p = g.buf + dsdt + 36, *end = g.buf + dsdt + len;
    const uint8_t *pkg_end;
    unsigned int used, n;
    uint32_t pkglen;

    assert_int_equal(*p++, 0x08);              /* NameOp */
    assert_memory_equal(p, "_S5_", 4);
    p += 4;
    assert_int_equal(*p++, 0x12);              /* PackageOp */
    pkglen = aml_pkglen(p, &used);
    pkg_end = p + pkglen;
    assert_true(pkg_end == end);               /* nothing else, nothing cut */
    p += used;
    n = *p++;
    assert_true(n >= 2);
    assert_int_equal(aml_int(&p), 0);          /* PM1a SLP_TYP for S5 */
    assert_int_equal(aml_int(&p), 0);          /* PM1b */
    for (unsigned int i = 2; i < n; i++)
        (void)aml_int(&p);
    assert_true(p == pkg_end);
}

static uint64_t check_fadt(uint64_t fadt)
{
    uint32_t len = check_sdt(fadt, "FACP", 5);
    uint32_t flags = (uint32_t)rd(fadt + 112, 4);
    uint64_t facs = rd(fadt + 36, 4);                /* FIRMWARE_CTRL */

    assert_int_equal(len, 276);
    assert_int_equal(rd(fadt + 132, 8), 0);          /* X_FIRMWARE_CTRL */
    assert_int_equal(rd(fadt + 40, 4), rd(fadt + 140, 8)); /* DSDT, X_DSDT */
    assert_int_equal(rd(fadt + 46, 2), 9);           /* SCI_INT */
    assert_int_equal(rd(fadt + 48, 4), 0);           /* SMI_CMD */
    assert_int_equal(rd(fadt + 56, 4), 0xb000);      /* PM1a_EVT_BLK */
    assert_int_equal(rd(fadt + 60, 4), 0);           /* PM1b_EVT_BLK */
    assert_int_equal(rd(fadt + 64, 4), 0xb004);      /* PM1a_CNT_BLK */
    assert_int_equal(rd(fadt + 68, 4), 0);
    assert_int_equal(rd(fadt + 76, 4), 0xb008);      /* PM_TMR_BLK */
    assert_int_equal(rd(fadt + 80, 4), 0);           /* no GPE0 */
    assert_int_equal(rd(fadt + 88, 1), 4);
    assert_int_equal(rd(fadt + 89, 1), 2);
    assert_int_equal(rd(fadt + 91, 1), 4);
    assert_true(rd(fadt + 109, 2) & 0x3);            /* legacy devs, 8042 */
    assert_true(flags & (1u << 0));                  /* WBINVD */
    assert_false(flags & (1u << 8));                 /* 24-bit timer */
    assert_true(flags & (1u << 10));                 /* RESET_REG_SUP */
    assert_false(flags & (1u << 20));                /* not HW-reduced */
    check_gas_io(fadt + 116, 8, 0xcf9);              /* RESET_REG */
    assert_int_equal(rd(fadt + 128, 1), 0x06);       /* RESET_VALUE */
    check_gas_io(fadt + 148, 32, 0xb000);            /* X_PM1a_EVT_BLK */
    check_gas_io(fadt + 172, 16, 0xb004);            /* X_PM1a_CNT_BLK */
    check_gas_io(fadt + 208, 32, 0xb008);            /* X_PM_TMR_BLK */
    assert_int_equal(rd(fadt + 160, 8) | rd(fadt + 164, 8), 0); /* X_PM1b */
    /* FACS: 64-byte aligned, signature and length, no checksum. */
    assert_int_equal(facs & 63, 0);
    assert_memory_equal(g.buf + facs, "FACS", 4);
    assert_int_equal(rd(facs + 4, 4), 64);
    check_dsdt(rd(fadt + 140, 8));
    return facs;
}

static void check_madt(uint64_t madt, unsigned int n)
{
    uint32_t len = check_sdt(madt, "APIC", 1);
    unsigned int lapics = 0, ioapics = 0, isos = 0, nmis = 0;
    uint64_t p = madt + 44, end = madt + len;

    assert_int_equal(rd(madt + 36, 4), 0xfee00000);
    assert_int_equal(rd(madt + 40, 4) & 1, 1);       /* PCAT_COMPAT */
    while (p < end) {
        uint8_t type = (uint8_t)rd(p, 1), elen = (uint8_t)rd(p + 1, 1);

        assert_true(elen >= 2 && p + elen <= end);
        switch (type) {
        case 0:
            assert_int_equal(elen, 8);
            assert_int_equal(rd(p + 2, 1), lapics);  /* UID */
            assert_int_equal(rd(p + 3, 1), lapics);  /* APIC ID */
            assert_int_equal(rd(p + 4, 4), 1);       /* enabled */
            lapics++;
            break;
        case 1:
            assert_int_equal(elen, 12);
            assert_int_equal(rd(p + 2, 1), n);
            assert_int_equal(rd(p + 4, 4), 0xfec00000);
            assert_int_equal(rd(p + 8, 4), 0);
            ioapics++;
            break;
        case 2:
            assert_int_equal(elen, 10);
            assert_int_equal(rd(p + 2, 1), 0);       /* ISA */
            if (rd(p + 3, 1) == 0) {
                assert_int_equal(rd(p + 4, 4), 2);
                assert_int_equal(rd(p + 8, 2), 0);
            } else {
                assert_int_equal(rd(p + 3, 1), 9);
                assert_int_equal(rd(p + 4, 4), 9);
                assert_int_equal(rd(p + 8, 2), 0x000d);
            }
            isos++;
            break;
        case 4:
            assert_int_equal(elen, 6);
            assert_int_equal(rd(p + 2, 1), 0xff);
            assert_int_equal(rd(p + 5, 1), 1);       /* LINT1 */
            nmis++;
            break;
        default:
            fail_msg("unexpected MADT entry type %u", type);
        }
        p += elen;
    }
    assert_true(p == end);
    assert_int_equal(lapics, n);
    assert_int_equal(ioapics, 1);
    assert_int_equal(isos, 2);
    assert_int_equal(nmis, 1);
}

/* RSDP -> RSDT and XSDT -> {FADT, MADT} -> FACS, DSDT. */
static void check_all(uint64_t rsdp, unsigned int n)
{
    uint64_t rsdt, xsdt, fadt = 0, madt = 0;
    uint32_t xlen, rlen;

    assert_memory_equal(g.buf + rsdp, "RSD PTR ", 8);
    assert_int_equal(sum(rsdp, 20), 0);
    assert_int_equal(sum(rsdp, 36), 0);
    assert_int_equal(rd(rsdp + 15, 1), 2);
    assert_int_equal(rd(rsdp + 20, 4), 36);
    assert_memory_equal(g.buf + rsdp + 9, "MICA  ", 6);
    rsdt = rd(rsdp + 16, 4);
    xsdt = rd(rsdp + 24, 8);
    rlen = check_sdt(rsdt, "RSDT", 1);
    xlen = check_sdt(xsdt, "XSDT", 1);
    assert_int_equal((rlen - 36) / 4, (xlen - 36) / 8);
    assert_int_equal((xlen - 36) % 8, 0);
    for (uint32_t i = 0; i < (xlen - 36) / 8; i++) {
        uint64_t t = rd(xsdt + 36 + 8 * i, 8);

        assert_int_equal(rd(rsdt + 36 + 4 * i, 4), t);
        if (!memcmp(g.buf + t, "FACP", 4)) {
            assert_int_equal(fadt, 0);
            fadt = t;
        } else if (!memcmp(g.buf + t, "APIC", 4)) {
            assert_int_equal(madt, 0);
            madt = t;
        }
    }
    assert_true(fadt && madt);
    check_fadt(fadt);
    check_madt(madt, n);
}

static const void *parse_map(void *opaque, paddr_t pa, size_t len)
{
    struct test_guest *tg = opaque;

    if (pa > tg->backed || len > tg->backed - pa)
        return NULL;
    return tg->buf + pa;
}

/* Mica's own host ACPI parser, as a second opinion. */
static void check_with_acpi_parse(uint64_t rsdp, unsigned int n)
{
    const struct acpi_mem_ops ops = { parse_map, &g };

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_scan_rsdp(&ops, BASE, 0x20000), rsdp);
    assert_int_equal(acpi_parse(&ops, rsdp, &info), 0);
    assert_int_equal(info.revision, 2);
    assert_int_equal(info.nr_bad_tables, 0);
    assert_int_equal(info.lapic_addr, 0xfee00000);
    assert_true(info.pcat_compat);
    assert_int_equal(info.nr_cpus, n);
    for (unsigned int i = 0; i < n; i++) {
        assert_int_equal(info.cpu[i].apic_id, i);
        assert_int_equal(info.cpu[i].acpi_uid, i);
    }
    assert_int_equal(info.nr_ioapics, 1);
    assert_int_equal(info.ioapic[0].id, n);
    assert_int_equal(info.ioapic[0].addr, 0xfec00000);
    assert_int_equal(info.ioapic[0].gsi_base, 0);
    assert_int_equal(info.nr_overrides, 2);
    assert_int_equal(info.override[0].source, 0);
    assert_int_equal(info.override[0].gsi, 2);
    assert_int_equal(info.override[0].flags, 0);
    assert_int_equal(info.override[1].source, 9);
    assert_int_equal(info.override[1].gsi, 9);
    assert_int_equal(info.override[1].flags, 0x000d);
    assert_int_equal(info.nr_nmis, 1);
    assert_int_equal(info.nmi[0].lint, 1);
    assert_true(acpi_find_table(&ops, rsdp, "FACP") != 0);
}

static void test_tables(void **state)
{
    static const unsigned int counts[] = { 1, 2, 8, ACPI_BUILD_MAX_VCPUS };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
        struct acpi_build_config cfg = { counts[i], ACPI_BUILD_BASE };
        int rc;

        print_message("%u vCPUs\n", counts[i]);
        memset(g.buf + BASE, 0xff, AREA_END - BASE);
        rc = acpi_build_tables(&cfg, &g.mem);
        assert_int_equal(rc, 0xe0000);
        check_all((uint64_t)rc, counts[i]);
        check_with_acpi_parse((uint64_t)rc, counts[i]);
        /* Everything past the tables was cleared. */
        for (uint64_t a = 0xf0000; a < AREA_END; a++)
            assert_int_equal(g.buf[a], 0);
    }
}

static void test_bad_config(void **state)
{
    struct acpi_build_config cfg = { 0, ACPI_BUILD_BASE };

    (void)state;
    assert_int_equal(acpi_build_tables(&cfg, &g.mem), -EINVAL);
    cfg.nr_vcpus = ACPI_BUILD_MAX_VCPUS + 1;
    assert_int_equal(acpi_build_tables(&cfg, &g.mem), -EINVAL);
    cfg.nr_vcpus = 1;
    cfg.base_gpa = ACPI_BUILD_BASE + 8;
    assert_int_equal(acpi_build_tables(&cfg, &g.mem), -EINVAL);
    cfg.base_gpa = 0x80000000ull;
    assert_int_equal(acpi_build_tables(&cfg, &g.mem), -EINVAL);
    assert_int_equal(g.accesses, 0);
}

static void test_guest_fault_propagates(void **state)
{
    struct acpi_build_config cfg = { 2, ACPI_BUILD_BASE };

    (void)state;
    g.backed = 0xf0000;                /* area not wholly backed */
    assert_int_equal(acpi_build_tables(&cfg, &g.mem), -EFAULT);
    g.backed = MiB(2);
    for (unsigned int n = 1;; n++) {
        int rc;

        g.accesses = 0;
        g.fail_at = n;
        rc = acpi_build_tables(&cfg, &g.mem);
        if (rc > 0)
            break;
        assert_int_equal(rc, -EFAULT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_fault_propagates, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
