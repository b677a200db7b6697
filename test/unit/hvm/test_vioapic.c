// SPDX-License-Identifier: MIT
/* Unit tests of the virtual IOAPIC (hv/hvm/vioapic.c). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vioapic.h>
#include <hv/hvm/vlapic.h>

struct msg {
    uint8_t dest, dm, vector;
    bool logical, level;
};

static struct vioapic io;
static struct msg msgs[16];
static int nr_msg;
static bool eoi_in_callback; /* the "CPU" EOIs from inside deliver */

static void record(void *opaque, uint8_t dest, bool dest_logical,
                   uint8_t delivery_mode, uint8_t vector, bool level)
{
    assert_ptr_equal(opaque, &io);
    if (nr_msg < (int)(sizeof(msgs) / sizeof(msgs[0])))
        msgs[nr_msg] = (struct msg){ dest, delivery_mode, vector,
                                     dest_logical, level };
    nr_msg++;
    if (eoi_in_callback && nr_msg < 100)
        vioapic_eoi(&io, vector);
}

static const struct vioapic_ops ops = { .deliver = record };

static int setup(void **state)
{
    (void)state;
    nr_msg = 0;
    eoi_in_callback = false;
    memset(&io, 0xa5, sizeof(io));
    assert_int_equal(vioapic_init(&io, 4, &ops, &io), 0);
    return 0;
}

static uint32_t rd(uint32_t idx)
{
    uint64_t val = 0xdead;

    assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, 4, idx), 0);
    assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_IOWIN, 4, &val), 0);
    return (uint32_t)val;
}

static void wr(uint32_t idx, uint32_t val)
{
    assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, 4, idx), 0);
    assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_IOWIN, 4, val), 0);
}

static void set_rte(unsigned int pin, uint32_t lo, uint8_t dest)
{
    wr(VIOAPIC_REG_REDIR + 2 * pin + 1, (uint32_t)dest << 24);
    wr(VIOAPIC_REG_REDIR + 2 * pin, lo);
}

static uint32_t rte_lo(unsigned int pin)
{
    return rd(VIOAPIC_REG_REDIR + 2 * pin);
}

static void test_registers(void **state)
{
    uint64_t val;

    (void)state;
    assert_int_equal(rd(VIOAPIC_REG_ID), 4U << 24);
    assert_int_equal(rd(VIOAPIC_REG_VERSION), 0x00170011);
    assert_int_equal(rd(VIOAPIC_REG_ARB), 4U << 24);
    wr(VIOAPIC_REG_ID, 0xffffffff);
    assert_int_equal(rd(VIOAPIC_REG_ID), 0x0f000000);
    assert_int_equal(rd(VIOAPIC_REG_ARB), 0x0f000000);
    wr(VIOAPIC_REG_VERSION, 0);
    wr(VIOAPIC_REG_ARB, 0);
    assert_int_equal(rd(VIOAPIC_REG_VERSION), 0x00170011);
    assert_int_equal(rd(VIOAPIC_REG_ARB), 0x0f000000);
    /* IOREGSEL keeps 8 bits; unimplemented indices read 0. */
    assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, 4, 0x1234), 0);
    assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_IOREGSEL, 4, &val), 0);
    assert_int_equal(val, 0x34);
    for (uint32_t idx = 0x03; idx < 0x10; idx++)
        assert_int_equal(rd(idx), 0);
    wr(0x40, 0x12345678);
    assert_int_equal(rd(0x40), 0);
    assert_int_equal(rd(0xff), 0);
    /* Only dword accesses at 0x00 / 0x10 decode; outside: unclaimed. */
    for (unsigned int size = 1; size <= 8; size *= 2) {
        if (size == 4)
            continue;
        val = 0x77;
        assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_IOREGSEL, size, &val),
                         0);
        assert_int_equal(val, 0);
        assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, size, 1), 0);
    }
    assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_IOREGSEL, 4, &val), 0);
    assert_int_equal(val, 0xff);
    assert_int_equal(vioapic_mmio_read(&io, 0x20, 4, &val), 0);
    assert_int_equal(val, 0);
    assert_int_equal(vioapic_mmio_read(&io, 0x1000, 4, &val), -EINVAL);
    assert_int_equal(vioapic_mmio_write(&io, 0x1000, 4, 0), -EINVAL);
}

