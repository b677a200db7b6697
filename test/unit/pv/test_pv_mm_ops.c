// SPDX-License-Identifier: MIT
/* Unit tests of the PV MMU operations (mm/pv_mm*.c): pins, base
 * pointers, update_va, M2P, page clear/copy, teardown, log limits. */
#include <string.h>

#include "pv_fake.h"

static void test_preserve_ad(void **state)
{
    (void)state;
    fake_tree_pin();
    frame(F_L1)[0] |= PTE_D | PTE_A;
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L1, 0), pte(F_DATA, PTE_P | PTE_W), true), 0);
    assert_true(frame(F_L1)[0] & PTE_D);
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L1, 0), pte(F_DATA, PTE_P | PTE_W), false), 0);
    assert_false(frame(F_L1)[0] & PTE_D);
}

/* A frame that is no table in use is written as plain memory, if it may
 * be writable at all. */
static void test_update_of_plain_frame(void **state)
{
    (void)state;
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_SPARE, 3), 0x1234, false), 0);
    assert_int_equal(frame(F_SPARE)[3], 0x1234);
    assert_int_equal(pg(F_SPARE)->type_count, 0);
    spin_lock(&dom1.lock);
    assert_int_equal(pv_page_get(&dom1, _mfn(F_SPARE + 1)), 0);
    assert_int_equal(pv_page_get_type(&dom1, _mfn(F_SPARE + 1), PGT_SEG_DESC), 0);
    spin_unlock(&dom1.lock);
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_SPARE + 1, 0), 1, false), -EINVAL);
    assert_int_equal(frame(F_SPARE + 1)[0], 0);
}

static void test_pin_errors(void **state)
{
    (void)state;
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE), PGT_L1), 0);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE), PGT_L1), -EINVAL);
    assert_int_equal(pg(F_SPARE)->type_count, 1);
    assert_int_equal(pg(F_SPARE)->count, 1);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE + 1), PGT_WRITABLE), -EINVAL);
    assert_int_equal(pv_mm_unpin(&dom1, _mfn(F_SPARE + 1)), -EINVAL);
    assert_int_equal(pv_mm_unpin(&dom2, _mfn(F_SPARE)), -EINVAL);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(FAKE_FRAMES + 5), PGT_L1), -EINVAL);
    assert_true(pg(F_SPARE)->flags & PGF_PINNED);
}

/* NEW_BASEPTR requires a validated L4, and moves its references. */
static void test_new_baseptr_requires_validated_l4(void **state)
{
    (void)state;
    fake_build_tree();
    assert_int_equal(pv_mm_set_base(&mv1[0], _mfn(F_L4), false), -EINVAL);
    assert_int_equal(pg(F_L4)->type_count, 0);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE), PGT_L1), 0);
    assert_int_equal(pv_mm_set_base(&mv1[0], _mfn(F_SPARE), false), -EINVAL);
    assert_int_equal(calls.base_changed, 0);
    fake_tree_pin();
    assert_int_equal(pv_mm_set_base(&mv1[0], _mfn(F_L4), false), 0);
    assert_int_equal(pv_mm_set_base(&mv1[0], _mfn(F_L4), true), 0);
    assert_int_equal(calls.base_changed, 2);
    assert_int_equal(pg(F_L4)->type_count, 3);
    /* unpinned, the tree stays valid while a base pointer holds it */
    assert_int_equal(pv_mm_unpin(&dom1, _mfn(F_L4)), 0);
    assert_int_equal(pg(F_L1)->type_count, 1);
    assert_int_equal(pv_mm_set_base(&mv1[0], _mfn(0), true), 0);
    assert_true(mfn_eq(mv1[0].user_l4, INVALID_MFN));
    pv_mm_vcpu_release(&mv1[0]);
    assert_int_equal(pv_mm_unpin(&dom1, _mfn(F_SPARE)), 0);
    assert_int_equal(fake_busy(DOM1), 0);
    /* a user base of 0 is "none"; a kernel base of 0 is no L4 */
    assert_int_equal(pv_mm_set_base(&mv1[1], _mfn(0), false), -EINVAL);
}

static void test_update_va_finds_l1(void **state)
{
    (void)state;
    fake_tree_pin();
    assert_int_equal(pv_mm_update_va(&mv1[0], 0x7000, pte(F_DATA + 7, RW_FLAGS)),
                     -EINVAL);
    assert_int_equal(pv_mm_set_base(&mv1[0], _mfn(F_L4), false), 0);
    assert_int_equal(pv_mm_update_va(&mv1[0], 0x7000, pte(F_DATA + 7, RW_FLAGS)), 0);
    assert_int_equal(frame(F_L1)[7] & PTE_ADDR_MASK, pte(F_DATA + 7, 0));
    assert_int_equal(pg(F_DATA + 7)->type_count, 1);
    /* no L2 behind 1 GiB; hypervisor and non-canonical addresses */
    assert_int_equal(pv_mm_update_va(&mv1[0], 0x40000000, 0), -EINVAL);
    assert_int_equal(pv_mm_update_va(&mv1[0], 0xffff800000000000, 0), -EINVAL);
    assert_int_equal(pv_mm_update_va(&mv1[0], 0x0000800000000000, 0), -EINVAL);
    /* the L1's own read-only mapping cannot be made writable */
    assert_int_equal(pv_mm_update_va(&mv1[0], 0x5000, pte(F_L1, RW_FLAGS)), -EBUSY);
}

