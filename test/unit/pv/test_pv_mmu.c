// SPDX-License-Identifier: MIT
/* Unit tests of the PV MMU hypercalls (pv/pv_mmu.c, pv/pv_mmuext.c):
 * batches, continuation, flush flags, argument errors. */
#include <string.h>

#include <hv/hypercall.h>
#include <public/xen.h>

#include "pv_fake.h"

#define G_LIST GVA_BASE           /* request array */
#define G_PDONE (GVA_BASE + 4000) /* done counter */
#define G_MASK (GVA_BASE + 4008)  /* vCPU bitmap */
#define G_BAD 0x10                /* not guest memory */
#define PREEMPTED 0x80000000U

static int setup(void **state)
{
    (void)state;
    fake_reset();
    fake_tree_pin();
    return 0;
}

static long call(long (*fn)(struct vcpu *, struct hypercall_args *), struct vcpu *v,
                 uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct hypercall_args args = {{a0, a1, a2, a3, 0}};

    return fn(v, &args);
}

static unsigned int pdone(void)
{
    unsigned int n;

    memcpy(&n, guest_mem + (G_PDONE - GVA_BASE), sizeof(n));
    return n;
}

static void put_reqs(const struct mmu_update *r, unsigned int n)
{
    memcpy(guest_mem, r, n * sizeof(*r));
}

static void put_ops(const struct mmuext_op *op, unsigned int n)
{
    memcpy(guest_mem, op, n * sizeof(*op));
}

static void put_mask(uint64_t mask)
{
    memcpy(guest_mem + (G_MASK - GVA_BASE), &mask, sizeof(mask));
}

static long mmuext(struct vcpu *v, uint32_t cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = {.cmd = cmd, .arg1.mfn = arg1, .arg2.src_mfn = arg2};

    put_ops(&op, 1);
    return call(do_mmuext_op, v, G_LIST, 1, 0, DOMID_SELF);
}

/* Issue 5 security list: a batch with a bad entry in the middle. */
static void test_mmu_update_batch_stops_at_bad_entry(void **state)
{
    const struct mmu_update r[] = {
        {ma_of(F_L1, 8), pte(F_DATA + 8, RW_FLAGS)},
        {ma_of(F_L1, 9), pte(F_DATA + 9, RO_FLAGS)},
        {ma_of(F_L1, 10), pte(F_XEN, RO_FLAGS)}, /* refused */
        {ma_of(F_L1, 11), pte(F_DATA + 1, RW_FLAGS)},
        {mfn_to_paddr(_mfn(F_DATA)) | MMU_MACHPHYS_UPDATE, 7},
    };

    (void)state;
    put_reqs(r, 5);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 5, G_PDONE, DOMID_SELF),
                     -EBUSY);
    assert_int_equal(pdone(), 2);
    assert_int_equal(frame(F_L1)[8] & PTE_ADDR_MASK, pte(F_DATA + 8, 0));
    assert_int_equal(frame(F_L1)[9] & PTE_ADDR_MASK, pte(F_DATA + 9, 0));
    assert_int_equal(frame(F_L1)[10], 0);
    assert_int_equal(frame(F_L1)[11], 0);
    assert_int_equal(pg(F_DATA + 1)->count, 1); /* only the tree's mapping */
    assert_int_equal(m2p_get(_mfn(F_DATA)), M2P_INVALID);
    /* the rest, resubmitted without the bad entry, goes through */
    put_reqs(&r[3], 2);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 2, G_PDONE, DOMID_SELF), 0);
    assert_int_equal(pdone(), 2);
    assert_int_equal(pg(F_DATA + 1)->type_count, 2);
    assert_int_equal(m2p_get(_mfn(F_DATA)), 7);
}

static void test_mmu_update_commands(void **state)
{
    struct mmu_update r = {ma_of(F_L1, 0) | MMU_PT_UPDATE_PRESERVE_AD,
                           pte(F_DATA, PTE_P)};

    (void)state;
    frame(F_L1)[0] |= PTE_D;
    put_reqs(&r, 1);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, DOMID_SELF), 0);
    assert_true(frame(F_L1)[0] & PTE_D);
    assert_false(frame(F_L1)[0] & PTE_W);
    assert_int_equal(pg(F_DATA)->type_count, 0);
    r.ptr = ma_of(F_L1, 0) | MMU_PT_UPDATE_NO_TRANSLATE;
    put_reqs(&r, 1);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, DOMID_SELF), 0);
    assert_false(frame(F_L1)[0] & PTE_D);
    r = (struct mmu_update){mfn_to_paddr(_mfn(F_D2)) | MMU_MACHPHYS_UPDATE, 1};
    put_reqs(&r, 1);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, DOMID_SELF), -EINVAL);
}

