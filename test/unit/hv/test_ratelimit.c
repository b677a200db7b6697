// SPDX-License-Identifier: MIT
/* printk_ratelimited's limiter: a burst per window, then silence, then a
 * report of what was suppressed when the next window opens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/ratelimit.h>

#define SEC 1000000000ULL

static unsigned int allowed_in(struct ratelimit *rl, uint64_t t, unsigned int tries,
                               uint32_t *first_missed)
{
    unsigned int ok = 0;
    uint32_t missed;

    for (unsigned int i = 0; i < tries; i++) {
        ok += ratelimit_allow(rl, t, &missed);
        if (i == 0)
            *first_missed = missed;
    }
    return ok;
}

static void burst_then_silence(void **state)
{
    struct ratelimit rl = { 0 };
    uint32_t missed;

    (void)state;
    assert_int_equal(allowed_in(&rl, 100 * SEC, 1000, &missed), RATELIMIT_BURST);
    assert_int_equal(missed, 0);
    assert_int_equal(rl.missed, 1000 - RATELIMIT_BURST);
}

static void next_window_reports_missed(void **state)
{
    struct ratelimit rl = { 0 };
    uint32_t missed;

    (void)state;
    allowed_in(&rl, 100 * SEC, 25, &missed);
    /* Still inside the window: nothing more. */
    assert_int_equal(allowed_in(&rl, 100 * SEC + RATELIMIT_WINDOW_NS - 1, 3, &missed), 0);
    assert_int_equal(allowed_in(&rl, 100 * SEC + RATELIMIT_WINDOW_NS, 3, &missed), 3);
    assert_int_equal(missed, 25 - RATELIMIT_BURST + 3);
    assert_int_equal(rl.missed, 0);
}

static void time_zero_is_a_time(void **state)
{
    struct ratelimit rl = { 0 };
    uint32_t missed;

    (void)state;
    /* A limiter first used at t=0 must not reopen its window every call. */
    assert_int_equal(allowed_in(&rl, 0, 50, &missed), RATELIMIT_BURST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_then_silence),
        cmocka_unit_test(next_window_reports_missed),
        cmocka_unit_test(time_zero_is_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
