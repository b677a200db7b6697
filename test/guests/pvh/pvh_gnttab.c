// SPDX-License-Identifier: MIT
// PVH guest: grant-table v1 setup (query_size, setup_table, set/get_version, frame mapping), with hostile input.
#include "pvh.h"

const char test_name[] = "pvh_gnttab";

/*
 * Xen (xen:xen/common/grant_table.c): a count above INT_MAX is -EINVAL for
 * every operation, setup_table and query_size need count == 1 (-EINVAL),
 * bits above the command's low 12 are continuation state (-EINVAL from a
 * guest); per-operation problems come back in the status field with rc 0.
 * An HVM guest may use only query_size, setup_table, set/get_version, copy,
 * map/unmap and swap (xen:xen/arch/x86/hvm/hypercall.c): the rest is -ENOSYS.
 */

static uint8_t grant_frame_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint32_t max_frames;

static long query_size(uint16_t dom, unsigned long count, struct gnttab_query_size *q)
{
    *q = (struct gnttab_query_size){.dom = dom, .status = 0x7fff};
    return hc_grant_table_op(GNTTABOP_query_size, q, count);
}

static long setup_table(uint32_t nr, uint64_t frame_list, int16_t *status)
{
    struct gnttab_setup_table s = {
        .dom = DOMID_SELF, .nr_frames = nr, .status = 0x7fff, .frame_list = frame_list};
    long rc = hc_grant_table_op(GNTTABOP_setup_table, &s, 1);

    *status = s.status;
    return rc;
}

static void check_query_size(void)
{
    struct gnttab_query_size q;
    long rc = query_size(DOMID_SELF, 1, &q);

    CHECK(rc != -XEN_ENOSYS, "grant tables are not implemented: GNTTABOP_query_size "
          "returned -ENOSYS (Linux PVH then runs without grants, no PV drivers)");
    EXPECT_RC("GNTTABOP_query_size(self)", rc, 0);
    CHECK_EQ("query_size status", (uint16_t)q.status, GNTST_okay);
    info("grant table: %u frames of at most %u", q.nr_frames, q.max_nr_frames);
    CHECK(q.max_nr_frames >= 1 && q.nr_frames <= q.max_nr_frames,
          "query_size: %u frames of at most %u", q.nr_frames, q.max_nr_frames);
    max_frames = q.max_nr_frames;
    EXPECT_RC("GNTTABOP_query_size(domain 0x1234)", query_size(0x1234, 1, &q), 0, -XEN_ESRCH);
    if (q.status != 0x7fff)
        CHECK_EQ("query_size(domain 0x1234) status", (uint16_t)q.status,
                 (uint16_t)GNTST_bad_domain);
}

static void check_setup_and_version(void)
{
    struct gnttab_set_version sv = {.version = 1};
    struct gnttab_get_version gv = {.dom = DOMID_SELF};
    uint64_t frame = 0;
    int16_t status;

    EXPECT_RC("GNTTABOP_setup_table(1 frame)", setup_table(1, (uintptr_t)&frame, &status), 0);
    CHECK_EQ("setup_table(1 frame) status", (uint16_t)status, GNTST_okay);
    info("setup_table: frame 0 is %#llx", (unsigned long long)frame);
    EXPECT_RC("GNTTABOP_set_version(1)", hc_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    CHECK_EQ("set_version(1) reads back", sv.version, 1);
    EXPECT_RC("GNTTABOP_get_version(self)", hc_grant_table_op(GNTTABOP_get_version, &gv, 1),
              0);
    CHECK_EQ("get_version", gv.version, 1);
    sv.version = 3;
    EXPECT_RC("GNTTABOP_set_version(3)", hc_grant_table_op(GNTTABOP_set_version, &sv, 1),
              -XEN_EINVAL);
    sv.version = 0;
    EXPECT_RC("GNTTABOP_set_version(0)", hc_grant_table_op(GNTTABOP_set_version, &sv, 1),
              -XEN_EINVAL);
    gv.dom = 0x1234;
    EXPECT_RC("GNTTABOP_get_version(domain 0x1234)",
              hc_grant_table_op(GNTTABOP_get_version, &gv, 1), -XEN_ESRCH);
}

/* HVM guests map grant frames into their own physmap (xen-abi.md §7). */
static void check_frame_mapping(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_grant_table,
        .idx = 0,
        .gpfn = (uintptr_t)grant_frame_page >> PAGE_SHIFT,
    };
    const struct grant_entry_v1 *e = (const void *)grant_frame_page;
    uint64_t frame = 0;
    int16_t status;

    EXPECT_RC("add_to_physmap(grant_table frame 0)", hc_memory_op(XENMEM_add_to_physmap, &xatp),
              0);
    info("grant frame 0 at gfn %#llx: entry 0 flags %#x domid %u, entry 1 flags %#x",
         (unsigned long long)xatp.gpfn, e[0].flags, e[0].domid, e[1].flags);
    EXPECT_RC("setup_table(1 frame) after mapping", setup_table(1, (uintptr_t)&frame, &status),
              0);
    info("setup_table now reports frame 0 at %#llx", (unsigned long long)frame);
    xatp.idx = max_frames;
    EXPECT_RC("add_to_physmap(grant_table frame max_nr_frames)",
              hc_memory_op(XENMEM_add_to_physmap, &xatp), -XEN_EINVAL);
    xatp.idx = 0x7fffffff;
    EXPECT_RC("add_to_physmap(grant_table frame 0x7fffffff)",
              hc_memory_op(XENMEM_add_to_physmap, &xatp), -XEN_EINVAL);
}

