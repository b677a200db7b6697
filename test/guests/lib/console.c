// SPDX-License-Identifier: MIT
// Test-guest console: polled 16550 output on COM1 and a small printf.
#include "guest.h"

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_LCR_DLAB 0x80

void serial_init(void)
{
    outb(COM1 + UART_IER, 0); /* polled: no interrupts */
    outb(COM1 + UART_LCR, UART_LCR_DLAB);
    outb(COM1 + 0, 1); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + UART_LCR, 0x03); /* 8N1 */
    outb(COM1 + UART_FCR, 0x07); /* FIFOs on and cleared */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
    /* Bounded: a missing UART must not hang the guest before its verdict. */
    for (unsigned int i = 0; i < 1000000; i++)
        if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
            break;
    outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        serial_putc(s[i]);
}

struct out {
    char *buf;
    size_t size, len;
};

static void out_c(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

struct spec {
    unsigned int width;
    bool zero, left, alt;
};

static void out_pad(struct out *o, size_t have, const struct spec *sp, char c)
{
    while (have++ < sp->width)
        out_c(o, c);
}

static void out_str(struct out *o, const char *s, const struct spec *sp)
{
    size_t n = strlen(s);

    if (!sp->left)
        out_pad(o, n, sp, ' ');
    while (*s)
        out_c(o, *s++);
    if (sp->left)
        out_pad(o, n, sp, ' ');
}

static void out_num(struct out *o, unsigned long long v, unsigned int base, bool neg,
                    const struct spec *sp)
{
    char tmp[24];
    size_t n = 0, len;

    do {
        unsigned int d = (unsigned int)(v % base);

        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    len = n + neg + (sp->alt && base == 16 ? 2 : 0);
    if (!sp->left && !sp->zero)
        out_pad(o, len, sp, ' ');
    if (neg)
        out_c(o, '-');
    if (sp->alt && base == 16) {
        out_c(o, '0');
        out_c(o, 'x');
    }
    if (!sp->left && sp->zero)
        out_pad(o, len, sp, '0');
    while (n)
        out_c(o, tmp[--n]);
    if (sp->left)
        out_pad(o, len, sp, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp)
{
    *sp = (struct spec){0};
    for (;; f++) {
        if (*f == '0')
            sp->zero = true;
        else if (*f == '-')
            sp->left = true;
        else if (*f == '#')
            sp->alt = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (unsigned int)(*f++ - '0');
    return f;
}

/* Length modifiers: l, ll, z; the value comes back widened. */
static unsigned long long get_arg(va_list *ap, int lmod, bool is_signed)
{
    if (lmod >= 2)
        return va_arg(*ap, unsigned long long);
    if (lmod == 1)
        return is_signed ? (unsigned long long)va_arg(*ap, long)
                         : va_arg(*ap, unsigned long);
    return is_signed ? (unsigned long long)(long long)va_arg(*ap, int)
                     : va_arg(*ap, unsigned int);
}

static void format_one(struct out *o, char conv, int lmod, const struct spec *sp,
                       va_list *ap)
{
    long long s;

    switch (conv) {
    case 'd':
    case 'i':
        s = (long long)get_arg(ap, lmod, true);
        out_num(o, s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s, 10,
                s < 0, sp);
        break;
    case 'u':
        out_num(o, get_arg(ap, lmod, false), 10, false, sp);
        break;
    case 'x':
        out_num(o, get_arg(ap, lmod, false), 16, false, sp);
        break;
    case 'p': {
        struct spec p = *sp;

        p.alt = true;
        out_num(o, (uintptr_t)va_arg(*ap, void *), 16, false, &p);
        break;
    }
    case 's': {
        const char *str = va_arg(*ap, const char *);

        out_str(o, str ? str : "(null)", sp);
        break;
    }
    case 'c':
        out_c(o, (char)va_arg(*ap, int));
        break;
    default:
        out_c(o, '%');
        out_c(o, conv);
        break;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {.buf = buf, .size = size, .len = 0};
    va_list aq;

    va_copy(aq, ap);
    while (*fmt) {
        struct spec sp;
        int lmod = 0;

        if (*fmt != '%' || fmt[1] == '%') {
            out_c(&o, *fmt);
            fmt += *fmt == '%' ? 2 : 1;
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp);
        while (*fmt == 'l' || *fmt == 'z')
            lmod++, fmt++; /* size_t is a long on i386 and x86-64 */
        if (!*fmt)
            break;
        format_one(&o, *fmt++, lmod, &sp, &aq);
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
    static char line[512];
    size_t n = 0;

    if (prefix)
        n = (size_t)snprintf(line, sizeof(line), "%s", prefix);
    vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    serial_write(line, strlen(line));
}

int printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprint(NULL, fmt, ap);
    va_end(ap);
    return 0;
}

void info(const char *fmt, ...)
{
    va_list ap;

    printf("%s: ", test_name);
    va_start(ap, fmt);
    vprint(NULL, fmt, ap);
    va_end(ap);
    serial_write("\n", 1);
}

static bool verdict_given;

void test_pass(void)
{
    cli();
    if (!verdict_given) {
        verdict_given = true;
        printf("Test result: SUCCESS\n");
    }
    poweroff();
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    cli();
    if (!verdict_given) {
        verdict_given = true;
        va_start(ap, fmt);
        vprint("FAIL: ", fmt, ap);
        va_end(ap);
        serial_write("\n", 1);
    }
    poweroff();
}
