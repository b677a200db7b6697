/* SPDX-License-Identifier: MIT */
/* Test-guest ACPI table lookup (RSDP in 0xe0000-0xfffff, RSDT/XSDT). */
#ifndef GUEST_ACPI_H
#define GUEST_ACPI_H

#include "guest.h"

struct acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __packed;

/* Called once at boot; locates the tables and caches PM1a_CNT so that
 * poweroff() works even if a guest scribbles over the tables later. */
void acpi_init(void);
const struct acpi_header *acpi_find_table(const char sig[4]);
/* The ACPI PM timer's I/O port from the FADT, 0 if none. */
uint16_t acpi_pm_timer_port(void);
/* GSI of an ISA IRQ per the MADT interrupt source overrides, with the
 * override's MPS INTI flags (0 if none). */
unsigned int acpi_isa_irq_gsi(unsigned int irq, uint16_t *flags);

#endif /* GUEST_ACPI_H */
