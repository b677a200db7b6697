/* SPDX-License-Identifier: MIT */
/* The machine memory map, from the boot loader, cleaned up for use. */
#ifndef HV_MEMMAP_H
#define HV_MEMMAP_H

#include <hv/types.h>

/* E820 / multiboot memory types. */
#define MEMMAP_RAM 1
#define MEMMAP_RESERVED 2
#define MEMMAP_ACPI 3
#define MEMMAP_NVS 4
#define MEMMAP_BAD 5

#define MEMMAP_MAX 128

struct memmap_entry {
    paddr_t base;
    uint64_t len;
    uint32_t type;
};

struct memmap {
    struct memmap_entry e[MEMMAP_MAX];
    unsigned int nr;
};

/* Append an entry as reported; -ENOSPC when full. Zero lengths ignored (0). */
int memmap_add(struct memmap *m, paddr_t base, uint64_t len, uint32_t type);
/*
 * Make the map usable: drop zero-length entries, sort by base, resolve
 * overlaps (where ranges overlap the more restrictive type wins: anything
 * other than RAM beats RAM, and higher type numbers beat lower ones among
 * the rest), merge adjacent entries of the same type, and treat unknown
 * types as reserved. Afterwards entries are sorted and disjoint.
 */
void memmap_sanitize(struct memmap *m);
/* Drop RAM at or above `limit` (the mem= option), splitting an entry. */
void memmap_clip_ram(struct memmap *m, paddr_t limit);
uint64_t memmap_ram_bytes(const struct memmap *m);
/* Highest end address of any RAM entry. */
paddr_t memmap_ram_end(const struct memmap *m);
const char *memmap_type_name(uint32_t type);

/* Multiboot1 mmap buffer: entries prefixed with a 32-bit size field. */
int memmap_from_mb1(struct memmap *m, const void *buf, uint32_t length);
/* Multiboot2 memory-map tag from its header (type 6, size) on: entry_size,
 * entry_version, entries; tag_size bytes are readable. */
int memmap_from_mb2(struct memmap *m, const void *tag, uint32_t tag_size);

#endif /* HV_MEMMAP_H */
