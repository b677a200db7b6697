// SPDX-License-Identifier: MIT
/* Text buffers: fill under a lock, print later (include/hv/textbuf.h). */
#include <stdarg.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/textbuf.h>

void textbuf_printf(struct textbuf *t, const char *fmt, ...)
{
    size_t room = t->size - t->len;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(t->buf + t->len, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= room) {
        t->truncated = true;
        t->len = t->size - 1;
    } else {
        t->len += (size_t)n;
    }
}

void textbuf_printk(const struct textbuf *t)
{
    const char *line = t->buf, *nl;

    while (*line) {
        nl = strchr(line, '\n');
        if (!nl) {
            printk("%s\n", line);
            break;
        }
        printk("%.*s\n", (int)(nl - line), line);
        line = nl + 1;
    }
    if (t->truncated)
        printk(LOG_WARN "(output truncated at %zu bytes)\n", t->size);
}