static void test_redirection_entries(void **state)
{
    (void)state;
    for (unsigned int pin = 0; pin < VIOAPIC_NR_PINS; pin++) {
        assert_int_equal(rte_lo(pin), 0x00010000);
        assert_int_equal(rd(VIOAPIC_REG_REDIR + 2 * pin + 1), 0);
    }
    /* Delivery status (12) and Remote IRR (14) are read-only, reserved
     * bits read 0. Stay masked so nothing is delivered. */
    wr(VIOAPIC_REG_REDIR + 6, 0xffffffff);
    assert_int_equal(rte_lo(3), 0x0001afff);
    wr(VIOAPIC_REG_REDIR + 7, 0xffffffff);
    assert_int_equal(rd(VIOAPIC_REG_REDIR + 7), 0xff000000);
    assert_int_equal(rte_lo(2), 0x00010000); /* neighbours untouched */
    assert_int_equal(rte_lo(4), 0x00010000);
    wr(VIOAPIC_REG_REDIR + 2 * 23, 0x00000031);
    assert_int_equal(rte_lo(23), 0x31);
    assert_int_equal(nr_msg, 0);
    /* Reset masks everything again and restores the ID. */
    wr(VIOAPIC_REG_ID, 0x01000000);
    vioapic_reset(&io);
    assert_int_equal(rte_lo(23), 0x00010000);
    assert_int_equal(rd(VIOAPIC_REG_ID), 4U << 24);
}

/* One table row: an entry, a sequence of line levels, the deliveries
 * expected after each step. */
static void test_edge_level_polarity(void **state)
{
    static const struct {
        const char *what;
        uint32_t lo;
        bool lines[6];
        int delivered[6]; /* running count after each step */
    } t[] = {
        { "edge high", 0x0031, { 1, 1, 0, 1, 0, 0 }, { 1, 1, 1, 2, 2, 2 } },
        { "edge low", 0x2031, { 1, 0, 0, 1, 0, 1 }, { 0, 1, 1, 1, 2, 2 } },
        { "edge masked", 0x10031, { 1, 0, 1, 0, 1, 0 }, { 0, 0, 0, 0, 0, 0 } },
        { "level high", 0x8031, { 1, 1, 0, 1, 1, 0 }, { 1, 1, 1, 1, 1, 1 } },
        { "level low", 0xa031, { 1, 0, 0, 1, 0, 0 }, { 0, 1, 1, 1, 1, 1 } },
        { "level masked", 0x18031, { 1, 0, 1, 1, 0, 1 }, { 0, 0, 0, 0, 0, 0 } },
        /* NMI ignores level: Remote IRR would never be cleared. */
        { "nmi level", 0x8400, { 1, 1, 0, 1, 0, 1 }, { 1, 1, 1, 2, 2, 3 } },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        setup(NULL);
        /* Start from the line's idle level for active-low entries. */
        if (t[i].lo & VIOAPIC_RTE_POLARITY_LOW)
            vioapic_set_irq(&io, 5, true);
        set_rte(5, t[i].lo, 2);
        for (int s = 0; s < 6; s++) {
            vioapic_set_irq(&io, 5, t[i].lines[s]);
            if (nr_msg != t[i].delivered[s])
                fail_msg("%s: step %d: %d deliveries, expected %d", t[i].what,
                         s, nr_msg, t[i].delivered[s]);
        }
    }
}

static void test_message_fields(void **state)
{
    (void)state;
    set_rte(9, 0x8000 | 0x0800 | 0x0100 | 0x51, 0x0c); /* level, logical,
                                                          lowest */
    set_rte(1, 0x0041, 3);
    vioapic_set_irq(&io, 9, true);
    vioapic_set_irq(&io, 1, true);
    assert_int_equal(nr_msg, 2);
    assert_int_equal(msgs[0].dest, 0x0c);
    assert_true(msgs[0].logical);
    assert_int_equal(msgs[0].dm, VLAPIC_DM_LOWEST);
    assert_int_equal(msgs[0].vector, 0x51);
    assert_true(msgs[0].level);
    assert_int_equal(msgs[1].dest, 3);
    assert_false(msgs[1].logical);
    assert_int_equal(msgs[1].dm, VLAPIC_DM_FIXED);
    assert_int_equal(msgs[1].vector, 0x41);
    assert_false(msgs[1].level);
    /* Out-of-range pins are ignored. */
    vioapic_set_irq(&io, 24, true);
    vioapic_irq_line_set(&io, 31, true);
    assert_int_equal(nr_msg, 2);
}

