// SPDX-License-Identifier: MIT
/* Unit tests of hv_vsnprintf/hv_snprintf (hv/lib/vsnprintf.c). */
#include <stdint.h>
#include <string.h>

#include "test_support.h"
#include <hv/lib.h>

/* Format into a roomy buffer and check both the text and the return. */
#define CHECK(expect, ...)                                              \
    do {                                                                \
        char buf_[256];                                                 \
        int n_ = hv_snprintf(buf_, sizeof(buf_), __VA_ARGS__);          \
        assert_string_equal(buf_, (expect));                            \
        assert_int_equal(n_, (int)strlen(expect));                      \
    } while (0)

/* No format attribute: lets the tests pass formats -Wformat rejects. */
static int raw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void test_plain_and_percent(void **state)
{
    (void)state;
    CHECK("", "%s", "");
    CHECK("hello", "hello");
    CHECK("100%", "100%%");
    CHECK("a%b", "a%%b");
}

static void test_signed(void **state)
{
    (void)state;
    CHECK("0", "%d", 0);
    CHECK("42", "%d", 42);
    CHECK("-42", "%i", -42);
    CHECK("2147483647", "%d", INT32_MAX);
    CHECK("-2147483648", "%d", INT32_MIN);
    CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK("9223372036854775807", "%ld", (long)INT64_MAX);
    CHECK("-1", "%hhd", (signed char)-1);
    CHECK("-128", "%hhd", -128);
    CHECK("-32768", "%hd", (short)INT16_MIN);
    CHECK("-5", "%zd", (size_t)-5);
}

static void test_unsigned_and_hex(void **state)
{
    (void)state;
    CHECK("4294967295", "%u", UINT32_MAX);
    CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    CHECK("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
    CHECK("deadbeef", "%x", 0xdeadbeefu);
    CHECK("DEADBEEF", "%X", 0xdeadbeefu);
    CHECK("ff", "%hhx", 0x1ff);
    CHECK("ffff", "%hx", 0xfffff);
    CHECK("12345", "%zu", (size_t)12345);
    CHECK("0", "%x", 0);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    CHECK("   42", "%5d", 42);
    CHECK("42   |", "%-5d|", 42);
    CHECK("00042", "%05d", 42);
    CHECK("-0042", "%05d", -42);
    CHECK("  -42", "%5d", -42);
    CHECK("0000beef", "%08x", 0xbeef);
    CHECK("12345", "%3d", 12345);
    CHECK("   ab", "%5s", "ab");
    CHECK("ab   |", "%-5s|", "ab");
    CHECK("    x", "%5c", 'x');
    CHECK("x    |", "%-5c|", 'x');
}

static void test_star(void **state)
{
    (void)state;
    CHECK("   42", "%*d", 5, 42);
    CHECK("42   |", "%*d|", -5, 42);
    CHECK("abc", "%.*s", 3, "abcdef");
    CHECK("  abc", "%*.*s", 5, 3, "abcdef");
    CHECK("abcdef", "%.*s", -1, "abcdef");
}

static void test_precision(void **state)
{
    (void)state;
    CHECK("ab", "%.2s", "abcdef");
    CHECK("", "%.0s", "abcdef");
    CHECK("abc", "%.10s", "abc");
    CHECK("   ab", "%5.2s", "abcdef");
    CHECK("00042", "%.5d", 42);
    CHECK("-00042", "%.5d", -42);
    CHECK("   00042", "%8.5d", 42);
}

static void test_string_and_char(void **state)
{
    char buf[16];

    (void)state;
    CHECK("hello world", "%s %s", "hello", "world");
    CHECK("a-b", "%c-%c", 'a', 'b');
    /* Through raw_snprintf: GCC rejects a literal NULL for %s. */
    assert_int_equal(raw_snprintf(buf, sizeof(buf), "%s", (char *)NULL), 6);
    assert_string_equal(buf, "(null)");
    assert_int_equal(raw_snprintf(buf, sizeof(buf), "[%.3s]", (char *)NULL),
                     5);
    assert_string_equal(buf, "[(nu]");
}

static void test_pointer(void **state)
{
    (void)state;
    CHECK("0x0000000000000000", "%p", (void *)NULL);
    CHECK("0x00000000deadbeef", "%p", (void *)(uintptr_t)0xdeadbeef);
    CHECK("0xffff82d080000000", "%p", (void *)(uintptr_t)0xffff82d080000000);
    CHECK("  0x0000000000001000", "%20p", (void *)(uintptr_t)0x1000);
    CHECK("0x0000000000001000  |", "%-20p|", (void *)(uintptr_t)0x1000);
}

static void test_truncation(void **state)
{
    char buf[8];
    int n;

    (void)state;
    memset(buf, 'Z', sizeof(buf));
    n = hv_snprintf(buf, sizeof(buf), "%s", "0123456789");
    assert_int_equal(n, 10);
    assert_string_equal(buf, "0123456");

    memset(buf, 'Z', sizeof(buf));
    n = hv_snprintf(buf, 1, "%d", 12345);
    assert_int_equal(n, 5);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'Z');

    /* size 0: nothing written, not even the NUL; NULL buffer allowed. */
    memset(buf, 'Z', sizeof(buf));
    n = hv_snprintf(buf, 0, "%d", 12345);
    assert_int_equal(n, 5);
    assert_int_equal(buf[0], 'Z');
    assert_int_equal(hv_snprintf(NULL, 0, "%5s|%p", "x", (void *)buf), 24);

    /* Exactly fitting output. */
    n = hv_snprintf(buf, sizeof(buf), "%07d", 1);
    assert_int_equal(n, 7);
    assert_string_equal(buf, "0000001");
    n = hv_snprintf(buf, sizeof(buf), "%08d", 1);
    assert_int_equal(n, 8);
    assert_string_equal(buf, "0000000");
}

