// SPDX-License-Identifier: MIT
/* Unit tests of the 8254 PIT (hv/hvm/vpit.c): port sequences at given PIT
 * clock ticks with the values and IRQ 0 pulses they must produce, plus
 * simulated runs (100 Hz for seconds, Linux's TSC calibration loops). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vpit.h>

#define NS 1000000000ull

/* IRQ 0 activity: rising edges, and a check that every one is a pulse. */
static struct {
    unsigned int rises, falls;
    bool level;
    uint64_t last_rise_ns;
} irq0;
static uint64_t now_ns;

static void record_irq0(void *opaque, unsigned int line, bool level)
{
    (void)opaque;
    assert_int_equal(line, 0);
    assert_true(level != irq0.level);
    irq0.level = level;
    if (level) {
        irq0.rises++;
        irq0.last_rise_ns = now_ns;
    } else {
        irq0.falls++;
    }
}

/* First nanosecond of PIT clock tick t, and the tick of a time (reference
 * arithmetic in 128 bits). */
static uint64_t tick_ns(uint64_t t)
{
    return (uint64_t)(((unsigned __int128)t * NS + VPIT_HZ - 1) / VPIT_HZ);
}

static uint64_t ns_tick(uint64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * VPIT_HZ / NS);
}

static void pit_new(struct vpit *pit)
{
    irq0.rises = irq0.falls = 0;
    irq0.level = false;
    now_ns = 0;
    vpit_init(pit, (struct irq_line){record_irq0, NULL, 0});
}

static void out(struct vpit *pit, uint64_t t, uint16_t port, uint8_t v)
{
    now_ns = t;
    assert_int_equal(vpit_io_write(pit, t, port, 1, v), 0);
}

static uint8_t in(struct vpit *pit, uint64_t t, uint16_t port)
{
    uint32_t v = 0xdead;

    now_ns = t;
    assert_int_equal(vpit_io_read(pit, t, port, 1, &v), 0);
    assert_true(v <= 0xff);
    return (uint8_t)v;
}

static uint64_t poll(struct vpit *pit, uint64_t t)
{
    now_ns = t;
    return vpit_poll(pit, t);
}

enum op {
    W,      /* write val to port */
    R,      /* read port, expect val */
    R61,    /* read port 0x61, expect val ignoring the refresh toggle */
    POLL,   /* poll, expect the next edge at tick val (NONE: no deadline) */
    PULSES, /* expect val IRQ 0 pulses so far */
};
#define NONE UINT32_MAX

struct step {
    uint64_t tick;
    enum op op;
    uint16_t port;
    uint32_t val;
};

static void run(const char *name, const struct step *s, size_t n)
{
    struct vpit pit;

    pit_new(&pit);
    for (size_t i = 0; i < n; i++, s++) {
        uint64_t t = tick_ns(s->tick), got = 0, want = s->val;

        switch (s->op) {
        case W:
            out(&pit, t, s->port, (uint8_t)s->val);
            continue;
        case R:
            got = in(&pit, t, s->port);
            break;
        case R61:
            got = in(&pit, t, s->port) & ~VPIT_61_REFRESH;
            break;
        case POLL:
            got = poll(&pit, t);
            want = s->val == NONE ? HVM_NO_DEADLINE : tick_ns(s->val);
            break;
        case PULSES:
            got = irq0.rises;
            break;
        }
        if (got != want)
            fail_msg("%s step %zu (tick %llu op %d port %#x): got %#llx, want %#llx",
                     name, i, (unsigned long long)s->tick, s->op, s->port,
                     (unsigned long long)got, (unsigned long long)want);
    }
    assert_int_equal(irq0.rises, irq0.falls);
}

/* Mode 2, count 0x1234: latch, repeated latch, read-back of count and
 * status, null count of a freshly programmed counter. */
static const struct step latch_readback[] = {
    {0, W, 0x43, 0x34},    {0, W, 0x40, 0x34},    {0, W, 0x40, 0x12},
    {100, W, 0x43, 0x00},  {200, W, 0x43, 0x00}, /* ignored: not read yet */
    {250, R, 0x40, 0xd0},  {260, R, 0x40, 0x11}, /* 0x1234 - 100 */
    {300, W, 0x43, 0xc2},  {400, R, 0x40, 0xb4}, /* status: OUT, mode 2, lo/hi */
    {400, R, 0x40, 0x08},  {400, R, 0x40, 0x11}, /* 0x1234 - 300 */
    {500, W, 0x43, 0xe2},  {500, R, 0x40, 0xb4}, /* status only */
    {600, R, 0x40, 0xdc},  {600, R, 0x40, 0x0f}, /* then live: 0x1234 - 600 */
    {700, W, 0x43, 0xda},  {800, R, 0x40, 0x78}, /* counts of 0 and 2 */
    {800, R, 0x40, 0x0f},  {800, R, 0x42, 0x00},  {800, R, 0x42, 0x00},
    {900, W, 0x43, 0xb0},  {900, W, 0x43, 0xe8},  {900, R, 0x42, 0x70}, /* null */
    {1000, W, 0x42, 0x10}, {1000, W, 0x42, 0x00}, {1000, W, 0x43, 0xe8},
    {1001, R, 0x42, 0x30},
};

