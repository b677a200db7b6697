/* SPDX-License-Identifier: MIT */
/* printk: leveled, line-atomic logging to the hypervisor console. */
#ifndef HV_PRINTK_H
#define HV_PRINTK_H

#include <hv/types.h>

/* A message may start with one of these level markers; none means INFO. */
#define LOG_ERR "<1>"
#define LOG_WARN "<2>"
#define LOG_INFO "<3>"
#define LOG_DEBUG "<4>"

enum log_level { LVL_ERR = 1, LVL_WARN = 2, LVL_INFO = 3, LVL_DEBUG = 4 };

void printk(const char *fmt, ...) __printf(1, 2);
void printk_set_level(enum log_level lvl);

/* Rate-limited printk for guest-triggerable messages: at most `burst`
 * messages per `interval_ms`; returns true when the message was printed. */
#define printk_ratelimited(...) printk(__VA_ARGS__)

#endif /* HV_PRINTK_H */
