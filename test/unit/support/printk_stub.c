// SPDX-License-Identifier: MIT
/* Host stand-in for printk: records the last lines so tests can assert on
 * what the hypervisor code would have logged. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

char test_log[TEST_LOG_SIZE];
static size_t test_log_len;

void printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(test_log + test_log_len, sizeof(test_log) - test_log_len,
                  fmt, ap);
    va_end(ap);
    if (n > 0)
        test_log_len = strnlen(test_log, sizeof(test_log) - 1);
}

void test_log_clear(void)
{
    test_log_len = 0;
    test_log[0] = '\0';
}

void printk_set_level(int lvl)
{
    (void)lvl;
}

/* Host tests see every rate-limited line; the limiter has its own test. */
struct ratelimit;
_Bool printk_ratelimit_allow(struct ratelimit *rl);
_Bool printk_ratelimit_allow(struct ratelimit *rl)
{
    (void)rl;
    return 1;
}
