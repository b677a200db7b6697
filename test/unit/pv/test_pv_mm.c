// SPDX-License-Identifier: MIT
/* Unit tests of the PV MMU isolation rules (mm/pv_mm*.c): ownership,
 * types, validation and cycles, over a simulated frame table. */
#include <string.h>

#include "pv_fake.h"

static void test_pin_validates_whole_tree(void **state)
{
    (void)state;
    fake_tree_pin();
    assert_int_equal(pg(F_L4)->type, PGT_L4);
    assert_int_equal(pg(F_L4)->type_count, 1);
    assert_true(pg(F_L4)->flags & PGF_PINNED);
    assert_int_equal(pg(F_L3)->type, PGT_L3);
    assert_int_equal(pg(F_L2)->type, PGT_L2);
    assert_int_equal(pg(F_L1)->type, PGT_L1);
    assert_true(pg(F_L1)->flags & PGF_VALIDATED);
    /* writable data pages hold a writable type; the L1 has a general
     * reference from the L2 entry and one from its own read-only map. */
    assert_int_equal(pg(F_DATA)->type, PGT_WRITABLE);
    assert_int_equal(pg(F_DATA)->type_count, 1);
    assert_int_equal(pg(F_DATA)->count, 1);
    assert_int_equal(pg(F_L1)->count, 2);
    assert_int_equal(pg(F_L1)->type_count, 1);
}

static void test_validated_entries_are_adjusted(void **state)
{
    (void)state;
    fake_build_tree();
    frame(F_L1)[6] = pte(F_DATA + 6, RW_FLAGS | PTE_U | PTE_G);
    fake_tree_pin();
    /* kernel mapping: U added with the guest-kernel marker */
    assert_int_equal(frame(F_L1)[0], pte(F_DATA, RW_FLAGS | PTE_U | (1ULL << 52)));
    /* user mapping: G dropped so a CR3 load flushes it */
    assert_int_equal(frame(F_L1)[6], pte(F_DATA + 6, RW_FLAGS | PTE_U));
    /* L4 entries get A and U; the hypervisor slots come from the idle L4 */
    assert_true(frame(F_L4)[0] & PTE_U);
    for (unsigned int i = 256; i <= 271; i++)
        assert_int_equal(frame(F_L4)[i], fake_hv_l4[i]);
    assert_int_equal(frame(F_L4)[272], 0);
}

/* Issue 5 security list: mapping a hypervisor frame is refused. */
static void test_map_hypervisor_frame_refused(void **state)
{
    (void)state;
    frame(F_L1)[0] = pte(F_XEN, RO_FLAGS);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L1), PGT_L1), -EBUSY);
    assert_int_equal(pg(F_XEN)->count, 0);
    assert_int_equal(pg(F_L1)->type_count, 0);
    assert_false(pg(F_L1)->flags & PGF_PINNED);
    /* MMIO / holes: no RAM of anyone's */
    frame(F_L1)[0] = pte(F_HOLE, RO_FLAGS);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L1), PGT_L1), -EPERM);
    frame(F_L1)[0] = pte(FAKE_FRAMES + 100, RO_FLAGS);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L1), PGT_L1), -EPERM);
    frame(F_L1)[0] = pte(F_FREE, RO_FLAGS);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L1), PGT_L1), -EBUSY);
    assert_int_equal(fake_busy(DOM1), 0);
    /* deep in a tree, after good entries: everything taken is given back */
    fake_build_tree();
    frame(F_L1)[7] = pte(F_XEN, RW_FLAGS);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L4), PGT_L4), -EBUSY);
    assert_int_equal(fake_busy(DOM1), 0);
    assert_int_equal(pg(F_XEN)->count, 0);
}

/* Issue 5 security list: mapping another domain's frame is refused. */
static void test_map_other_domain_frame_refused(void **state)
{
    (void)state;
    fake_tree_pin();
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 7), pte(F_D2, RW_FLAGS), false),
                     -EBUSY);
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 7), pte(F_D2, RO_FLAGS), false),
                     -EBUSY);
    assert_int_equal(frame(F_L1)[7], 0);
    assert_int_equal(pg(F_D2)->count, 0);
    /* nor may it pin, or write entries into, the other domain's tables */
    assert_int_equal(pv_mm_pin(&dom2, _mfn(F_L1), PGT_L1), -EINVAL);
    assert_int_equal(pv_mm_update_pte(&dom2, ma_of(F_L1, 7), 0, false), -EINVAL);
    /* an L2 entry naming the other domain's frame as an L1 */
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L2, 1), pte(F_D2, PT_FLAGS), false),
                     -EINVAL);
}

/* Issue 5 security list: a writable mapping of one of its own page-table
 * pages is refused, and a page mapped writable never becomes a table. */
