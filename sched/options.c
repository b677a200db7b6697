// SPDX-License-Identifier: MIT
/* The scheduler's boot options: sched=, sched_tslice_ms=, sched_report=.
 * Parsed before the console is up; bad values are refused (the option
 * table then reports them) and the defaults stay. */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/sched.h>

#include "sched_internal.h"

struct sched_options sched_opts = {
    .policy = &sched_credit_ops,
    .tslice_ns = SCHED_DEFAULT_TSLICE_NS,
};

int sched_opt_policy(const char *v)
{
    static const struct sched_ops *const policies[] = { &sched_credit_ops, &sched_rr_ops };

    for (unsigned int i = 0; v && i < ARRAY_SIZE(policies); i++) {
        if (!strcmp(v, policies[i]->name)) {
            sched_opts.policy = policies[i];
            return 0;
        }
    }
    return -EINVAL;
}

int sched_opt_tslice(const char *v)
{
    const char *end;
    uint64_t ms;

    if (!v || hv_parse_u64(v, &end, &ms, false) || *end || ms < 1 || ms > 1000)
        return -EINVAL;
    sched_opts.tslice_ns = ms * 1000000;
    return 0;
}

/* sched_report=<delay_ms>,<window_ms> */
int sched_opt_report(const char *v)
{
    const char *end;
    uint64_t delay, window;

    if (!v || hv_parse_u64(v, &end, &delay, false) || *end != ',' ||
        hv_parse_u64(end + 1, &end, &window, false) || *end || window < 10 ||
        delay > 3600000 || window > 3600000)
        return -EINVAL;
    sched_opts.report_delay_ms = delay;
    sched_opts.report_window_ms = window;
    return 0;
}
