// SPDX-License-Identifier: MIT
/* Freestanding string and memory functions for the hypervisor image. */
#include <hv/lib.h>

/*
 * The mem* functions use the string instructions rather than C loops: GCC's
 * loop-idiom recognition may turn a byte loop back into a call to the very
 * function being defined, and ERMSB makes rep movsb/stosb fast anyway.
 */

void *memset(void *s, int c, size_t n)
{
    void *d = s;

    asm volatile("rep stosb"
                 : "+D"(d), "+c"(n)
                 : "a"(c)
                 : "memory");
    return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    asm volatile("rep movsb"
                 : "+D"(d), "+S"(src), "+c"(n)
                 :
                 : "memory");
    return dst;
}

/* Overlap with dst above src needs a backward copy: set DF for the duration
 * (the ABI requires DF clear on function entry and exit). */
static void memmove_backward(void *dst, const void *src, size_t n)
{
    unsigned char *d = (unsigned char *)dst + n - 1;
    const unsigned char *s = (const unsigned char *)src + n - 1;

    asm volatile("std\n\trep movsb\n\tcld"
                 : "+D"(d), "+S"(s), "+c"(n)
                 :
                 : "memory");
}

void *memmove(void *dst, const void *src, size_t n)
{
    uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

    if (n == 0 || d == s)
        return dst;
    if (d < s || d - s >= n)
        return memcpy(dst, src, n);
    memmove_backward(dst, src, n);
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] - y[i];
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i] || !x[i])
            return x[i] - y[i];
    }
    return 0;
}

/* Like C: the terminating NUL is part of the string, so strchr(s, 0)
 * returns a pointer to it. */
char *strchr(const char *s, int c)
{
    char ch = (char)c;

    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack; haystack++)
        if (!strncmp(haystack, needle, n))
            return (char *)haystack;
    return n ? NULL : (char *)haystack;
}