static void test_mmu_update_foreign_domains_refused(void **state)
{
    struct mmu_update r = {ma_of(F_L1, 8), 0};

    (void)state;
    put_reqs(&r, 1);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, DOM2), -EPERM);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, DOMID_IO), -EPERM);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, (DOM2 + 1) << 16),
                     -EPERM);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, 0), -EPERM); /* dom0 */
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, DOM1), -ESRCH);
    assert_int_equal(
        call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, (DOM1 + 1) << 16 | DOMID_SELF), 0);
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 1, 0, DOMID_SELF), 0);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    struct hypercall_args a = {{G_LIST, 1, 0, DOM2, 0}};
    assert_int_equal(do_mmuext_op(&vcpu1[0], &a), -EPERM);
}

static void test_mmu_update_bad_list(void **state)
{
    (void)state;
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_BAD, 3, G_PDONE, DOMID_SELF),
                     -EFAULT);
    assert_int_equal(pdone(), 0);
    /* past the end of guest memory after the first element */
    struct mmu_update r = {ma_of(F_L1, 8), 0};
    memcpy(guest_mem + 4096 - sizeof(r), &r, sizeof(r));
    assert_int_equal(
        call(do_mmu_update, &vcpu1[0], G_LIST + 4096 - 16, 2, G_PDONE, DOMID_SELF),
        -EFAULT);
    assert_int_equal(pdone(), 1);
    /* an unwritable pdone does not change the result */
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 0, G_BAD, DOMID_SELF), 0);
}

/* A preempted batch continues where it stopped and counts all its work. */
static void test_mmu_update_preempted_continues(void **state)
{
    struct mmu_update r[5];
    struct hypercall_args args = {{G_LIST, 5, G_PDONE, DOMID_SELF, 0}};

    (void)state;
    for (unsigned int i = 0; i < 5; i++)
        r[i] = (struct mmu_update){ma_of(F_L1, 8 + i), pte(F_DATA + 4 + i, RW_FLAGS)};
    put_reqs(r, 5);
    calls.preempt_in = 1; /* checked before elements 1 and 2: stop at 2 */
    assert_int_equal(do_mmu_update(&vcpu1[0], &args), -ERESTART);
    assert_int_equal(pdone(), 2);
    assert_int_equal(args.a[0], G_LIST + 2 * sizeof(struct mmu_update));
    assert_int_equal(args.a[1], 3 | PREEMPTED);
    assert_int_equal(frame(F_L1)[10], 0);
    assert_int_equal(do_mmu_update(&vcpu1[0], &args), 0);
    assert_int_equal(pdone(), 5);
    for (unsigned int i = 0; i < 5; i++)
        assert_int_equal(pg(F_DATA + 4 + i)->type_count, 1);
}

/* HVM/PVH callers get -ENOSYS, both from the table and the handlers. */
static void test_not_for_hvm_guests(void **state)
{
#define HVM_COLUMN(name, nr, pv, hvm)                                                    \
    if (nr == 1 || nr == 14 || nr == 26) {                                               \
        assert_int_equal(pv, 1);                                                         \
        assert_int_equal(hvm, 0);                                                        \
        seen++;                                                                          \
    }
    unsigned int seen = 0;

    (void)state;
    HYPERCALL_TABLE(HVM_COLUMN)
    assert_int_equal(seen, 3);
#undef HVM_COLUMN
    assert_int_equal(call(do_mmu_update, &vcpu_hvm, G_LIST, 0, 0, 0), -ENOSYS);
    assert_int_equal(call(do_mmuext_op, &vcpu_hvm, G_LIST, 0, 0, 0), -ENOSYS);
    assert_int_equal(call(do_update_va_mapping, &vcpu_hvm, 0, 0, 0, 0), -ENOSYS);
    pv_mm_ops = NULL;
    assert_int_equal(call(do_mmu_update, &vcpu1[0], G_LIST, 0, 0, 0), -ENOSYS);
}

