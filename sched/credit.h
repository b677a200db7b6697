/* SPDX-License-Identifier: MIT */
/* Credit policy internals shared by credit.c (ops) and credit_account.c. */
#ifndef SCHED_CREDIT_H
#define SCHED_CREDIT_H

#include "policy.h"

#define CREDIT_PERIOD_NS (SCHED_TICK_NS * SCHED_TICKS_PER_PERIOD)
/* Credit stays within one period either way: idle units do not hoard,
 * and a unit that overran is not punished for longer than a period. */
#define CREDIT_MAX (2 * (int64_t)CREDIT_PERIOD_NS)
#define CREDIT_MIN (-(int64_t)CREDIT_PERIOD_NS)
/* A new unit may run one tick before its first accounting. */
#define CREDIT_INIT ((int64_t)SCHED_TICK_NS)

/* A unit paid a whole pCPU per period cannot overrun its share (it can
 * use no more than one pCPU), so a negative balance is only tick jitter:
 * it stays UNDER rather than being preempted by units that can. */
static inline enum sched_pri credit_pri(const struct sched_unit *u)
{
    return u->credit > 0 || u->full ? SCHED_PRI_UNDER : SCHED_PRI_OVER;
}

static inline bool credit_out_of_cap(const struct sched_unit *u)
{
    return u->sdom->cap && u->credit <= 0;
}

/* Debit the time since the unit started or was last charged. */
static inline void credit_charge(struct sched_unit *u, uint64_t now)
{
    uint64_t from = MAX(u->start_ns, u->charged_ns);

    if (now > from) {
        u->credit -= (int64_t)(now - from);
        u->active = true;
        u->charged_ns = now;
    }
    if (u->credit < CREDIT_MIN)
        u->credit = CREDIT_MIN;
}

/* Run one accounting period; returns the pCPUs to reschedule. */
uint64_t credit_account(struct scheduler *s, uint64_t now);

#endif /* SCHED_CREDIT_H */
