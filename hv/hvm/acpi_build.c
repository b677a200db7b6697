// SPDX-License-Identifier: MIT
/* Builds the HVM guest's ACPI tables describing the platform of docs/hvm-platform.md. */
#include <hv/errno.h>
#include <hv/hvm/acpi_build.h>
#include <hv/lib.h>
#include <hv/loader.h>

/*
 * Design: tables are streamed straight into guest memory through a small
 * writer that keeps a running byte sum, so nothing table-sized lives on the
 * stack; the length and checksum of each table are patched when it ends.
 * Tables are written leaves first (FACS, DSDT, FADT, MADT, RSDT, XSDT) so
 * every pointer is known when written, and the RSDP, whose slot at the
 * base was reserved first, last. Section numbers are those of ACPI 6.5.
 */

/* Platform facts from docs/hvm-platform.md. */
#define PM1A_EVT_BLK 0xb000u
#define PM1A_CNT_BLK 0xb004u
#define PM_TMR_BLK 0xb008u
#define PM1_EVT_LEN 4
#define PM1_CNT_LEN 2
#define PM_TMR_LEN 4
#define SCI_IRQ 9
#define RESET_PORT 0xcf9u
#define RESET_VALUE 0x06
#define IOAPIC_ADDR 0xfec00000u
#define LAPIC_ADDR 0xfee00000u

#define OEM_ID "MICA  "
#define OEM_TABLE_ID "MICAHVM "
#define OEM_REVISION 1
#define CREATOR_ID "MICA"
#define CREATOR_REVISION 1

/* §5.2.6 "System Description Table Header". */
#define SDT_HDR_LEN 36
#define SDT_LENGTH 4
#define SDT_CHECKSUM 9

/* §5.2.5.3 "Root System Description Pointer (RSDP) Structure". */
#define RSDP_LEN 36
#define RSDP_V1_LEN 20

/* §5.2.10 "Firmware ACPI Control Structure (FACS)": 64 bytes, 64-byte
 * aligned, no checksum. */
#define FACS_LEN 64
#define FACS_VERSION 2

/* §5.2.9 "Fixed ACPI Description Table (FADT)", revision 6 layout. */
#define FADT_LEN 276
#define FADT_REVISION 6
#define FADT_MINOR_VERSION 0
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_SMI_CMD 48
#define FADT_PM1A_EVT_BLK 56
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM_TMR_BLK 76
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN 91
#define FADT_P_LVL2_LAT 96
#define FADT_P_LVL3_LAT 98
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR 131
#define FADT_X_DSDT 140
#define FADT_X_PM1A_EVT_BLK 148
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM_TMR_BLK 208

/* Table 5.10 "Fixed ACPI Description Table Fixed Feature Flags". */
#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_PWR_BUTTON (1u << 4)  /* set: no fixed-feature power button */
#define FADT_F_SLP_BUTTON (1u << 5)  /* set: no fixed-feature sleep button */
#define FADT_F_FIX_RTC (1u << 6)     /* set: no RTC wake status in PM1 */
#define FADT_F_TMR_VAL_EXT (1u << 8) /* clear: 24-bit PM timer */
#define FADT_F_RESET_REG_SUP (1u << 10)

/* Table 5.11 "IA-PC Boot Architecture Flags". */
#define IAPC_LEGACY_DEVICES (1u << 0)
#define IAPC_8042 (1u << 1)
#define IAPC_VGA_NOT_PRESENT (1u << 2)

/* §5.2.3.2 "Generic Address Structure (GAS)". */
#define GAS_LEN 12
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1
#define GAS_ACCESS_WORD 2
#define GAS_ACCESS_DWORD 3

/* §5.2.12 "Multiple APIC Description Table (MADT)". */
#define MADT_REVISION 5
#define MADT_PCAT_COMPAT (1u << 0)
#define MADT_TYPE_LAPIC 0
#define MADT_TYPE_IOAPIC 1
#define MADT_TYPE_ISO 2
#define MADT_TYPE_LAPIC_NMI 4
#define MADT_LAPIC_ENABLED (1u << 0)
#define MADT_UID_ALL 0xff
/* MPS INTI flags: polarity bits 1:0 (01 high, 11 low), trigger bits 3:2
 * (01 edge, 11 level); 0 = conforms to the bus (ISA: edge, high). */
