// SPDX-License-Identifier: MIT
/* Emulated MC146818 real-time clock and CMOS NVRAM of HVM guests.
 *
 * Design and Locking: see <hv/hvm/vrtc.h>.
 */
#include <hv/errno.h>
#include <hv/hvm/vrtc.h>
#include <hv/lib.h>

#define NS_PER_SEC 1000000000ull
#define SECS_PER_DAY 86400u
#define RTC_XTAL_HZ 32768u
/* UIP rises 244 us before the update ("Update Cycle"): 8 crystal cycles. */
#define RTC_UIP_NS 244141u
#define RTC_NEVER UINT64_MAX

/* Civil calendar arithmetic on years that start on March 1st, so that the
 * leap day is the last day of its year. Day 0 is 0000-03-01 (proleptic
 * Gregorian); 1970-01-01 is day 719468. */
#define DAYS_TO_EPOCH 719468u
#define DAYS_PER_400Y 146097u
#define DAYS_PER_100Y 36524u
#define DAYS_PER_4Y 1461u
/* Days before each month, counted from March. */
static const uint16_t days_before_month[12] = {
    0, 31, 61, 92, 122, 153, 184, 214, 245, 275, 306, 337,
};

struct rtc_tm {
    uint32_t sec, min, hour, wday, mday, mon, year;
};

static void rtc_secs_to_tm(uint64_t secs, struct rtc_tm *tm)
{
    uint64_t days = secs / SECS_PER_DAY, tod = secs % SECS_PER_DAY;
    uint64_t n = days + DAYS_TO_EPOCH, q400, q100, q4, q1;
    unsigned int m = 11;

    tm->sec = tod % 60;
    tm->min = tod / 60 % 60;
    tm->hour = (uint32_t)(tod / 3600);
    tm->wday = (days + 4) % 7 + 1; /* 1970-01-01 was a Thursday; 1 = Sunday */
    q400 = n / DAYS_PER_400Y;
    n %= DAYS_PER_400Y;
    /* The 400-year cycle's extra leap day belongs to its last century, and
     * a 4-year cycle's leap day to its last year. */
    q100 = MIN(n / DAYS_PER_100Y, 3);
    n -= q100 * DAYS_PER_100Y;
    q4 = n / DAYS_PER_4Y;
    n -= q4 * DAYS_PER_4Y;
    q1 = MIN(n / 365, 3);
    n -= q1 * 365;
    while (n < days_before_month[m])
        m--;
    tm->mday = (uint32_t)(n - days_before_month[m] + 1);
    tm->mon = m < 10 ? m + 3 : m - 9;
    tm->year = (uint32_t)(q400 * 400 + q100 * 100 + q4 * 4 + q1 + (tm->mon <= 2));
}

/* Days since 1970-01-01 of a date in 1970 or later. A day past the end of
 * its month simply runs into the next one. */
static uint64_t rtc_civil_to_days(uint64_t year, uint32_t mon, uint32_t mday)
{
    uint64_t y = mon <= 2 ? year - 1 : year;
    uint32_t m = mon <= 2 ? mon + 9 : mon - 3;

    return y * 365 + y / 4 - y / 100 + y / 400 + days_before_month[m] + mday - 1 -
           DAYS_TO_EPOCH;
}

static bool rtc_binary(const struct vrtc *r)
{
    return r->reg_b & VRTC_B_DM_BINARY;
}

