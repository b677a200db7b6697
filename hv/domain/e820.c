// SPDX-License-Identifier: MIT
/* The HVM guest's memory map (docs/hvm-platform.md) and the boot GDT the loaders share. */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/loader.h>

uint64_t guest_ram_low_end(uint64_t ram_bytes)
{
    return MIN(ram_bytes, GUEST_LOW_RAM_MAX);
}

uint64_t guest_ram_gpa_end(uint64_t ram_bytes)
{
    if (ram_bytes <= GUEST_LOW_RAM_MAX)
        return ram_bytes;
    return GUEST_HIGH_RAM_BASE + (ram_bytes - GUEST_LOW_RAM_MAX);
}

static bool ram_size_valid(uint64_t ram_bytes)
{
    /* The upper bound keeps every end address far from 2^64. */
    return ram_bytes >= GUEST_RAM_MIN && ram_bytes <= (1ull << 52) &&
           (ram_bytes & (PAGE_SIZE - 1)) == 0;
}

/*
 * The map a PC BIOS would report for this platform. The EBDA slot below
 * 640 KiB and the 0xe0000-0xfffff area are reserved rather than ACPI
 * reclaimable because the platform contract says so: the BIOS area is not
 * guest RAM to reuse even after the tables are parsed.
 */
int guest_e820_build(uint64_t ram_bytes, struct e820_entry *out,
                     unsigned int max)
{
    const struct e820_entry fixed[] = {
        { 0, GUEST_EBDA_BASE, MEMMAP_RAM },
        { GUEST_EBDA_BASE, 0xa0000 - GUEST_EBDA_BASE, MEMMAP_RESERVED },
        { GUEST_BIOS_BASE, MiB(1) - GUEST_BIOS_BASE, MEMMAP_RESERVED },
        { MiB(1), guest_ram_low_end(ram_bytes) - MiB(1), MEMMAP_RAM },
        { GUEST_IOAPIC_BASE, PAGE_SIZE, MEMMAP_RESERVED },
        { GUEST_LAPIC_BASE, PAGE_SIZE, MEMMAP_RESERVED },
    };
    unsigned int n = ARRAY_SIZE(fixed);

    if (!ram_size_valid(ram_bytes))
        return -EINVAL;
    if (ram_bytes > GUEST_LOW_RAM_MAX)
        n++;
    if (max < n)
        return -ENOSPC;
    memcpy(out, fixed, sizeof(fixed));
    if (ram_bytes > GUEST_LOW_RAM_MAX) {
        out[n - 1].addr = GUEST_HIGH_RAM_BASE;
        out[n - 1].size = ram_bytes - GUEST_LOW_RAM_MAX;
        out[n - 1].type = MEMMAP_RAM;
    }
    return (int)n;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

bool guest_range_loadable(uint64_t ram_bytes, uint64_t gpa, uint64_t len)
{
    struct e820_entry map[GUEST_E820_MAX];
    int n = guest_e820_build(ram_bytes, map, ARRAY_SIZE(map));

    if (len == 0 || gpa + len < gpa)
        return false;
    for (int i = 0; i < n; i++) {
        if (map[i].type != MEMMAP_RAM || gpa < map[i].addr ||
            gpa - map[i].addr > map[i].size ||
            len > map[i].size - (gpa - map[i].addr))
            continue;
        return !overlaps(gpa, len, LOADER_LOW_BASE,
                         LOADER_LOW_END - LOADER_LOW_BASE);
    }
    return false;
}

/*
 * Segment descriptors per Intel SDM Vol. 3A, "Segment Descriptors": base 0,
 * limit 0xfffff with G=1 (4 GiB), D/B=1 (32-bit), P=1, DPL 0, S=1; type 0xb
 * (execute/read, accessed) for code and 0x3 (read/write, accessed) for
 * data. Accessed is preset so the CPU never writes the descriptor back.
 */
#define GDT_CODE32_FLAT 0x00cf9b000000ffffull
#define GDT_DATA32_FLAT 0x00cf93000000ffffull

int guest_boot_gdt_write(struct guest_mem *mem, struct loader_cpu_state *st)
{
    const uint64_t gdt[4] = { 0, 0, GDT_CODE32_FLAT, GDT_DATA32_FLAT };
    int rc = guest_mem_write(mem, LOADER_GDT_GPA, gdt, sizeof(gdt));

    if (rc)
        return rc;
    st->gdt_base = (uint32_t)LOADER_GDT_GPA;
    st->gdt_limit = sizeof(gdt) - 1;
    st->cs = LOADER_BOOT_CS;
    st->ds = LOADER_BOOT_DS;
    return 0;
}
