// SPDX-License-Identifier: MIT
/* 16550 UART driver for the hypervisor console (polled transmit). */
#include <hv/console.h>
#include <hv/x86.h>

/* Register offsets and bits, as in the 16550D data sheet. */
#define UART_THR 0 /* transmit holding (write) / receive buffer (read) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define UART_DLL 0 /* divisor latch, with LCR.DLAB set */
#define UART_DLM 1
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_DR 0x01   /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */
#define UART_CLOCK 115200

struct uart_config com1_config = { .port = 0x3f8, .baud = 115200 };
static uint16_t uart_base;
static bool uart_ok;

/* The scratch register holds what we write only if a UART is there. */
static bool uart_probe(uint16_t base)
{
    outb(base + UART_SCR, 0x5a);
    if (inb(base + UART_SCR) != 0x5a)
        return false;
    outb(base + UART_SCR, 0xa5);
    return inb(base + UART_SCR) == 0xa5;
}

void uart_init(const struct uart_config *cfg)
{
    uart_base = cfg->port;
    uart_ok = uart_probe(uart_base);
    if (!uart_ok)
        return;
    outb(uart_base + UART_IER, 0);
    if (cfg->baud) {
        uint16_t div = (uint16_t)(UART_CLOCK / cfg->baud);

        outb(uart_base + UART_LCR, LCR_DLAB);
        outb(uart_base + UART_DLL, div & 0xff);
        outb(uart_base + UART_DLM, div >> 8);
    }
    outb(uart_base + UART_LCR, LCR_8N1);
    outb(uart_base + UART_FCR, 0x07); /* enable and clear FIFOs */
    outb(uart_base + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (IRQ gate) */
}

bool uart_present(void)
{
    return uart_ok;
}

void uart_putc(char c)
{
    unsigned int spins = 0;

    if (!uart_ok)
        return;
    /* Bounded wait: a wedged UART must not hang the hypervisor. */
    while (!(inb(uart_base + UART_LSR) & LSR_THRE) && ++spins < 1000000)
        cpu_relax();
    outb(uart_base + UART_THR, (uint8_t)c);
}

int uart_getc(void)
{
    if (!uart_ok || !(inb(uart_base + UART_LSR) & LSR_DR))
        return -1;
    return inb(uart_base + UART_THR);
}
