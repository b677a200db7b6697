/* SPDX-License-Identifier: MIT */
/* The hypervisor console: a 16550 UART, output lock and debug-key input. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/types.h>

/* 16550 configuration from the com1= option. */
struct uart_config {
    uint16_t port;  /* I/O base, default 0x3f8 */
    uint32_t baud;  /* default 115200; 0 = keep the firmware's setting */
};

extern struct uart_config com1_config;

void uart_init(const struct uart_config *cfg);
void uart_putc(char c);
int uart_getc(void); /* -1 when nothing is waiting */
bool uart_present(void);

void console_init(void);
/* Write raw bytes to the console, under the console lock. */
void console_write(const char *s, size_t len);
/* After a panic: stop honouring the lock so the dying CPU can print. */
void console_force_unlock(void);
/* One line of a domain's console output, shown as "(dN) line". */
void console_guest_line(unsigned int domid, const char *line, size_t len);
/* Poll the UART and hand received characters to the debug-key handler. */
void console_poll_input(void);

/* The console switch (hv/common/console_switch.c): input goes to the debug
 * keys or to the focused domain; Ctrl-A three times moves the focus. */
void console_input(unsigned char c);
void console_input_deliver(unsigned char c);

/* Debug keys (hv/console/keyhandler.c). */
typedef void (*keyhandler_fn)(unsigned char key);
void keyhandler_register(unsigned char key, keyhandler_fn fn, const char *desc);
void keyhandler_dispatch(unsigned char key);
void keyhandler_init(void);

#endif /* HV_CONSOLE_H */