#define INTI_CONFORMING 0x0000
#define INTI_EDGE_HIGH 0x0005
#define INTI_LEVEL_HIGH 0x000d

/*
 * DSDT body: AML for Name (_S5, Package (4) { 0, 0, 0, 0 }) in the root
 * scope (§7.4.2 "\_Sx (System States)"; encodings from §20.2 "AML
 * Grammar Definition"). _S5 element 0 is the SLP_TYP the OS writes to
 * PM1a_CNT to power off: 0, as the platform's PM device expects.
 */
static const uint8_t dsdt_aml[] = {
    0x08,                   /* NameOp */
    '_', 'S', '5', '_',     /* NameSeg "_S5_" (no prefix: root scope) */
    0x12,                   /* PackageOp */
    0x06,                   /* PkgLength, one-byte form (bits 7:6 = 0):
                             * 6 bytes = this byte + NumElements + 4 */
    0x04,                   /* NumElements */
    0x00,                   /* ZeroOp: PM1a_CNT.SLP_TYP = 0 */
    0x00,                   /* ZeroOp: PM1b_CNT.SLP_TYP = 0 (no PM1b) */
    0x00,                   /* ZeroOp: reserved */
    0x00,                   /* ZeroOp: reserved */
};
#define DSDT_REVISION 2     /* 64-bit AML integers */

/* A table being streamed into guest memory. */
struct tbl {
    struct guest_mem *mem;
    uint64_t start;
    uint64_t pos;
    uint8_t sum;
    int rc;
};

