/* SPDX-License-Identifier: MIT */
/* Conventions shared by the in-hypervisor device models of HVM guests.
 *
 * Device models are plain state machines, free of hardware access, so that
 * they compile for the host and are unit-tested there:
 *  - register access goes through hvm_io_read/hvm_io_write functions taking
 *    the model, an offset (port or MMIO offset from the model's base), a
 *    size of 1, 2, 4 or 8 bytes and a value;
 *  - interrupt outputs are callbacks (struct irq_line) raised and lowered
 *    by the model;
 *  - time is passed in: each model with timers has a `*_poll(model, now_ns)`
 *    that performs everything due at `now_ns` (raising interrupts) and
 *    returns the next time it needs to be polled (HVM_NO_DEADLINE if none).
 *    The HVM run loop polls before entering the guest and arms one host
 *    timer for the earliest deadline; unit tests advance a fake clock.
 *  - guest time starts at 0 when the model is reset; callers pass guest
 *    time, i.e. nanoseconds since the domain was created.
 */
#ifndef HV_HVM_DEVMODEL_H
#define HV_HVM_DEVMODEL_H

#include <hv/types.h>

#define HVM_NO_DEADLINE UINT64_MAX

/* An interrupt output: level-sensitive wire. Edge-triggered consumers see a
 * rising edge when level goes 0 -> 1. */
struct irq_line {
    void (*set)(void *opaque, unsigned int line, bool level);
    void *opaque;
    unsigned int line;
};

static inline void irq_line_set(const struct irq_line *l, bool level)
{
    if (l->set)
        l->set(l->opaque, l->line, level);
}

/* Convenience for edge-style sources (PIT, RTC, UART): a pulse. */
static inline void irq_line_pulse(const struct irq_line *l)
{
    irq_line_set(l, true);
    irq_line_set(l, false);
}

/* Generic I/O handler signature used by the I/O bus (hv/hvm/io.c).
 * Return 0, or -EINVAL for an access the device does not decode (the bus
 * then treats it as unclaimed: reads all-ones, writes ignored). */
struct hvm_io_ops {
    int (*read)(void *dev, uint64_t offset, unsigned int size, uint64_t *val);
    int (*write)(void *dev, uint64_t offset, unsigned int size, uint64_t val);
};

#endif /* HV_HVM_DEVMODEL_H */
