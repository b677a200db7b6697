// SPDX-License-Identifier: MIT
/* Console output serialization and input polling.
 *
 * Locking: console_lock serializes output so that the lines of several
 * CPUs never interleave; it is taken with interrupts off. After a panic
 * the lock is ignored (console_force_unlock) so the dying CPU can print.
 */
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <hv/x86.h>

static spinlock_t console_lock = SPINLOCK_INIT;
static volatile bool console_busted;

void console_init(void)
{
    uart_init(&com1_config);
}

static void console_emit(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            uart_putc('\r');
        uart_putc(s[i]);
    }
}

void console_write(const char *s, size_t len)
{
    uint64_t flags = local_irq_save();

    if (console_busted) {
        console_emit(s, len);
    } else {
        spin_lock(&console_lock);
        console_emit(s, len);
        spin_unlock(&console_lock);
    }
    local_irq_restore(flags);
}

void console_guest_line(unsigned int domid, const char *line, size_t len)
{
    char buf[200];
    int n = hv_snprintf(buf, sizeof(buf), "(d%u) %.*s\n", domid, (int)len, line);

    console_write(buf, (size_t)MIN(n, (int)sizeof(buf) - 1));
}

void console_force_unlock(void)
{
    console_busted = true;
}

void console_poll_input(void)
{
    int c;

    while ((c = uart_getc()) >= 0)
        console_input((unsigned char)c);
}
