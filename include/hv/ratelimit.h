/* SPDX-License-Identifier: MIT */
/* Rate limiting of guest-triggerable log lines (printk_ratelimited). */
#ifndef HV_RATELIMIT_H
#define HV_RATELIMIT_H

#include <hv/types.h>

#define RATELIMIT_BURST 10                 /* lines per window and call site */
#define RATELIMIT_WINDOW_NS 5000000000ULL  /* 5 s */

/*
 * One per call site, zero-initialised. Races between pCPUs are benign: at
 * worst a line more or less is printed or counted as suppressed, so the
 * fields are updated with plain atomics and no lock (a lock here could be
 * taken from an interrupt handler that interrupted its holder).
 */
struct ratelimit {
    uint64_t window_start; /* ns + 1; 0: not used yet */
    uint32_t printed;      /* in this window */
    uint32_t missed;       /* suppressed in this window */
};

/* May a line be printed at `now`? *missed_before receives the number of
 * lines suppressed in the window that just ended (to report once). */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint32_t *missed_before);

#endif /* HV_RATELIMIT_H */
