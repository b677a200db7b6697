/* SPDX-License-Identifier: MIT */
/* ACPI table discovery: RSDP, RSDT/XSDT, MADT (CPUs, IOAPICs, overrides). */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <hv/types.h>

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 16
#define ACPI_MAX_OVERRIDES 32
#define ACPI_MAX_NMIS 16

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t acpi_uid;   /* processor UID */
    bool x2apic;         /* described by an x2APIC entry */
};

struct acpi_ioapic {
    uint8_t id;
    paddr_t addr;
    uint32_t gsi_base;
};

struct acpi_override {   /* ISA interrupt source override */
    uint8_t bus;
    uint8_t source;      /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags;      /* MPS INTI flags: polarity, trigger mode */
};

struct acpi_lapic_nmi {
    uint32_t acpi_uid;   /* 0xff / 0xffffffff = all processors */
    uint16_t flags;
    uint8_t lint;
};

/* What Mica needs from ACPI, filled by acpi_parse(). */
struct acpi_info {
    paddr_t rsdp_addr;
    unsigned int revision;   /* RSDP revision: 0 = ACPI 1.0 (RSDT only) */
    paddr_t madt_addr;
    paddr_t lapic_addr;      /* after any LAPIC address override */
    bool pcat_compat;        /* dual 8259 present (MADT flag) */
    unsigned int nr_cpus;    /* enabled processors */
    struct acpi_cpu cpu[ACPI_MAX_CPUS];
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;
    struct acpi_override override[ACPI_MAX_OVERRIDES];
    unsigned int nr_nmis;
    struct acpi_lapic_nmi nmi[ACPI_MAX_NMIS];
    unsigned int nr_bad_tables; /* tables skipped for checksum/length */
};

/*
 * How the parser reads physical memory. map() returns a pointer through
 * which `len` bytes at `pa` can be read, or NULL if they cannot be mapped.
 * The hypervisor maps firmware memory; unit tests point into a buffer.
 */
struct acpi_mem_ops {
    const void *(*map)(void *opaque, paddr_t pa, size_t len);
    void *opaque;
};

/* Find the RSDP by scanning [pa, pa+len) on 16-byte boundaries for a
 * signature with a valid checksum (and extended checksum for rev >= 2).
 * Returns its physical address or 0. */
paddr_t acpi_scan_rsdp(const struct acpi_mem_ops *ops, paddr_t pa, size_t len);
/*
 * Parse from the RSDP at rsdp_pa: validate RSDP, use the XSDT when
 * revision >= 2 and present (else RSDT), find the MADT, and fill `info`.
 * Tables with a bad checksum or a length too short for their header are
 * skipped (counted in nr_bad_tables); truncated MADT entries (length 0 or
 * running past the table end) stop the MADT walk. Disabled CPUs are not
 * listed. Returns 0, or -ENOENT when no valid RSDP or MADT was found,
 * -EINVAL when the RSDP itself is bad.
 */
int __must_check acpi_parse(const struct acpi_mem_ops *ops, paddr_t rsdp_pa,
                            struct acpi_info *info);
/* Generic table lookup via the RSDT/XSDT: physical address or 0. */
paddr_t acpi_find_table(const struct acpi_mem_ops *ops, paddr_t rsdp_pa,
                        const char sig[4]);

#endif /* HV_ACPI_H */