static void test_writable_mapping_of_own_pagetable_refused(void **state)
{
    (void)state;
    fake_tree_pin();
    for (uint64_t t = F_L4; t <= F_L1; t++) {
        assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 8), pte(t, RW_FLAGS), false),
                         -EBUSY);
        assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 8), pte(t, RO_FLAGS), false),
                         0);
    }
    assert_int_equal(pg(F_L2)->type_count, 1);
    /* the other way round: a writably mapped data page cannot be pinned */
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_DATA), PGT_L1), -EINVAL);
    assert_int_equal(pg(F_DATA)->type, PGT_WRITABLE);
    /* nor linked in as a table */
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L2, 1), pte(F_DATA, PT_FLAGS), false), -EINVAL);
}

/* Issue 5 security list: a pinned L1 cannot be used as an L2. */
static void test_pinned_l1_as_l2_refused(void **state)
{
    (void)state;
    fake_tree_pin();
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE), PGT_L1), 0);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE), PGT_L2), -EINVAL);
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L3, 1), pte(F_SPARE, PT_FLAGS), false), -EINVAL);
    assert_int_equal(pg(F_SPARE)->type, PGT_L1);
    assert_int_equal(pg(F_SPARE)->type_count, 1);
    assert_int_equal(pg(F_SPARE)->count, 1);
    /* as an L1 it may be linked in */
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L2, 1), pte(F_SPARE, PT_FLAGS), false), 0);
    assert_int_equal(pg(F_SPARE)->type_count, 2);
}

/* Issue 5 security list: page-table cycles are refused. */
static void test_pagetable_cycle_refused(void **state)
{
    (void)state;
    /* an L4 entry pointing at the L4 itself */
    frame(F_L4)[0] = pte(F_L4, PT_FLAGS);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L4), PGT_L4), -EINVAL);
    assert_int_equal(fake_busy(DOM1), 0);
    /* an L3 entry pointing back at the L4 above it */
    frame(F_L4)[0] = pte(F_L3, PT_FLAGS);
    frame(F_L3)[0] = pte(F_L4, PT_FLAGS);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L4), PGT_L4), -EINVAL);
    assert_int_equal(fake_busy(DOM1), 0);
    /* the same through updates of live tables */
    memset(frame(F_L3), 0, 4096);
    fake_build_tree();
    fake_tree_pin();
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L4, 1), pte(F_L4, PT_FLAGS), false),
                     -EINVAL);
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L3, 1), pte(F_L4, PT_FLAGS), false),
                     -EINVAL);
    /* an L2 entry pointing at an L3 in use */
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L2, 1), pte(F_L3, PT_FLAGS), false),
                     -EINVAL);
    /* an L1 table reaching its own L2 as an L1 */
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L2, 1), pte(F_L2, PT_FLAGS), false),
                     -EINVAL);
    assert_int_equal(frame(F_L2)[1], 0);
    assert_int_equal(pg(F_L4)->type_count, 1);
    assert_int_equal(pg(F_L3)->type_count, 1);
}

/* Issue 5 security list: the hypervisor's L4 slots are not the guest's. */
static void test_l4_hypervisor_slot_write_refused(void **state)
{
    (void)state;
    /* what the guest left there before the pin is ignored, then replaced */
    frame(F_L4)[256] = pte(F_DATA + 9, PT_FLAGS);
    frame(F_L4)[271] = pte(F_XEN, PT_FLAGS);
    fake_tree_pin();
    assert_int_equal(frame(F_L4)[256], fake_hv_l4[256]);
    assert_int_equal(frame(F_L4)[271], fake_hv_l4[271]);
    assert_int_equal(pg(F_DATA + 9)->count, 0);
    for (unsigned int i = 256; i <= 271; i++) {
        assert_int_equal(
            pv_mm_update_pte(&dom1, ma_of(F_L4, i), pte(F_SPARE, PT_FLAGS), false),
            -EINVAL);
        assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L4, i), 0, false), -EINVAL);
        assert_int_equal(frame(F_L4)[i], fake_hv_l4[i]);
    }
    assert_int_equal(pg(F_SPARE)->count, 0);
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L4, 255), pte(F_SPARE, PT_FLAGS), false), 0);
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L4, 272), 0, false), 0);
}

static void test_forbidden_flags_refused(void **state)
{
    (void)state;
    fake_tree_pin();
    /* superpages: PS in L2 and L3 */
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L2, 1), pte(F_SPARE, PT_FLAGS | PTE_PS), false),
        -EINVAL);
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L3, 1), pte(F_SPARE, PT_FLAGS | PTE_PS), false),
        -EINVAL);
    /* cache attributes, global upper levels, the grant marker */
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 8),
                                      pte(F_DATA + 8, RW_FLAGS | PTE_PCD), false),
                     -EINVAL);
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 8),
                                      pte(F_DATA + 8, RW_FLAGS | PTE_PS), false),
                     -EINVAL);
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L2, 1), pte(F_SPARE, PT_FLAGS | PTE_G), false),
        -EINVAL);
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 8),
                                      pte(F_DATA + 8, RW_FLAGS | (1ULL << 62)), false),
                     -EINVAL);
    /* a misaligned entry address */
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 8) + 4, 0, false), -EINVAL);
    assert_int_equal(pg(F_DATA + 8)->count, 0);
    assert_int_equal(pg(F_SPARE)->count, 0);
    /* NX and software bits are fine */
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 8),
                                      pte(F_DATA + 8, RW_FLAGS | PTE_NX | 0xe00), false),
                     0);
}

