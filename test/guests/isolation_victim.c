// SPDX-License-Identifier: MIT
// Guest: fills up to 16 MiB of its RAM with a pattern and re-checks it for a
// while, long enough to overlap isolation_scribbler when both run on Mica
// (about 2 s natively; "rounds=N" on the command line makes it longer).
#include "guest.h"
#include "pc.h"

const char test_name[] = "isolation_victim";

#define AREA_MAX (16U << 20)
#define AREA_MIN (2U << 20)
#define DEFAULT_ROUNDS 20
#define ROUND_DELAY_US 50000

/* Address-dependent, so a page mapped at the wrong place shows too. */
static uint32_t value(uintptr_t addr)
{
    return (uint32_t)addr * 0x9e3779b1U ^ 0xa5a5f00dU;
}

static void check_round(unsigned int round, volatile uint32_t *p, size_t words)
{
    size_t bad = 0, first = 0;

    for (size_t i = 0; i < words; i++)
        if (p[i] != value((uintptr_t)&p[i]) && bad++ == 0)
            first = i;
    CHECK(bad == 0, "round %u: %zu words changed, first at %p: %#x, expected %#x", round,
          bad, (void *)&p[first], p[first], value((uintptr_t)&p[first]));
}

void test_main(void)
{
    uintptr_t start = ((uintptr_t)__image_end + 0xfffff) & ~(uintptr_t)0xfffff;
    uint64_t end = mb_ram_end();
    size_t bytes = end > start ? (size_t)(end - start) : 0;
    volatile uint32_t *p = (volatile uint32_t *)start;
    unsigned int rounds = (unsigned int)mb_cmdline_ulong("rounds", DEFAULT_ROUNDS);

    bytes = (bytes > AREA_MAX ? AREA_MAX : bytes) & ~(size_t)0xfff;
    CHECK(bytes >= AREA_MIN, "only %zu bytes of RAM above the image", bytes);
    for (size_t i = 0; i < bytes / 4; i++)
        p[i] = value((uintptr_t)&p[i]);
    info("%zu KiB at %#lx filled; checking %u rounds", bytes / 1024, (unsigned long)start,
         rounds);
    for (unsigned int r = 0; r < rounds; r++) {
        check_round(r, p, bytes / 4);
        delay_us(ROUND_DELAY_US);
    }
}
