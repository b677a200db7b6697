// SPDX-License-Identifier: MIT
/* ACPI discovery: find and validate the RSDP, RSDT/XSDT and MADT. */
#include <hv/acpi.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/unaligned.h>

/*
 * Design: firmware tables are untrusted input. Every table is mapped in two
 * steps: its 36-byte header first, to learn the length, then the whole
 * length once it is known to be sane. Nothing is read outside what was
 * mapped, multi-byte MADT fields are read through memcpy because entries
 * are byte-packed, and the fixed-size arrays in struct acpi_info are never
 * overrun: extras are counted and reported once.
 *
 * ops->map() has no unmap: a returned mapping stays valid for the parse.
 */

/* ACPI 6.5 §5.2.5.3 "Root System Description Pointer (RSDP) Structure". */
struct acpi_rsdp {
    char signature[8];       /* "RSD PTR " */
    uint8_t checksum;        /* over the first 20 bytes (ACPI 1.0 part) */
    char oem_id[6];
    uint8_t revision;        /* 0: ACPI 1.0; 2: ACPI 2.0 and later */
    uint32_t rsdt_addr;
    /* ACPI 2.0 and later only: */
    uint32_t length;
    uint64_t xsdt_addr;
    uint8_t ext_checksum;    /* over all 36 bytes */
    uint8_t reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");

#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_LEN 36

/* ACPI 6.5 §5.2.6 "System Description Table Header". */
struct acpi_sdt_hdr {
    char signature[4];
    uint32_t length;         /* whole table, header included */
    uint8_t revision;
    uint8_t checksum;        /* all `length` bytes sum to 0 */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_sdt_hdr) == 36, "SDT header layout");

/* No table Mica reads comes near this; anything longer is corrupt. */
#define ACPI_TABLE_MAX_LEN (1u << 20)

/* §5.2.12 "Multiple APIC Description Table (MADT)": header, then the
 * local APIC address (u32) at 36, flags (u32) at 40, entries from 44. */
#define MADT_LAPIC_ADDR_OFF 36
#define MADT_FLAGS_OFF 40
#define MADT_ENTRIES_OFF 44
#define MADT_FLAG_PCAT_COMPAT (1u << 0)

/* §5.2.12 "Interrupt Controller Structure Types". */
#define MADT_LAPIC 0x0
#define MADT_IOAPIC 0x1
#define MADT_ISO 0x2
#define MADT_LAPIC_NMI 0x4
#define MADT_LAPIC_ADDR_OVERRIDE 0x5
#define MADT_X2APIC 0x9
#define MADT_X2APIC_NMI 0xa

/* §5.2.12.2 "Local APIC Flags". */
#define MADT_LAPIC_ENABLED (1u << 0)

struct acpi_table {
    paddr_t pa;
    const uint8_t *p;
    uint32_t len;
};

/* The RSDT holds 32-bit table addresses, the XSDT 64-bit ones. */
struct acpi_root {
    struct acpi_table t;
    unsigned int entry_size;
};

/* The MADT walk state: counts of entries dropped for lack of room. */
struct madt_ctx {
    struct acpi_info *info;
    unsigned int dropped_cpus;
    unsigned int dropped_ioapics;
    unsigned int dropped_overrides;
    unsigned int dropped_nmis;
    unsigned int short_entries;
};

static uint8_t acpi_checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum;
}

static const void *acpi_map(const struct acpi_mem_ops *ops, paddr_t pa,
                            size_t len)
{
    if (pa + len < pa)
        return NULL;
    return ops->map(ops->opaque, pa, len);
}

/* Valid signature and checksum, plus the extended checksum for rev >= 2
 * (whose fields beyond byte 20 are only read after mapping all 36). */
static int __must_check acpi_rsdp_get(const struct acpi_mem_ops *ops,
                                      paddr_t pa,
                                      const struct acpi_rsdp **out)
{
    const struct acpi_rsdp *r;

    if (!pa)
        return -ENOENT;
    r = acpi_map(ops, pa, ACPI_RSDP_V1_LEN);
    if (!r)
        return -ENOENT;
    if (memcmp(r->signature, "RSD PTR ", 8) ||
        acpi_checksum(r, ACPI_RSDP_V1_LEN))
        return -EINVAL;
    if (r->revision >= 2) {
        r = acpi_map(ops, pa, ACPI_RSDP_V2_LEN);
        if (!r || acpi_checksum(r, ACPI_RSDP_V2_LEN))
            return -EINVAL;
    }
    *out = r;
    return 0;
}

