// SPDX-License-Identifier: MIT
// Test-guest 8259 PIC, 8254 PIT, CMOS and TSC-based delays.
#include "pc.h"
#include "acpi.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define OCW3_READ_IRR 0x0a
#define OCW3_READ_ISR 0x0b

#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PORT_61 0x61
#define PORT_61_GATE2 0x01
#define PORT_61_SPEAKER 0x02
#define PORT_61_OUT2 0x20

/* 8259A datasheet: ICW1 (edge, cascade, ICW4 needed), ICW2 vector base,
 * ICW3 cascade wiring (slave on master input 2), ICW4 8086 mode. */
void pic_remap(uint8_t master_base, uint8_t slave_base)
{
    outb(PIC1_CMD, 0x11);
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, master_base);
    outb(PIC2_DATA, slave_base);
    outb(PIC1_DATA, 1 << 2);
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 0x01);
    outb(PIC2_DATA, 0x01);
    pic_set_mask(0xffff);
}

void pic_set_mask(uint16_t mask)
{
    outb(PIC1_DATA, (uint8_t)mask);
    outb(PIC2_DATA, (uint8_t)(mask >> 8));
}

uint16_t pic_get_mask(void)
{
    return (uint16_t)(inb(PIC1_DATA) | inb(PIC2_DATA) << 8);
}