static void check_counts(void)
{
    struct gnttab_query_size q;
    uint64_t frame = 0;
    int16_t status;

    EXPECT_RC("query_size(count 0)", query_size(DOMID_SELF, 0, &q), -XEN_EINVAL);
    EXPECT_RC("query_size(count 2)", query_size(DOMID_SELF, 2, &q), -XEN_EINVAL);
    EXPECT_RC("query_size(count 0x80000000)", query_size(DOMID_SELF, 0x80000000UL, &q),
              -XEN_EINVAL);
    EXPECT_RC("query_size(count 0xffffffff)", query_size(DOMID_SELF, 0xffffffffUL, &q),
              -XEN_EINVAL);
    EXPECT_RC("setup_table(count 0)",
              hc_grant_table_op(GNTTABOP_setup_table, &(struct gnttab_setup_table){0}, 0),
              -XEN_EINVAL);
    EXPECT_RC("query_size with continuation bits (cmd | 1 << 12)",
              hc_grant_table_op(GNTTABOP_query_size | 1U << GNTTABOP_CMD_SHIFT, &q, 1),
              -XEN_ENOSYS, -XEN_EINVAL); /* Xen's HVM filter sees an unknown command */
    /* Too many frames: rc 0, the status says no. */
    EXPECT_RC("setup_table(max_nr_frames + 1)",
              setup_table(max_frames + 1, (uintptr_t)&frame, &status), 0, -XEN_EINVAL);
    if (status != 0x7fff)
        CHECK_EQ("setup_table(max_nr_frames + 1) status", (uint16_t)status,
                 (uint16_t)GNTST_general_error);
    EXPECT_RC("setup_table(0xffffffff frames)",
              setup_table(0xffffffff, (uintptr_t)&frame, &status), 0, -XEN_EINVAL, -XEN_EFAULT);
    if (status != 0x7fff)
        CHECK(status == GNTST_general_error, "setup_table(0xffffffff) status %d", status);
}

static void check_bad_pointers(void)
{
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    char what[112];
    int16_t status;

    for (size_t i = 0; i < n; i++) {
        const void *p = (const void *)bad[i].addr;

        snprintf(what, sizeof(what), "GNTTABOP_query_size(%s %p)", bad[i].name, p);
        EXPECT_RC(what, hc_grant_table_op(GNTTABOP_query_size, p, 1), -XEN_EFAULT);
        snprintf(what, sizeof(what), "GNTTABOP_setup_table(%s %p)", bad[i].name, p);
        EXPECT_RC(what, hc_grant_table_op(GNTTABOP_setup_table, p, 1), -XEN_EFAULT);
        /* The frame list is written per frame: Xen reports its failure in
         * the status (GNTST_bad_virt_addr) with rc 0. */
        snprintf(what, sizeof(what), "setup_table(frame_list %s %p)", bad[i].name, p);
        EXPECT_RC(what, setup_table(1, bad[i].addr, &status), 0, -XEN_EFAULT);
        if (status != 0x7fff)
            CHECK(status == GNTST_bad_virt_addr, "%s: status %d, expected %d", what, status,
                  GNTST_bad_virt_addr);
    }
    EXPECT_RC("GNTTABOP_dump_table (not for HVM)",
              hc_grant_table_op(GNTTABOP_dump_table, NULL, 1), -XEN_ENOSYS);
    EXPECT_RC("GNTTABOP_transfer (not for HVM)", hc_grant_table_op(GNTTABOP_transfer, NULL, 1),
              -XEN_ENOSYS);
    EXPECT_RC("grant_table_op(bad command 99)", hc_grant_table_op(99, NULL, 1), -XEN_ENOSYS);
}

void test_main(void)
{
    check_query_size();
    check_setup_and_version();
    check_counts();
    check_bad_pointers();
    check_frame_mapping();
}
