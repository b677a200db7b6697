/* SPDX-License-Identifier: MIT */
/* Descriptor tables, exception handling and interrupt vector assignment. */
#ifndef HV_TRAPS_H
#define HV_TRAPS_H

#include <hv/percpu.h>
#include <hv/regs.h>

#define GDT_ENTRIES 8
#define SEL_HV_CS 0x08
#define SEL_HV_DS 0x10
#define SEL_TSS 0x18

/* IST slots (TSS.IST1..3) for the exceptions that must not trust RSP. */
#define IST_NMI 1
#define IST_DF 2
#define IST_MC 3

/* Interrupt vectors (0x20-0xdf are for device IRQs). */
#define VEC_IRQ_BASE 0x20     /* ISA IRQ n arrives at 0x20 + n */
#define VEC_TIMER 0xf0        /* LAPIC timer */
#define VEC_IPI_WAKE 0xf1     /* softirq kick */
#define VEC_IPI_CALL 0xf2     /* run a function on another CPU */
#define VEC_SPURIOUS 0xff

typedef void (*irq_handler_fn)(struct cpu_regs *regs);

void idt_init(void);           /* once, on the boot CPU */
void idt_load(void);
void cpu_tables_load(struct percpu *pc); /* GDT, TSS, IDT for this CPU */
int __must_check cpu_tables_alloc(struct percpu *pc);
void irq_register(unsigned int vector, irq_handler_fn fn);
void do_trap(struct cpu_regs *regs);

/* Boot option fault=<name>: deliberately fault to test the fault path. */
void fault_inject_maybe(void);

#endif /* HV_TRAPS_H */
