// SPDX-License-Identifier: MIT
/* hv_vsnprintf: the printf subset printk and the rest of Mica format with. */
#include <hv/lib.h>

/*
 * Widths and precisions are clamped to this so that a stray "%99999999d"
 * cannot overflow the int arithmetic below; nothing legitimate pads wider.
 */
#define FMT_MAX_WIDTH 4096

/* Where output goes: bytes past size - 1 are counted but not stored, so
 * the return value is the length the whole output would have had. */
struct fmt_out {
    char *buf;
    size_t size;
    size_t pos;
};

enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

struct fmt_spec {
    bool left;      /* '-': pad on the right */
    bool zero;      /* '0': pad numbers with zeros */
    int width;
    int prec;       /* -1 when absent */
    enum fmt_len len;
};

static void out_char(struct fmt_out *o, char c)
{
    if (o->size && o->pos < o->size - 1)
        o->buf[o->pos] = c;
    o->pos++;
}

static void out_repeat(struct fmt_out *o, char c, int n)
{
    while (n-- > 0)
        out_char(o, c);
}

static void out_mem(struct fmt_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out_char(o, s[i]);
}

static int fmt_clamp(int v)
{
    return v > FMT_MAX_WIDTH ? FMT_MAX_WIDTH : v;
}

/* A decimal field, or '*' to take it (possibly negative) from the args. */
static int fmt_parse_num(const char **fmt, va_list *ap)
{
    int v = 0;

    if (**fmt == '*') {
        (*fmt)++;
        return va_arg(*ap, int);
    }
    while (**fmt >= '0' && **fmt <= '9') {
        v = fmt_clamp(v * 10 + (**fmt - '0'));
        (*fmt)++;
    }
    return v;
}

static void fmt_parse_flags(const char **fmt, struct fmt_spec *sp)
{
    for (;; (*fmt)++) {
        if (**fmt == '-')
            sp->left = true;
        else if (**fmt == '0')
            sp->zero = true;
        else
            return;
    }
}

static void fmt_parse_width(const char **fmt, va_list *ap, struct fmt_spec *sp)
{
    int w = fmt_parse_num(fmt, ap);

    /* C: a negative '*' width is a '-' flag plus a positive width. */
    if (w < 0) {
        sp->left = true;
        w = w < -FMT_MAX_WIDTH ? FMT_MAX_WIDTH : -w;
    }
    sp->width = fmt_clamp(w);
}

static void fmt_parse_prec(const char **fmt, va_list *ap, struct fmt_spec *sp)
{
    int p;

    sp->prec = -1;
    if (**fmt != '.')
        return;
    (*fmt)++;
    p = fmt_parse_num(fmt, ap);
    /* C: a negative '*' precision is taken as if it were omitted. */
    sp->prec = p < 0 ? -1 : fmt_clamp(p);
}

static void fmt_parse_len(const char **fmt, struct fmt_spec *sp)
{
    const char *f = *fmt;

    sp->len = LEN_INT;
    if (f[0] == 'h' && f[1] == 'h') {
        sp->len = LEN_CHAR;
        f += 2;
    } else if (f[0] == 'h') {
        sp->len = LEN_SHORT;
        f++;
    } else if (f[0] == 'l' && f[1] == 'l') {
        sp->len = LEN_LLONG;
        f += 2;
    } else if (f[0] == 'l') {
        sp->len = LEN_LONG;
        f++;
    } else if (f[0] == 'z') {
        sp->len = LEN_SIZE;
        f++;
    }
    *fmt = f;
}

static int64_t fmt_arg_signed(const struct fmt_spec *sp, va_list *ap)
{
    switch (sp->len) {
    case LEN_CHAR:
        return (signed char)va_arg(*ap, int);
    case LEN_SHORT:
        return (short)va_arg(*ap, int);
    case LEN_LONG:
        return va_arg(*ap, long);
    case LEN_LLONG:
        return va_arg(*ap, long long);
    case LEN_SIZE:
        return (int64_t)va_arg(*ap, size_t);
    default:
        return va_arg(*ap, int);
    }
}

