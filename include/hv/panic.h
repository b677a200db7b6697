/* SPDX-License-Identifier: MIT */
/* Fatal errors in the hypervisor itself: panic, BUG_ON, ASSERT. */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include <hv/regs.h>
#include <hv/types.h>

/* What a panic ends in (option panic=): halt, reboot, or exit QEMU through
 * its isa-debug-exit device with a failing status (tests). */
enum panic_action { PANIC_HALT, PANIC_REBOOT, PANIC_EXIT };
extern enum panic_action panic_action;
extern volatile bool panic_in_progress;

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
/* Building blocks of panic() for the exception path: claim the panic,
 * stop the other CPUs, then carry out the panic action. */
void panic_begin(void);
__noreturn void panic_end(void);
/* Where the other CPUs wait (interrupts off) once a panic started. */
__noreturn void panic_park_cpu(void);
/* NMI handler's part: count this CPU as stopped, then park it. */
__noreturn void panic_stop_this_cpu(void);
/* Power the machine off (ACPI S5, else halt). */
__noreturn void machine_poweroff(void);
__noreturn void machine_reboot(void);
extern uint16_t debug_exit_port;
/* Print a register dump and a backtrace starting at regs. */
void show_registers(const struct cpu_regs *regs);
void show_backtrace(uint64_t rip, uint64_t rbp);
/* Symbolize an address: name and offset, false if unknown. */
bool symbol_lookup(uint64_t addr, const char **name, uint64_t *offset);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); } while (0)
#ifdef CONFIG_DEBUG
#define ASSERT(c) do { if (unlikely(!(c))) panic("ASSERT(%s) failed at %s:%d", #c, __FILE__, __LINE__); } while (0)
#else
#define ASSERT(c) do { } while (0)
#endif
#define ASSERT_UNREACHABLE() ASSERT(!"unreachable")

#endif /* HV_PANIC_H */
