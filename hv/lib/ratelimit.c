// SPDX-License-Identifier: MIT
/* A fixed-window rate limiter: RATELIMIT_BURST lines per window. */
#include <hv/ratelimit.h>

bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint32_t *missed_before)
{
    /* window_start holds time + 1, so that 0 means "never used". */
    uint64_t stamp = now + 1, start = __atomic_load_n(&rl->window_start, __ATOMIC_RELAXED);

    *missed_before = 0;
    if (!start || stamp - start >= RATELIMIT_WINDOW_NS) {
        /* One caller opens the new window; it reports what was missed. */
        if (__atomic_compare_exchange_n(&rl->window_start, &start, stamp, false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            *missed_before = __atomic_exchange_n(&rl->missed, 0, __ATOMIC_RELAXED);
            __atomic_store_n(&rl->printed, 0, __ATOMIC_RELAXED);
        }
    }
    if (__atomic_add_fetch(&rl->printed, 1, __ATOMIC_RELAXED) <= RATELIMIT_BURST)
        return true;
    __atomic_add_fetch(&rl->missed, 1, __ATOMIC_RELAXED);
    return false;
}