/* Issue 5 security list: unpinning and freeing page-table frames returns
 * them as writable memory. */
static void test_unpin_returns_frames_as_writable(void **state)
{
    (void)state;
    fake_tree_pin();
    assert_int_equal(pv_mm_unpin(&dom1, _mfn(F_L4)), 0);
    assert_int_equal(fake_busy(DOM1), 0);
    for (uint64_t t = F_L4; t <= F_L1; t++) {
        assert_int_equal(pg(t)->type_count, 0);
        assert_false(pg(t)->flags & (PGF_VALIDATED | PGF_PINNED));
    }
    /* a new L1 may now map each former table writable */
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE), PGT_L1), 0);
    for (uint64_t t = F_L4; t <= F_L1; t++)
        assert_int_equal(
            pv_mm_update_pte(&dom1, ma_of(F_SPARE, t), pte(t, RW_FLAGS), false), 0);
    assert_int_equal(pg(F_L2)->type, PGT_WRITABLE);
    assert_int_equal(pv_mm_unpin(&dom1, _mfn(F_L4)), -EINVAL); /* not pinned any more */
    assert_int_equal(pv_mm_domain_release(&dom1), 0);
}

/* A hypervisor page shared with d1 (shared_info, a grant frame): mappable
 * writable, never a page table nor a GDT frame, given back at teardown. */
static void test_shared_frame(void **state)
{
    (void)state;
    assert_int_equal(pv_mm_share(&dom1, _mfn(F_XEN)), 0);
    assert_int_equal(pg(F_XEN)->owner, DOM1);
    /* only hypervisor frames, once */
    assert_int_equal(pv_mm_share(&dom1, _mfn(F_XEN)), -EINVAL);
    assert_int_equal(pv_mm_share(&dom1, _mfn(F_DATA)), -EINVAL);
    assert_int_equal(pv_mm_share(&dom2, _mfn(F_D2)), -EINVAL);
    assert_int_equal(pv_mm_share(&dom1, _mfn(F_FREE)), -EINVAL);
    assert_int_equal(pv_mm_share(&dom1, _mfn(F_HOLE)), -EINVAL);
    assert_int_equal(pv_mm_share(&dom1, _mfn(FAKE_FRAMES + 1)), -EINVAL);
    /* never a table or descriptor frame, at any level or as a base */
    for (enum page_type t = PGT_L1; t <= PGT_L4; t++)
        assert_int_equal(pv_mm_pin(&dom1, _mfn(F_XEN), t), -EINVAL);
    assert_int_equal(pv_mm_set_base(&mv1[0], _mfn(F_XEN), false), -EINVAL);
    spin_lock(&dom1.lock);
    assert_int_equal(pv_page_get(&dom1, _mfn(F_XEN)), 0);
    assert_int_equal(pv_page_get_type(&dom1, _mfn(F_XEN), PGT_SEG_DESC), -EINVAL);
    pv_page_put(&dom1, _mfn(F_XEN));
    spin_unlock(&dom1.lock);
    fake_build_tree();
    frame(F_L2)[5] = pte(F_XEN, PT_FLAGS); /* linked as an L1 */
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L4), PGT_L4), -EINVAL);
    frame(F_L2)[5] = 0;
    /* writable and read-only L1 entries are fine */
    fake_tree_pin();
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L1, 9), pte(F_XEN, RW_FLAGS), false), 0);
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_L1, 10), pte(F_XEN, RO_FLAGS), false), 0);
    assert_int_equal(pg(F_XEN)->count, 3);
    assert_int_equal(pg(F_XEN)->type_count, 2);
    assert_int_equal(pv_mm_machphys_update(&dom1, _mfn(F_XEN), 0x77), 0);
    /* teardown: the mappings go with the pins, the frame goes home */
    assert_int_equal(pv_mm_domain_release(&dom1), 0);
    assert_int_equal(pg(F_XEN)->owner, DOMID_XEN);
    assert_false(pg(F_XEN)->flags & PGF_SHARED);
    assert_int_equal(pg(F_XEN)->count, 0);
    assert_int_equal(pg(F_XEN)->type_count, 0);
    assert_true(m2p_get(_mfn(F_XEN)) == M2P_INVALID);
}

