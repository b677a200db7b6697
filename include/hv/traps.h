/* SPDX-License-Identifier: MIT */
/* Descriptor tables, exception handling and interrupt vector assignment. */
#ifndef HV_TRAPS_H
#define HV_TRAPS_H

#include <hv/percpu.h>
#include <hv/regs.h>
#include <public/arch-x86/xen.h>

/*
 * The GDT: pages 0..13 belong to the running PV vCPU (set_gdt frames, or
 * an empty frame), page 14 is the reserved page of the Xen ABI (public
 * arch-x86/xen.h) and holds everything of the hypervisor's, at Xen's
 * selectors: its code and data, the FLAT_RING3_* descriptors guests run
 * with, and the TSS.
 */
#define GDT_ENTRIES (FIRST_RESERVED_GDT_ENTRY + 16)   /* through 0xe07f */
#define SEL_HV_CS 0xe008
#define SEL_HV_DS 0xe010
#define SEL_TSS 0xe040
#define SEL_LDT 0xe050 /* the running PV vCPU's LDT (16 bytes), hv/x86/gdt.c */

/* IST slots (TSS.IST1..3) for the exceptions that must not trust RSP. */
#define IST_NMI 1
#define IST_DF 2
#define IST_MC 3
#define IST_DB 4 /* a SYSCALL single-stepped from ring 3 traps on the guest's stack */

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
/* Map `nr` guest descriptor frames as GDT pages 0..nr-1 of this CPU and
 * the empty frame above them (nr = 0: no guest GDT). The frames hold
 * checked descriptors only (pv/pv_gdt.c). */
void gdt_guest_map(const mfn_t *frames, unsigned int nr);
/* Map `nr` guest LDT frames (checked descriptors only) at this CPU's LDT
 * area and load LDTR with `ents` descriptors of them; ents = 0: LDTR null
 * and the area unmapped. */
void ldt_guest_map(const mfn_t *frames, unsigned int nr, unsigned int ents);
/* The stack the CPU switches to on an interrupt from ring 3 (a PV vCPU's
 * register frame, pv/). */
void tss_set_rsp0(struct percpu *pc, uint64_t rsp0);
void irq_register(unsigned int vector, irq_handler_fn fn);
void do_trap(struct cpu_regs *regs);
/* An exception at an instruction of the exception table (hv/x86/extable.c)
 * resumes at its fixup: true, regs->rip moved. Uses no per-CPU data, so it
 * is safe before SWAPGS on an entry path. */
bool extable_fixup(struct cpu_regs *regs);

/* Boot option fault=<name>: deliberately fault to test the fault path. */
void fault_inject_maybe(void);

#endif /* HV_TRAPS_H */
