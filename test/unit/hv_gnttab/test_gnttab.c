// SPDX-License-Identifier: MIT
/* Unit tests of grant_table_op and grant-frame mapping (hv/xen/gnttab.c). */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/ioremap.h>
#include <hv/xen.h>
#include <public/grant_table.h>

/* ---- the hypervisor services gnttab.c uses, over host memory ---- */

struct domain *domains[MAX_DOMAINS];

/* Guest memory: [GVA_BASE, GVA_BASE + sizeof(guest_mem)) is mapped. */
#define GVA_BASE 0x100000ULL
static uint8_t guest_mem[4 * 4096];

static bool gva_ok(uint64_t gva, size_t len)
{
    return gva >= GVA_BASE && len <= sizeof(guest_mem) &&
           gva - GVA_BASE <= sizeof(guest_mem) - len;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    (void)v;
    if (!gva_ok(gva, len))
        return -EFAULT;
    memcpy(dst, guest_mem + (gva - GVA_BASE), len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    (void)v;
    if (!gva_ok(gva, len))
        return -EFAULT;
    memcpy(guest_mem + (gva - GVA_BASE), src, len);
    return 0;
}

static int pages_live, alloc_fail_after = -1;

void *alloc_page_zeroed(void)
{
    void *p;

    if (alloc_fail_after == 0)
        return NULL;
    if (alloc_fail_after > 0)
        alloc_fail_after--;
    p = aligned_alloc(4096, 4096);
    assert_non_null(p);
    memset(p, 0, 4096);
    pages_live++;
    return p;
}

void free_page(void *va)
{
    pages_live--;
    free(va);
}

/* A p2m of a few remapped pages: gpa -> pa, the rest is "RAM" (-ENOENT). */
static struct { uint64_t gpa; paddr_t pa; } p2m_map[16];
static unsigned int p2m_n;

int p2m_map_page(struct p2m *p2m, uint64_t gpa, paddr_t pa)
{
    (void)p2m;
    for (unsigned int i = 0; i < p2m_n; i++) {
        if (p2m_map[i].gpa == gpa) {
            p2m_map[i].pa = pa;
            return 0;
        }
    }
    assert_true(p2m_n < 16);
    p2m_map[p2m_n].gpa = gpa;
    p2m_map[p2m_n++].pa = pa;
    return 0;
}

int p2m_translate(const struct p2m *p2m, uint64_t gpa, paddr_t *pa)
{
    (void)p2m;
    for (unsigned int i = 0; i < p2m_n; i++) {
        if (p2m_map[i].gpa == gpa) {
            *pa = p2m_map[i].pa;
            return 0;
        }
    }
    return -ENOENT;
}

/* ---- fixture: domain 1 calling, domain 2 existing ---- */

static struct domain dom1, dom2;
static struct vcpu vcpu1;

/* A PV domain's frame_share: records each frame handed over; refuses
 * when share_fail is set. */
static paddr_t shared[XEN_GNTTAB_MAX_FRAMES + 1];
static unsigned int nr_shared;
static bool share_fail;

static int fake_frame_share(struct domain *d, paddr_t pa)
{
    assert_ptr_equal(d, &dom1);
    if (share_fail)
        return -EINVAL;
    assert_true(nr_shared < XEN_GNTTAB_MAX_FRAMES);
    shared[nr_shared++] = pa;
    return 0;
}

static const struct domain_ops translated_ops = { .name = "HVM" };
static const struct domain_ops pv_ops = { .name = "PV", .frame_share = fake_frame_share };

static int setup(void **state)
{
    (void)state;
    memset(guest_mem, 0, sizeof(guest_mem));
    p2m_n = 0;
    pages_live = 0;
    alloc_fail_after = -1;
    nr_shared = 0;
    share_fail = false;
    dom1 = (struct domain){ .id = 1, .ops = &translated_ops };
    dom2 = (struct domain){ .id = 2 };
    dom1.xen = calloc(1, sizeof(*dom1.xen));
    assert_non_null(dom1.xen);
    domains[1] = &dom1;
    domains[2] = &dom2;
    vcpu1 = (struct vcpu){ .domain = &dom1 };
    assert_int_equal(xen_gnttab_init(&dom1), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xen_gnttab_destroy(&dom1);
    assert_int_equal(pages_live, 0); /* every frame freed */
    free(dom1.xen);
    domains[1] = domains[2] = NULL;
    return 0;
}

static long gnttab_op(uint64_t cmd, uint64_t uop, uint64_t count)
{
    struct hypercall_args a = { { cmd, uop, count, 0, 0 } };

    return do_grant_table_op(&vcpu1, &a);
}

#define ARG(off) (GVA_BASE + (off))
#define AT(type, off) ((type *)(guest_mem + (off)))

/* ---- query_size / setup_table ---- */

static long query_size(uint16_t dom, uint64_t count)
{
    *AT(struct gnttab_query_size, 0) = (struct gnttab_query_size){ .dom = dom, .status = 0x7fff };
    return gnttab_op(GNTTABOP_query_size, ARG(0), count);
}

static void test_query_size(void **state)
{
    static const struct { uint16_t dom; int16_t status; } cases[] = {
        { DOMID_SELF, GNTST_okay }, { 1, GNTST_okay },
        { 2, GNTST_permission_denied }, { 3, GNTST_bad_domain },
        { 0x1234, GNTST_bad_domain }, { DOMID_INVALID, GNTST_bad_domain },
    };
    struct gnttab_query_size *q = AT(struct gnttab_query_size, 0);

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(query_size(cases[i].dom, 1), 0);
        assert_int_equal(q->status, cases[i].status);
        if (cases[i].status == GNTST_okay) {
            assert_int_equal(q->nr_frames, 1);
            assert_int_equal(q->max_nr_frames, XEN_GNTTAB_MAX_FRAMES);
        }
    }
    /* Count must be 1; the high half of the register is not looked at. */
    assert_int_equal(query_size(DOMID_SELF, 0), -EINVAL);
    assert_int_equal(query_size(DOMID_SELF, 2), -EINVAL);
    assert_int_equal(query_size(DOMID_SELF, 0x80000000), -EINVAL);
    assert_int_equal(query_size(DOMID_SELF, 0x100000001ULL), 0);
    assert_int_equal(gnttab_op(GNTTABOP_query_size, 0, 1), -EFAULT);
    assert_int_equal(gnttab_op(GNTTABOP_query_size, ARG(sizeof(guest_mem) - 8), 1), -EFAULT);
}

static long setup_table(uint32_t nr, uint64_t list, uint16_t dom)
{
    *AT(struct gnttab_setup_table, 0) = (struct gnttab_setup_table){
        .dom = dom, .nr_frames = nr, .status = 0x7fff, .frame_list = list };
    return gnttab_op(GNTTABOP_setup_table, ARG(0), 1);
}

static void test_setup_table(void **state)
{
    struct gnttab_setup_table *s = AT(struct gnttab_setup_table, 0);
    uint64_t *list = AT(uint64_t, 64);

    (void)state;
    memset(list, 0x55, 8 * sizeof(*list));
    assert_int_equal(setup_table(3, ARG(64), DOMID_SELF), 0);
    assert_int_equal(s->status, GNTST_okay);
    for (int i = 0; i < 3; i++)
        assert_true(list[i] == ~0ULL); /* grown, nothing mapped yet */
    assert_true(list[3] == 0x5555555555555555ULL);
    assert_int_equal(pages_live, 3);
    /* Mapped frames report their gfn until something replaces them. */
    assert_int_equal(xen_gnttab_map_frame(&dom1, 1, 0x500), 0);
    assert_int_equal(setup_table(2, ARG(64), 1), 0);
    assert_true(list[0] == ~0ULL && list[1] == 0x500);
    assert_int_equal(p2m_map_page(&dom1.p2m, 0x500ULL << 12, 0x1000), 0);
    assert_int_equal(setup_table(2, ARG(64), DOMID_SELF), 0);
    assert_true(list[1] == ~0ULL);
    /* Too many frames, out of memory, foreign or missing domains, an
     * unwritable list: rc 0, the status says why. */
    static const struct { uint32_t nr; uint64_t list; uint16_t dom; int16_t status; } bad[] = {
        { XEN_GNTTAB_MAX_FRAMES + 1, ARG(64), DOMID_SELF, GNTST_general_error },
        { 0xffffffff, ARG(64), DOMID_SELF, GNTST_general_error },
        { 1, ARG(64), 2, GNTST_permission_denied },
        { 1, ARG(64), 9, GNTST_bad_domain },
        { 1, 0, DOMID_SELF, GNTST_bad_virt_addr },
        { 2, ARG(sizeof(guest_mem) - 8), DOMID_SELF, GNTST_bad_virt_addr },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(setup_table(bad[i].nr, bad[i].list, bad[i].dom), 0);
        assert_int_equal(s->status, bad[i].status);
    }
    alloc_fail_after = 0;
    assert_int_equal(setup_table(10, ARG(64), DOMID_SELF), 0);
    assert_int_equal(s->status, GNTST_general_error);
    alloc_fail_after = -1;
    assert_int_equal(setup_table(XEN_GNTTAB_MAX_FRAMES, ARG(64 * 8), DOMID_SELF), 0);
    assert_int_equal(s->status, GNTST_okay);
    assert_int_equal(pages_live, XEN_GNTTAB_MAX_FRAMES);
    assert_int_equal(gnttab_op(GNTTABOP_setup_table, ARG(0), 0), -EINVAL);
    assert_int_equal(gnttab_op(GNTTABOP_setup_table, 0, 1), -EFAULT);
}

/* ---- versions, command filter ---- */

static void test_versions(void **state)
{
    static const struct { uint32_t in; long rc; } sv[] = {
        { 1, 0 }, { 2, -ENOSYS }, { 0, -EINVAL }, { 3, -EINVAL }, { 0xffffffff, -EINVAL },
    };
    struct gnttab_get_version *gv = AT(struct gnttab_get_version, 0);

    (void)state;
    for (size_t i = 0; i < sizeof(sv) / sizeof(sv[0]); i++) {
        *AT(uint32_t, 0) = sv[i].in;
        assert_int_equal(gnttab_op(GNTTABOP_set_version, ARG(0), 1), sv[i].rc);
        assert_int_equal(*AT(uint32_t, 0), 1); /* the version in force */
    }
    *gv = (struct gnttab_get_version){ .dom = DOMID_SELF, .version = 7 };
    assert_int_equal(gnttab_op(GNTTABOP_get_version, ARG(0), 1), 0);
    assert_int_equal(gv->version, 1);
    gv->dom = 2;
    assert_int_equal(gnttab_op(GNTTABOP_get_version, ARG(0), 1), -EPERM);
    gv->dom = 0x1234;
    assert_int_equal(gnttab_op(GNTTABOP_get_version, ARG(0), 1), -ESRCH);
    assert_int_equal(gnttab_op(GNTTABOP_set_version, 0, 1), -EFAULT);
    assert_int_equal(gnttab_op(GNTTABOP_get_version, 0, 1), -EFAULT);
}

static void test_command_filter(void **state)
{
    static const uint64_t nosys[] = {
        GNTTABOP_dump_table, GNTTABOP_transfer, GNTTABOP_unmap_and_replace,
        GNTTABOP_get_status_frames, GNTTABOP_cache_flush, 99,
        GNTTABOP_query_size | 1U << 12, GNTTABOP_map_grant_ref, GNTTABOP_copy,
        GNTTABOP_unmap_grant_ref,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(nosys) / sizeof(nosys[0]); i++)
        assert_int_equal(gnttab_op(nosys[i], 0, 1), -ENOSYS);
    /* A negative count is refused before anything is read. */
    assert_int_equal(gnttab_op(GNTTABOP_swap_grant_ref, 0, 0xffffffff), -EINVAL);
    /* cmd is 32 bits wide in Xen's prototype. */
    assert_int_equal(query_size(DOMID_SELF, 1), 0);
    assert_int_equal(gnttab_op(GNTTABOP_query_size | 1ULL << 32, ARG(0), 1), 0);
}

/* ---- swap_grant_ref: batches and continuations ---- */

static uint64_t *entry(unsigned int ref)
{
    return (uint64_t *)dom1.xen->gnttab.frame[ref / 512] + ref % 512;
}

static void test_swap(void **state)
{
    struct gnttab_swap_grant_ref *ops = AT(struct gnttab_swap_grant_ref, 0);
    const unsigned int n = 200; /* more than one batch */
    struct hypercall_args a;
    unsigned int rounds = 0;
    long rc;

    (void)state;
    for (unsigned int r = 0; r < 512; r++)
        *entry(r) = r;
    for (unsigned int i = 0; i < n; i++)
        ops[i] = (struct gnttab_swap_grant_ref){ .ref_a = i, .ref_b = 511 - i, .status = 0x7fff };
    ops[5].ref_b = 512;  /* one frame: 512 entries */
    ops[6].ref_a = 0xffffffff;
    ops[7].ref_b = 7;    /* same entry: nothing to do */
    a = (struct hypercall_args){ { GNTTABOP_swap_grant_ref, ARG(0), n, 0, 0 } };
    while ((rc = do_grant_table_op(&vcpu1, &a)) == -ERESTART) {
        assert_true(a.a[2] < n && a.a[1] == ARG((n - a.a[2]) * sizeof(*ops)));
        assert_true(++rounds < 10);
    }
    assert_int_equal(rc, 0);
    assert_true(rounds >= 2);
    for (unsigned int i = 0; i < n; i++) {
        bool bad = i == 5 || i == 6;

        assert_int_equal(ops[i].status, bad ? GNTST_bad_gntref : GNTST_okay);
        if (!bad && i != 7)
            assert_true(*entry(i) == 511 - i && *entry(511 - i) == i);
    }
    assert_true(*entry(5) == 5 && *entry(7) == 7);
    /* The array ending early is -EFAULT, with the operations before done. */
    ops = AT(struct gnttab_swap_grant_ref, sizeof(guest_mem) - 2 * sizeof(*ops));
    ops[0] = (struct gnttab_swap_grant_ref){ .ref_a = 300, .ref_b = 301 };
    assert_int_equal(gnttab_op(GNTTABOP_swap_grant_ref, ARG(sizeof(guest_mem) - 2 * sizeof(*ops)), 3),
                     -EFAULT);
    assert_true(*entry(300) == 301);
}

/* ---- XENMAPSPACE_grant_table ---- */

static void test_map_frame(void **state)
{
    struct xen_gnttab *gt = &dom1.xen->gnttab;
    paddr_t pa;

    (void)state;
    assert_int_equal(xen_gnttab_map_frame(&dom1, 0, 0x108), 0);
    assert_int_equal(p2m_translate(&dom1.p2m, 0x108000, &pa), 0);
    assert_true(pa == __pa(gt->frame[0]));
    /* Mapping frame 5 grows the table to 6 frames. */
    assert_int_equal(xen_gnttab_map_frame(&dom1, 5, 0x107fff), 0);
    assert_int_equal(gt->nr_frames, 6);
    assert_int_equal(pages_live, 6);
    assert_int_equal(p2m_translate(&dom1.p2m, 0x107fff000ULL, &pa), 0);
    assert_true(pa == __pa(gt->frame[5]));
    static const uint64_t bad_idx[] = {
        XEN_GNTTAB_MAX_FRAMES, 0x7fffffff, 0x80000000 /* status frame 0 */,
        1ULL << 32, ~0ULL,
    };
    for (size_t i = 0; i < sizeof(bad_idx) / sizeof(bad_idx[0]); i++)
        assert_int_equal(xen_gnttab_map_frame(&dom1, bad_idx[i], 0x200), -EINVAL);
    assert_int_equal(xen_gnttab_map_frame(&dom1, 0, 1ULL << 40), -EINVAL);
    assert_int_equal(xen_gnttab_map_frame(&dom1, 0, ~0ULL), -EINVAL);
    alloc_fail_after = 0;
    assert_int_equal(xen_gnttab_map_frame(&dom1, 9, 0x200), -EINVAL);
    assert_int_equal(gt->nr_frames, 6);
    assert_int_equal(p2m_translate(&dom1.p2m, 0x200000, &pa), -ENOENT);
}

/* ---- a PV domain: frames shared with it as they are made ---- */

static int setup_pv(void **state)
{
    setup(state);
    xen_gnttab_destroy(&dom1);
    dom1.type = DOMAIN_PV;
    dom1.ops = &pv_ops;
    return xen_gnttab_init(&dom1);
}

static void test_pv_frames_shared(void **state)
{
    struct gnttab_setup_table *s = AT(struct gnttab_setup_table, 0);
    struct xen_gnttab *gt = &dom1.xen->gnttab;
    uint64_t *list = AT(uint64_t, 64);

    (void)state;
    assert_int_equal(nr_shared, 1); /* the initial frame */
    assert_true(shared[0] == __pa(gt->frame[0]));
    /* setup_table grows the table: each new frame is shared, and the
     * guest is told its machine frame. */
    assert_int_equal(setup_table(4, ARG(64), DOMID_SELF), 0);
    assert_int_equal(s->status, GNTST_okay);
    assert_int_equal(nr_shared, 4);
    for (unsigned int i = 0; i < 4; i++) {
        assert_true(shared[i] == __pa(gt->frame[i]));
        assert_true(list[i] == __pa(gt->frame[i]) >> PAGE_SHIFT);
    }
    /* A frame the PV MMU refuses is not kept: freed, the table as it was. */
    share_fail = true;
    assert_int_equal(setup_table(6, ARG(64), DOMID_SELF), 0);
    assert_int_equal(s->status, GNTST_general_error);
    assert_int_equal(gt->nr_frames, 4);
    assert_int_equal(pages_live, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_query_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setup_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pv_frames_shared, setup_pv, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
