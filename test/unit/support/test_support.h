/* SPDX-License-Identifier: MIT */
/* Helpers shared by the host unit tests. */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define TEST_LOG_SIZE 65536
/* Everything printk() wrote since the last test_log_clear(). */
extern char test_log[TEST_LOG_SIZE];
void test_log_clear(void);

#endif
