// SPDX-License-Identifier: MIT
/* Unit tests of cmdline_parse (hv/common/cmdline.c) and hv_parse_u64. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include <hv/cmdline.h>
#include <hv/errno.h>
#include <hv/lib.h>

/* What the warn callback saw: every report, and the last word and reason. */
static int nr_warn;
static char last_word[256];
static char last_why[128];
static char all_words[1024];

static void record_warn(const char *word, const char *why)
{
    size_t used = strlen(all_words);

    nr_warn++;
    snprintf(last_word, sizeof(last_word), "%s", word);
    snprintf(last_why, sizeof(last_why), "%s", why);
    snprintf(all_words + used, sizeof(all_words) - used, "[%s]", word);
}

static bool o_bool;
static bool o_flag;
static uint64_t o_uint;
static uint64_t o_size;
static char o_str[8];
static char o_big[64];
static int custom_calls;
static char custom_seen[64];
static bool custom_null;

/* Accepts anything but "bad"; remembers what it was given. */
static int custom_parse(const char *value)
{
    custom_calls++;
    custom_null = !value;
    snprintf(custom_seen, sizeof(custom_seen), "%s", value ? value : "");
    return value && !strcmp(value, "bad") ? -EINVAL : 0;
}

static const struct cmdline_opt opts[] = {
    { "bool", OPT_BOOL, &o_bool, 0, NULL, "a boolean" },
    { "flag", OPT_BOOL, &o_flag, 0, NULL, "another boolean" },
    { "uint", OPT_UINT, &o_uint, 0, NULL, "a number" },
    { "mem", OPT_SIZE, &o_size, 0, NULL, "a size" },
    { "str", OPT_STRING, o_str, sizeof(o_str), NULL, "a short string" },
    { "console", OPT_STRING, o_big, sizeof(o_big), NULL, "a string" },
    { "custom", OPT_CUSTOM, NULL, 0, custom_parse, "custom parser" },
};

static int parse(const char *line)
{
    return cmdline_parse(line, opts, sizeof(opts) / sizeof(opts[0]),
                         record_warn);
}

static int reset(void **state)
{
    (void)state;
    nr_warn = 0;
    last_word[0] = last_why[0] = all_words[0] = '\0';
    o_bool = o_flag = false;
    o_uint = o_size = 0;
    strcpy(o_str, "old");
    strcpy(o_big, "old");
    custom_calls = 0;
    custom_seen[0] = '\0';
    custom_null = false;
    return 0;
}

static void test_empty_lines(void **state)
{
    (void)state;
    assert_int_equal(parse(""), 0);
    assert_int_equal(parse("   "), 0);
    assert_int_equal(parse(" \t \n\r "), 0);
    assert_int_equal(cmdline_parse(NULL, opts, 1, record_warn), 0);
    assert_int_equal(nr_warn, 0);
    assert_false(o_bool);
    assert_string_equal(o_str, "old");
}

static void test_bool_forms(void **state)
{
    static const char *const yes[] = { "bool", "bool=1", "bool=yes",
                                       "bool=on", "bool=true",
                                       "bool=\"on\"" };
    static const char *const no[] = { "bool=0", "bool=no", "bool=off",
                                      "bool=false", "no-bool" };

    (void)state;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        o_bool = false;
        assert_int_equal(parse(yes[i]), 0);
        assert_true(o_bool);
    }
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        o_bool = true;
        assert_int_equal(parse(no[i]), 0);
        assert_false(o_bool);
    }
    assert_int_equal(nr_warn, 0);
}

static void test_bool_malformed(void **state)
{
    (void)state;
    o_bool = true;
    assert_int_equal(parse("bool=maybe"), 1);
    assert_true(o_bool);
    assert_string_equal(last_word, "bool=maybe");
    assert_string_equal(last_why, "malformed boolean");
    assert_int_equal(parse("bool="), 1);
    assert_int_equal(parse("bool=YES"), 1);
    assert_true(o_bool);
    assert_int_equal(parse("no-bool=1"), 1);
    assert_string_equal(last_word, "no-bool=1");
    assert_true(o_bool);
    /* "no-" only negates booleans. */
    assert_int_equal(parse("no-uint no-"), 2);
    assert_non_null(strstr(all_words, "[no-uint][no-]"));
}

static void test_uint(void **state)
{
    (void)state;
    assert_int_equal(parse("uint=42"), 0);
    assert_int_equal(o_uint, 42);
    assert_int_equal(parse("uint=0x1F"), 0);
    assert_int_equal(o_uint, 0x1f);
    assert_int_equal(parse("uint=18446744073709551615"), 0);
    assert_true(o_uint == UINT64_MAX);
    assert_int_equal(parse("uint=\"7\""), 0);
    assert_int_equal(o_uint, 7);
    /* Quote characters are dropped wherever they are, as in a shell. */
    assert_int_equal(parse("uint=1\"2\""), 0);
    assert_int_equal(o_uint, 12);
    assert_int_equal(nr_warn, 0);
}