void pic_eoi(unsigned int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

static uint16_t pic_read_ocw3(uint8_t ocw3)
{
    outb(PIC1_CMD, ocw3);
    outb(PIC2_CMD, ocw3);
    return (uint16_t)(inb(PIC1_CMD) | inb(PIC2_CMD) << 8);
}

uint16_t pic_read_irr(void)
{
    return pic_read_ocw3(OCW3_READ_IRR);
}
uint16_t pic_read_isr(void)
{
    return pic_read_ocw3(OCW3_READ_ISR);
}

/* Control word: channel, access lobyte/hibyte (3), mode, binary. */
static void pit_program(unsigned int ch, unsigned int mode, uint16_t count)
{
    outb(PIT_MODE, (uint8_t)(ch << 6 | 3 << 4 | mode << 1));
    outb((uint16_t)(PIT_CH0 + ch), (uint8_t)count);
    outb((uint16_t)(PIT_CH0 + ch), (uint8_t)(count >> 8));
}

void pit_ch0_periodic(unsigned int hz)
{
    pit_program(0, 2, (uint16_t)((PIT_HZ + hz / 2) / hz));
}

void pit_ch0_oneshot(uint16_t count)
{
    pit_program(0, 0, count);
}

/* Mode 0 drives OUT2 low on programming and high at terminal count; port
 * 0x61 bit 0 gates channel 2 and bit 5 reads OUT2. */
int pit_ch2_wait(uint16_t count)
{
    uint8_t p = inb(PORT_61) & (uint8_t) ~(PORT_61_GATE2 | PORT_61_SPEAKER);

    outb(PORT_61, p);
    pit_program(2, 0, count);
    outb(PORT_61, p | PORT_61_GATE2);
    for (uint32_t i = 0; i < 100000000; i++)
        if (inb(PORT_61) & PORT_61_OUT2)
            return 0;
    return -1;
}

static uint64_t tsc_rate_khz;

/* Best of three 10 ms windows: the shortest is the least disturbed (the
 * first one also pays for translating the loop under TCG). */
uint64_t tsc_khz(void)
{
    uint64_t best = ~0ULL;

    if (tsc_rate_khz)
        return tsc_rate_khz;
    for (int i = 0; i < 3; i++) {
        uint64_t t0 = rdtsc(), t1;

        if (pit_ch2_wait(PIT_HZ / 100) < 0)
            test_fail("PIT channel 2 OUT (port 0x61 bit 5) never went high");
        t1 = rdtsc();
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    tsc_rate_khz = best * PIT_HZ / (PIT_HZ / 100) / 1000;
    if (!tsc_rate_khz)
        test_fail("TSC does not advance (%llu ticks in 10 ms)", (unsigned long long)best);
    return tsc_rate_khz;
}

#define PM_TIMER_HZ 3579545U
#define PM_TIMER_MASK 0xffffffU /* 24 bits; a 32-bit counter reads the same */

uint32_t read_with_tsc(uint32_t (*read)(unsigned int), unsigned int arg, uint64_t *tsc)
{
    uint64_t best = ~0ULL;
    uint32_t v = 0;

    *tsc = 0;
    for (int i = 0; i < 5; i++) {
        uint64_t a = rdtsc();
        uint32_t r = read(arg);
        uint64_t b = rdtsc();

        if (b - a < best) {
            best = b - a;
            v = r;
            *tsc = a + (b - a) / 2;
        }
    }
    return v;
}

static uint32_t pm_timer_read(unsigned int port)
{
    return inl((uint16_t)port) & PM_TIMER_MASK;
}

/* Both clocks run free, so only the two stamps need the CPU undisturbed;
 * in between the counter is polled just to unwrap it (it wraps every
 * 4.7 s, longer than any pause between two polls). */
uint64_t tsc_calibrate_pm(unsigned int span_ms)
{
    uint16_t port = acpi_pm_timer_port();
    uint64_t ticks = 0, want = (uint64_t)PM_TIMER_HZ * span_ms / 1000, t0, t1;
    uint32_t prev, last;

    if (!port)
        return tsc_khz();
    prev = read_with_tsc(pm_timer_read, port, &t0);
    while (ticks < want) {
        uint32_t pm = pm_timer_read(port);

        ticks += (pm - prev) & PM_TIMER_MASK;
        prev = pm;
    }
    last = read_with_tsc(pm_timer_read, port, &t1);
    ticks += (last - prev) & PM_TIMER_MASK;
    tsc_rate_khz = (t1 - t0) * PM_TIMER_HZ / ticks / 1000;
    if (!tsc_rate_khz)
        test_fail("TSC does not advance against the PM timer");
    return tsc_rate_khz;
}

uint64_t us_to_tsc(uint64_t us)
{
    return us * tsc_khz() / 1000;
}

uint64_t tsc_to_us(uint64_t ticks)
{
    return ticks * 1000 / tsc_khz();
}

void delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us_to_tsc(us);

    while (rdtsc() < end)
        cpu_relax();
}

void sti_delay_us(uint64_t us)
{
    sti();
    delay_us(us);
    cli();
}

bool sti_wait_count(volatile unsigned int *count, unsigned int n, uint64_t timeout_us)
{
    uint64_t t0 = rdtsc(), limit = us_to_tsc(timeout_us);

    sti();
    while (*count < n && rdtsc() - t0 < limit)
        cpu_relax();
    cli();
    return *count >= n;
}

void check_irq_rate(const char *what, volatile unsigned int *count, unsigned int n,
                    unsigned int period_us)
{
    uint64_t timeout = (uint64_t)n * period_us * 20 + 1000000, t0, us;
    unsigned int c0 = *count;

    if (!sti_wait_count(count, c0 + 1, timeout))
        test_fail("%s: no interrupt in %llu us", what, (unsigned long long)timeout);
    t0 = rdtsc();
    c0 = *count;
    if (!sti_wait_count(count, c0 + n, timeout))
        test_fail("%s: only %u of %u interrupts in %llu us", what, *count - c0, n,
                  (unsigned long long)timeout);
    us = tsc_to_us(rdtsc() - t0);
    info("%s: %u interrupts in %llu us (period %u us)", what, n, (unsigned long long)us,
         period_us);
    CHECK(us >= (uint64_t)n * period_us * 9 / 10,
          "%s: %u interrupts in %llu us, faster than one per %u us", what, n,
          (unsigned long long)us, period_us);
}

uint8_t cmos_read(uint8_t index)
{
    outb(0x70, index & 0x7f);
    return inb(0x71);
}

void cmos_write(uint8_t index, uint8_t v)
{
    outb(0x70, index & 0x7f);
    outb(0x71, v);
}
