// SPDX-License-Identifier: MIT
// PVH guest: XENMEM_memory_map and XENMEM_add_to_physmap(shared_info), with hostile input.
#include "pvh.h"

const char test_name[] = "pvh_memory";

#define MAP_ROOM 64
#define WALLCLOCK_2024 1704067200ULL /* 2024-01-01T00:00:00Z */
#define HUGE_GPFN (1ULL << 40)       /* 2^52 bytes: beyond any physical address */

static struct e820_entry e820[MAP_ROOM];

static long memory_map(uint32_t room, const void *buffer, uint32_t *got)
{
    struct xen_memory_map map = {.nr_entries = room, .buffer = (uintptr_t)buffer};
    long rc = hc_memory_op(XENMEM_memory_map, &map);

    *got = map.nr_entries;
    return rc;
}

/* The map Xen returns is the one the builder gave in start_info (Linux PVH
 * uses either, xen-abi.md §3.3). */
static void check_memory_map(void)
{
    unsigned int n = pvh_memmap_count();
    uint32_t got = 0;

    CHECK(n > 0, "start_info v%u has no memory map", pvh_start_info->version);
    EXPECT_RC("XENMEM_memory_map(64 entries of room)", memory_map(MAP_ROOM, e820, &got), 0);
    CHECK_EQ("XENMEM_memory_map entries vs start_info memmap_entries", got, n);
    for (unsigned int i = 0; i < n; i++) {
        const struct hvm_memmap_table_entry *m = pvh_memmap(i);

        info("e820[%u]: %#llx-%#llx type %u", i, (unsigned long long)e820[i].addr,
             (unsigned long long)(e820[i].addr + e820[i].size - 1), e820[i].type);
        CHECK(e820[i].addr == m->addr && e820[i].size == m->size && e820[i].type == m->type,
              "e820[%u] %#llx+%#llx type %u differs from start_info's %#llx+%#llx type %u",
              i, (unsigned long long)e820[i].addr, (unsigned long long)e820[i].size,
              e820[i].type, (unsigned long long)m->addr, (unsigned long long)m->size,
              m->type);
    }
}

static void check_memory_map_hostile(void)
{
    unsigned int n = pvh_memmap_count();
    const struct bad_ptr *bad;
    size_t nbad = pvh_bad_ptrs(&bad);
    uint32_t got = 0;
    char what[112];

    /* Xen clamps the room to the real count rather than trusting it. */
    EXPECT_RC("XENMEM_memory_map(nr_entries ~0)", memory_map(~0U, e820, &got), 0);
    CHECK_EQ("XENMEM_memory_map(nr_entries ~0) entries", got, n);
    EXPECT_RC("XENMEM_memory_map(nr_entries 0)", memory_map(0, e820, &got), 0);
    CHECK_EQ("XENMEM_memory_map(nr_entries 0) entries", got, 0);
    for (size_t i = 0; i < nbad; i++) {
        snprintf(what, sizeof(what), "XENMEM_memory_map(buffer %s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, memory_map(MAP_ROOM, (const void *)bad[i].addr, &got), -XEN_EFAULT);
        snprintf(what, sizeof(what), "XENMEM_memory_map(argument %s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_memory_op(XENMEM_memory_map, (const void *)bad[i].addr),
                  -XEN_EFAULT);
    }
    if (n > 1)
        EXPECT_RC("XENMEM_memory_map(room for 1 entry before an unmapped page)",
                  memory_map(MAP_ROOM, pvh_guard_edge(sizeof(e820[0])), &got), -XEN_EFAULT);
    EXPECT_RC("XENMEM_machphys_mapping (PV only)",
              hc_memory_op(XENMEM_machphys_mapping, e820), -XEN_ENOSYS);
    EXPECT_RC("memory_op(bad command 63)", hc_memory_op(63, e820), -XEN_ENOSYS);
}

static long add_to_physmap(uint16_t domid, uint32_t space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap xatp = {
        .domid = domid, .space = space, .idx = idx, .gpfn = gpfn};

    return hc_memory_op(XENMEM_add_to_physmap, &xatp);
}

/* Before the real mapping, so that an accepted bad request cannot move a
 * shared_info page the test relies on. */
static void check_physmap_hostile(void)
{
    uint64_t gfn = xen_shared_info_gfn(), unbacked = pvh_unbacked_gpa() >> PAGE_SHIFT;
    const struct bad_ptr *bad;
    size_t nbad = pvh_bad_ptrs(&bad);
    char what[112];

    EXPECT_RC("add_to_physmap(space 99)", add_to_physmap(DOMID_SELF, 99, 0, gfn),
              -XEN_EINVAL, -XEN_ENOSYS, -XEN_EOPNOTSUPP);
    EXPECT_RC("add_to_physmap(gmfn_foreign, batch only)",
              add_to_physmap(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, gfn), -XEN_ENOSYS,
              -XEN_EINVAL);
    EXPECT_RC("add_to_physmap(shared_info idx 1)",
              add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 1, gfn), -XEN_EINVAL);
    EXPECT_RC("add_to_physmap(shared_info idx ~0)",
              add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, ~0ULL, gfn), -XEN_EINVAL);
    EXPECT_RC("add_to_physmap(shared_info gpfn ~0)",
              add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, ~0ULL), -XEN_EINVAL);
    EXPECT_RC("add_to_physmap(shared_info gpfn 2^40)",
              add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, HUGE_GPFN), -XEN_EINVAL,
              -XEN_ENOMEM);
    EXPECT_RC("add_to_physmap(domid 0x1234)",
              add_to_physmap(0x1234, XENMAPSPACE_shared_info, 0, gfn), -XEN_ESRCH);
    if (unbacked)
        EXPECT_RC("add_to_physmap(gmfn, idx = a gfn the guest does not own)",
                  add_to_physmap(DOMID_SELF, XENMAPSPACE_gmfn, unbacked, gfn), -XEN_EACCES,
                  -XEN_EINVAL, -XEN_ENOSYS);
    for (size_t i = 0; i < nbad; i++) {
        snprintf(what, sizeof(what), "XENMEM_add_to_physmap(argument %s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_memory_op(XENMEM_add_to_physmap, (const void *)bad[i].addr),
                  -XEN_EFAULT);
    }
}