static int wrap_vsnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int wrap_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void test_vsnprintf_va_list(void **state)
{
    char buf[64];

    (void)state;
    assert_int_equal(wrap_vsnprintf(buf, sizeof(buf), "%s=%u,%x", "a", 7u,
                                    255u), 6);
    assert_string_equal(buf, "a=7,ff");
}

static void test_mixed_lengths(void **state)
{
    (void)state;
    CHECK("1 2 3 4 5", "%hhu %hu %u %lu %llu", 1, 2, 3u, 4ul, 5ull);
    CHECK("-1 ffffffff -1", "%d %x %lld", -1, 0xffffffffu, -1ll);
    CHECK("[   -7|8   ]", "[%5d|%-4u]", -7, 8u);
}

/* Malformed formats are copied through and never read past the NUL;
 * absurd widths are clamped (to 4096) instead of overflowing. */
static void test_odd_formats(void **state)
{
    char buf[32];

    (void)state;
    assert_int_equal(raw_snprintf(buf, sizeof(buf), "ab%"), 3);
    assert_string_equal(buf, "ab%");
    assert_int_equal(raw_snprintf(buf, sizeof(buf), "%q!", 0), 3);
    assert_string_equal(buf, "%q!");
    assert_int_equal(raw_snprintf(buf, sizeof(buf), "%99999999999d", 1),
                     4096);
    assert_int_equal(raw_snprintf(buf, sizeof(buf), "%-05d|", -42), 6);
    assert_string_equal(buf, "-42  |");
    assert_int_equal(raw_snprintf(buf, sizeof(buf), "%05s", "ab"), 5);
    assert_string_equal(buf, "   ab");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_percent),
        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_unsigned_and_hex),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_star),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_string_and_char),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_vsnprintf_va_list),
        cmocka_unit_test(test_mixed_lengths),
        cmocka_unit_test(test_odd_formats),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