/* A shared frame still mapped at teardown (a reference the runtime
 * forgot) is reported busy and stays the domain's. */
static void test_shared_frame_busy_at_release(void **state)
{
    (void)state;
    assert_int_equal(pv_mm_share(&dom1, _mfn(F_XEN)), 0);
    pg(F_XEN)->count++; /* a leaked reference */
    assert_int_equal(pv_mm_domain_release(&dom1), 1);
    assert_int_equal(pg(F_XEN)->owner, DOM1);
}

/* Refcounts balance after map and unmap: nothing leaks. */
static void test_refcounts_balance(void **state)
{
    (void)state;
    fake_tree_pin();
    for (int round = 0; round < 3; round++) {
        assert_int_equal(
            pv_mm_update_pte(&dom1, ma_of(F_L1, 9), pte(F_DATA + 9, RW_FLAGS), false), 0);
        assert_int_equal(
            pv_mm_update_pte(&dom1, ma_of(F_L1, 10), pte(F_DATA + 9, RO_FLAGS), false),
            0);
        assert_int_equal(pg(F_DATA + 9)->count, 2);
        assert_int_equal(pg(F_DATA + 9)->type_count, 1);
        /* RW -> RO on the same frame, then unmap both */
        assert_int_equal(
            pv_mm_update_pte(&dom1, ma_of(F_L1, 9), pte(F_DATA + 9, RO_FLAGS), false), 0);
        assert_int_equal(pg(F_DATA + 9)->type_count, 0);
        assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 9), 0, false), 0);
        assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L1, 10), 0, false), 0);
        assert_int_equal(pg(F_DATA + 9)->count, 0);
        /* link and unlink a whole L1 */
        frame(F_SPARE)[0] = pte(F_DATA + 8, RW_FLAGS);
        assert_int_equal(
            pv_mm_update_pte(&dom1, ma_of(F_L2, 3), pte(F_SPARE, PT_FLAGS), false), 0);
        assert_int_equal(pg(F_DATA + 8)->type_count, 1);
        assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_L2, 3), 0, false), 0);
        assert_int_equal(pg(F_DATA + 8)->count, 0);
        assert_int_equal(pg(F_SPARE)->count, 0);
    }
    assert_int_equal(pv_mm_unpin(&dom1, _mfn(F_L4)), 0);
    assert_int_equal(fake_busy(DOM1), 0);
}

/* A page that was mapped writable and becomes a table: every vCPU's TLB
 * is flushed before validation, and not for fresh frames. */
static void test_type_change_flushes_tlbs(void **state)
{
    (void)state;
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE), PGT_L1), 0);
    assert_int_equal(calls.flushes, 0);
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_SPARE, 0), pte(F_SPARE + 1, RW_FLAGS), false), 0);
    assert_int_equal(pv_mm_update_pte(&dom1, ma_of(F_SPARE, 0), 0, false), 0);
    assert_int_equal(calls.flushes, 0);
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_SPARE + 1), PGT_L1), 0);
    assert_int_equal(calls.flushes, 1);
    assert_int_equal(calls.flush_mask, PV_MM_ALL_VCPUS);
    assert_int_equal(calls.flush_va, PV_MM_FLUSH_ALL);
    /* and a former table that becomes writable */
    assert_int_equal(pv_mm_unpin(&dom1, _mfn(F_SPARE + 1)), 0);
    assert_int_equal(
        pv_mm_update_pte(&dom1, ma_of(F_SPARE, 0), pte(F_SPARE + 1, RW_FLAGS), false), 0);
    assert_int_equal(calls.flushes, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_pin_validates_whole_tree, fake_setup),
        cmocka_unit_test_setup(test_validated_entries_are_adjusted, fake_setup),
        cmocka_unit_test_setup(test_map_hypervisor_frame_refused, fake_setup),
        cmocka_unit_test_setup(test_map_other_domain_frame_refused, fake_setup),
        cmocka_unit_test_setup(test_writable_mapping_of_own_pagetable_refused, fake_setup),
        cmocka_unit_test_setup(test_pinned_l1_as_l2_refused, fake_setup),
        cmocka_unit_test_setup(test_pagetable_cycle_refused, fake_setup),
        cmocka_unit_test_setup(test_l4_hypervisor_slot_write_refused, fake_setup),
        cmocka_unit_test_setup(test_forbidden_flags_refused, fake_setup),
        cmocka_unit_test_setup(test_unpin_returns_frames_as_writable, fake_setup),
        cmocka_unit_test_setup(test_refcounts_balance, fake_setup),
        cmocka_unit_test_setup(test_type_change_flushes_tlbs, fake_setup),
        cmocka_unit_test_setup(test_shared_frame, fake_setup),
        cmocka_unit_test_setup(test_shared_frame_busy_at_release, fake_setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
