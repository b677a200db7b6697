// SPDX-License-Identifier: MIT
// Guest (long mode): every MMIO instruction form of mmio.asm runs once on
// RAM and once on the device under test (Mica's test device, natively a
// second RAM page); registers, RFLAGS and memory must come out the same.
#include "guest.h"
#include "paging.h"

const char test_name[] = "mmio";

#define TESTDEV_GPA 0xfe000000UL /* docs/hvm-platform.md: 4 KiB, RAM-like */
#define WIN_BYTES 0x200          /* what the cases touch */
#define SCRATCH_BYTES 0x100
#define BASE_FLAGS 0x887UL /* bit 1, CF, PF, SF, OF; DF and IF clear */

enum {
    RAX,
    RCX,
    RDX,
    RBX,
    RSP,
    RBP,
    RSI,
    RDI,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    RFLAGS,
    NSTATE
};

static const char *const state_names[NSTATE] = {
    "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",    "R8",
    "R9",  "R10", "R11", "R12", "R13", "R14", "R15", "RFLAGS",
};

struct mmio_case {
    void (*fn)(void);
    const char *name;
    uint64_t flags_mask;
};
_Static_assert(sizeof(struct mmio_case) == 24, "mmio.asm emits three quadwords a case");

extern const struct mmio_case mmio_cases[];
extern const uint32_t mmio_case_count;
void mmio_exec(uint64_t state[NSTATE], void (*fn)(void));

/* The cases address this page; its PTE selects RAM (its own frame) or the
 * device. mmio_scratch is the RAM side of MOVS. */
uint8_t mmio_window[4096] __aligned(4096);
uint8_t mmio_scratch[4096] __aligned(4096);
static uint8_t standin[4096] __aligned(4096);

struct result {
    uint64_t state[NSTATE];
    uint64_t win[WIN_BYTES / 8];
    uint8_t scratch[SCRATCH_BYTES];
};

static struct result on_ram, on_dev;

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void map_window(uint64_t pa)
{
    uint64_t attr = pa == (uintptr_t)mmio_window ? 0 : PTE_PCD | PTE_PWT;

    pt_set_pte((uintptr_t)mmio_window, pa | attr | PTE_P | PTE_W);
}

/* Same initial window contents, scratch and registers for both runs. */
static void run(const struct mmio_case *c, uint64_t pa, struct result *r)
{
    volatile uint64_t *win = (volatile uint64_t *)mmio_window;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;

    map_window(pa);
    for (size_t i = 0; i < WIN_BYTES / 8; i++)
        win[i] = next_rand(&seed);
    for (size_t i = 0; i < SCRATCH_BYTES; i++)
        mmio_scratch[i] = (uint8_t)next_rand(&seed);
    for (size_t i = 0; i < RFLAGS; i++)
        r->state[i] = next_rand(&seed);
    r->state[RBX] = r->state[R10] = (uintptr_t)mmio_window;
    r->state[RSP] = 0;
    r->state[RFLAGS] = BASE_FLAGS;
    mmio_exec(r->state, c->fn);
    for (size_t i = 0; i < WIN_BYTES / 8; i++)
        r->win[i] = win[i];
    memcpy(r->scratch, mmio_scratch, SCRATCH_BYTES);
}

static void compare(const struct mmio_case *c, const char *dev)
{
    const uint8_t *rw = (const uint8_t *)on_ram.win, *dw = (const uint8_t *)on_dev.win;

    for (size_t i = 0; i < RFLAGS; i++)
        CHECK(on_ram.state[i] == on_dev.state[i], "%s: %s = %#llx on %s, %#llx on RAM",
              c->name, state_names[i], (unsigned long long)on_dev.state[i], dev,
              (unsigned long long)on_ram.state[i]);
    CHECK(((on_ram.state[RFLAGS] ^ on_dev.state[RFLAGS]) & c->flags_mask) == 0,
          "%s: RFLAGS %#llx on %s, %#llx on RAM (compared bits %#llx)", c->name,
          (unsigned long long)on_dev.state[RFLAGS], dev,
          (unsigned long long)on_ram.state[RFLAGS], (unsigned long long)c->flags_mask);
    for (size_t i = 0; i < WIN_BYTES; i++)
        CHECK(rw[i] == dw[i], "%s: byte %#zx of %s is %#x, %#x on RAM", c->name, i, dev,
              dw[i], rw[i]);
    for (size_t i = 0; i < SCRATCH_BYTES; i++)
        CHECK(on_ram.scratch[i] == on_dev.scratch[i],
              "%s: RAM byte %#zx is %#x after the access to %s, %#x after RAM", c->name,
              i, on_dev.scratch[i], dev, on_ram.scratch[i]);
}

/* On Mica the test device must be there and keep what is written. */
static void probe_testdev(void)
{
    mmio_write32(TESTDEV_GPA + 0x20, 0x5aa5c33c);
    mmio_write32(TESTDEV_GPA + 0x24, 0x0ff0e11e);
    CHECK(mmio_read32(TESTDEV_GPA + 0x20) == 0x5aa5c33c &&
              mmio_read32(TESTDEV_GPA + 0x24) == 0x0ff0e11e,
          "no test device at %#lx (read back %#x %#x); is the domain built with testdev?",
          TESTDEV_GPA, mmio_read32(TESTDEV_GPA + 0x20), mmio_read32(TESTDEV_GPA + 0x24));
}

void test_main(void)
{
    uint64_t dev_pa = (uintptr_t)standin;
    const char *dev = "the RAM stand-in";

    if (on_mica()) {
        probe_testdev();
        dev_pa = TESTDEV_GPA;
        dev = "the test device";
    }
    for (uint32_t i = 0; i < mmio_case_count; i++) {
        run(&mmio_cases[i], (uintptr_t)mmio_window, &on_ram);
        run(&mmio_cases[i], dev_pa, &on_dev);
        compare(&mmio_cases[i], dev);
    }
    map_window((uintptr_t)mmio_window);
    info("%u instruction forms agree between RAM and %s", mmio_case_count, dev);
}