static void test_remote_irr_and_eoi(void **state)
{
    (void)state;
    set_rte(10, 0x8061, 1);
    vioapic_set_irq(&io, 10, true);
    assert_int_equal(nr_msg, 1);
    assert_int_equal(rte_lo(10), 0xc061);
    /* Wrong vector: nothing. */
    vioapic_eoi(&io, 0x62);
    assert_int_equal(rte_lo(10), 0xc061);
    /* Storm guard: a line held asserted gives exactly one per EOI. */
    for (int i = 0; i < 5; i++) {
        vioapic_set_irq(&io, 10, true);
        assert_int_equal(nr_msg, 1 + i);
        vioapic_eoi(&io, 0x61);
        assert_int_equal(nr_msg, 2 + i);
        assert_int_equal(rte_lo(10), 0xc061);
    }
    /* Deasserted before the EOI: Remote IRR clears, no redelivery. */
    vioapic_set_irq(&io, 10, false);
    vioapic_eoi(&io, 0x61);
    assert_int_equal(nr_msg, 6);
    assert_int_equal(rte_lo(10), 0x8061);
    /* Two pins sharing a vector: one EOI serves both. */
    set_rte(11, 0x8061, 1);
    vioapic_set_irq(&io, 10, true);
    vioapic_set_irq(&io, 11, true);
    assert_int_equal(nr_msg, 8);
    vioapic_set_irq(&io, 10, false);
    vioapic_eoi(&io, 0x61);
    assert_int_equal(nr_msg, 9);
    assert_int_equal(rte_lo(10), 0x8061);
    assert_int_equal(rte_lo(11), 0xc061);
}

static void test_storm_guard_reentrant(void **state)
{
    (void)state;
    /* A CPU that EOIs at once, from inside the delivery: still one
     * message per EOI, and no unbounded recursion. */
    eoi_in_callback = true;
    set_rte(7, 0x8071, 0);
    vioapic_set_irq(&io, 7, true);
    assert_int_equal(nr_msg, 100);
    eoi_in_callback = false;
    nr_msg = 0;
    vioapic_eoi(&io, 0x71);
    assert_int_equal(nr_msg, 1);
}

static void test_mask_unmask(void **state)
{
    (void)state;
    set_rte(12, 0x18033, 2); /* level, masked */
    vioapic_set_irq(&io, 12, true);
    assert_int_equal(nr_msg, 0);
    set_rte(12, 0x8033, 2); /* unmask while asserted: delivers */
    assert_int_equal(nr_msg, 1);
    assert_int_equal(msgs[0].vector, 0x33);
    /* Masking keeps Remote IRR; EOI while masked: no redelivery... */
    set_rte(12, 0x18033, 2);
    assert_int_equal(rte_lo(12), 0x1c033);
    vioapic_eoi(&io, 0x33);
    assert_int_equal(rte_lo(12), 0x18033);
    assert_int_equal(nr_msg, 1);
    /* ...until unmasked. */
    set_rte(12, 0x8033, 2);
    assert_int_equal(nr_msg, 2);
    /* Edge: an edge while masked is lost, unmasking does not replay it. */
    set_rte(13, 0x10034, 2);
    vioapic_set_irq(&io, 13, true);
    set_rte(13, 0x0034, 2);
    assert_int_equal(nr_msg, 2);
}

static void test_edge_switch_clears_remote_irr(void **state)
{
    (void)state;
    set_rte(14, 0x8035, 0);
    vioapic_set_irq(&io, 14, true);
    assert_int_equal(rte_lo(14), 0xc035);
    vioapic_set_irq(&io, 14, false);
    /* The stale-Remote-IRR workaround: mask, edge, level, unmask. */
    set_rte(14, 0x10035, 0);
    assert_int_equal(rte_lo(14), 0x10035);
    set_rte(14, 0x18035, 0);
    set_rte(14, 0x8035, 0);
    assert_int_equal(rte_lo(14), 0x8035);
    vioapic_set_irq(&io, 14, true);
    assert_int_equal(nr_msg, 2);
}

static void test_init_checks(void **state)
{
    struct vioapic other;
    static const struct vioapic_ops none = { 0 };

    (void)state;
    assert_int_equal(vioapic_init(&other, 16, &ops, NULL), -EINVAL);
    assert_int_equal(vioapic_init(&other, 1, &none, NULL), -EINVAL);
    assert_int_equal(vioapic_init(&other, 15, &ops, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_registers, setup),
        cmocka_unit_test_setup(test_redirection_entries, setup),
        cmocka_unit_test_setup(test_edge_level_polarity, setup),
        cmocka_unit_test_setup(test_message_fields, setup),
        cmocka_unit_test_setup(test_remote_irr_and_eoi, setup),
        cmocka_unit_test_setup(test_storm_guard_reentrant, setup),
        cmocka_unit_test_setup(test_mask_unmask, setup),
        cmocka_unit_test_setup(test_edge_switch_clears_remote_irr, setup),
        cmocka_unit_test_setup(test_init_checks, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
