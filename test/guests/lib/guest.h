/* SPDX-License-Identifier: MIT */
/* Test-guest runtime: verdict, console, checks, boot information. */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86.h"

#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __aligned(n) __attribute__((aligned(n)))
#define __packed __attribute__((packed))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Each guest defines these two. test_name prefixes its information lines;
 * returning from test_main() is success. */
extern const char test_name[];
void test_main(void);

/* The one verdict line, "Test result: SUCCESS" or "FAIL: <why>", then
 * power off. Only the first verdict is printed. */
void test_pass(void) __noreturn;
void test_fail(const char *fmt, ...) __printf(1, 2) __noreturn;

/* "<test_name>: <message>" on its own line. */
void info(const char *fmt, ...) __printf(1, 2);

#define CHECK(cond, ...)                                                                 \
    do {                                                                                 \
        if (!(cond))                                                                     \
            test_fail(__VA_ARGS__);                                                      \
    } while (0)

#define CHECK_EQ(what, got, want)                                                        \
    do {                                                                                 \
        unsigned long long got_ = (got), want_ = (want);                                 \
        if (got_ != want_)                                                               \
            test_fail("%s: got %#llx, expected %#llx", (what), got_, want_);             \
    } while (0)

/* Console: polled 16550 on COM1. */
void serial_init(void);
void serial_write(const char *s, size_t n);
int printf(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Multiboot 1 boot information (saved by the entry code). */
#define MB_MEM_AVAILABLE 1
uint64_t mb_ram_end(void);
unsigned int mb_mem_type(uint64_t addr);
unsigned long mb_cmdline_ulong(const char *key, unsigned long def);

/* The image as linked (guest.ld). */
extern char __image_start[], __image_end[];

/* Hypervisor detection through the CPUID leaves at 0x40000000 + n*0x100. */
bool on_mica(void);
const char *hv_signature(void);

/* ACPI S5 through the FADT's PM1a control block (located at boot). */
void poweroff(void) __noreturn;
void halt_forever(void) __noreturn;

#endif /* GUEST_H */
