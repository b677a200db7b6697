// SPDX-License-Identifier: MIT
/* Unit tests of the ACPI PM timer and PM1a registers (hv/hvm/vpmtimer.c):
 * port sequences at given timer ticks with the values, SCI levels and
 * sleep requests they must produce. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vpmtimer.h>

#define NS 1000000000ull
#define NONE UINT64_MAX

static struct {
    unsigned int calls;
    bool level;
} sci;

static struct {
    unsigned int calls;
    unsigned int typ;
    void *opaque;
} sleeps;

static void record_sci(void *opaque, unsigned int line, bool level)
{
    (void)opaque;
    assert_int_equal(line, 9);
    assert_true(level != sci.level);
    sci.calls++;
    sci.level = level;
}

static void record_sleep(void *opaque, unsigned int slp_typ)
{
    sleeps.calls++;
    sleeps.typ = slp_typ;
    sleeps.opaque = opaque;
}

/* First nanosecond of timer tick t (reference arithmetic in 128 bits). */
static uint64_t tick_ns(uint64_t t)
{
    return (uint64_t)(((unsigned __int128)t * NS + VPMTIMER_HZ - 1) / VPMTIMER_HZ);
}

static void pm_new(struct vpmtimer *pm)
{
    sci.calls = 0;
    sci.level = false;
    sleeps.calls = 0;
    sleeps.typ = 99;
    vpmtimer_init(pm, (struct irq_line){record_sci, NULL, 9}, record_sleep, &sleeps);
}

enum op {
    W,      /* write val (size bytes) to port */
    R,      /* read size bytes at port, expect val */
    BAD,    /* reading and writing size bytes at port must fail */
    POLL,   /* poll, expect the deadline at tick val (NONE: none) */
    SCI,    /* expect the SCI at level val */
    SLEEPS, /* expect val sleep calls so far */
    SLPTYP, /* expect the last sleep call's SLP_TYP to be val */
    BUTTON, /* press the power button */
};

struct step {
    uint64_t tick;
    enum op op;
    uint16_t port;
    unsigned int size;
    uint64_t val;
};

static void run(const char *name, const struct step *s, size_t n)
{
    struct vpmtimer pm;

    pm_new(&pm);
    for (size_t i = 0; i < n; i++, s++) {
        uint64_t t = tick_ns(s->tick), got = 0, want = s->val;
        uint32_t v = 0;

        switch (s->op) {
        case W:
            assert_int_equal(
                vpmtimer_io_write(&pm, t, s->port, s->size, (uint32_t)s->val), 0);
            continue;
        case R:
            assert_int_equal(vpmtimer_io_read(&pm, t, s->port, s->size, &v), 0);
            got = v;
            break;
        case BAD:
            assert_int_equal(vpmtimer_io_read(&pm, t, s->port, s->size, &v), -EINVAL);
            assert_int_equal(vpmtimer_io_write(&pm, t, s->port, s->size, 0xffffffff),
                             -EINVAL);
            continue;
        case POLL:
            got = vpmtimer_poll(&pm, t);
            want = s->val == NONE ? HVM_NO_DEADLINE : tick_ns(s->val);
            break;
        case SCI:
            got = sci.level;
            break;
        case SLEEPS:
            got = sleeps.calls;
            break;
        case SLPTYP:
            got = sleeps.typ;
            assert_ptr_equal(sleeps.opaque, &sleeps);
            break;
        case BUTTON:
            vpmtimer_power_button(&pm, t);
            continue;
        }
        if (got != want)
            fail_msg("%s step %zu (tick %#llx op %d port %#x): got %#llx, want %#llx",
                     name, i, (unsigned long long)s->tick, s->op, s->port,
                     (unsigned long long)got, (unsigned long long)want);
    }
}

static const struct step counter[] = {
    {0, R, 0xb008, 4, 0},
    {3, R, 0xb008, 4, 3},
    {3579545, R, 0xb008, 4, 3579545}, /* one second */
    {0xffffff, R, 0xb008, 4, 0xffffff},
    {0x1000005, R, 0xb008, 4, 5}, /* 24-bit wrap */
    {0x3abcdef, R, 0xb008, 4, 0xabcdef},
    {0x3abcdef, R, 0xb009, 1, 0xcd},
    {0x3abcdef, R, 0xb00a, 2, 0x00ab},
    {0x3abcdef, R, 0xb00b, 1, 0x00},
    {0x3abcdef, W, 0xb008, 4, 0}, /* read-only */
    {0x3abcdef, R, 0xb008, 4, 0xabcdef},
};

/* TMR_STS when bit 23 toggles; SCI only with TMR_EN; write 1 to clear. */
static const struct step tmr_sts[] = {
    {0, POLL, 0, 0, NONE},
    {0, W, 0xb002, 2, 0x0001},
    {0, POLL, 0, 0, 0x800000},
    {0x7fffff, POLL, 0, 0, 0x800000},
    {0x7fffff, SCI, 0, 0, 0},
    {0x800000, POLL, 0, 0, NONE},
    {0x800000, SCI, 0, 0, 1},
    {0x800001, R, 0xb000, 2, 0x0001},
    {0x800001, W, 0xb000, 2, 0x0001},
    {0x800001, SCI, 0, 0, 0},
    {0x800001, R, 0xb000, 2, 0x0000},
    {0x800001, POLL, 0, 0, 0x1000000},
    /* Flag without enable; enabling it later raises the SCI at once. */
    {0x800001, W, 0xb002, 2, 0x0000},
    {0x1000000, POLL, 0, 0, NONE},
    {0x1000000, SCI, 0, 0, 0},
    {0x1000000, R, 0xb000, 4, 0x00000001},
    {0x1000000, W, 0xb002, 1, 0x01},
    {0x1000000, SCI, 0, 0, 1},
    {0x1000000, R, 0xb000, 4, 0x00010001},
    /* Writing 0 clears nothing; clearing another bit keeps TMR_STS. */
    {0x1000000, W, 0xb000, 2, 0x0100},
    {0x1000000, SCI, 0, 0, 1},
    {0x1000000, W, 0xb000, 1, 0x01},
    {0x1000000, SCI, 0, 0, 0},
    /* A gap of many periods sets it once. */
    {0x9000000, R, 0xb000, 2, 0x0001},
};