static uint64_t wallclock_sec(const struct shared_info *s, uint32_t *nsec)
{
    for (;;) {
        uint32_t version = READ_ONCE(s->wc_version);
        uint64_t sec;

        barrier();
        sec = READ_ONCE(s->wc_sec) | (uint64_t)READ_ONCE(s->wc_sec_hi) << 32;
        *nsec = READ_ONCE(s->wc_nsec);
        barrier();
        if (!(version & 1) && READ_ONCE(s->wc_version) == version)
            return sec;
        cpu_relax();
    }
}

static unsigned int year_of(uint64_t sec)
{
    uint64_t days = sec / 86400;
    unsigned int year = 1970;

    for (;;) {
        unsigned int len = (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 366 : 365;

        if (days < len)
            return year;
        days -= len;
        year++;
    }
}

static void check_shared_info(void)
{
    const struct shared_info *s = xen_shared_info();
    const volatile struct vcpu_time_info *t = &s->vcpu_info[0].time;
    uint64_t t0, t1, now_sec;
    uint32_t nsec;

    CHECK(!(READ_ONCE(t->version) & 1), "vcpu_info[0].time.version %u is odd", t->version);
    CHECK(t->tsc_to_system_mul != 0, "vcpu_info[0].time.tsc_to_system_mul is 0");
    t0 = xen_now_ns();
    xen_delay_ns(US(100));
    t1 = xen_now_ns();
    CHECK(t1 > t0, "pvclock does not advance (%llu, %llu)", (unsigned long long)t0,
          (unsigned long long)t1);
    now_sec = wallclock_sec(s, &nsec) + t1 / 1000000000ULL;
    info("shared_info at gfn %#llx: system time %llu ns, mul %u shift %d, wallclock "
         "%llu s (year %u)",
         (unsigned long long)xen_shared_info_gfn(), (unsigned long long)t1,
         t->tsc_to_system_mul, t->tsc_shift, (unsigned long long)now_sec, year_of(now_sec));
    CHECK(now_sec >= WALLCLOCK_2024, "wallclock %llu s is before 2024 (wc_sec %u)",
          (unsigned long long)now_sec, s->wc_sec);
    CHECK(nsec < 1000000000U, "wc_nsec %u is not below 10^9", nsec);
}

/* The page moves (Xen unmaps it from its old gfn), then moves back. */
static void check_move(void)
{
    uint64_t gfn = xen_shared_info_gfn(), beyond = pvh_unbacked_gpa() >> PAGE_SHIFT;
    long rc;

    if (!beyond)
        return;
    rc = add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, beyond);
    EXPECT_RC("add_to_physmap(shared_info, gpfn just beyond RAM)", rc, 0, -XEN_EINVAL);
    if (rc == 0) {
        const struct shared_info *moved = (const void *)(uintptr_t)(beyond << PAGE_SHIFT);

        CHECK(moved->vcpu_info[0].time.tsc_to_system_mul != 0,
              "shared_info moved to gfn %#llx reads tsc_to_system_mul 0",
              (unsigned long long)beyond);
    }
    EXPECT_RC("add_to_physmap(shared_info, back to its page)",
              add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn), 0);
    CHECK(xen_shared_info()->vcpu_info[0].time.tsc_to_system_mul != 0,
          "shared_info mapped back reads tsc_to_system_mul 0");
}

void test_main(void)
{
    check_memory_map();
    check_memory_map_hostile();
    check_physmap_hostile();
    EXPECT_RC("XENMEM_add_to_physmap(shared_info, idx 0, a free page)",
              xen_map_shared_info(), 0);
    check_shared_info();
    check_move();
    check_shared_info();
}
