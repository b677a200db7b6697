// SPDX-License-Identifier: MIT
/* printk: level filtering, the "(mica)" prefix and one lock per call. */
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/time.h>

static enum log_level log_threshold = LVL_INFO;

void printk_set_level(enum log_level lvl)
{
    log_threshold = lvl;
}

/* "<N>" at the start of a message selects its level. */
static enum log_level printk_level(const char **fmt)
{
    const char *f = *fmt;

    if (f[0] == '<' && f[1] >= '1' && f[1] <= '4' && f[2] == '>') {
        *fmt = f + 3;
        return (enum log_level)(f[1] - '0');
    }
    return LVL_INFO;
}

/*
 * Each line gets the prefix; a message is formatted first and written
 * with one console_write so lines from different CPUs stay whole.
 */
static size_t printk_prefix_lines(char *out, size_t cap, const char *msg)
{
    static const char prefix[] = "(mica) ";
    size_t o = 0;
    bool at_start = true;

    for (; *msg && o + sizeof(prefix) + 1 < cap; msg++) {
        if (at_start) {
            memcpy(out + o, prefix, sizeof(prefix) - 1);
            o += sizeof(prefix) - 1;
        }
        out[o++] = *msg;
        at_start = *msg == '\n';
    }
    return o;
}

void printk(const char *fmt, ...)
{
    char msg[512], out[640];
    enum log_level lvl = printk_level(&fmt);
    va_list ap;
    size_t len;

    if (lvl > log_threshold)
        return;
    va_start(ap, fmt);
    hv_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    len = printk_prefix_lines(out, sizeof(out), msg);
    console_write(out, len);
}

bool printk_ratelimit_allow(struct ratelimit *rl)
{
    uint32_t missed;
    bool ok = ratelimit_allow(rl, now_ns(), &missed);

    if (missed)
        printk(LOG_WARN "(%u similar lines suppressed)\n", missed);
    return ok;
}
