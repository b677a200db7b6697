// SPDX-License-Identifier: MIT
/* hv_parse_u64: numbers on the command line and in config text. */
#include <hv/errno.h>
#include <hv/lib.h>

/*
 * Error convention: every failure, overflow included, is -EINVAL, because
 * callers only need "usable or not" and lib.h promises 0 or -EINVAL. On
 * failure *out is untouched and *end (if given) is s: nothing consumed.
 * No sign, no leading spaces; "0x" must be followed by a hex digit.
 */

static int parse_digit(char c, unsigned int base)
{
    int d;

    if (c >= '0' && c <= '9')
        d = c - '0';
    else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
    else
        return -1;
    return d < (int)base ? d : -1;
}

/* At least one digit; stops at the first non-digit. */
static int __must_check parse_digits(const char **p, unsigned int base,
                                     uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    int d;

    if (parse_digit(*s, base) < 0)
        return -EINVAL;
    while ((d = parse_digit(*s, base)) >= 0) {
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return -EINVAL;
        v = v * base + (uint64_t)d;
        s++;
    }
    *p = s;
    *out = v;
    return 0;
}

/* Binary multiples: K = 2^10, M = 2^20, G = 2^30, either case. */
static int __must_check parse_suffix(const char **p, uint64_t *v)
{
    unsigned int shift;

    switch (**p) {
    case 'k':
    case 'K':
        shift = 10;
        break;
    case 'm':
    case 'M':
        shift = 20;
        break;
    case 'g':
    case 'G':
        shift = 30;
        break;
    default:
        return 0;
    }
    if (*v > (UINT64_MAX >> shift))
        return -EINVAL;
    *v <<= shift;
    (*p)++;
    return 0;
}

int hv_parse_u64(const char *s, const char **end, uint64_t *out,
                 bool allow_suffix)
{
    const char *p = s;
    unsigned int base = 10;
    uint64_t v;
    int rc;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    rc = parse_digits(&p, base, &v);
    if (!rc && allow_suffix)
        rc = parse_suffix(&p, &v);
    if (end)
        *end = rc ? s : p;
    if (!rc)
        *out = v;
    return rc;
}
