// SPDX-License-Identifier: MIT
/* Unit tests of the MC146818 RTC/CMOS (hv/hvm/vrtc.c): register sequences
 * at given guest times with the values, deadlines and IRQ 8 levels they
 * must produce; the calendar against the host's gmtime_r(). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vrtc.h>

#define MS 1000000ull
#define SEC 1000000000ull
#define NONE UINT64_MAX

static struct {
    unsigned int calls;
    bool level;
} irq8;

static void record_irq8(void *opaque, unsigned int line, bool level)
{
    (void)opaque;
    assert_int_equal(line, 8);
    assert_true(level != irq8.level);
    irq8.calls++;
    irq8.level = level;
}

static void rtc_new(struct vrtc *rtc, uint64_t wall)
{
    irq8.calls = 0;
    irq8.level = false;
    vrtc_init(rtc, (struct irq_line){record_irq8, NULL, 8}, wall);
}

static void wr(struct vrtc *rtc, uint64_t t, uint8_t reg, uint8_t val)
{
    assert_int_equal(vrtc_io_write(rtc, t, 0x70, 1, reg), 0);
    assert_int_equal(vrtc_io_write(rtc, t, 0x71, 1, val), 0);
}

static uint8_t rd(struct vrtc *rtc, uint64_t t, uint8_t reg)
{
    uint32_t v = 0xdead;

    assert_int_equal(vrtc_io_write(rtc, t, 0x70, 1, reg), 0);
    assert_int_equal(vrtc_io_read(rtc, t, 0x71, 1, &v), 0);
    assert_true(v <= 0xff);
    return (uint8_t)v;
}

enum op {
    WR,   /* write val to register reg */
    RD,   /* read register reg, expect val */
    POLL, /* poll, expect deadline val (NONE: no deadline) */
    IRQ,  /* expect IRQ 8 at level val */
};

struct step {
    uint64_t t;
    enum op op;
    uint8_t reg;
    uint64_t val;
};

static void run(const char *name, uint64_t wall, const struct step *s, size_t n)
{
    struct vrtc rtc;

    rtc_new(&rtc, wall);
    for (size_t i = 0; i < n; i++, s++) {
        uint64_t got = 0;

        switch (s->op) {
        case WR:
            wr(&rtc, s->t, s->reg, (uint8_t)s->val);
            continue;
        case RD:
            got = rd(&rtc, s->t, s->reg);
            break;
        case POLL:
            got = vrtc_poll(&rtc, s->t);
            break;
        case IRQ:
            got = irq8.level;
            break;
        }
        if (got != s->val)
            fail_msg("%s step %zu (t %llu op %d reg %#x): got %#llx, want %#llx", name, i,
                     (unsigned long long)s->t, s->op, s->reg, (unsigned long long)got,
                     (unsigned long long)s->val);
    }
}

/* 2024-02-29 13:45:56 UTC, a Thursday. */
#define LEAP_DAY 1709214356ull

static const struct step read_bcd[] = {
    {0, RD, VRTC_SEC, 0x56},         {0, RD, VRTC_MIN, 0x45},
    {0, RD, VRTC_HOUR, 0x13},        {0, RD, VRTC_WDAY, 5},
    {0, RD, VRTC_MDAY, 0x29},        {0, RD, VRTC_MONTH, 0x02},
    {0, RD, VRTC_YEAR, 0x24},        {0, RD, VRTC_CENTURY, 0x20},
    {0, RD, VRTC_REG_A, 0x26},       {0, RD, VRTC_REG_B, 0x02},
    {0, RD, VRTC_REG_C, 0x00},       {0, RD, VRTC_REG_D, 0x80},
    {3999 * MS, RD, VRTC_SEC, 0x59}, {4 * SEC, RD, VRTC_SEC, 0x00},
    {4 * SEC, RD, VRTC_MIN, 0x46},
};

static const struct step read_binary[] = {
    {0, WR, VRTC_REG_B, 0x06}, {0, RD, VRTC_SEC, 56},     {0, RD, VRTC_MIN, 45},
    {0, RD, VRTC_HOUR, 13},    {0, RD, VRTC_MDAY, 29},    {0, RD, VRTC_MONTH, 2},
    {0, RD, VRTC_YEAR, 24},    {0, RD, VRTC_CENTURY, 20}, {0, RD, VRTC_WDAY, 5},
    {0, WR, VRTC_REG_B, 0x04}, {0, RD, VRTC_HOUR, 0x81}, /* binary, 12 h: 1 PM */
    {0, WR, VRTC_REG_B, 0x00}, {0, RD, VRTC_HOUR, 0x81}, /* BCD, 12 h */
};