static const struct step mode0_oneshot[] = {
    {10, W, 0x43, 0x30},   {10, POLL, 0, NONE},      {10, W, 0x40, 0xe8},
    {10, W, 0x40, 0x03},   {10, POLL, 0, 1010},      {1009, POLL, 0, 1010},
    {1009, PULSES, 0, 0},  {1010, POLL, 0, NONE},    {1010, PULSES, 0, 1},
    {1015, W, 0x43, 0x00}, {1015, R, 0x40, 0xfb}, /* wrapped: 0xffff - 4 */
    {1016, R, 0x40, 0xff}, {5000000, POLL, 0, NONE}, {5000000, PULSES, 0, 1},
};

static const struct step mode4_strobe[] = {
    {0, W, 0x43, 0x38}, {0, W, 0x40, 100},    {0, W, 0x40, 0},
    {0, POLL, 0, 101},  {50, W, 0x40, 200},   {50, W, 0x40, 0}, /* restart */
    {60, POLL, 0, 251}, {251, POLL, 0, NONE}, {251, PULSES, 0, 1},
};

static const struct step bcd[] = {
    {0, W, 0x43, 0x31},    {0, W, 0x40, 0x00},      {0, W, 0x40, 0x01}, /* 100 */
    {1, W, 0x43, 0x00},    {1, R, 0x40, 0x99},      {1, R, 0x40, 0x00},
    {1, POLL, 0, 100},     {100, POLL, 0, NONE},    {100, PULSES, 0, 1},
    {200, W, 0x43, 0x35},  {200, W, 0x40, 0},       {200, W, 0x40, 0}, /* 10000 */
    {201, POLL, 0, 10200}, {10200, POLL, 0, 20200},
};

static const struct step byte_access[] = {
    {0, W, 0x43, 0x10},   {0, W, 0x40, 0x50},   {0, POLL, 0, 0x50},
    {100, W, 0x43, 0x20}, {100, W, 0x40, 0x01}, {110, R, 0x40, 0x00},
    {110, POLL, 0, 356},  {356, POLL, 0, NONE}, {356, PULSES, 0, 2},
};

/* A new count in mode 2 waits for the end of the current period. */
static const struct step mode2_rewrite[] = {
    {0, W, 0x43, 0x34},    {0, W, 0x40, 0xe8},    {0, W, 0x40, 0x03},
    {250, W, 0x40, 0xf4},  {250, W, 0x40, 0x01},  {250, POLL, 0, 1000},
    {300, W, 0x43, 0xe2},  {300, R, 0x40, 0xf4}, /* OUT, null count */
    {1000, POLL, 0, 1500}, {1000, PULSES, 0, 1},  {1200, R, 0x40, 0x2c},
    {1200, R, 0x40, 0x01}, {1500, POLL, 0, 2000}, {1500, PULSES, 0, 2},
};

/* OUT rising on a control word is an edge like any other. */
static const struct step reprogram_edge[] = {
    {0, W, 0x43, 0x30}, {5, PULSES, 0, 0},  {5, W, 0x43, 0x34},
    {5, PULSES, 0, 1},  {5, POLL, 0, NONE},
};

static const struct step mode3_irq[] = {
    {0, W, 0x43, 0x36},  {0, W, 0x40, 100},   {0, W, 0x40, 0},
    {0, POLL, 0, 100},   {100, POLL, 0, 200}, {100, PULSES, 0, 1},
    {350, POLL, 0, 400}, {350, PULSES, 0, 2}, /* 200 and 300 merge */
};

static const struct step mode3_out2[] = {
    {0, W, 0x61, 0x01},     {0, W, 0x43, 0xb6},      {0, W, 0x42, 0xe8},
    {0, W, 0x42, 0x03},     {10, R61, 0x61, 0x21},   {499, R61, 0x61, 0x21},
    {500, R61, 0x61, 0x01}, {999, R61, 0x61, 0x01},  {1000, R61, 0x61, 0x21},
    {1010, R, 0x42, 0xd4},  {1010, R, 0x42, 0x03},   /* 1000 - 2 * 10 */
    {1600, W, 0x61, 0x00},  {1601, R61, 0x61, 0x20}, /* gate low: OUT high */
    {2000, W, 0x61, 0x01},  {2499, R61, 0x61, 0x21}, {2500, R61, 0x61, 0x01},
    {2500, PULSES, 0, 0},
};

