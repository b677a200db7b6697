// SPDX-License-Identifier: MIT
// Guest: writes beyond the end of its RAM, up to 4 GiB, must not reach
// memory it does not own; its own RAM must stay intact. Run next to
// isolation_victim on Mica, whose pattern it must not disturb.
#include "guest.h"

const char test_name[] = "isolation_scribbler";

#define PATTERN 0x5c81b1e5U
#define DEVICE_AREA 0xfe000000ULL /* test device, IOAPIC, LAPIC, ... to 4 GiB */
#define OWN_WORDS (1024 * 1024 / 4)

static uint32_t own[OWN_WORDS]; /* 1 MiB of our RAM, filled before scribbling */

struct tally {
    unsigned int written, stuck, skipped;
};

static uint32_t own_value(uint32_t i)
{
    return i * 2654435761U ^ PATTERN;
}

/* Skip the device area and anything the memory map describes (our RAM,
 * firmware tables natively). */
static void scribble(uint64_t addr, struct tally *t)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)addr;
    uint32_t v = PATTERN ^ (uint32_t)addr;

    if (addr >= DEVICE_AREA || mb_mem_type(addr)) {
        t->skipped++;
        return;
    }
    *p = v;
    t->written++;
    if (*p == v)
        t->stuck++;
}

void test_main(void)
{
    uint64_t end = mb_ram_end(), a;
    struct tally t = {0, 0, 0};

    for (uint32_t i = 0; i < OWN_WORDS; i++)
        own[i] = own_value(i);
    for (a = end; a < end + 0x100000; a += 0x1000)
        scribble(a, &t);
    for (a = (end + 0x100000 + 0x1fffff) & ~0x1fffffULL; a < DEVICE_AREA; a += 0x200000)
        scribble(a, &t);
    info("wrote %u words from RAM end %#llx to 4 GiB (%u read back as written, "
         "%u skipped)",
         t.written, (unsigned long long)end, t.stuck, t.skipped);
    for (uint32_t i = 0; i < OWN_WORDS; i++)
        CHECK(own[i] == own_value(i), "own RAM changed at %p: %#x, expected %#x",
              (void *)&own[i], own[i], own_value(i));
}