static const struct step midnight_12h[] = {
    {0, WR, VRTC_REG_B, 0x00},
    {0, RD, VRTC_HOUR, 0x12}, /* 12 AM */
    {0, WR, VRTC_REG_B, 0x02},
    {0, RD, VRTC_HOUR, 0x00},
};

static const struct step noon_12h[] = {
    {0, WR, VRTC_REG_B, 0x00},
    {0, RD, VRTC_HOUR, 0x92}, /* 12 PM */
    {0, WR, VRTC_REG_B, 0x02},
    {0, RD, VRTC_HOUR, 0x12},
};

/* 2099-12-31 23:59:59 then the next century. */
static const struct step century[] = {
    {0, RD, VRTC_CENTURY, 0x20}, {SEC, RD, VRTC_SEC, 0x00},
    {SEC, RD, VRTC_HOUR, 0x00},  {SEC, RD, VRTC_WDAY, 6},
    {SEC, RD, VRTC_MDAY, 0x01},  {SEC, RD, VRTC_MONTH, 0x01},
    {SEC, RD, VRTC_YEAR, 0x00},  {SEC, RD, VRTC_CENTURY, 0x21},
};

/* 2100-02-28 23:59:59: 2100 is not a leap year. */
static const struct step not_leap_2100[] = {
    {SEC, RD, VRTC_MDAY, 0x01},
    {SEC, RD, VRTC_MONTH, 0x03},
    {SEC, RD, VRTC_WDAY, 2},
};

/* SET freezes the registers; written values become the time when SET
 * clears, and seconds keep their phase. */
static const struct step set_time[] = {
    {300 * MS, WR, VRTC_REG_B, 0x92},
    {300 * MS, RD, VRTC_REG_B, 0x82}, /* UIE cleared */
    {2 * SEC, RD, VRTC_SEC, 0x56},
    {2 * SEC, RD, VRTC_REG_A, 0x26}, /* no UIP */
    {2 * SEC, WR, VRTC_SEC, 0x00},
    {2 * SEC, WR, VRTC_MIN, 0x30},
    {2 * SEC, WR, VRTC_HOUR, 0x08},
    {2 * SEC, WR, VRTC_MDAY, 0x01},
    {2 * SEC, WR, VRTC_MONTH, 0x01},
    {2 * SEC, WR, VRTC_YEAR, 0x30},
    {2 * SEC, WR, VRTC_WDAY, 0x07},
    {2 * SEC, RD, VRTC_WDAY, 0x07}, /* plain bytes */
    {2500 * MS, WR, VRTC_REG_B, 0x02},
    {2900 * MS, RD, VRTC_SEC, 0x00},
    {3 * SEC, RD, VRTC_SEC, 0x01},
    {5 * SEC, RD, VRTC_SEC, 0x03},
    {5 * SEC, RD, VRTC_MIN, 0x30},
    {5 * SEC, RD, VRTC_HOUR, 0x08},
    {5 * SEC, RD, VRTC_WDAY, 3},
    {5 * SEC, RD, VRTC_YEAR, 0x30},
    {5 * SEC, RD, VRTC_CENTURY, 0x20}, /* 2030-01-01, a Tuesday */
    /* A write without SET changes only that field. */
    {5 * SEC, WR, VRTC_MIN, 0x10},
    {5500 * MS, RD, VRTC_MIN, 0x10},
    {5500 * MS, RD, VRTC_SEC, 0x03},
    {6 * SEC, RD, VRTC_SEC, 0x04},
};

/* Linux's mc146818_set_time(): SET, divider reset, write, restore B then
 * A; the first update comes 500 ms after the divider restarts. */
static const struct step set_time_divider[] = {
    {700 * MS, WR, VRTC_REG_B, 0x82},   {700 * MS, WR, VRTC_REG_A, 0x76},
    {700 * MS, WR, VRTC_SEC, 0x10},     {700 * MS, WR, VRTC_MIN, 0x00},
    {700 * MS, WR, VRTC_REG_B, 0x02},   {750 * MS, RD, VRTC_SEC, 0x10}, /* still held */
    {800 * MS, WR, VRTC_REG_A, 0x26},   {1299 * MS, RD, VRTC_SEC, 0x10},
    {1300 * MS, RD, VRTC_SEC, 0x11},    {2299755000, RD, VRTC_REG_A, 0x26},
    {2299756000, RD, VRTC_REG_A, 0xa6}, /* UIP: the new phase */
    {2300 * MS, RD, VRTC_SEC, 0x12},    {2300 * MS, RD, VRTC_MIN, 0x00},
    {2300 * MS, RD, VRTC_HOUR, 0x13},
};