static void test_uint_malformed(void **state)
{
    static const char *const bad[] = {
        "uint=", "uint=abc", "uint=12x", "uint=0x", "uint=-1", "uint=+1",
        "uint=4K", "uint=18446744073709551616", "uint=0x10000000000000000",
        "uint=\"1 2\"", "uint",
    };

    (void)state;
    o_uint = 99;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i]), 1);
        assert_string_equal(last_word, bad[i]);
        assert_int_equal(o_uint, 99);
    }
    assert_string_equal(last_why, "missing value");
}

static void test_size(void **state)
{
    (void)state;
    assert_int_equal(parse("mem=4096"), 0);
    assert_int_equal(o_size, 4096);
    assert_int_equal(parse("mem=4k"), 0);
    assert_int_equal(o_size, 4096);
    assert_int_equal(parse("mem=16M"), 0);
    assert_int_equal(o_size, 16ull << 20);
    assert_int_equal(parse("mem=2g"), 0);
    assert_int_equal(o_size, 2ull << 30);
    assert_int_equal(parse("mem=0x10K"), 0);
    assert_int_equal(o_size, 16ull << 10);
    assert_int_equal(nr_warn, 0);
}

static void test_size_malformed(void **state)
{
    static const char *const bad[] = {
        "mem=12Q", "mem=12KK", "mem=K", "mem=1T", "mem=12\"K \"",
        "mem=17179869184G",   /* 2^34 GiB overflows 64 bits */
    };

    (void)state;
    o_size = 5;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        nr_warn = 0;
        assert_int_not_equal(parse(bad[i]), 0);
        assert_int_equal(o_size, 5);
    }
    assert_int_equal(parse("mem=12Q"), 1);
    assert_string_equal(last_word, "mem=12Q");
    assert_string_equal(last_why, "malformed size");
}

static void test_string(void **state)
{
    (void)state;
    assert_int_equal(parse("str=abc"), 0);
    assert_string_equal(o_str, "abc");
    assert_int_equal(parse("str=1234567"), 0);   /* exactly fits 8 */
    assert_string_equal(o_str, "1234567");
    assert_int_equal(parse("str="), 0);
    assert_string_equal(o_str, "");
    assert_int_equal(parse("console=\"com1 115200\" flag"), 0);
    assert_string_equal(o_big, "com1 115200");
    assert_true(o_flag);
    assert_int_equal(parse("console=a\"b c\"d"), 0);
    assert_string_equal(o_big, "ab cd");
    assert_int_equal(nr_warn, 0);
}

static void test_string_too_long(void **state)
{
    (void)state;
    assert_int_equal(parse("str=12345678 flag"), 1);
    assert_string_equal(o_str, "old");
    assert_string_equal(last_word, "str=12345678");
    assert_string_equal(last_why, "value too long");
    assert_true(o_flag);
    /* Quotes do not count towards the length. */
    assert_int_equal(parse("str=\"1234567\""), 0);
    assert_string_equal(o_str, "1234567");
    assert_int_equal(parse("str"), 1);
    assert_string_equal(last_why, "missing value");
}

static void test_custom(void **state)
{
    (void)state;
    assert_int_equal(parse("custom=hello"), 0);
    assert_int_equal(custom_calls, 1);
    assert_string_equal(custom_seen, "hello");
    assert_int_equal(parse("custom"), 0);
    assert_true(custom_null);
    assert_int_equal(parse("custom=\"a b\""), 0);
    assert_string_equal(custom_seen, "a b");
    assert_int_equal(parse("custom=bad"), 1);
    assert_string_equal(last_word, "custom=bad");
    assert_string_equal(last_why, "rejected value");
    assert_int_equal(custom_calls, 4);
}

static void test_unknown_skipped(void **state)
{
    (void)state;
    assert_int_equal(parse("bogus uint=3 other=\"x y\" =5 bool"), 3);
    assert_int_equal(nr_warn, 3);
    assert_string_equal(all_words, "[bogus][other=\"x y\"][=5]");
    assert_string_equal(last_why, "unknown option");
    assert_int_equal(o_uint, 3);
    assert_true(o_bool);
    /* Prefixes and extensions of known names are not matches. */
    assert_int_equal(parse("boo bools uint2=1"), 3);
}

static void test_multiple_spaces_and_order(void **state)
{
    (void)state;
    assert_int_equal(parse("   uint=1    uint=2\t\tbool   no-bool  "), 0);
    assert_int_equal(o_uint, 2);
    assert_false(o_bool);
    /* "=" inside a quoted value belongs to the value. */
    assert_int_equal(parse("console=\"a=b\""), 0);
    assert_string_equal(o_big, "a=b");
    assert_int_equal(parse("console=a=b"), 0);
    assert_string_equal(o_big, "a=b");
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    assert_int_equal(parse("flag console=\"abc def"), 1);
    assert_string_equal(last_word, "console=\"abc def");
    assert_string_equal(last_why, "unterminated quote");
    assert_string_equal(o_big, "old");
    assert_true(o_flag);
}

