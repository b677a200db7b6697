/* SPDX-License-Identifier: MIT */
/* Guest ACPI tables for HVM domains: RSDP, RSDT/XSDT, FADT, FACS, MADT, DSDT. */
#ifndef HV_HVM_ACPI_BUILD_H
#define HV_HVM_ACPI_BUILD_H

#include <hv/loader.h>

/* The table area of docs/hvm-platform.md: 0xe0000-0xfffff, RSDP first. */
#define ACPI_BUILD_BASE 0xe0000ull
#define ACPI_BUILD_AREA_SIZE 0x20000u
/* xAPIC IDs are 8 bits and the IOAPIC takes ID nr_vcpus; 128 keeps both
 * well clear of the broadcast ID 0xff. */
#define ACPI_BUILD_MAX_VCPUS 128u

struct acpi_build_config {
    unsigned int nr_vcpus;   /* vCPU i has APIC ID i and ACPI UID i */
    uint64_t base_gpa;       /* usually ACPI_BUILD_BASE; 16-byte aligned */
};

/*
 * Write the tables into [base_gpa, base_gpa + ACPI_BUILD_AREA_SIZE) (the
 * whole area is zeroed first). The RSDP sits at base_gpa so that OSes
 * scanning 0xe0000-0xfffff find it.
 *
 * @pre the area lies in guest RAM backed by `mem`.
 * Returns the RSDP GPA (> 0), -EINVAL for a bad configuration (no vCPUs,
 * too many, base misaligned or not below 2 GiB), or the -errno of a guest
 * memory access.
 */
int __must_check acpi_build_tables(const struct acpi_build_config *cfg,
                                   struct guest_mem *mem);

#endif /* HV_HVM_ACPI_BUILD_H */