static uint8_t rtc_encode(const struct vrtc *r, uint32_t v)
{
    return rtc_binary(r) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static uint8_t rtc_encode_hour(const struct vrtc *r, uint32_t h)
{
    if (r->reg_b & VRTC_B_24H)
        return rtc_encode(r, h);
    return rtc_encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

/* Register byte to number; -1 if not a BCD number in BCD mode. */
static int rtc_decode(const struct vrtc *r, uint8_t raw)
{
    if (rtc_binary(r))
        return raw;
    if ((raw >> 4) > 9 || (raw & 15) > 9)
        return -1;
    return (raw >> 4) * 10 + (raw & 15);
}

/* Hours register to 0-23; -1 if invalid. */
static int rtc_decode_hour(const struct vrtc *r, uint8_t raw)
{
    int v;

    if (r->reg_b & VRTC_B_24H) {
        v = rtc_decode(r, raw);
        return v <= 23 ? v : -1;
    }
    v = rtc_decode(r, raw & 0x7f);
    if (v < 1 || v > 12)
        return -1;
    return v % 12 + (raw & 0x80 ? 12 : 0);
}

static bool rtc_divider_reset(const struct vrtc *r)
{
    return (r->reg_a & VRTC_A_DV_RESET) == VRTC_A_DV_RESET;
}

/* While SET or divider reset holds, updates stop and the time bytes in
 * cmos[] are the registers. */
static bool rtc_frozen(const struct vrtc *r)
{
    return (r->reg_b & VRTC_B_SET) || rtc_divider_reset(r);
}

static bool rtc_is_time_reg(unsigned int idx)
{
    return idx == VRTC_SEC || idx == VRTC_MIN || idx == VRTC_HOUR ||
           (idx >= VRTC_WDAY && idx <= VRTC_YEAR) || idx == VRTC_CENTURY;
}

/* Second boundaries passed by guest time ns (counting one at or before 0). */
static uint64_t rtc_boundaries(const struct vrtc *r, uint64_t ns)
{
    return (ns + NS_PER_SEC - r->phase_ns) / NS_PER_SEC;
}

static uint64_t rtc_next_boundary(const struct vrtc *r, uint64_t ns)
{
    return rtc_boundaries(r, ns) * NS_PER_SEC + r->phase_ns;
}

static uint64_t rtc_secs(const struct vrtc *r, uint64_t ns)
{
    return (uint64_t)(r->base + (int64_t)rtc_boundaries(r, ns));
}

static uint64_t rtc_xtal(uint64_t ns)
{
    return ns / NS_PER_SEC * RTC_XTAL_HZ + ns % NS_PER_SEC * RTC_XTAL_HZ / NS_PER_SEC;
}

static uint64_t rtc_xtal_ns(uint64_t t)
{
    uint64_t rem = t % RTC_XTAL_HZ;

    return t / RTC_XTAL_HZ * NS_PER_SEC +
           (rem * NS_PER_SEC + RTC_XTAL_HZ - 1) / RTC_XTAL_HZ;
}

/* log2 of the periodic interrupt period in crystal cycles, 0 if off
 * ("Periodic Interrupt Rate and Square-Wave Output Frequency" table). */
static unsigned int rtc_period_shift(const struct vrtc *r)
{
    unsigned int rs = r->reg_a & VRTC_A_RS;

    if (!rs)
        return 0;
    return rs <= 2 ? rs + 6 : rs - 1;
}

static uint8_t rtc_time_reg(const struct vrtc *r, const struct rtc_tm *tm,
                            unsigned int idx)
{
    switch (idx) {
    case VRTC_SEC:
        return rtc_encode(r, tm->sec);
    case VRTC_MIN:
        return rtc_encode(r, tm->min);
    case VRTC_HOUR:
        return rtc_encode_hour(r, tm->hour);
    case VRTC_WDAY:
        return rtc_encode(r, tm->wday);
    case VRTC_MDAY:
        return rtc_encode(r, tm->mday);
    case VRTC_MONTH:
        return rtc_encode(r, tm->mon);
    case VRTC_YEAR:
        return rtc_encode(r, tm->year % 100);
    default: /* VRTC_CENTURY */
        return rtc_encode(r, tm->year / 100 % 100);
    }
}

static void rtc_snapshot(struct vrtc *r, uint64_t now)
{
    static const uint8_t regs[] = {VRTC_SEC,  VRTC_MIN,   VRTC_HOUR, VRTC_WDAY,
                                   VRTC_MDAY, VRTC_MONTH, VRTC_YEAR, VRTC_CENTURY};
    struct rtc_tm tm;

    rtc_secs_to_tm(rtc_secs(r, now), &tm);
    for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++)
        r->cmos[regs[i]] = rtc_time_reg(r, &tm, regs[i]);
}

static uint32_t rtc_valid_or(int v, int lo, int hi, int fallback)
{
    return (uint32_t)(v >= lo && v <= hi ? v : fallback);
}

/* The time bytes in cmos[] as clock seconds; out-of-range fields are
 * replaced rather than refused, since the chip takes any byte. */
static uint64_t rtc_regs_to_secs(const struct vrtc *r)
{
    uint32_t sec = rtc_valid_or(rtc_decode(r, r->cmos[VRTC_SEC]), 0, 59, 0);
    uint32_t min = rtc_valid_or(rtc_decode(r, r->cmos[VRTC_MIN]), 0, 59, 0);
    uint32_t hour = rtc_valid_or(rtc_decode_hour(r, r->cmos[VRTC_HOUR]), 0, 23, 0);
    uint32_t mday = rtc_valid_or(rtc_decode(r, r->cmos[VRTC_MDAY]), 1, 31, 1);
    uint32_t mon = rtc_valid_or(rtc_decode(r, r->cmos[VRTC_MONTH]), 1, 12, 1);
    uint32_t yy = rtc_valid_or(rtc_decode(r, r->cmos[VRTC_YEAR]), 0, 99, 0);
    int cent = rtc_decode(r, r->cmos[VRTC_CENTURY]);
    uint64_t year;

    if (cent >= 19 && cent <= 99)
        year = (uint64_t)cent * 100 + yy;
    else
        year = yy < 70 ? 2000 + yy : 1900 + yy;
    if (year < 1970)
        year = 1970;
    return rtc_civil_to_days(year, mon, mday) * SECS_PER_DAY + hour * 3600 + min * 60 +
           sec;
}

/* Make the written time bytes the clock's reading at `now`. */
static void rtc_commit(struct vrtc *r, uint64_t now)
{
    r->base = (int64_t)rtc_regs_to_secs(r) - (int64_t)rtc_boundaries(r, now);
}

/* An alarm field: its value, -1 for don't care (bits 7-6 set, "Alarm"),
 * -2 for a value no time can match. */
static int rtc_alarm_field(const struct vrtc *r, unsigned int idx, int max)
{
    uint8_t raw = r->cmos[idx];
    int v;

    if ((raw & 0xc0) == 0xc0)
        return -1;
    v = idx == VRTC_HOUR_ALARM ? rtc_decode_hour(r, raw) : rtc_decode(r, raw);
    return v >= 0 && v <= max ? v : -2;
}

/* The first clock second after `after` that matches the alarm. Each step
 * jumps to the next value of the first mismatching field, so a handful of
 * steps suffice. */
static uint64_t rtc_next_alarm(const struct vrtc *r, uint64_t after)
{
    int h = rtc_alarm_field(r, VRTC_HOUR_ALARM, 23);
    int m = rtc_alarm_field(r, VRTC_MIN_ALARM, 59);
    int s = rtc_alarm_field(r, VRTC_SEC_ALARM, 59);
    uint64_t t = after + 1;

    if (h == -2 || m == -2 || s == -2)
        return RTC_NEVER;
    for (unsigned int i = 0; i < 8; i++) {
        uint32_t tod = t % SECS_PER_DAY, hh = tod / 3600, mm = tod / 60 % 60,
                 ss = tod % 60;

        if (h >= 0 && hh != (uint32_t)h)
            t += ((uint32_t)h + 24 - hh) % 24 * 3600 - mm * 60 - ss;
        else if (m >= 0 && mm != (uint32_t)m)
            t += ((uint32_t)m + 60 - mm) % 60 * 60 - ss;
        else if (s >= 0 && ss != (uint32_t)s)
            t += ((uint32_t)s + 60 - ss) % 60;
        else
            return t;
    }
    return RTC_NEVER;
}

/* IRQF and the IRQ# pin: PF/AF/UF line up with PIE/AIE/UIE in register B. */
static void rtc_update_irq(struct vrtc *r)
{
    bool irqf = r->reg_c & r->reg_b & (VRTC_C_PF | VRTC_C_AF | VRTC_C_UF);

    if (irqf)
        r->reg_c |= VRTC_C_IRQF;
    else
        r->reg_c &= ~VRTC_C_IRQF;
    if (irqf != r->irq_level) {
        r->irq_level = irqf;
        irq_line_set(&r->irq, irqf);
    }
}

/* Set the flags of the events in (last_ns, now]. */
static void rtc_catch_up(struct vrtc *r, uint64_t now)
{
    uint64_t last = r->last_ns;
    unsigned int sh = rtc_period_shift(r);
    uint8_t flags = 0;

    if (now <= last)
        return;
    r->last_ns = now;
    if (rtc_divider_reset(r))
        return;
    if (sh && rtc_xtal(now) >> sh != rtc_xtal(last) >> sh)
        flags |= VRTC_C_PF;
    if (!(r->reg_b & VRTC_B_SET) && rtc_boundaries(r, now) != rtc_boundaries(r, last)) {
        flags |= VRTC_C_UF;
        if (rtc_next_alarm(r, rtc_secs(r, last)) <= rtc_secs(r, now))
            flags |= VRTC_C_AF;
    }
    if (flags) {
        r->reg_c |= flags;
        rtc_update_irq(r);
    }
}

uint64_t vrtc_poll(struct vrtc *r, uint64_t now)
{
    unsigned int sh = rtc_period_shift(r);
    uint64_t next = HVM_NO_DEADLINE, secs, alarm;

    rtc_catch_up(r, now);
    if ((r->reg_c & VRTC_C_IRQF) || rtc_divider_reset(r))
        return HVM_NO_DEADLINE; /* nothing can raise the pin again */
    if ((r->reg_b & VRTC_B_PIE) && sh)
        next = rtc_xtal_ns(((rtc_xtal(now) >> sh) + 1) << sh);
    if (r->reg_b & VRTC_B_SET)
        return next;
    if (r->reg_b & VRTC_B_UIE)
        next = MIN(next, rtc_next_boundary(r, now));
    if (r->reg_b & VRTC_B_AIE) {
        secs = rtc_secs(r, now);
        alarm = rtc_next_alarm(r, secs);
        if (alarm != RTC_NEVER)
            next = MIN(next, rtc_next_boundary(r, now) + (alarm - secs - 1) * NS_PER_SEC);
    }
    return next;
}

static void rtc_write_control(struct vrtc *r, uint64_t now, unsigned int idx, uint8_t val)
{
    bool was_frozen = rtc_frozen(r), was_reset = rtc_divider_reset(r);

    /* The registers hold the time in the mode it was kept in until now. */
    if (!was_frozen)
        rtc_snapshot(r, now);
    if (idx == VRTC_REG_A) {
        r->reg_a = val & ~VRTC_A_UIP;
    } else {
        r->reg_b = val;
        if (val & VRTC_B_SET) /* "SET ... UIE is cleared" */
            r->reg_b &= ~VRTC_B_UIE;
    }
    if (was_frozen && !rtc_frozen(r)) {
        if (was_reset && !rtc_divider_reset(r)) /* first update 500 ms on */
            r->phase_ns = (now + NS_PER_SEC / 2) % NS_PER_SEC;
        rtc_commit(r, now);
    }
    rtc_update_irq(r);
}

static uint8_t rtc_read_reg(struct vrtc *r, uint64_t now, unsigned int idx)
{
    struct rtc_tm tm;
    uint8_t v;

    if (rtc_is_time_reg(idx) && !rtc_frozen(r)) {
        rtc_secs_to_tm(rtc_secs(r, now), &tm);
        return rtc_time_reg(r, &tm, idx);
    }
    switch (idx) {
    case VRTC_REG_A:
        v = r->reg_a;
        if (!rtc_frozen(r) && rtc_next_boundary(r, now) - now <= RTC_UIP_NS)
            v |= VRTC_A_UIP;
        return v;
    case VRTC_REG_B:
        return r->reg_b;
    case VRTC_REG_C:
        v = r->reg_c;
        r->reg_c = 0;
        rtc_update_irq(r);
        return v;
    case VRTC_REG_D:
        return VRTC_D_VRT;
    default:
        return r->cmos[idx];
    }
}

static void rtc_write_reg(struct vrtc *r, uint64_t now, unsigned int idx, uint8_t val)
{
    if (rtc_is_time_reg(idx)) {
        if (rtc_frozen(r)) {
            r->cmos[idx] = val;
            return;
        }
        rtc_snapshot(r, now);
        r->cmos[idx] = val;
        rtc_commit(r, now);
        return;
    }
    switch (idx) {
    case VRTC_REG_A:
    case VRTC_REG_B:
        rtc_write_control(r, now, idx, val);
        break;
    case VRTC_REG_C:
    case VRTC_REG_D: /* read-only */
        break;
    default:
        r->cmos[idx] = val;
        break;
    }
}

int vrtc_io_read(struct vrtc *r, uint64_t now_ns, uint16_t port, unsigned int size,
                 uint32_t *val)
{
    if (size != 1 || (port != VRTC_PORT_INDEX && port != VRTC_PORT_DATA))
        return -EINVAL;
    rtc_catch_up(r, now_ns);
    if (port == VRTC_PORT_INDEX)
        *val = r->index;
    else
        *val = rtc_read_reg(r, now_ns, r->index & ~VRTC_INDEX_NMI_DISABLE);
    return 0;
}

int vrtc_io_write(struct vrtc *r, uint64_t now_ns, uint16_t port, unsigned int size,
                  uint32_t val)
{
    if (size != 1 || (port != VRTC_PORT_INDEX && port != VRTC_PORT_DATA))
        return -EINVAL;
    rtc_catch_up(r, now_ns);
    if (port == VRTC_PORT_INDEX)
        r->index = (uint8_t)val;
    else
        rtc_write_reg(r, now_ns, r->index & ~VRTC_INDEX_NMI_DISABLE, (uint8_t)val);
    return 0;
}

bool vrtc_nmi_disabled(const struct vrtc *r)
{
    return r->index & VRTC_INDEX_NMI_DISABLE;
}

int vrtc_nvram_set(struct vrtc *r, unsigned int index, uint8_t value)
{
    if (index <= VRTC_REG_D || index >= VRTC_NVRAM_SIZE || index == VRTC_CENTURY)
        return -EINVAL;
    r->cmos[index] = value;
    return 0;
}

static void rtc_put16(struct vrtc *r, unsigned int index, uint64_t v)
{
    v = MIN(v, 0xffff);
    r->cmos[index] = (uint8_t)v;
    r->cmos[index + 1] = (uint8_t)(v >> 8);
}

/*
 * The PC/AT CMOS memory bytes, as SeaBIOS and others read them (all
 * little-endian):
 *   0x15-0x16  base memory in KiB: 640
 *   0x17-0x18  KiB of RAM from 1 MiB up (at most 0xffff); copy at 0x30-0x31
 *   0x34-0x35  RAM from 16 MiB to `low`, in 64 KiB units (at most 0xffff)
 *   0x5b-0x5d  RAM above 4 GiB, in 64 KiB units (at most 0xffffff)
 *   0x2e-0x2f  AT checksum of bytes 0x10-0x2d (0x2e is the high byte)
 */
void vrtc_nvram_set_memory(struct vrtc *r, uint64_t low, uint64_t high)
{
    uint64_t ext = low > MiB(1) ? (low - MiB(1)) >> 10 : 0;
    uint64_t above16 = low > MiB(16) ? (low - MiB(16)) >> 16 : 0;
    uint64_t above4g = MIN(high >> 16, 0xffffff);
    uint16_t sum = 0;

    rtc_put16(r, 0x15, 640);
    rtc_put16(r, 0x17, ext);
    rtc_put16(r, 0x30, ext);
    rtc_put16(r, 0x34, above16);
    r->cmos[0x5b] = (uint8_t)above4g;
    r->cmos[0x5c] = (uint8_t)(above4g >> 8);
    r->cmos[0x5d] = (uint8_t)(above4g >> 16);
    for (unsigned int i = 0x10; i <= 0x2d; i++)
        sum += r->cmos[i];
    r->cmos[0x2e] = (uint8_t)(sum >> 8);
    r->cmos[0x2f] = (uint8_t)sum;
}

void vrtc_reset(struct vrtc *r, uint64_t wall_secs)
{
    bool was_high = r->irq_level;

    r->index = 0;
    r->reg_a = 0x26; /* 32.768 kHz divider running, RS = 1024 Hz */
    r->reg_b = VRTC_B_24H;
    r->reg_c = 0;
    r->phase_ns = 0;
    r->last_ns = 0;
    r->base = (int64_t)wall_secs - (int64_t)rtc_boundaries(r, 0);
    r->irq_level = false;
    if (was_high)
        irq_line_set(&r->irq, false);
}

void vrtc_init(struct vrtc *r, struct irq_line irq8, uint64_t wall_secs)
{
    memset(r, 0, sizeof(*r));
    r->irq = irq8;
    vrtc_reset(r, wall_secs);
}
