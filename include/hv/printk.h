/* SPDX-License-Identifier: MIT */
/* printk: leveled, line-atomic logging to the hypervisor console. */
#ifndef HV_PRINTK_H
#define HV_PRINTK_H

#include <hv/ratelimit.h>
#include <hv/types.h>

/* A message may start with one of these level markers; none means INFO. */
#define LOG_ERR "<1>"
#define LOG_WARN "<2>"
#define LOG_INFO "<3>"
#define LOG_DEBUG "<4>"

enum log_level { LVL_ERR = 1, LVL_WARN = 2, LVL_INFO = 3, LVL_DEBUG = 4 };

void printk(const char *fmt, ...) __printf(1, 2);
void printk_set_level(enum log_level lvl);

/* Rate-limited printk for guest-triggerable messages: per call site, at
 * most RATELIMIT_BURST lines per RATELIMIT_WINDOW_NS (hv/ratelimit.h); the
 * first line of a later window says how many were suppressed before it. */
#define printk_ratelimited(...)                                           \
    do {                                                                  \
        static struct ratelimit rl_;                                      \
        if (printk_ratelimit_allow(&rl_))                                 \
            printk(__VA_ARGS__);                                          \
    } while (0)
struct ratelimit;
bool printk_ratelimit_allow(struct ratelimit *rl);

#endif /* HV_PRINTK_H */
