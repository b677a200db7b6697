// SPDX-License-Identifier: MIT
/* TSC and LAPIC timer calibration against the 8254 PIT. */
#include <hv/apic.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/x86.h>

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61 /* bit 0: channel 2 gate, bit 5: channel 2 output */
#define CALIBRATE_MS 20

uint64_t tsc_khz;
uint64_t lapic_timer_khz;
static uint64_t tsc_at_boot;
static uint64_t ns_mult; /* ns = tsc_delta * ns_mult >> 32 */

/* Run PIT channel 2 as a one-shot of `ms` and busy-wait for its output,
 * counting TSC ticks and LAPIC timer ticks meanwhile. */
static void pit_measure(unsigned int ms, uint64_t *tsc, uint64_t *apic_ticks)
{
    uint32_t count = PIT_HZ * ms / 1000;
    uint64_t t0;
    uint32_t a0;

    outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(PIT_CMD, 0xb0);              /* channel 2, lo/hi, mode 0, binary */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    apic->write(APIC_TDCR, 0xb);      /* divide by 1 */
    apic->write(APIC_LVT_TIMER, APIC_LVT_MASKED);
    apic->write(APIC_TMICT, 0xffffffff);
    t0 = rdtsc();
    a0 = apic->read(APIC_TMCCT);
    while (!(inb(PIT_GATE) & 0x20))
        cpu_relax();
    *apic_ticks = a0 - apic->read(APIC_TMCCT);
    *tsc = rdtsc() - t0;
    apic->write(APIC_TMICT, 0);
}

void time_calibrate(void)
{
    uint64_t tsc, ticks;

    tsc_at_boot = rdtsc();
    pit_measure(CALIBRATE_MS, &tsc, &ticks);
    tsc_khz = tsc / CALIBRATE_MS;
    lapic_timer_khz = ticks / CALIBRATE_MS;
    ns_mult = (1000000ULL << 32) / tsc_khz;
    printk("TSC: %lu.%03lu MHz, LAPIC timer: %lu.%03lu MHz%s\n",
           tsc_khz / 1000, tsc_khz % 1000, lapic_timer_khz / 1000,
           lapic_timer_khz % 1000,
           apic_tsc_deadline ? " (TSC-deadline mode available)" : "");
}

uint64_t now_ns(void)
{
    uint64_t d = rdtsc() - tsc_at_boot;

    /* A 128-bit product needs no libgcc helper; a 128-bit division would. */
    return (uint64_t)(((unsigned __int128)d * ns_mult) >> 32);
}

uint64_t tsc_to_ns(uint64_t tsc)
{
    if (tsc <= tsc_at_boot)
        return 0;
    return (uint64_t)(((unsigned __int128)(tsc - tsc_at_boot) * ns_mult) >> 32);
}

void udelay(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_khz / 1000;

    while (rdtsc() < end)
        cpu_relax();
}
