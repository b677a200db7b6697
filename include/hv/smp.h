/* SPDX-License-Identifier: MIT */
/* Bringing up the application processors and cross-CPU calls. */
#ifndef HV_SMP_H
#define HV_SMP_H

#include <hv/acpi.h>
#include <hv/percpu.h>

/* Create the boot CPU's per-CPU state and switch to its stack, then
 * continue in `next` (which does not return). */
__noreturn void smp_boot_cpu_init(void (*next)(void));
/* Start every enabled CPU of the MADT (at most max_cpus in all). */
void smp_bring_up(const struct acpi_info *acpi, unsigned int max_cpus);
/* Per-CPU setup shared by the boot CPU and the APs. */
void cpu_common_init(struct percpu *pc);
/* The loop every CPU ends in: run softirqs, sleep until an interrupt. */
__noreturn void cpu_idle_loop(void);
/* Run fn(arg) on every other online CPU and wait for all to finish. */
void smp_call_others(void (*fn)(void *), void *arg);

#endif /* HV_SMP_H */
