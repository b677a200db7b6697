// SPDX-License-Identifier: MIT
// Xen-ABI test guests (PVH here, PV in ../../pv): printf, info and the
// verdict's line formatting; each runtime's xen_line_write() sends it.
#include "guest.h"
#include "xen_lines.h"

void xen_vline(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
    static char line[512];
    size_t n = (size_t)snprintf(line, sizeof(line), "%s", prefix);

    if (n < sizeof(line))
        n += (size_t)vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    if (n < sizeof(line))
        snprintf(line + n, sizeof(line) - n, "%s", suffix);
    xen_line_write(line, strlen(line));
}

int printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xen_vline("", fmt, ap, "");
    va_end(ap);
    return 0;
}

void info(const char *fmt, ...)
{
    char prefix[64];
    va_list ap;

    snprintf(prefix, sizeof(prefix), "%s: ", test_name);
    va_start(ap, fmt);
    xen_vline(prefix, fmt, ap, "\n");
    va_end(ap);
}