static uint64_t fmt_arg_unsigned(const struct fmt_spec *sp, va_list *ap)
{
    switch (sp->len) {
    case LEN_CHAR:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG:
        return va_arg(*ap, unsigned long);
    case LEN_LLONG:
        return va_arg(*ap, unsigned long long);
    case LEN_SIZE:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/*
 * Emit prefix ("-", "0x" or ""), then v in `base`. Precision is the
 * minimum digit count (so %.0d of 0 prints no digits, as in C); a '0' flag
 * pads with zeros between prefix and digits unless a precision is given.
 */
static void fmt_number(struct fmt_out *o, const struct fmt_spec *sp,
                       const char *prefix, uint64_t v, unsigned int base,
                       bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24];
    int n = 0, plen = (int)strnlen(prefix, 2), zeros, pad;

    while (v || (n == 0 && sp->prec != 0)) {
        /* base is 8, 10 or 16 from the conversion. */
        // cppcheck-suppress zerodivcond
        digits[n++] = set[v % base];
        v /= base;
    }
    zeros = sp->prec > n ? sp->prec - n : 0;
    pad = sp->width - (plen + zeros + n);
    if (sp->zero && !sp->left && sp->prec < 0 && pad > 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        out_repeat(o, ' ', pad);
    out_mem(o, prefix, (size_t)plen);
    out_repeat(o, '0', zeros);
    while (n)
        out_char(o, digits[--n]);
    if (sp->left)
        out_repeat(o, ' ', pad);
}

/* Strings and characters: width pads with spaces, the '0' flag is ignored. */
static void fmt_padded(struct fmt_out *o, const struct fmt_spec *sp,
                       const char *s, size_t n)
{
    int pad = n < (size_t)sp->width ? sp->width - (int)n : 0;

    if (!sp->left)
        out_repeat(o, ' ', pad);
    out_mem(o, s, n);
    if (sp->left)
        out_repeat(o, ' ', pad);
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *sp,
                       const char *s)
{
    size_t max = sp->prec < 0 ? SIZE_MAX : (size_t)sp->prec;

    if (!s)
        s = "(null)";
    fmt_padded(o, sp, s, strnlen(s, max));
}

static void fmt_signed(struct fmt_out *o, const struct fmt_spec *sp,
                       va_list *ap)
{
    int64_t v = fmt_arg_signed(sp, ap);

    /* Negate in unsigned arithmetic: -INT64_MIN does not fit an int64_t. */
    if (v < 0)
        fmt_number(o, sp, "-", -(uint64_t)v, 10, false);
    else
        fmt_number(o, sp, "", (uint64_t)v, 10, false);
}

/* %p is always "0x" and 16 digits so that addresses line up in logs. */
static void fmt_pointer(struct fmt_out *o, struct fmt_spec *sp, va_list *ap)
{
    sp->prec = 16;
    fmt_number(o, sp, "0x", (uintptr_t)va_arg(*ap, void *), 16, false);
}

/* One conversion; *fmt points at the conversion character. An unknown
 * conversion is copied through so that the mistake shows in the output. */
static void fmt_convert(struct fmt_out *o, struct fmt_spec *sp,
                        const char **fmt, va_list *ap)
{
    char c = **fmt;

    switch (c) {
    case 'd':
    case 'i':
        fmt_signed(o, sp, ap);
        break;
    case 'u':
        fmt_number(o, sp, "", fmt_arg_unsigned(sp, ap), 10, false);
        break;
    case 'x':
    case 'X':
        fmt_number(o, sp, "", fmt_arg_unsigned(sp, ap), 16, c == 'X');
        break;
    case 'p':
        fmt_pointer(o, sp, ap);
        break;
    case 's':
        fmt_string(o, sp, va_arg(*ap, const char *));
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        fmt_padded(o, sp, &c, 1);
        break;
    case '%':
        out_char(o, '%');
        break;
    case '\0':
        out_char(o, '%');   /* lone '%' at the end: do not read past NUL */
        return;
    default:
        out_char(o, '%');
        out_char(o, c);
        break;
    }
    (*fmt)++;
}

static void fmt_run(struct fmt_out *o, const char *fmt, va_list *ap)
{
    struct fmt_spec sp;

    while (*fmt) {
        if (*fmt != '%') {
            out_char(o, *fmt++);
            continue;
        }
        fmt++;
        sp = (struct fmt_spec){ .prec = -1 };
        fmt_parse_flags(&fmt, &sp);
        fmt_parse_width(&fmt, ap, &sp);
        fmt_parse_prec(&fmt, ap, &sp);
        fmt_parse_len(&fmt, &sp);
        fmt_convert(o, &sp, &fmt, ap);
    }
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_out o = { .buf = buf, .size = size, .pos = 0 };
    va_list args;

    /* A copy so helpers can share it by pointer (va_list may be an array
     * type, which makes &ap of a parameter the wrong type). */
    va_copy(args, ap);
    fmt_run(&o, fmt, &args);
    va_end(args);
    if (size)
        buf[MIN(o.pos, size - 1)] = '\0';
    return o.pos > INT32_MAX ? INT32_MAX : (int)o.pos;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