static const struct step uip[] = {
    {SEC - 244142, RD, VRTC_REG_A, 0x26}, {SEC - 244141, RD, VRTC_REG_A, 0xa6},
    {SEC - 1, RD, VRTC_REG_A, 0xa6},      {SEC, RD, VRTC_REG_A, 0x26},
    {SEC, WR, VRTC_REG_B, 0x82},          {2 * SEC - 1, RD, VRTC_REG_A, 0x26},
};

/* 1024 Hz (RS 6), 8192 Hz (RS 3), 2 Hz (RS 15); PF sets even without
 * PIE; IRQ 8 stays high until C is read. */
static const struct step periodic[] = {
    {0, POLL, 0, NONE},
    {0, WR, VRTC_REG_B, 0x42},
    {0, POLL, 0, 976563},
    {976562, POLL, 0, 976563},
    {976562, IRQ, 0, 0},
    {976563, POLL, 0, NONE},
    {976563, IRQ, 0, 1},
    {3 * MS, POLL, 0, NONE},
    {3 * MS, RD, VRTC_REG_C, 0xc0},
    {3 * MS, IRQ, 0, 0},
    {3 * MS, RD, VRTC_REG_C, 0},
    {3 * MS, POLL, 0, 3906250},
    {3 * MS, WR, VRTC_REG_A, 0x23},
    {3 * MS, POLL, 0, 3051758},
    {3 * MS, WR, VRTC_REG_A, 0x2f},
    {3 * MS, POLL, 0, 500 * MS},
    {3 * MS, WR, VRTC_REG_B, 0x02},
    {3 * MS, POLL, 0, NONE},
    {600 * MS, RD, VRTC_REG_C, 0x40},
    {600 * MS, IRQ, 0, 0},
    {999 * MS, WR, VRTC_REG_B, 0x42}, /* no PF since 600 ms */
    {999 * MS, IRQ, 0, 0},
    {1001 * MS, RD, VRTC_REG_C, 0xd0}, /* PF, UF */
    {1001 * MS, WR, VRTC_REG_A, 0x20},
    {1001 * MS, POLL, 0, NONE}, /* RS 0: off */
    {1001 * MS, WR, VRTC_REG_A, 0x66},
    {5 * SEC, RD, VRTC_REG_C, 0x00}, /* divider reset */
};

/* Enabling PIE with PF already set raises IRQ 8 at once (IRQF is PF.PIE). */
static const struct step pie_late[] = {
    {10 * MS, WR, VRTC_REG_B, 0x42}, {10 * MS, IRQ, 0, 1},
    {10 * MS, WR, VRTC_REG_B, 0x02}, {10 * MS, IRQ, 0, 0},
    {10 * MS, RD, VRTC_REG_C, 0x40},
};

static const struct step alarm[] = {
    {0, WR, VRTC_SEC_ALARM, 0x00},
    {0, WR, VRTC_MIN_ALARM, 0x46},
    {0, WR, VRTC_HOUR_ALARM, 0xff},
    {0, WR, VRTC_REG_B, 0x22},
    {0, POLL, 0, 4 * SEC},
    {3900 * MS, POLL, 0, 4 * SEC},
    {3900 * MS, IRQ, 0, 0},
    {4 * SEC, POLL, 0, NONE},
    {4 * SEC, IRQ, 0, 1},
    {4 * SEC, RD, VRTC_REG_C, 0xf0},
    {4 * SEC, IRQ, 0, 0},
    {4 * SEC, POLL, 0, 3604 * SEC}, /* 14:46:00 */
    /* All don't care: every second. */
    {5 * SEC, WR, VRTC_SEC_ALARM, 0xc0},
    {5 * SEC, WR, VRTC_MIN_ALARM, 0xc0},
    {5500 * MS, POLL, 0, 6 * SEC},
    {6 * SEC, POLL, 0, NONE},
    {6 * SEC, RD, VRTC_REG_C, 0xf0},
    /* An hour no clock shows: never. */
    {6 * SEC, WR, VRTC_HOUR_ALARM, 0x25},
    {6 * SEC, POLL, 0, NONE},
    {9 * SEC, RD, VRTC_REG_C, 0x50},
};

