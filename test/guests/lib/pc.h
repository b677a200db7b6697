/* SPDX-License-Identifier: MIT */
/* Test-guest legacy PC devices: 8259 PIC pair, 8254 PIT, CMOS; TSC delays. */
#ifndef GUEST_PC_H
#define GUEST_PC_H

#include "guest.h"

#define PIT_HZ 1193182U

/* Program ICW1-4 with vector bases for the master and slave PIC, all
 * inputs masked afterwards. */
void pic_remap(uint8_t master_base, uint8_t slave_base);
void pic_set_mask(uint16_t mask);
uint16_t pic_get_mask(void);
void pic_eoi(unsigned int irq);
/* OCW3 read of the request / in-service registers (8259A datasheet). */
uint16_t pic_read_irr(void);
uint16_t pic_read_isr(void);

/* PIT channel 0: mode 2 (rate generator) at about hz, or mode 0
 * (interrupt on terminal count) after count ticks of 1.193182 MHz. */
void pit_ch0_periodic(unsigned int hz);
void pit_ch0_oneshot(uint16_t count);
/* Busy-wait on PIT channel 2 (mode 0, gate via port 0x61) for count ticks.
 * Returns 0, or -1 if OUT2 never went high. */
int pit_ch2_wait(uint16_t count);

/* TSC rate, calibrated on first use against PIT channel 2. */
uint64_t tsc_khz(void);
/* Calibrate instead against the ACPI PM timer over span_ms (the PIT if
 * the FADT has none) and return the rate, which tsc_khz() returns from
 * then on. Unlike the PIT windows, right however long the vCPU is
 * descheduled meanwhile: for vCPUs that share a pCPU. */
uint64_t tsc_calibrate_pm(unsigned int span_ms);

/* read(arg) and the TSC at (nearly) the same moment: of a few tries, the
 * read whose bracketing TSC reads are closest; *tsc is their midpoint. A
 * vCPU descheduled during a try would otherwise skew a calibration. */
uint32_t read_with_tsc(uint32_t (*read)(unsigned int), unsigned int arg, uint64_t *tsc);
void delay_us(uint64_t us);
uint64_t tsc_to_us(uint64_t ticks);
uint64_t us_to_tsc(uint64_t us);

/* delay_us() with interrupts enabled; disabled again on return. */
void sti_delay_us(uint64_t us);

/* With interrupts enabled, wait until *count reaches n or timeout_us has
 * passed; interrupts are disabled again on return. True if n was reached. */
bool sti_wait_count(volatile unsigned int *count, unsigned int n, uint64_t timeout_us);

/* Check a periodic interrupt source: n more interrupts must arrive (within
 * a generous timeout) and take at least n periods, less 10%. Only the
 * lower bound is tight: a vCPU that the host does not run for a while
 * sees ticks coalesced, never added. */
void check_irq_rate(const char *what, volatile unsigned int *count, unsigned int n,
                    unsigned int period_us);

uint8_t cmos_read(uint8_t index);
void cmos_write(uint8_t index, uint8_t v);

#endif /* GUEST_PC_H */