paddr_t acpi_scan_rsdp(const struct acpi_mem_ops *ops, paddr_t pa, size_t len)
{
    paddr_t start = ROUNDUP(pa, 16), end = pa + len;
    const struct acpi_rsdp *r;
    const uint8_t *area;

    if (end < pa || start < pa)
        return 0;
    area = acpi_map(ops, pa, len);
    if (!area)
        return 0;
    /* The spec puts the RSDP on a 16-byte boundary; a signature with a
     * bad checksum is a coincidence or junk, so keep looking. */
    for (paddr_t p = start; p < end && end - p >= ACPI_RSDP_V1_LEN; p += 16) {
        if (memcmp(area + (p - pa), "RSD PTR ", 8))
            continue;
        if (!acpi_rsdp_get(ops, p, &r))
            return p;
    }
    return 0;
}

static void acpi_warn_unmapped(paddr_t pa)
{
    printk(LOG_WARN "ACPI: table at 0x%llx not mappable; skipped\n",
           (unsigned long long)pa);
}

static void acpi_warn_skip(paddr_t pa, const char *sig, const char *why)
{
    printk(LOG_WARN "ACPI: %.4s at 0x%llx skipped: %s\n", sig,
           (unsigned long long)pa, why);
}

/* Map and validate the table at pa: length in [min_len, 1 MiB] and a zero
 * checksum. Complains and returns -errno for a table to skip. */
static int __must_check acpi_table_get(const struct acpi_mem_ops *ops,
                                       paddr_t pa, uint32_t min_len,
                                       struct acpi_table *t)
{
    const struct acpi_sdt_hdr *h = acpi_map(ops, pa, sizeof(*h));
    uint32_t len;

    if (!h) {
        acpi_warn_unmapped(pa);
        return -EFAULT;
    }
    len = h->length;
    if (len < min_len || len > ACPI_TABLE_MAX_LEN) {
        acpi_warn_skip(pa, h->signature, "bad length");
        return -EINVAL;
    }
    t->p = acpi_map(ops, pa, len);
    if (!t->p) {
        acpi_warn_skip(pa, h->signature, "not mappable");
        return -EFAULT;
    }
    if (acpi_checksum(t->p, len)) {
        acpi_warn_skip(pa, h->signature, "bad checksum");
        return -EINVAL;
    }
    t->pa = pa;
    t->len = len;
    return 0;
}

static int __must_check acpi_root_try(const struct acpi_mem_ops *ops,
                                      paddr_t pa, const char *sig,
                                      unsigned int entry_size,
                                      struct acpi_root *root,
                                      unsigned int *nr_bad)
{
    int rc;

    if (!pa)
        return -ENOENT;
    rc = acpi_table_get(ops, pa, sizeof(struct acpi_sdt_hdr), &root->t);
    if (!rc && memcmp(root->t.p, sig, 4)) {
        acpi_warn_skip(pa, sig, "wrong signature");
        rc = -EINVAL;
    }
    if (rc) {
        (*nr_bad)++;
        return rc;
    }
    root->entry_size = entry_size;
    return 0;
}

/* ACPI 2.0+ firmware should be read through the XSDT; a broken XSDT
 * falls back to the RSDT, which such firmware still provides. */
static int __must_check acpi_root_get(const struct acpi_mem_ops *ops,
                                      const struct acpi_rsdp *rsdp,
                                      struct acpi_root *root,
                                      unsigned int *nr_bad)
{
    if (rsdp->revision >= 2 && rsdp->xsdt_addr &&
        !acpi_root_try(ops, rsdp->xsdt_addr, "XSDT", 8, root, nr_bad))
        return 0;
    return acpi_root_try(ops, rsdp->rsdt_addr, "RSDT", 4, root, nr_bad);
}

static paddr_t acpi_root_entry(const struct acpi_root *r, size_t i)
{
    const uint8_t *e = r->t.p + sizeof(struct acpi_sdt_hdr) +
                       i * r->entry_size;

    return r->entry_size == 8 ? get_unaligned_64(e) : get_unaligned_32(e);
}

/* The first valid table with signature sig; bad ones are counted. */
static int __must_check acpi_root_find(const struct acpi_mem_ops *ops,
                                       const struct acpi_root *r,
                                       const char sig[4], uint32_t min_len,
                                       struct acpi_table *out,
                                       unsigned int *nr_bad)
{
    size_t n = (r->t.len - sizeof(struct acpi_sdt_hdr)) / r->entry_size;

    for (size_t i = 0; i < n; i++) {
        paddr_t pa = acpi_root_entry(r, i);
        const struct acpi_sdt_hdr *h;

        if (!pa)
            continue;
        h = acpi_map(ops, pa, sizeof(*h));
        if (!h) {
            acpi_warn_unmapped(pa);
            (*nr_bad)++;
            continue;
        }
        if (memcmp(h->signature, sig, 4))
            continue;
        if (!acpi_table_get(ops, pa, min_len, out))
            return 0;
        (*nr_bad)++;
    }
    return -ENOENT;
}