/* The LDT's frames are found through the kernel table: present entries
 * only, guest addresses only, none without a kernel L4. */
static void test_kernel_frame(void **state)
{
    mfn_t mfn = INVALID_MFN;

    (void)state;
    fake_tree_pin();
    spin_lock(&dom1.lock);
    assert_int_equal(pv_mm_kernel_frame(&mv1[0], 0x2000, &mfn), -EINVAL);
    spin_unlock(&dom1.lock);
    assert_int_equal(pv_mm_set_base(&mv1[0], _mfn(F_L4), false), 0);
    spin_lock(&dom1.lock);
    assert_int_equal(pv_mm_kernel_frame(&mv1[0], 0x2000, &mfn), 0);
    assert_true(mfn_eq(mfn, _mfn(F_DATA + 2)));
    assert_int_equal(pv_mm_kernel_frame(&mv1[0], 0x5000, &mfn), 0);
    assert_true(mfn_eq(mfn, _mfn(F_L1)));
    assert_int_equal(pv_mm_kernel_frame(&mv1[0], 0x4000, &mfn), -EINVAL);
    assert_int_equal(pv_mm_kernel_frame(&mv1[0], 0x40000000, &mfn), -EINVAL);
    assert_int_equal(pv_mm_kernel_frame(&mv1[0], 0xffff800000000000, &mfn), -EINVAL);
    spin_unlock(&dom1.lock);
}

static void test_machphys_update(void **state)
{
    (void)state;
    assert_int_equal(pv_mm_machphys_update(&dom1, _mfn(F_DATA), 0x42), 0);
    assert_int_equal(m2p_get(_mfn(F_DATA)), 0x42);
    assert_int_equal(pv_mm_machphys_update(&dom1, _mfn(F_D2), 0x43), -EINVAL);
    assert_int_equal(pv_mm_machphys_update(&dom1, _mfn(F_XEN), 0x43), -EINVAL);
    assert_int_equal(m2p_get(_mfn(F_D2)), M2P_INVALID);
    assert_int_equal(pg(F_DATA)->count, 0);
}

static void test_clear_and_copy_page(void **state)
{
    (void)state;
    fake_tree_pin();
    frame(F_DATA + 8)[1] = 77;
    assert_int_equal(pv_mm_copy_page(&dom1, _mfn(F_DATA + 9), _mfn(F_DATA + 8)), 0);
    assert_int_equal(frame(F_DATA + 9)[1], 77);
    assert_int_equal(pv_mm_clear_page(&dom1, _mfn(F_DATA + 9)), 0);
    assert_int_equal(frame(F_DATA + 9)[1], 0);
    /* tables and other domains' frames are not written */
    assert_int_equal(pv_mm_clear_page(&dom1, _mfn(F_L1)), -EINVAL);
    assert_int_equal(pv_mm_copy_page(&dom1, _mfn(F_L2), _mfn(F_DATA + 8)), -EINVAL);
    assert_int_equal(pv_mm_copy_page(&dom1, _mfn(F_DATA + 9), _mfn(F_D2)), -EINVAL);
    assert_int_equal(pv_mm_clear_page(&dom1, _mfn(F_D2)), -EINVAL);
    assert_int_equal(frame(F_L1)[0] & PTE_ADDR_MASK, pte(F_DATA, 0));
    assert_int_equal(pv_mm_copy_page(&dom1, _mfn(F_DATA + 9), _mfn(F_L1)), 0);
    assert_int_equal(pg(F_DATA + 9)->type_count, 0);
}

static void test_domain_release(void **state)
{
    (void)state;
    fake_tree_pin();
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE), PGT_L1), 0);
    assert_int_equal(pv_mm_set_base(&mv1[1], _mfn(F_L4), false), 0);
    pv_mm_vcpu_release(&mv1[0]);
    pv_mm_vcpu_release(&mv1[1]);
    assert_int_equal(pv_mm_domain_release(&dom1), 0);
    assert_int_equal(fake_busy(DOM1), 0);
    assert_false(pg(F_L4)->flags & PGF_PINNED);
}

/* Guest-caused warnings stop after a budget. */
static void test_warnings_rate_limited(void **state)
{
    (void)state;
    fake_tree_pin();
    for (int i = 0; i < 200; i++)
        assert_int_equal(
            pv_mm_update_pte(&dom1, ma_of(F_L1, 8), pte(F_XEN, RW_FLAGS), false), -EBUSY);
    unsigned int lines = 0;
    for (const char *p = test_log; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, PV_MM_LOG_BUDGET);
    assert_non_null(strstr(test_log, "no more PV MMU warnings"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_preserve_ad, fake_setup),
        cmocka_unit_test_setup(test_kernel_frame, fake_setup),
        cmocka_unit_test_setup(test_update_of_plain_frame, fake_setup),
        cmocka_unit_test_setup(test_pin_errors, fake_setup),
        cmocka_unit_test_setup(test_new_baseptr_requires_validated_l4, fake_setup),
        cmocka_unit_test_setup(test_update_va_finds_l1, fake_setup),
        cmocka_unit_test_setup(test_machphys_update, fake_setup),
        cmocka_unit_test_setup(test_clear_and_copy_page, fake_setup),
        cmocka_unit_test_setup(test_domain_release, fake_setup),
        cmocka_unit_test_setup(test_warnings_rate_limited, fake_setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
