// SPDX-License-Identifier: MIT
/* Unit tests of the PV debug register rules (pv/pv_dr_rules.c): what a
 * guest may put in DR0..7 and how a #DB's DR6 reaches the guest's. */
#include <stdbool.h>
#include <stdint.h>
#include "test_support.h"
#include <hv/errno.h>
#include <pv_dr.h>

static void test_addresses(void **state)
{
    uint64_t out = 0;

    (void)state;
    assert_int_equal(pv_dr_check(0, 0x401000, false, &out), 0);
    assert_int_equal(out, 0x401000);
    assert_int_equal(pv_dr_check(3, 0x00007ffffffffff8ULL, false, &out), 3);
    assert_int_equal(pv_dr_check(2, 0xffffffff80100000ULL, false, &out), 2);
    assert_int_equal(pv_dr_check(1, 0xffff880000000000ULL, false, &out), 1);
    /* non-canonical, the M2P, the hypervisor's text, the direct map */
    assert_int_equal(pv_dr_check(0, 0x0000800000000000ULL, false, &out), -EPERM);
    assert_int_equal(pv_dr_check(1, 0xffff800000000000ULL, false, &out), -EPERM);
    assert_int_equal(pv_dr_check(2, 0xffff82d080000000ULL, false, &out), -EPERM);
    assert_int_equal(pv_dr_check(3, 0xffff87ffffffffffULL, false, &out), -EPERM);
}

static void test_dr6(void **state)
{
    uint64_t out = 0;

    (void)state;
    assert_int_equal(pv_dr_check(6, 0, false, &out), 6);
    assert_int_equal(out, 0xffff0ff0);
    assert_int_equal(pv_dr_check(6, 0x1001, false, &out), 6); /* bit 12 reads 0 */
    assert_int_equal(out, 0xffff0ff1);
    assert_int_equal(pv_dr_check(6, 1ULL << 32, false, &out), -EINVAL);
    assert_int_equal(pv_dr_check(4, 0, false, &out), 6); /* DR4 is DR6 */
    assert_int_equal(pv_dr_check(4, 0, true, &out), -ENODEV);
}

static void test_dr7(void **state)
{
    uint64_t out = 0;

    (void)state;
    /* L0, 8-byte write watchpoint */
    assert_int_equal(pv_dr_check(7, 0x000d0001, false, &out), 7);
    assert_int_equal(out, 0x000d0401);
    assert_int_equal(pv_dr_check(7, 0xd800, false, &out), 7); /* fixed zeros */
    assert_int_equal(out, 0x400);
    assert_int_equal(pv_dr_check(7, 0x2000, false, &out), -EPERM); /* GD */
    assert_int_equal(pv_dr_check(7, 0x00200002, false, &out), -EPERM); /* I/O, G0 */
    assert_int_equal(pv_dr_check(7, 0x20000001, true, &out), -EPERM); /* I/O slot 3 */
    assert_int_equal(pv_dr_check(7, 0x00200000, false, &out), 7); /* none enabled */
    assert_int_equal(pv_dr_check(7, 1ULL << 32, false, &out), -EINVAL);
    assert_int_equal(pv_dr_check(5, 0x1, false, &out), 7); /* DR5 is DR7 */
    assert_int_equal(pv_dr_check(5, 0x1, true, &out), -ENODEV);
    assert_int_equal(pv_dr_check(8, 0, false, &out), -ENODEV);
    assert_int_equal(pv_dr_check(1ULL << 32, 0, false, &out), -ENODEV);
}

/* Breakpoint bits are replaced by each #DB, the others accumulate. */
static void test_dr6_merge(void **state)
{
    uint64_t dr6;

    (void)state;
    dr6 = pv_dr6_merge(0xffff0ff0, 0xffff0ff1);
    assert_int_equal(dr6, 0xffff0ff1);
    dr6 = pv_dr6_merge(dr6, 0xffff4ff0); /* single step: B0 goes, BS stays */
    assert_int_equal(dr6, 0xffff4ff0);
    dr6 = pv_dr6_merge(dr6, 0xffff0ff2);
    assert_int_equal(dr6, 0xffff4ff2);
    assert_int_equal(pv_dr6_merge(0, 0xffff0ff0) & 0x1000, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_dr6),
        cmocka_unit_test(test_dr7),
        cmocka_unit_test(test_dr6_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