static void madt_cpu_add(struct madt_ctx *c, uint32_t apic_id, uint32_t uid,
                         bool x2apic)
{
    struct acpi_info *info = c->info;
    struct acpi_cpu *cpu;

    /* Firmware sometimes lists a CPU in both a LAPIC and an x2APIC entry. */
    for (unsigned int i = 0; i < info->nr_cpus; i++) {
        if (info->cpu[i].apic_id == apic_id)
            return;
    }
    if (info->nr_cpus == ACPI_MAX_CPUS) {
        c->dropped_cpus++;
        return;
    }
    cpu = &info->cpu[info->nr_cpus++];
    cpu->apic_id = apic_id;
    cpu->acpi_uid = uid;
    cpu->x2apic = x2apic;
}

/* §5.2.12.2 "Processor Local APIC Structure": uid u8 @2, id u8 @3,
 * flags u32 @4. Online-capable but disabled CPUs are not Mica's to use.
 * ID 0xff is the xAPIC broadcast ID, never a processor's. */
static void madt_lapic(struct madt_ctx *c, const uint8_t *e)
{
    if ((get_unaligned_32(e + 4) & MADT_LAPIC_ENABLED) && e[3] != 0xff)
        madt_cpu_add(c, e[3], e[2], false);
}

/* §5.2.12.12 "Processor Local x2APIC Structure": id u32 @4, flags u32 @8,
 * uid u32 @12. */
static void madt_x2apic(struct madt_ctx *c, const uint8_t *e)
{
    uint32_t id = get_unaligned_32(e + 4);

    if ((get_unaligned_32(e + 8) & MADT_LAPIC_ENABLED) && id != 0xffffffff)
        madt_cpu_add(c, id, get_unaligned_32(e + 12), true);
}

/* §5.2.12.3 "I/O APIC Structure": id u8 @2, address u32 @4, GSI base @8. */
static void madt_ioapic(struct madt_ctx *c, const uint8_t *e)
{
    struct acpi_info *info = c->info;
    struct acpi_ioapic *io;

    if (info->nr_ioapics == ACPI_MAX_IOAPICS) {
        c->dropped_ioapics++;
        return;
    }
    io = &info->ioapic[info->nr_ioapics++];
    io->id = e[2];
    io->addr = get_unaligned_32(e + 4);
    io->gsi_base = get_unaligned_32(e + 8);
}

/* §5.2.12.5 "Interrupt Source Override Structure": bus u8 @2, source u8
 * @3, GSI u32 @4, MPS INTI flags u16 @8. */
static void madt_iso(struct madt_ctx *c, const uint8_t *e)
{
    struct acpi_info *info = c->info;
    struct acpi_override *ov;

    if (info->nr_overrides == ACPI_MAX_OVERRIDES) {
        c->dropped_overrides++;
        return;
    }
    ov = &info->override[info->nr_overrides++];
    ov->bus = e[2];
    ov->source = e[3];
    ov->gsi = get_unaligned_32(e + 4);
    ov->flags = get_unaligned_16(e + 8);
}

static void madt_nmi_add(struct madt_ctx *c, uint32_t uid, uint16_t flags,
                         uint8_t lint)
{
    struct acpi_info *info = c->info;
    struct acpi_lapic_nmi *nmi;

    if (info->nr_nmis == ACPI_MAX_NMIS) {
        c->dropped_nmis++;
        return;
    }
    nmi = &info->nmi[info->nr_nmis++];
    nmi->acpi_uid = uid;
    nmi->flags = flags;
    nmi->lint = lint;
}

/* §5.2.12.7 "Local APIC NMI Structure": uid u8 @2 (0xff: all), flags u16
 * @3, LINT# u8 @5. */
static void madt_lapic_nmi(struct madt_ctx *c, const uint8_t *e)
{
    madt_nmi_add(c, e[2], get_unaligned_16(e + 3), e[5]);
}

/* §5.2.12.13 "Local x2APIC NMI Structure": flags u16 @2, uid u32 @4
 * (0xffffffff: all), LINT# u8 @8. */
static void madt_x2apic_nmi(struct madt_ctx *c, const uint8_t *e)
{
    madt_nmi_add(c, get_unaligned_32(e + 4), get_unaligned_16(e + 2), e[8]);
}

/* §5.2.12.8 "Local APIC Address Override Structure": u64 @4. The header
 * field was read before the walk, so the override wins wherever it is. */
static void madt_lapic_addr(struct madt_ctx *c, const uint8_t *e)
{
    c->info->lapic_addr = get_unaligned_64(e + 4);
}