static void tbl_emit(struct tbl *t, const void *data, size_t len)
{
    const uint8_t *b = data;

    if (t->rc)
        return;
    t->rc = guest_mem_write(t->mem, t->pos, data, len);
    for (size_t i = 0; i < len; i++)
        t->sum = (uint8_t)(t->sum + b[i]);
    t->pos += len;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int size)
{
    for (unsigned int i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void tbl_emit_le(struct tbl *t, uint64_t v, unsigned int size)
{
    uint8_t b[8];

    put_le(b, v, size);
    tbl_emit(t, b, size);
}

/* Start a table at `gpa` with its header; length and checksum come later. */
static void tbl_begin(struct tbl *t, const char sig[4], uint8_t revision)
{
    uint8_t h[SDT_HDR_LEN] = { 0 };

    t->start = t->pos;
    t->sum = 0;
    memcpy(h, sig, 4);
    h[8] = revision;
    memcpy(h + 10, OEM_ID, 6);
    memcpy(h + 16, OEM_TABLE_ID, 8);
    put_le(h + 24, OEM_REVISION, 4);
    memcpy(h + 28, CREATOR_ID, 4);
    put_le(h + 32, CREATOR_REVISION, 4);
    tbl_emit(t, h, sizeof(h));
}

/* Patch length and checksum (all bytes sum to 0); next table 16-aligned. */
static void tbl_end(struct tbl *t)
{
    uint8_t len[4];
    uint8_t csum;

    put_le(len, t->pos - t->start, 4);
    for (unsigned int i = 0; i < 4; i++)
        t->sum = (uint8_t)(t->sum + len[i]);
    csum = (uint8_t)-t->sum;
    if (!t->rc)
        t->rc = guest_mem_write(t->mem, t->start + SDT_LENGTH, len, 4);
    if (!t->rc)
        t->rc = guest_mem_write(t->mem, t->start + SDT_CHECKSUM, &csum, 1);
    t->pos = ROUNDUP(t->pos, 16);
}

static uint64_t build_facs(struct tbl *t)
{
    uint8_t f[FACS_LEN] = { 0 };
    uint64_t gpa = ROUNDUP(t->pos, 64);

    memcpy(f, "FACS", 4);
    put_le(f + 4, FACS_LEN, 4);
    f[32] = FACS_VERSION;
    t->pos = gpa;
    tbl_emit(t, f, sizeof(f));
    t->pos = ROUNDUP(t->pos, 16);
    return gpa;
}

static uint64_t build_dsdt(struct tbl *t)
{
    uint64_t gpa = t->pos;

    tbl_begin(t, "DSDT", DSDT_REVISION);
    tbl_emit(t, dsdt_aml, sizeof(dsdt_aml));
    tbl_end(t);
    return gpa;
}

static void put_gas_io(uint8_t *p, uint32_t port, unsigned int bytes,
                       unsigned int access)
{
    p[0] = GAS_SYSTEM_IO;
    p[1] = (uint8_t)(bytes * 8);   /* register bit width */
    p[2] = 0;                      /* bit offset */
    p[3] = (uint8_t)access;
    put_le(p + 4, port, 8);
}

/*
 * No SMI_CMD: the platform is in ACPI mode from reset (SCI_EN set), so
 * the OS needs no handshake. The boot architecture flags say legacy ISA
 * devices and an 8042 are present and VGA is not (the platform has no
 * display). C2/C3 latencies above 100/1000 mean "not supported".
 */
static void fadt_fill(uint8_t *f, uint64_t facs, uint64_t dsdt)
{
    put_le(f + FADT_FIRMWARE_CTRL, facs, 4);
    put_le(f + FADT_DSDT, dsdt, 4);
    put_le(f + FADT_SCI_INT, SCI_IRQ, 2);
    put_le(f + FADT_SMI_CMD, 0, 4);
    put_le(f + FADT_PM1A_EVT_BLK, PM1A_EVT_BLK, 4);
    put_le(f + FADT_PM1A_CNT_BLK, PM1A_CNT_BLK, 4);
    put_le(f + FADT_PM_TMR_BLK, PM_TMR_BLK, 4);
    f[FADT_PM1_EVT_LEN] = PM1_EVT_LEN;
    f[FADT_PM1_CNT_LEN] = PM1_CNT_LEN;
    f[FADT_PM_TMR_LEN] = PM_TMR_LEN;
    put_le(f + FADT_P_LVL2_LAT, 101, 2);
    put_le(f + FADT_P_LVL3_LAT, 1001, 2);
    put_le(f + FADT_IAPC_BOOT_ARCH,
           IAPC_LEGACY_DEVICES | IAPC_8042 | IAPC_VGA_NOT_PRESENT, 2);
    put_le(f + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
           FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_RESET_REG_SUP, 4);
    put_gas_io(f + FADT_RESET_REG, RESET_PORT, 1, GAS_ACCESS_BYTE);
    f[FADT_RESET_VALUE] = RESET_VALUE;
    f[FADT_MINOR] = FADT_MINOR_VERSION;
    /* X_FIRMWARE_CTRL stays 0: §5.2.9 allows only one FACS pointer to be
     * set, and the 32-bit one reaches the FACS and every OS reads it. */
    put_le(f + FADT_X_DSDT, dsdt, 8);
    put_gas_io(f + FADT_X_PM1A_EVT_BLK, PM1A_EVT_BLK, PM1_EVT_LEN, GAS_ACCESS_WORD);
    put_gas_io(f + FADT_X_PM1A_CNT_BLK, PM1A_CNT_BLK, PM1_CNT_LEN, GAS_ACCESS_WORD);
    put_gas_io(f + FADT_X_PM_TMR_BLK, PM_TMR_BLK, PM_TMR_LEN, GAS_ACCESS_DWORD);
}

static uint64_t build_fadt(struct tbl *t, uint64_t facs, uint64_t dsdt)
{
    uint8_t f[FADT_LEN] = { 0 };
    uint64_t gpa = t->pos;

    fadt_fill(f, facs, dsdt);
    tbl_begin(t, "FACP", FADT_REVISION);
    tbl_emit(t, f + SDT_HDR_LEN, FADT_LEN - SDT_HDR_LEN);
    tbl_end(t);
    return gpa;
}

static void madt_iso(struct tbl *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t e[10] = { MADT_TYPE_ISO, sizeof(e), 0 /* ISA */, irq };

    put_le(e + 4, gsi, 4);
    put_le(e + 8, flags, 2);
    tbl_emit(t, e, sizeof(e));
}

/*
 * One enabled local APIC per vCPU (UID = APIC ID = index), the IOAPIC
 * (ID nr_vcpus, GSI base 0), the PC's two overrides: the PIT's IRQ 0 on
 * pin 2, and the SCI on IRQ 9 level-triggered active-high (§5.2.12.5
 * requires an override for an SCI that is not active-low), and LINT1 as
 * NMI on every processor.
 */
static uint64_t build_madt(struct tbl *t, unsigned int nr_vcpus)
{
    uint8_t ioapic[12] = { MADT_TYPE_IOAPIC, sizeof(ioapic), (uint8_t)nr_vcpus };
    const uint8_t nmi[6] = { MADT_TYPE_LAPIC_NMI, sizeof(nmi), MADT_UID_ALL,
                             INTI_EDGE_HIGH & 0xff, INTI_EDGE_HIGH >> 8, 1 };
    uint64_t gpa = t->pos;

    tbl_begin(t, "APIC", MADT_REVISION);
    tbl_emit_le(t, LAPIC_ADDR, 4);
    tbl_emit_le(t, MADT_PCAT_COMPAT, 4);
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        uint8_t e[8] = { MADT_TYPE_LAPIC, sizeof(e), (uint8_t)i, (uint8_t)i,
                         MADT_LAPIC_ENABLED };

        tbl_emit(t, e, sizeof(e));
    }
    put_le(ioapic + 4, IOAPIC_ADDR, 4);
    tbl_emit(t, ioapic, sizeof(ioapic));
    madt_iso(t, 0, 2, INTI_CONFORMING);
    madt_iso(t, SCI_IRQ, SCI_IRQ, INTI_LEVEL_HIGH);
    tbl_emit(t, nmi, sizeof(nmi));
    tbl_end(t);
    return gpa;
}

/* RSDT (4-byte entries) or XSDT (8-byte entries) listing FADT and MADT. */
static uint64_t build_sdt_list(struct tbl *t, const char sig[4],
                               unsigned int entry_size, const uint64_t *tables,
                               unsigned int n)
{
    uint64_t gpa = t->pos;

    tbl_begin(t, sig, 1);
    for (unsigned int i = 0; i < n; i++)
        tbl_emit_le(t, tables[i], entry_size);
    tbl_end(t);
    return gpa;
}

static uint8_t sum_bytes(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

static int build_rsdp(struct guest_mem *mem, uint64_t gpa, uint64_t rsdt,
                      uint64_t xsdt)
{
    uint8_t r[RSDP_LEN] = { 0 };

    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, OEM_ID, 6);
    r[15] = 2;                          /* revision: ACPI 2.0+ */
    put_le(r + 16, rsdt, 4);
    put_le(r + 20, RSDP_LEN, 4);
    put_le(r + 24, xsdt, 8);
    r[8] = (uint8_t)-sum_bytes(r, RSDP_V1_LEN);
    r[32] = (uint8_t)-sum_bytes(r, RSDP_LEN);
    return guest_mem_write(mem, gpa, r, sizeof(r));
}

static bool config_valid(const struct acpi_build_config *cfg)
{
    return cfg->nr_vcpus >= 1 && cfg->nr_vcpus <= ACPI_BUILD_MAX_VCPUS &&
           (cfg->base_gpa & 15) == 0 && cfg->base_gpa != 0 &&
           cfg->base_gpa <= (1ull << 31) - ACPI_BUILD_AREA_SIZE;
}

int acpi_build_tables(const struct acpi_build_config *cfg, struct guest_mem *mem)
{
    struct tbl t = { .mem = mem };
    uint64_t facs, dsdt, tables[2], rsdt, xsdt;
    uint64_t base = cfg->base_gpa;

    if (!config_valid(cfg))
        return -EINVAL;
    t.rc = guest_mem_zero(mem, base, ACPI_BUILD_AREA_SIZE);
    t.pos = base + ROUNDUP(RSDP_LEN, 16);
    facs = build_facs(&t);
    dsdt = build_dsdt(&t);
    tables[0] = build_fadt(&t, facs, dsdt);
    tables[1] = build_madt(&t, cfg->nr_vcpus);
    rsdt = build_sdt_list(&t, "RSDT", 4, tables, 2);
    xsdt = build_sdt_list(&t, "XSDT", 8, tables, 2);
    if (t.rc)
        return t.rc;
    /* ~1.7 KiB at 128 vCPUs: the area cannot overflow. */
    if (t.pos - base > ACPI_BUILD_AREA_SIZE)
        return -ENOSPC;
    t.rc = build_rsdp(mem, base, rsdt, xsdt);
    return t.rc ? t.rc : (int)base;
}