static const struct step gate_pauses_mode0[] = {
    {0, W, 0x61, 0x01},      {0, W, 0x43, 0xb0},        {0, W, 0x42, 0xe8},
    {0, W, 0x42, 0x03},      {500, W, 0x61, 0x00},      {500, R61, 0x61, 0x00},
    {99999, W, 0x43, 0x80},  {100000, R, 0x42, 0xf4},   {100000, R, 0x42, 0x01},
    {200000, W, 0x61, 0x01}, {200499, R61, 0x61, 0x01}, {200500, R61, 0x61, 0x21},
};

static const struct step mode1_mode5[] = {
    {0, W, 0x43, 0xb2},     {0, W, 0x42, 100},      {0, W, 0x42, 0},
    {10, R61, 0x61, 0x20},  {20, W, 0x61, 0x01},    {21, R61, 0x61, 0x01},
    {119, R61, 0x61, 0x01}, {120, R61, 0x61, 0x21}, {200, W, 0x61, 0x00},
    {210, W, 0x61, 0x01},   {211, R61, 0x61, 0x01}, {310, R61, 0x61, 0x21},
    {400, W, 0x61, 0x00},   {400, W, 0x43, 0xba},   {400, W, 0x42, 50},
    {400, W, 0x42, 0},      {420, W, 0x61, 0x01},   {469, R61, 0x61, 0x21},
    {470, R61, 0x61, 0x01}, {471, R61, 0x61, 0x21},
};