static void test_mmuext_pin_and_baseptrs(void **state)
{
    const struct mmuext_op ops[] = {
        {.cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = F_SPARE},
        {.cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = F_L4},
        {.cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = F_L4},
        {.cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = F_SPARE}, /* twice: refused */
        {.cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = F_SPARE},
    };

    (void)state;
    put_ops(ops, 5);
    assert_int_equal(call(do_mmuext_op, &vcpu1[1], G_LIST, 5, G_PDONE, DOMID_SELF),
                     -EINVAL);
    assert_int_equal(pdone(), 3);
    assert_true(mfn_eq(mv1[1].kernel_l4, _mfn(F_L4)));
    assert_true(mfn_eq(mv1[1].user_l4, _mfn(F_L4)));
    assert_int_equal(calls.base_changed, 2);
    assert_true(pg(F_SPARE)->flags & PGF_PINNED);
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_UNPIN_TABLE, F_SPARE, 0), 0);
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_UNPIN_TABLE, F_L4, 0), 0);
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_NEW_BASEPTR, F_L3, 0), -EINVAL);
    assert_int_equal(pg(F_L4)->type_count, 1);
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_PIN_L2_TABLE, F_L1, 0), -EINVAL);
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_PIN_L3_TABLE, F_D2, 0), -EINVAL);
}

static void test_mmuext_flushes(void **state)
{
    (void)state;
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    assert_int_equal(calls.flush_mask, 2);
    assert_int_equal(calls.flush_va, PV_MM_FLUSH_ALL);
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_INVLPG_LOCAL, 0x7000, 0), 0);
    assert_int_equal(calls.flush_va, 0x7000);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_INVLPG_ALL, 0x8000, 0), 0);
    assert_int_equal(calls.flush_mask, PV_MM_ALL_VCPUS);
    assert_int_equal(calls.flush_va, 0x8000);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    assert_int_equal(calls.flush_va, PV_MM_FLUSH_ALL);
    put_mask(0xff); /* only vCPUs 0 and 1 exist */
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_TLB_FLUSH_MULTI, 0, G_MASK), 0);
    assert_int_equal(calls.flush_mask, 3);
    put_mask(2);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_INVLPG_MULTI, 0x9000, G_MASK), 0);
    assert_int_equal(calls.flush_mask, 2);
    assert_int_equal(calls.flush_va, 0x9000);
    assert_int_equal(calls.flushes, 6);
    /* hypervisor or non-canonical addresses: nothing to flush */
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_INVLPG_LOCAL, 0xffff830000000000, 0), 0);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_INVLPG_ALL, 0x0000900000000000, 0), 0);
    assert_int_equal(calls.flushes, 6);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_INVLPG_MULTI, 0x9000, G_BAD), -EINVAL);
    assert_int_equal(calls.flushes, 6);
}

static void test_mmuext_errors(void **state)
{
    (void)state;
    assert_int_equal(mmuext(&vcpu1[0], 14, 0, 0), -ENOSYS);
    assert_int_equal(mmuext(&vcpu1[0], 1000, 0, 0), -ENOSYS);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_FLUSH_CACHE, 0, 0), -EACCES);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0), -EACCES);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_MARK_SUPER, F_DATA, 0), -EOPNOTSUPP);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_UNMARK_SUPER, F_DATA, 0), -EOPNOTSUPP);
    assert_int_equal(call(do_mmuext_op, &vcpu1[0], G_BAD, 1, G_PDONE, DOMID_SELF),
                     -EFAULT);
    assert_int_equal(pdone(), 0);
}

static void test_mmuext_pages(void **state)
{
    (void)state;
    frame(F_DATA + 8)[3] = 5;
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_COPY_PAGE, F_DATA + 9, F_DATA + 8), 0);
    assert_int_equal(frame(F_DATA + 9)[3], 5);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_CLEAR_PAGE, F_DATA + 9, 0), 0);
    assert_int_equal(frame(F_DATA + 9)[3], 0);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_CLEAR_PAGE, F_L3, 0), -EINVAL);
    assert_int_equal(mmuext(&vcpu2, MMUEXT_CLEAR_PAGE, F_DATA + 8, 0), -EINVAL);
    assert_int_equal(frame(F_DATA + 8)[3], 5);
}

static void test_mmuext_set_ldt(void **state)
{
    (void)state;
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0x20000, 16), 0);
    assert_int_equal(mv1[0].ldt_base, 0x20000);
    assert_int_equal(mv1[0].ldt_ents, 16);
    assert_int_equal(calls.ldt_changed, 1);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0x20000, 16), 0);
    assert_int_equal(calls.ldt_changed, 1);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0x20008, 16), -EINVAL);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0x20000, 8193), -EINVAL);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0xffff800000000000, 1), -EINVAL);
    assert_int_equal(mv1[0].ldt_ents, 16);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0x1234, 0), 0);
    assert_int_equal(mv1[0].ldt_base, 0);
    assert_int_equal(calls.ldt_changed, 2);
    assert_int_equal(calls.ldt_base, 0);
}

