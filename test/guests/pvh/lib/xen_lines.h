/* SPDX-License-Identifier: MIT */
/* Line output shared by the Xen-ABI test-guest runtimes (xen_lines.c). */
#ifndef XEN_LINES_H
#define XEN_LINES_H

#include <stdarg.h>
#include <stddef.h>

/* Provided by each runtime: one whole line (or a printf fragment) out. */
void xen_line_write(const char *s, size_t n);
/* prefix + formatted text + suffix as one xen_line_write(). */
void xen_vline(const char *prefix, const char *fmt, va_list ap, const char *suffix);

#endif /* XEN_LINES_H */
