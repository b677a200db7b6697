/* SPDX-License-Identifier: MIT */
/* Freestanding C library subset: string functions and formatted output. */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <stdarg.h>
#include <hv/types.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/* vsnprintf subset: %d %i %u %x %X %p %s %c %%, flags '-' '0', width,
 * precision for %s, length modifiers hh h l ll z. Returns the length the
 * full output would have had, like C99. */
int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parse an unsigned number (decimal, 0x hex) with optional K/M/G suffix
 * when allow_suffix. Returns 0 or -EINVAL; *end points past the number. */
int hv_parse_u64(const char *s, const char **end, uint64_t *out,
                 bool allow_suffix);

#endif /* HV_LIB_H */