/* The whole LDT lies in the guest's half; a refusal by the runtime (a
 * page that is not a descriptor page) records nothing. */
static void test_mmuext_set_ldt_range(void **state)
{
    (void)state;
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0x7ffffffff000, 513), -EINVAL);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0xfffffffffffff000, 8192),
                     -EINVAL);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0xffff87fffffff000, 1), -EINVAL);
    assert_int_equal(calls.ldt_changed, 0);
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0x7ffffffff000, 512), 0);
    assert_int_equal(calls.ldt_base, 0x7ffffffff000);
    assert_int_equal(calls.ldt_ents, 512);
    calls.ldt_rc = -EINVAL;
    assert_int_equal(mmuext(&vcpu1[0], MMUEXT_SET_LDT, 0x20000, 16), -EINVAL);
    assert_int_equal(mv1[0].ldt_base, 0x7ffffffff000);
    assert_int_equal(mv1[0].ldt_ents, 512);
}

static void test_update_va_mapping_flushes(void **state)
{
    (void)state;
    assert_int_equal(mmuext(&vcpu1[1], MMUEXT_NEW_BASEPTR, F_L4, 0), 0);
    assert_int_equal(call(do_update_va_mapping, &vcpu1[1], 0x8000,
                          pte(F_DATA + 8, RW_FLAGS), UVMF_INVLPG | UVMF_LOCAL, 0),
                     0);
    assert_int_equal(calls.flushes, 1);
    assert_int_equal(calls.flush_mask, 2);
    assert_int_equal(calls.flush_va, 0x8000);
    assert_int_equal(
        call(do_update_va_mapping, &vcpu1[1], 0x8000, 0, UVMF_TLB_FLUSH | UVMF_ALL, 0),
        0);
    assert_int_equal(calls.flush_mask, PV_MM_ALL_VCPUS);
    assert_int_equal(calls.flush_va, PV_MM_FLUSH_ALL);
    assert_int_equal(pg(F_DATA + 8)->count, 0);
    put_mask(1);
    assert_int_equal(call(do_update_va_mapping, &vcpu1[1], 0x9000,
                          pte(F_DATA + 9, RO_FLAGS), UVMF_INVLPG | G_MASK, 0),
                     0);
    assert_int_equal(calls.flush_mask, 1);
    assert_int_equal(calls.flush_va, 0x9000);
    assert_int_equal(call(do_update_va_mapping, &vcpu1[1], 0x9000, 0, UVMF_NONE, 0), 0);
    assert_int_equal(calls.flushes, 3);
    /* the update is done even when the mask cannot be read */
    assert_int_equal(call(do_update_va_mapping, &vcpu1[1], 0x9000,
                          pte(F_DATA + 9, RO_FLAGS), UVMF_TLB_FLUSH | 0x18, 0),
                     -EFAULT);
    assert_int_equal(pg(F_DATA + 9)->count, 1);
    /* a refused update flushes nothing */
    assert_int_equal(call(do_update_va_mapping, &vcpu1[1], 0xa000, pte(F_L2, RW_FLAGS),
                          UVMF_TLB_FLUSH, 0),
                     -EBUSY);
    assert_int_equal(call(do_update_va_mapping, &vcpu1[0], 0xa000, 0, UVMF_TLB_FLUSH, 0),
                     -EINVAL);
    assert_int_equal(calls.flushes, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_mmu_update_batch_stops_at_bad_entry, setup),
        cmocka_unit_test_setup(test_mmu_update_commands, setup),
        cmocka_unit_test_setup(test_mmu_update_foreign_domains_refused, setup),
        cmocka_unit_test_setup(test_mmu_update_bad_list, setup),
        cmocka_unit_test_setup(test_mmu_update_preempted_continues, setup),
        cmocka_unit_test_setup(test_not_for_hvm_guests, setup),
        cmocka_unit_test_setup(test_mmuext_pin_and_baseptrs, setup),
        cmocka_unit_test_setup(test_mmuext_flushes, setup),
        cmocka_unit_test_setup(test_mmuext_errors, setup),
        cmocka_unit_test_setup(test_mmuext_pages, setup),
        cmocka_unit_test_setup(test_mmuext_set_ldt_range, setup),
        cmocka_unit_test_setup(test_mmuext_set_ldt, setup),
        cmocka_unit_test_setup(test_update_va_mapping_flushes, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