struct madt_handler {
    uint8_t type;
    uint8_t min_len;   /* shorter entries of this type are skipped */
    void (*fn)(struct madt_ctx *c, const uint8_t *e);
};

static const struct madt_handler madt_handlers[] = {
    { MADT_LAPIC, 8, madt_lapic },
    { MADT_IOAPIC, 12, madt_ioapic },
    { MADT_ISO, 10, madt_iso },
    { MADT_LAPIC_NMI, 6, madt_lapic_nmi },
    { MADT_LAPIC_ADDR_OVERRIDE, 12, madt_lapic_addr },
    { MADT_X2APIC, 16, madt_x2apic },
    { MADT_X2APIC_NMI, 12, madt_x2apic_nmi },
};

/* Types Mica has no use for (GIC, SAPIC, ...) are passed over. */
static void madt_entry(struct madt_ctx *c, const uint8_t *e, uint8_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(madt_handlers); i++) {
        const struct madt_handler *h = &madt_handlers[i];

        if (h->type != e[0])
            continue;
        if (len < h->min_len)
            c->short_entries++;
        else
            h->fn(c, e);
        return;
    }
}

/* An entry of length < 2 or running past the table leaves no trustworthy
 * place to continue from, so the walk stops there. */
static void madt_walk(struct madt_ctx *c, const struct acpi_table *t)
{
    uint32_t off = MADT_ENTRIES_OFF;

    while (t->len - off >= 2) {
        uint8_t len = t->p[off + 1];

        if (len < 2 || len > t->len - off) {
            printk(LOG_WARN "ACPI: MADT entry at offset %u has length %u; "
                   "rest of MADT ignored\n", off, (unsigned int)len);
            return;
        }
        madt_entry(c, t->p + off, len);
        off += len;
    }
}

static void madt_report(const struct madt_ctx *c)
{
    if (c->dropped_cpus)
        printk(LOG_WARN "ACPI: %u CPUs beyond the first %d ignored\n",
               c->dropped_cpus, ACPI_MAX_CPUS);
    if (c->dropped_ioapics)
        printk(LOG_WARN "ACPI: %u I/O APICs beyond the first %d ignored\n",
               c->dropped_ioapics, ACPI_MAX_IOAPICS);
    if (c->dropped_overrides)
        printk(LOG_WARN "ACPI: %u interrupt overrides beyond the first %d "
               "ignored\n", c->dropped_overrides, ACPI_MAX_OVERRIDES);
    if (c->dropped_nmis)
        printk(LOG_WARN "ACPI: %u LAPIC NMI entries beyond the first %d "
               "ignored\n", c->dropped_nmis, ACPI_MAX_NMIS);
    if (c->short_entries)
        printk(LOG_WARN "ACPI: %u MADT entries too short for their type "
               "ignored\n", c->short_entries);
}

static void madt_parse(struct acpi_info *info, const struct acpi_table *t)
{
    struct madt_ctx c = { .info = info };

    info->madt_addr = t->pa;
    info->lapic_addr = get_unaligned_32(t->p + MADT_LAPIC_ADDR_OFF);
    info->pcat_compat = get_unaligned_32(t->p + MADT_FLAGS_OFF) & MADT_FLAG_PCAT_COMPAT;
    madt_walk(&c, t);
    madt_report(&c);
}

int acpi_parse(const struct acpi_mem_ops *ops, paddr_t rsdp_pa,
               struct acpi_info *info)
{
    const struct acpi_rsdp *rsdp;
    struct acpi_root root;
    struct acpi_table madt;
    int rc;

    memset(info, 0, sizeof(*info));
    rc = acpi_rsdp_get(ops, rsdp_pa, &rsdp);
    if (rc)
        return rc;
    info->rsdp_addr = rsdp_pa;
    info->revision = rsdp->revision;
    if (acpi_root_get(ops, rsdp, &root, &info->nr_bad_tables))
        return -ENOENT;
    if (acpi_root_find(ops, &root, "APIC", MADT_ENTRIES_OFF, &madt,
                       &info->nr_bad_tables))
        return -ENOENT;
    madt_parse(info, &madt);
    return 0;
}

paddr_t acpi_find_table(const struct acpi_mem_ops *ops, paddr_t rsdp_pa,
                        const char sig[4])
{
    const struct acpi_rsdp *rsdp;
    struct acpi_root root;
    struct acpi_table t;
    unsigned int nr_bad = 0;

    if (acpi_rsdp_get(ops, rsdp_pa, &rsdp) ||
        acpi_root_get(ops, rsdp, &root, &nr_bad) ||
        acpi_root_find(ops, &root, sig, sizeof(struct acpi_sdt_hdr), &t,
                       &nr_bad))
        return 0;
    return t.pa;
}
