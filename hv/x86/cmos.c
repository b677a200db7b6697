// SPDX-License-Identifier: MIT
/* The host's CMOS real-time clock, read once for the guests' wall clock. */
#include <hv/hvm/platform_internal.h>
#include <hv/x86.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_UIP 0x80     /* register A: update in progress */
#define RTC_BINARY 0x04  /* register B: DM, binary rather than BCD */
#define RTC_24H 0x02

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static unsigned int bcd(uint8_t v, bool binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
    int64_t era;
    unsigned int yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned int)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

uint64_t hvm_wallclock_seconds(void)
{
    static uint64_t cached;
    uint8_t b, hour;
    bool bin;
    unsigned int sec, min, h, day, mon, year;

    if (cached)
        return cached;
    for (int i = 0; i < 1000000 && (cmos_read(0x0a) & RTC_UIP); i++)
        cpu_relax();
    b = cmos_read(0x0b);
    bin = b & RTC_BINARY;
    sec = bcd(cmos_read(0x00), bin);
    min = bcd(cmos_read(0x02), bin);
    hour = cmos_read(0x04);
    h = bcd(hour & 0x7f, bin);
    if (!(b & RTC_24H))
        h = (h % 12) + ((hour & 0x80) ? 12 : 0); /* 12-hour clock: bit 7 = PM */
    day = bcd(cmos_read(0x07), bin);
    mon = bcd(cmos_read(0x08), bin);
    year = 2000 + bcd(cmos_read(0x09), bin);
    cached = (uint64_t)days_from_civil(year, mon, day) * 86400 + h * 3600 + min * 60 + sec;
    return cached;
}