static void test_null_warn(void **state)
{
    (void)state;
    assert_int_equal(cmdline_parse("bogus uint=x flag", opts,
                                   sizeof(opts) / sizeof(opts[0]), NULL), 2);
    assert_true(o_flag);
}

static void test_very_long_words(void **state)
{
    static char line[20000];
    size_t n;

    (void)state;
    /* A long unknown word: reported truncated, with a visible "...". */
    memset(line, 'a', 10000);
    strcpy(line + 10000, " flag");
    assert_int_equal(parse(line), 1);
    assert_true(o_flag);
    n = strlen(last_word);
    assert_true(n > 0 && n < 200);
    assert_string_equal(last_word + n - 3, "...");
    assert_string_equal(last_why, "unknown option");

    /* Long values for every type: rejected, nothing overflows. */
    static const char *const names[] = { "str=", "console=", "uint=",
                                         "mem=", "bool=", "custom=" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t len = strlen(names[i]);

        memcpy(line, names[i], len);
        memset(line + len, '1', 5000);
        line[len + 5000] = '\0';
        nr_warn = 0;
        assert_int_equal(parse(line), 1);
    }
    assert_string_equal(o_str, "old");
    assert_string_equal(o_big, "old");
    assert_int_equal(o_uint, 0);
    assert_int_equal(o_size, 0);
    assert_int_equal(custom_calls, 0);

    /* A long quoted value with spaces is one word. */
    line[0] = '\0';
    strcat(line, "console=\"");
    memset(line + 9, ' ', 3000);
    strcpy(line + 3009, "\" uint=9");
    assert_int_equal(parse(line), 1);
    assert_int_equal(o_uint, 9);
}

static void test_parse_u64(void **state)
{
    const char *s = "123abc", *end = NULL;
    uint64_t v = 77;

    (void)state;
    assert_int_equal(hv_parse_u64(s, &end, &v, false), 0);
    assert_int_equal(v, 123);
    assert_ptr_equal(end, s + 3);

    s = "0xfFk,";
    assert_int_equal(hv_parse_u64(s, &end, &v, true), 0);
    assert_int_equal(v, 255 << 10);
    assert_ptr_equal(end, s + 5);
    assert_int_equal(hv_parse_u64(s, &end, &v, false), 0);
    assert_int_equal(v, 255);
    assert_ptr_equal(end, s + 4);

    assert_int_equal(hv_parse_u64("1m", NULL, &v, true), 0);
    assert_int_equal(v, 1 << 20);
    assert_int_equal(hv_parse_u64("0", &end, &v, true), 0);
    assert_int_equal(v, 0);

    /* Failures: -EINVAL, *out untouched, nothing consumed. */
    v = 77;
    s = "x1";
    assert_int_equal(hv_parse_u64(s, &end, &v, true), -EINVAL);
    assert_ptr_equal(end, s);
    assert_int_equal(hv_parse_u64("", &end, &v, true), -EINVAL);
    assert_int_equal(hv_parse_u64("0x", &end, &v, true), -EINVAL);
    assert_int_equal(hv_parse_u64("-1", &end, &v, true), -EINVAL);
    assert_int_equal(hv_parse_u64("18446744073709551616", &end, &v, false),
                     -EINVAL);
    assert_int_equal(hv_parse_u64("0x1ffffffffffffffffff", &end, &v, false),
                     -EINVAL);
    assert_int_equal(hv_parse_u64("17179869184G", &end, &v, true), -EINVAL);
    assert_int_equal(v, 77);
    assert_int_equal(hv_parse_u64("17179869183G", &end, &v, true), 0);
    assert_true(v == 17179869183ull << 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_empty_lines, reset),
        cmocka_unit_test_setup(test_bool_forms, reset),
        cmocka_unit_test_setup(test_bool_malformed, reset),
        cmocka_unit_test_setup(test_uint, reset),
        cmocka_unit_test_setup(test_uint_malformed, reset),
        cmocka_unit_test_setup(test_size, reset),
        cmocka_unit_test_setup(test_size_malformed, reset),
        cmocka_unit_test_setup(test_string, reset),
        cmocka_unit_test_setup(test_string_too_long, reset),
        cmocka_unit_test_setup(test_custom, reset),
        cmocka_unit_test_setup(test_unknown_skipped, reset),
        cmocka_unit_test_setup(test_multiple_spaces_and_order, reset),
        cmocka_unit_test_setup(test_unterminated_quote, reset),
        cmocka_unit_test_setup(test_null_warn, reset),
        cmocka_unit_test_setup(test_very_long_words, reset),
        cmocka_unit_test_setup(test_parse_u64, reset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
