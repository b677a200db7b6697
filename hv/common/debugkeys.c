// SPDX-License-Identifier: MIT
/* The debug keys' actions: memory, CPUs, timers, reboot. Input is polled
 * from a timer on the boot CPU. */
#include <hv/boot.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/hcstats.h>
#include <hv/heap.h>
#include <hv/mm.h>
#include <hv/paging.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/x86.h>

#define CONSOLE_POLL_NS 10000000ULL /* 10 ms */

extern struct memmap boot_memmap;
static struct timer console_poll_timer;

void memmap_print(const struct memmap *m);
void memmap_print(const struct memmap *m)
{
    printk("Physical memory map:\n");
    for (unsigned int i = 0; i < m->nr; i++)
        printk("  %016lx - %016lx %s\n", m->e[i].base,
               m->e[i].base + m->e[i].len, memmap_type_name(m->e[i].type));
}

void mem_summary_print(void);
void mem_summary_print(void)
{
    const struct mem_stats *s = &mem_stats;

    printk("Memory: %lu KiB RAM in map, %lu KiB free, %lu KiB below 1 MiB kept, "
           "%lu KiB image, %lu KiB frame table+page tables, %lu KiB modules, "
           "%lu KiB allocated\n",
           s->map_ram * 4, buddy_free_frames(&frame_allocator) * 4,
           s->low_kept * 4, s->image * 4, s->early * 4, s->modules * 4,
           (s->handed_to_buddy - buddy_free_frames(&frame_allocator)) * 4);
}

static void key_memory(unsigned char key)
{
    struct heap_stats hs;

    (void)key;
    memmap_print(&boot_memmap);
    mem_summary_print();
    heap_get_stats(&hs);
    printk("Heap: %lu allocations, %lu bytes in use, %lu pages held\n",
           hs.nr_allocs, hs.bytes_in_use, hs.pages_held);
}

static void key_cpus(unsigned char key)
{
    (void)key;
    printk("CPUs: %u online of %u possible\n", nr_cpus_online, nr_cpus_possible);
    for (unsigned int c = 0; c < MAX_CPUS; c++) {
        const struct percpu *pc = percpu_of[c];

        if (pc)
            printk("  CPU%u: APIC id %u, %s, %lu interrupts, %lu timer, up %lu ms\n",
                   c, pc->apic_id, pc->online ? "online" : "offline",
                   pc->irq_count, pc->timer_irqs,
                   (rdtsc() - pc->tsc_at_online) / tsc_khz);
    }
}

static void key_timers(unsigned char key)
{
    (void)key;
    timers_dump();
}

static void dump_domain(struct domain *d, void *arg)
{
    (void)arg;
    if (d->ops->dump)
        d->ops->dump(d);
}

static void key_vcpus(unsigned char key)
{
    (void)key;
    domain_for_each(dump_domain, NULL);
}

static void key_reboot(unsigned char key)
{
    (void)key;
    printk("Rebooting at the console's request\n");
    machine_reboot();
}

static void console_poll(void *data)
{
    (void)data;
    console_poll_input();
    timer_set(&console_poll_timer, now_ns() + CONSOLE_POLL_NS);
}

void debugkeys_init(void);
void debugkeys_init(void)
{
    keyhandler_init();
    keyhandler_register('m', key_memory, "memory map and allocator state");
    keyhandler_register('c', key_cpus, "CPUs and their interrupt counts");
    keyhandler_register('t', key_timers, "armed timers on every CPU");
    keyhandler_register('R', key_reboot, "reboot the machine");
    hcstats_init();
    keyhandler_register('v', key_vcpus, "every domain's vCPUs: what each waits for, its devices");
    timer_init(&console_poll_timer, console_poll, NULL, "console-poll");
    timer_set(&console_poll_timer, now_ns() + CONSOLE_POLL_NS);
}
