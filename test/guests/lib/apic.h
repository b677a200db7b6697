/* SPDX-License-Identifier: MIT */
/* Test-guest xAPIC (0xfee00000) and I/O APIC (0xfec00000) helpers. */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include "guest.h"

#define LAPIC_BASE 0xfee00000UL
#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ISR 0x100
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define APIC_SVR_ENABLE (1U << 8)
#define APIC_LVT_MASKED (1U << 16)
#define APIC_LVT_LEVEL (1U << 15)
#define APIC_LVT_TIMER_PERIODIC (1U << 17)
#define APIC_TDCR_DIV1 0xb
#define APIC_TDCR_DIV16 0x3

#define IOAPIC_BASE 0xfec00000UL
#define IOAPIC_ID 0x00
#define IOAPIC_VER 0x01
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define IOAPIC_RTE_LEVEL (1ULL << 15)
#define IOAPIC_RTE_REMOTE_IRR (1ULL << 14)
#define IOAPIC_RTE_ACTIVE_LOW (1ULL << 13)
#define IOAPIC_RTE_MASKED (1ULL << 16)

uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t v);
/* Software-enable the LAPIC with the given spurious vector, TPR 0. */
void lapic_enable(uint8_t spurious_vector);
void lapic_eoi(void);
/* Bit for vector in the 256-bit ISR, TMR or IRR starting at reg. */
bool lapic_vector_set(unsigned int reg, uint8_t vector);
uint8_t lapic_id(void);

/* LAPIC timer ticks per millisecond at divide configuration tdcr, measured
 * against the TSC with the timer masked. Leaves TDCR at tdcr. */
uint32_t lapic_timer_ticks_per_ms(uint32_t tdcr);

/* Route `vector` to a handler that counts LAPIC timer interrupts, stamps
 * the TSC of the last one and EOIs; count spurious interrupts; enable the
 * LAPIC with spurious_vector. */
extern volatile unsigned int lapic_timer_irqs, lapic_spurious_irqs;
extern volatile uint64_t lapic_timer_irq_tsc;
void lapic_timer_stamp_init(uint8_t vector, uint8_t spurious_vector);

uint32_t ioapic_read(unsigned int index);
void ioapic_write(unsigned int index, uint32_t v);
uint64_t ioapic_get_rte(unsigned int pin);
void ioapic_set_rte(unsigned int pin, uint64_t rte);
unsigned int ioapic_pins(void);

#endif /* GUEST_APIC_H */