static const struct step pm1_cnt[] = {
    {0, R, 0xb004, 2, 0x0001},                            /* SCI_EN */
    {0, SLEEPS, 0, 0, 0},      {0, W, 0xb004, 2, 0x2000}, /* S5 */
    {0, SLEEPS, 0, 0, 1},      {0, SLPTYP, 0, 0, 0},      {0, R, 0xb004, 2, 0x0001},
    {0, W, 0xb004, 2, 0x3402}, {0, SLEEPS, 0, 0, 2},      {0, SLPTYP, 0, 0, 5},
    {0, R, 0xb004, 2, 0x1403}, {0, W, 0xb004, 2, 0x1c00}, {0, SLEEPS, 0, 0, 2},
    {0, R, 0xb004, 2, 0x1c01}, {0, W, 0xb005, 1, 0x20},   {0, SLEEPS, 0, 0, 3},
    {0, SLPTYP, 0, 0, 0},      {0, W, 0xb004, 1, 0x04},   {0, R, 0xb004, 2, 0x0001},
    {0, SLEEPS, 0, 0, 3},
};

static const struct step decode[] = {
    {0, BAD, 0xb006, 2, 0},        {0, BAD, 0xb005, 2, 0},  {0, BAD, 0xb007, 1, 0},
    {0, BAD, 0xb00a, 4, 0},        {0, BAD, 0xafff, 1, 0},  {0, BAD, 0xb00c, 1, 0},
    {0, BAD, 0xb000, 3, 0},        {0, BAD, 0xb000, 8, 0},  {0, BAD, 0xb004, 4, 0},
    {0, W, 0xb000, 4, 0x0521ffff}, /* enables: TMR, GBL, PWRBTN, RTC */
    {0, R, 0xb002, 2, 0x0521},     {0, R, 0xb004, 1, 0x01},
};

static const struct step power_button[] = {
    {5, BUTTON, 0, 0, 0},      {5, SCI, 0, 0, 0},    {5, R, 0xb000, 2, 0x0100},
    {5, W, 0xb002, 2, 0x0100}, {5, SCI, 0, 0, 1},    {5, W, 0xb001, 1, 0x01},
    {5, SCI, 0, 0, 0},         {6, BUTTON, 0, 0, 0}, {6, SCI, 0, 0, 1},
};

#define SEQ_TEST(t)                                                                      \
    static void test_##t(void **state)                                                   \
    {                                                                                    \
        (void)state;                                                                     \
        run(#t, t, ARRAY_SIZE(t));                                                       \
    }
SEQ_TEST(counter)
SEQ_TEST(tmr_sts)
SEQ_TEST(pm1_cnt)
SEQ_TEST(decode)
SEQ_TEST(power_button)

/* Readings at arbitrary nanoseconds, up to ten years of uptime, match the
 * exact 128-bit result. */
static void test_counter_exact(void **state)
{
    struct vpmtimer pm;
    uint64_t t = 0;

    (void)state;
    pm_new(&pm);
    for (unsigned int i = 0; i < 2000; i++) {
        uint32_t v;
        uint64_t want = (uint64_t)((unsigned __int128)t * VPMTIMER_HZ / NS) & 0xffffff;

        assert_int_equal(vpmtimer_io_read(&pm, t, 0xb008, 4, &v), 0);
        assert_int_equal(v, want);
        t = t * 3 + 1 + i * 7919;
        if (t > 10ull * 365 * 86400 * NS)
            t %= 10ull * 365 * 86400 * NS;
    }
}

/* The SCI deadline is on time ten years in, and reset lowers the SCI. */
static void test_long_uptime_and_reset(void **state)
{
    struct vpmtimer pm;
    uint64_t t = 10ull * 365 * 86400 * NS, tick, next;

    (void)state;
    pm_new(&pm);
    tick = (uint64_t)((unsigned __int128)t * VPMTIMER_HZ / NS);
    /* Years of toggles since the last look: TMR_STS is set, so enabling
     * it raises the SCI; clearing it arms the next toggle. */
    assert_int_equal(vpmtimer_io_write(&pm, t, 0xb002, 2, VPMTIMER_TMR_EN), 0);
    assert_true(sci.level);
    assert_int_equal(vpmtimer_io_write(&pm, t, 0xb000, 2, VPMTIMER_TMR_STS), 0);
    next = vpmtimer_poll(&pm, t);
    assert_int_equal(next, tick_ns(((tick >> 23) + 1) << 23));
    assert_false(sci.level);
    assert_int_equal(vpmtimer_poll(&pm, next), HVM_NO_DEADLINE);
    assert_true(sci.level);
    vpmtimer_reset(&pm);
    assert_false(sci.level);
    assert_int_equal(sci.calls, 4);
    /* No callback: SLP_EN is harmless. */
    vpmtimer_init(&pm, (struct irq_line){0}, NULL, NULL);
    assert_int_equal(vpmtimer_io_write(&pm, 0, 0xb004, 2, VPMTIMER_SLP_EN), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter),
        cmocka_unit_test(test_tmr_sts),
        cmocka_unit_test(test_pm1_cnt),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_power_button),
        cmocka_unit_test(test_counter_exact),
        cmocka_unit_test(test_long_uptime_and_reset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