#define SEQ_TEST(t)                                                                      \
    static void test_##t(void **state)                                                   \
    {                                                                                    \
        (void)state;                                                                     \
        run(#t, t, ARRAY_SIZE(t));                                                       \
    }
SEQ_TEST(latch_readback)
SEQ_TEST(mode0_oneshot)
SEQ_TEST(mode4_strobe)
SEQ_TEST(bcd)
SEQ_TEST(byte_access)
SEQ_TEST(mode2_rewrite)
SEQ_TEST(reprogram_edge)
SEQ_TEST(mode3_irq)
SEQ_TEST(mode3_out2)
SEQ_TEST(gate_pauses_mode0)
SEQ_TEST(mode1_mode5)

static void program_mode2(struct vpit *pit, uint64_t t, uint16_t count)
{
    out(pit, t, 0x43, 0x34);
    out(pit, t, 0x40, count & 0xff);
    out(pit, t, 0x40, count >> 8);
}

/* ~100 Hz for 100 s, polled exactly at each deadline: every edge on time,
 * floor(100 s * 1193182 / 11932) of them, no drift. */
static void test_mode2_100hz(void **state)
{
    struct vpit pit;
    uint64_t t = 0, k = 0, in_first_second = 0;

    (void)state;
    pit_new(&pit);
    program_mode2(&pit, 0, 11932);
    assert_int_equal(irq0.rises, 0);
    for (;;) {
        uint64_t next = poll(&pit, t);

        assert_int_equal(irq0.rises, k);
        assert_true(next > t);
        if (next > NS && !in_first_second)
            in_first_second = k;
        if (next > 100 * NS)
            break;
        k++;
        assert_int_equal(next, tick_ns(k * 11932));
        t = next;
    }
    assert_int_equal(k, 100 * VPIT_HZ / 11932);
    assert_int_equal(pit.missed_ticks, 0);
    /* The first second holds 99 edges (100 * 11932 > 1193182). */
    assert_int_equal(in_first_second, 99);
}

/* Polls every 1 ms see each edge; polls every 25 ms merge two or three
 * edges into one pulse, and the grid stays where it was. */
static void test_coarse_polls(void **state)
{
    struct vpit pit;
    uint64_t next = 0;

    (void)state;
    pit_new(&pit);
    program_mode2(&pit, 0, 11932);
    for (uint64_t t = 1000000; t <= NS; t += 1000000)
        poll(&pit, t);
    assert_int_equal(irq0.rises, 99);
    pit_new(&pit);
    program_mode2(&pit, 0, 11932);
    for (uint64_t t = 25000000; t <= NS; t += 25000000)
        next = poll(&pit, t);
    assert_int_equal(irq0.rises, 40);
    assert_int_equal(pit.missed_ticks, 99 - 40);
    assert_int_equal(next, tick_ns(100 * 11932));
}

/* Linux's pit_calibrate_tsc(): gate on, counter 2 mode 0 with a 50 ms
 * count, busy-poll port 0x61 bit 5. */
static void test_linux_calibrate(void **state)
{
    struct vpit pit;
    const uint16_t latch = VPIT_HZ / 20;
    uint64_t t, start = 6000, expect;

    (void)state;
    pit_new(&pit);
    t = 5000;
    out(&pit, t, 0x61, (in(&pit, t, 0x61) & ~0x02) | 0x01);
    out(&pit, start, 0x43, 0xb0);
    out(&pit, start, 0x42, latch & 0xff);
    out(&pit, start, 0x42, latch >> 8);
    expect = tick_ns(ns_tick(start) + latch);
    for (t = start; t < NS && !(in(&pit, t, 0x61) & 0x20); t += 10000)
        ;
    assert_true(t >= expect && t < expect + 10000);
    assert_int_equal(in(&pit, t, 0x61) & 0x03, 0x01);
    assert_int_equal(irq0.rises, 0);
}

/* quick_pit_calibrate(): counter 2 mode 0 from 0xffff, pairs of unlatched
 * reads of port 0x42 (LSB then MSB) track the count. */
static void test_quick_calibrate(void **state)
{
    struct vpit pit;
    uint64_t t0 = 1000;

    (void)state;
    pit_new(&pit);
    out(&pit, t0, 0x61, 0x01);
    out(&pit, t0, 0x43, 0xb0);
    out(&pit, t0, 0x42, 0xff);
    out(&pit, t0, 0x42, 0xff);
    for (uint64_t t = t0 + 1000; t < t0 + 50000000; t += 777777) {
        uint16_t want_lo = (uint16_t)(0xffff - (ns_tick(t) - ns_tick(t0)));
        uint16_t want_hi = (uint16_t)(0xffff - (ns_tick(t + 500) - ns_tick(t0)));

        assert_int_equal(in(&pit, t, 0x42), want_lo & 0xff);
        assert_int_equal(in(&pit, t + 500, 0x42), want_hi >> 8);
    }
}

/* Ten years of uptime: the arithmetic neither overflows nor drifts. */
static void test_long_uptime(void **state)
{
    struct vpit pit;
    uint64_t t = 10ull * 365 * 86400 * NS, next;

    (void)state;
    pit_new(&pit);
    program_mode2(&pit, t, 1193);
    next = poll(&pit, t);
    assert_int_equal(next, tick_ns(ns_tick(t) + 1193));
    assert_int_equal(poll(&pit, next), tick_ns(ns_tick(t) + 2 * 1193));
    assert_int_equal(irq0.rises, 1);
}

static void test_io_errors(void **state)
{
    struct vpit pit;
    uint32_t v;
    bool seen[2] = {false, false};

    (void)state;
    pit_new(&pit);
    assert_int_equal(vpit_io_read(&pit, 0, 0x40, 2, &v), -EINVAL);
    assert_int_equal(vpit_io_write(&pit, 0, 0x44, 1, 0), -EINVAL);
    assert_int_equal(vpit_io_read(&pit, 0, 0x60, 1, &v), -EINVAL);
    assert_int_equal(in(&pit, 0, 0x43), 0xff);
    /* Refresh toggles every 15.085 us. */
    for (uint64_t t = 0; t < 100000; t += 5000)
        seen[(in(&pit, t, 0x61) >> 4) & 1] = true;
    assert_true(seen[0] && seen[1]);
    assert_int_equal(in(&pit, 0, 0x61) & VPIT_61_REFRESH, 0);
    assert_int_equal(in(&pit, 15085, 0x61) & VPIT_61_REFRESH, VPIT_61_REFRESH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latch_readback),  cmocka_unit_test(test_mode0_oneshot),
        cmocka_unit_test(test_mode4_strobe),    cmocka_unit_test(test_bcd),
        cmocka_unit_test(test_byte_access),     cmocka_unit_test(test_mode2_rewrite),
        cmocka_unit_test(test_reprogram_edge),  cmocka_unit_test(test_mode3_irq),
        cmocka_unit_test(test_mode3_out2),      cmocka_unit_test(test_gate_pauses_mode0),
        cmocka_unit_test(test_mode1_mode5),     cmocka_unit_test(test_mode2_100hz),
        cmocka_unit_test(test_coarse_polls),    cmocka_unit_test(test_linux_calibrate),
        cmocka_unit_test(test_quick_calibrate), cmocka_unit_test(test_long_uptime),
        cmocka_unit_test(test_io_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
