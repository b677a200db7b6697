// SPDX-License-Identifier: MIT
/* panic(): stop every CPU, print why, then halt, reboot or exit. */
#include <hv/apic.h>
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/x86.h>

enum panic_action panic_action = PANIC_HALT;
volatile bool panic_in_progress;
uint16_t debug_exit_port = 0xf4;
static volatile int panic_owner = -1;
static volatile unsigned int cpus_stopped;

void panic_park_cpu(void)
{
    local_irq_disable();
    for (;;)
        halt();
}

/* An NMI from the panicking CPU lands here on every other CPU. */
void panic_stop_this_cpu(void)
{
    local_irq_disable();
    __atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_SEQ_CST);
    panic_park_cpu();
}

/* Wait (bounded: a wedged CPU must not stop the report) for the others. */
static void panic_wait_for_others(void)
{
    unsigned int others = nr_cpus_online ? nr_cpus_online - 1 : 0;

    if (others)
        apic_send_nmi_allbutself();
    for (int i = 0; i < 10000000 && cpus_stopped < others; i++)
        cpu_relax();
    console_force_unlock();
    if (others)
        printk(LOG_ERR "Stopped %u of %u other CPUs\n", cpus_stopped, others);
}

void panic_begin(void)
{
    int me = (int)this_cpu()->cpu_id, expected = -1;

    local_irq_disable();
    if (!__atomic_compare_exchange_n(&panic_owner, &expected, me, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        if (expected != me)
            panic_park_cpu(); /* another CPU is already reporting */
        console_force_unlock(); /* nested fault while panicking */
        return;
    }
    panic_in_progress = true;
    /* NMIs reach CPUs that have interrupts disabled; do_nmi parks them. */
    panic_wait_for_others();
}

void panic_end(void)
{
    static const char *const what[] = { "halting", "rebooting", "exiting" };

    printk(LOG_ERR "**** PANIC on CPU %u: %s ****\n", this_cpu()->cpu_id,
           what[panic_action]);
    if (panic_action == PANIC_REBOOT)
        machine_reboot();
    if (panic_action == PANIC_EXIT)
        outb(debug_exit_port, 1); /* QEMU exits with status (1 << 1) | 1 */
    panic_park_cpu();
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    panic_begin();
    va_start(ap, fmt);
    hv_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk(LOG_ERR "PANIC: %s\n", msg);
    /* Start at our caller: its return address and saved frame pointer. */
    const uint64_t *fp = __builtin_frame_address(0);
    show_backtrace(fp[1], fp[0]);
    panic_end();
}