static const struct step update_irq[] = {
    {0, WR, VRTC_REG_B, 0x12}, {500 * MS, POLL, 0, SEC},        {SEC, POLL, 0, NONE},
    {SEC, IRQ, 0, 1},          {SEC, RD, VRTC_REG_C, 0xd0},     {SEC, IRQ, 0, 0},
    {SEC, POLL, 0, 2 * SEC},   {SEC, WR, VRTC_REG_B, 0x92}, /* SET clears UIE */
    {3 * SEC, POLL, 0, NONE},  {3 * SEC, RD, VRTC_REG_C, 0x40},
};

#define SEQ_TEST(t, wall)                                                                \
    static void test_##t(void **state)                                                   \
    {                                                                                    \
        (void)state;                                                                     \
        run(#t, wall, t, ARRAY_SIZE(t));                                                 \
    }
SEQ_TEST(read_bcd, LEAP_DAY)
SEQ_TEST(read_binary, LEAP_DAY)
SEQ_TEST(midnight_12h, 1709164805)
SEQ_TEST(noon_12h, 1709208000)
SEQ_TEST(century, 4102444799)
SEQ_TEST(not_leap_2100, 4107542399)
SEQ_TEST(set_time, LEAP_DAY)
SEQ_TEST(set_time_divider, LEAP_DAY)
SEQ_TEST(uip, LEAP_DAY)
SEQ_TEST(periodic, LEAP_DAY)
SEQ_TEST(pie_late, LEAP_DAY)
SEQ_TEST(alarm, LEAP_DAY)
SEQ_TEST(update_irq, LEAP_DAY)

/* RS 6 for one second, polled at each deadline, C read at each IRQ: 1024
 * interrupts, and a line that rose and fell each time. */
static void test_periodic_count(void **state)
{
    struct vrtc rtc;
    uint64_t t = 0, n = 0;

    (void)state;
    rtc_new(&rtc, LEAP_DAY);
    wr(&rtc, 0, VRTC_REG_B, 0x42);
    while ((t = vrtc_poll(&rtc, t)) <= SEC) {
        assert_int_equal(vrtc_poll(&rtc, t), NONE);
        assert_true(irq8.level);
        assert_int_equal(rd(&rtc, t, VRTC_REG_C) & 0xc0, 0xc0);
        n++;
    }
    assert_int_equal(n, 1024);
    assert_int_equal(irq8.calls, 2 * 1024);
}

/* Every field against the host's gmtime_r(), 1970 to 2200, both modes;
 * and set-time round trips of the same dates. */
static void check_date(uint64_t wall)
{
    struct vrtc rtc;
    struct tm tm;
    time_t tt = (time_t)wall;

    gmtime_r(&tt, &tm);
    rtc_new(&rtc, wall);
    wr(&rtc, 0, VRTC_REG_B, 0x06);
    assert_int_equal(rd(&rtc, 0, VRTC_SEC), tm.tm_sec);
    assert_int_equal(rd(&rtc, 0, VRTC_MIN), tm.tm_min);
    assert_int_equal(rd(&rtc, 0, VRTC_HOUR), tm.tm_hour);
    assert_int_equal(rd(&rtc, 0, VRTC_WDAY), tm.tm_wday + 1);
    assert_int_equal(rd(&rtc, 0, VRTC_MDAY), tm.tm_mday);
    assert_int_equal(rd(&rtc, 0, VRTC_MONTH), tm.tm_mon + 1);
    assert_int_equal(rd(&rtc, 0, VRTC_YEAR), (tm.tm_year + 1900) % 100);
    assert_int_equal(rd(&rtc, 0, VRTC_CENTURY), (tm.tm_year + 1900) / 100);
}

static void test_calendar(void **state)
{
    /* Around the ends of years, centuries and 400-year cycles. */
    static const uint64_t edges[] = {
        0,          68169599,    68169600,    951695999,   951782399,
        951782400,  951868799,   951868800,   978307199,   978307200,
        2147483647, 2147483648,  4102444799,  4102444800,  4107542399,
        4107542400, 13574563199, 13574563200, 13574649600,
    };
    struct vrtc rtc;
    struct tm tm;

    (void)state;
    for (unsigned int i = 0; i < ARRAY_SIZE(edges); i++)
        check_date(edges[i]);
    for (uint64_t wall = 0; wall < 7258118400ull; wall += 86400 * 17 + 3671) {
        time_t tt = (time_t)wall;

        gmtime_r(&tt, &tm);
        rtc_new(&rtc, wall);
        wr(&rtc, 0, VRTC_REG_B, 0x06);
        assert_int_equal(rd(&rtc, 0, VRTC_SEC), tm.tm_sec);
        assert_int_equal(rd(&rtc, 0, VRTC_MIN), tm.tm_min);
        assert_int_equal(rd(&rtc, 0, VRTC_HOUR), tm.tm_hour);
        assert_int_equal(rd(&rtc, 0, VRTC_WDAY), tm.tm_wday + 1);
        assert_int_equal(rd(&rtc, 0, VRTC_MDAY), tm.tm_mday);
        assert_int_equal(rd(&rtc, 0, VRTC_MONTH), tm.tm_mon + 1);
        assert_int_equal(rd(&rtc, 0, VRTC_YEAR), (tm.tm_year + 1900) % 100);
        assert_int_equal(rd(&rtc, 0, VRTC_CENTURY), (tm.tm_year + 1900) / 100);
        /* Set the same date on a clock started elsewhere, in BCD. */
        rtc_new(&rtc, 0);
        wr(&rtc, 0, VRTC_REG_B, 0x82);
        wr(&rtc, 0, VRTC_SEC, (uint8_t)(tm.tm_sec / 10 << 4 | tm.tm_sec % 10));
        wr(&rtc, 0, VRTC_MIN, (uint8_t)(tm.tm_min / 10 << 4 | tm.tm_min % 10));
        wr(&rtc, 0, VRTC_HOUR, (uint8_t)(tm.tm_hour / 10 << 4 | tm.tm_hour % 10));
        wr(&rtc, 0, VRTC_MDAY, (uint8_t)(tm.tm_mday / 10 << 4 | tm.tm_mday % 10));
        wr(&rtc, 0, VRTC_MONTH,
           (uint8_t)((tm.tm_mon + 1) / 10 << 4 | (tm.tm_mon + 1) % 10));
        wr(&rtc, 0, VRTC_YEAR, (uint8_t)(tm.tm_year % 100 / 10 << 4 | tm.tm_year % 10));
        wr(&rtc, 0, VRTC_CENTURY,
           (uint8_t)((tm.tm_year + 1900) / 1000 << 4 | (tm.tm_year + 1900) / 100 % 10));
        wr(&rtc, 0, VRTC_REG_B, 0x02);
        assert_int_equal(rtc.base + 1, (int64_t)wall);
    }
}

/* The alarm deadline against a brute-force search over two days, for
 * random alarm settings (values or don't care) and times. */
static void test_alarm_search(void **state)
{
    struct vrtc rtc;

    (void)state;
    srand(1234);
    for (unsigned int i = 0; i < 300; i++) {
        uint64_t wall = (uint64_t)rand() * 977 % 4000000000u, want = NONE, got;
        int f[3];

        for (unsigned int k = 0; k < 3; k++)
            f[k] = rand() % 3 ? rand() % (k == 2 ? 24 : 60) : -1;
        rtc_new(&rtc, wall);
        wr(&rtc, 0, VRTC_REG_B, 0x26); /* binary, 24 h, AIE */
        wr(&rtc, 0, VRTC_SEC_ALARM, f[0] < 0 ? 0xc0 : (uint8_t)f[0]);
        wr(&rtc, 0, VRTC_MIN_ALARM, f[1] < 0 ? 0xd7 : (uint8_t)f[1]);
        wr(&rtc, 0, VRTC_HOUR_ALARM, f[2] < 0 ? 0xff : (uint8_t)f[2]);
        for (uint64_t s = wall + 1; s <= wall + 2 * 86400; s++) {
            uint64_t tod = s % 86400;

            if ((f[0] < 0 || tod % 60 == (uint64_t)f[0]) &&
                (f[1] < 0 || tod / 60 % 60 == (uint64_t)f[1]) &&
                (f[2] < 0 || tod / 3600 == (uint64_t)f[2])) {
                want = (s - wall) * SEC;
                break;
            }
        }
        got = vrtc_poll(&rtc, 0);
        if (got != want)
            fail_msg("alarm %d:%d:%d at %llu: got %llu want %llu", f[2], f[1], f[0],
                     (unsigned long long)wall, (unsigned long long)got,
                     (unsigned long long)want);
    }
}

static void test_nvram(void **state)
{
    struct vrtc rtc;
    uint32_t v;

    (void)state;
    rtc_new(&rtc, LEAP_DAY);
    wr(&rtc, 0, 0x40, 0x5a);
    assert_int_equal(rd(&rtc, 0, 0x40), 0x5a);
    assert_int_equal(vrtc_io_write(&rtc, 0, 0x70, 1, 0xc0), 0); /* NMI off, 0x40 */
    assert_true(vrtc_nmi_disabled(&rtc));
    assert_int_equal(vrtc_io_read(&rtc, 0, 0x71, 1, &v), 0);
    assert_int_equal(v, 0x5a);
    assert_int_equal(vrtc_io_read(&rtc, 0, 0x70, 1, &v), 0);
    assert_int_equal(v, 0xc0);
    assert_int_equal(vrtc_nvram_set(&rtc, 0x7f, 0x11), 0);
    assert_int_equal(rd(&rtc, 0, 0x7f), 0x11);
    assert_false(vrtc_nmi_disabled(&rtc));
    assert_int_equal(vrtc_nvram_set(&rtc, 0x0d, 1), -EINVAL);
    assert_int_equal(vrtc_nvram_set(&rtc, 0x32, 1), -EINVAL);
    assert_int_equal(vrtc_nvram_set(&rtc, 0x80, 1), -EINVAL);
    wr(&rtc, 0, VRTC_REG_D, 0x00); /* read-only */
    assert_int_equal(rd(&rtc, 0, VRTC_REG_D), 0x80);
    assert_int_equal(vrtc_io_read(&rtc, 0, 0x71, 2, &v), -EINVAL);
    assert_int_equal(vrtc_io_write(&rtc, 0, 0x72, 1, 0), -EINVAL);
    /* NVRAM survives a reset; registers do not. */
    wr(&rtc, 0, VRTC_REG_B, 0x06);
    vrtc_reset(&rtc, LEAP_DAY);
    assert_int_equal(rd(&rtc, 0, 0x40), 0x5a);
    assert_int_equal(rd(&rtc, 0, VRTC_REG_B), 0x02);
}

static void test_memory_layout(void **state)
{
    static const struct {
        uint8_t index, value;
    } want[] = {
        {0x15, 0x80}, {0x16, 0x02}, {0x17, 0xff}, {0x18, 0xff}, {0x30, 0xff},
        {0x31, 0xff}, {0x34, 0x00}, {0x35, 0x7f}, {0x5b, 0x00}, {0x5c, 0x40},
        {0x5d, 0x00}, {0x2e, 0x02}, {0x2f, 0x80},
    };
    struct vrtc rtc;

    (void)state;
    rtc_new(&rtc, 0);
    vrtc_nvram_set_memory(&rtc, GiB(2), GiB(1));
    for (unsigned int i = 0; i < ARRAY_SIZE(want); i++)
        assert_int_equal(rd(&rtc, 0, want[i].index), want[i].value);
    vrtc_nvram_set_memory(&rtc, MiB(8), 0);
    assert_int_equal(rd(&rtc, 0, 0x17), 0x00);
    assert_int_equal(rd(&rtc, 0, 0x18), 0x1c); /* 7 MiB = 0x1c00 KiB */
    assert_int_equal(rd(&rtc, 0, 0x34), 0x00);
    assert_int_equal(rd(&rtc, 0, 0x35), 0x00);
    assert_int_equal(rd(&rtc, 0, 0x5c), 0x00);
}

/* Reset lowers a raised IRQ 8. */
static void test_reset_irq(void **state)
{
    struct vrtc rtc;

    (void)state;
    rtc_new(&rtc, LEAP_DAY);
    wr(&rtc, 0, VRTC_REG_B, 0x12);
    vrtc_poll(&rtc, 2 * SEC);
    assert_true(irq8.level);
    vrtc_reset(&rtc, LEAP_DAY);
    assert_false(irq8.level);
    assert_int_equal(irq8.calls, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_bcd),     cmocka_unit_test(test_read_binary),
        cmocka_unit_test(test_midnight_12h), cmocka_unit_test(test_noon_12h),
        cmocka_unit_test(test_century),      cmocka_unit_test(test_not_leap_2100),
        cmocka_unit_test(test_set_time),     cmocka_unit_test(test_set_time_divider),
        cmocka_unit_test(test_uip),          cmocka_unit_test(test_periodic),
        cmocka_unit_test(test_pie_late),     cmocka_unit_test(test_alarm),
        cmocka_unit_test(test_update_irq),   cmocka_unit_test(test_periodic_count),
        cmocka_unit_test(test_calendar),     cmocka_unit_test(test_alarm_search),
        cmocka_unit_test(test_nvram),        cmocka_unit_test(test_memory_layout),
        cmocka_unit_test(test_reset_irq),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
