// SPDX-License-Identifier: MIT
// PVH guest: VCPUOP vcpu_info / runstate registration, is_up, the Xen timers
// and a virtual NMI (VCPUOP_send_nmi), with hostile input.
#include "pvh.h"

const char test_name[] = "pvh_vcpu";

#define VI_OFFSET 128     /* of the registered vcpu_info in its page */
#define EARLY_SLACK US(500) /* pvclock vs the hypervisor's clock: 5% of 10 ms */

static uint8_t vcpu_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct vcpu_runstate_info runstate;
static uint32_t timer_port;

static long register_vcpu_info(unsigned int vcpu, uint64_t gfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info r = {.mfn = gfn, .offset = offset};

    return hc_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

static void check_is_up(void)
{
    EXPECT_RC("VCPUOP_is_up(vcpu 0)", hc_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    EXPECT_RC("VCPUOP_is_up(vcpu 99)", hc_vcpu_op(VCPUOP_is_up, 99, NULL), -XEN_ENOENT,
              -XEN_EINVAL);
    EXPECT_RC("VCPUOP_is_up(vcpu ~0)", hc_vcpu_op(VCPUOP_is_up, ~0U, NULL), -XEN_ENOENT,
              -XEN_EINVAL);
    EXPECT_RC("vcpu_op(bad command 99)", hc_vcpu_op(99, 0, NULL), -XEN_ENOSYS);
}

/* An area crossing its page is -EINVAL up to Xen 4.17 (map_vcpu_info),
 * -ENXIO from 4.18 (map_guest_area, which also refuses a misaligned offset;
 * 4.17 accepted one, so that is not tested: it would register). A frame
 * that is not the guest's RAM is -EINVAL. */
static void check_vcpu_info_hostile(uint64_t gfn)
{
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    uint64_t unbacked = pvh_unbacked_gpa() >> PAGE_SHIFT;
    char what[112];

    EXPECT_RC("register_vcpu_info(offset crossing the page)",
              register_vcpu_info(0, gfn, PAGE_SIZE - 32), -XEN_EINVAL, -XEN_ENXIO);
    EXPECT_RC("register_vcpu_info(offset ~0)", register_vcpu_info(0, gfn, ~0U), -XEN_EINVAL,
              -XEN_ENXIO);
    EXPECT_RC("register_vcpu_info(gfn 2^52)", register_vcpu_info(0, 1ULL << 52, 0),
              -XEN_EINVAL, -XEN_ENXIO);
    if (unbacked)
        EXPECT_RC("register_vcpu_info(gfn the guest does not own)",
                  register_vcpu_info(0, unbacked, 0), -XEN_EINVAL, -XEN_EFAULT);
    EXPECT_RC("register_vcpu_info(vcpu 99)", register_vcpu_info(99, gfn, VI_OFFSET),
              -XEN_ENOENT, -XEN_EINVAL);
    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof(what), "register_vcpu_info(argument %s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_vcpu_op(VCPUOP_register_vcpu_info, 0, (const void *)bad[i].addr),
                  -XEN_EFAULT);
    }
}

static void check_vcpu_info(void)
{
    uint64_t gfn = (uintptr_t)vcpu_info_page >> PAGE_SHIFT;
    struct vcpu_info *vi = (struct vcpu_info *)(vcpu_info_page + VI_OFFSET);
    uint64_t t0, t1;

    check_vcpu_info_hostile(gfn);
    EXPECT_RC("register_vcpu_info(gfn of a page of ours, offset 128)",
              register_vcpu_info(0, gfn, VI_OFFSET), 0);
    CHECK(vi->time.tsc_to_system_mul != 0 && !(vi->time.version & 1),
          "registered vcpu_info: time version %u, mul %u", vi->time.version,
          vi->time.tsc_to_system_mul);
    xen_set_vcpu_info(vi);
    t0 = xen_now_ns();
    xen_delay_ns(US(100));
    t1 = xen_now_ns();
    CHECK(t1 > t0, "pvclock of the registered vcpu_info does not advance");
    info("vcpu_info registered at gfn %#llx + %u, system time %llu ns, pending_sel %#llx",
         (unsigned long long)gfn, VI_OFFSET, (unsigned long long)t1,
         (unsigned long long)vi->evtchn_pending_sel);
    EXPECT_RC("register_vcpu_info again", register_vcpu_info(0, gfn, VI_OFFSET + 64),
              -XEN_EBUSY, -XEN_EINVAL);
    events_drain(); /* Xen marks everything pending after registering */
}

/* Registration takes a guest virtual address that Xen does not check
 * (guest_handle_okay is always true for HVM) and writes the area at once. */
static void check_runstate(void)
{
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    struct vcpu_register_runstate_memory_area area = {.addr = (uintptr_t)&runstate};
    struct vcpu_runstate_info now_info;
    char what[112];
    long rc;

    for (size_t i = 0; i < n; i++) {
        struct vcpu_register_runstate_memory_area a = {.addr = bad[i].addr};

        snprintf(what, sizeof(what), "register_runstate_memory_area(%s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a), 0,
                  -XEN_EFAULT, -XEN_EINVAL);
    }
    memset(&runstate, 0xff, sizeof(runstate));
    EXPECT_RC("register_runstate_memory_area(ours)",
              hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
    CHECK_EQ("runstate.state after registering", (uint32_t)runstate.state, RUNSTATE_running);
    CHECK((runstate.state_entry_time & ~XEN_RUNSTATE_UPDATE) <= xen_now_ns(),
          "runstate.state_entry_time %#llx is in the future",
          (unsigned long long)runstate.state_entry_time);
    /* Linux reads the registered area instead, so this may be absent. */
    rc = hc_vcpu_op(VCPUOP_get_runstate_info, 0, &now_info);
    EXPECT_RC("VCPUOP_get_runstate_info", rc, 0, -XEN_ENOSYS);
    if (rc)
        return;
    CHECK_EQ("get_runstate_info state", (uint32_t)now_info.state, RUNSTATE_running);
    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof(what), "get_runstate_info(%s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_vcpu_op(VCPUOP_get_runstate_info, 0, (const void *)bad[i].addr),
                  -XEN_EFAULT);
    }
}

/* A timer deadline was honoured: the upcall came, not early (its time is
 * taken in the handler), and the clock moved on by at least the delay. */
static void check_fired(const char *what, uint32_t before, uint64_t t0, uint64_t deadline)
{
    uint64_t fired;

    CHECK(evtchn_wait(timer_port, before, MS(1000)),
          "%s: no VIRQ_TIMER upcall within 1 s of a %llu us timer", what,
          (unsigned long long)((deadline - t0) / 1000));
    fired = evtchn_last_ns(timer_port);
    CHECK(fired + EARLY_SLACK >= deadline, "%s: fired %llu us before the deadline", what,
          (unsigned long long)((deadline - fired) / 1000));
    CHECK(xen_now_ns() - t0 >= deadline - t0 - EARLY_SLACK,
          "%s: system time advanced only %llu us", what,
          (unsigned long long)((xen_now_ns() - t0) / 1000));
    info("%s: upcall %llu us after arming for %llu us", what,
         (unsigned long long)((fired - t0) / 1000),
         (unsigned long long)((deadline - t0) / 1000));
}

/* The first expiry is watched with interrupts off: the port's pending bit,
 * its selector bit and evtchn_upcall_pending are set; then the upcall. */
static void check_singleshot(void)
{
    uint32_t before = evtchn_count(timer_port);
    uint64_t t0 = xen_now_ns(), deadline = t0 + MS(10), end = t0 + MS(1000);
    struct vcpu_info *vi = xen_vcpu_info();

    EXPECT_RC("VCPUOP_set_singleshot_timer(+10 ms)", vcpu_set_singleshot(deadline, 0), 0);
    while (!evtchn_test_pending(timer_port) && xen_now_ns() < end)
        cpu_relax();
    CHECK(evtchn_test_pending(timer_port), "singleshot +10 ms: port %u not pending after 1 s",
          timer_port);
    CHECK(xen_now_ns() + EARLY_SLACK >= deadline, "singleshot: port pending %llu us early",
          (unsigned long long)((deadline - xen_now_ns()) / 1000));
    CHECK(READ_ONCE(vi->evtchn_upcall_pending) &&
              (READ_ONCE(vi->evtchn_pending_sel) >> (timer_port / 64) & 1),
          "singleshot: port pending but upcall_pending %u, pending_sel %#llx",
          READ_ONCE(vi->evtchn_upcall_pending),
          (unsigned long long)READ_ONCE(vi->evtchn_pending_sel));
    check_fired("VCPUOP_set_singleshot_timer(+10 ms)", before, t0, deadline);
}

static void check_timer_op(void)
{
    uint32_t before = evtchn_count(timer_port);
    uint64_t t0 = xen_now_ns();

    EXPECT_RC("set_timer_op(+10 ms)", hc_set_timer_op(t0 + MS(10)), 0);
    check_fired("set_timer_op(+10 ms)", before, t0, t0 + MS(10));
    before = evtchn_count(timer_port);
    EXPECT_RC("set_timer_op(+5 ms)", hc_set_timer_op(xen_now_ns() + MS(5)), 0);
    EXPECT_RC("set_timer_op(0): cancel", hc_set_timer_op(0), 0);
    CHECK(!evtchn_wait(timer_port, before, MS(20)), "set_timer_op(0) did not cancel");
}

static void check_timer_stops(void)
{
    uint32_t before = evtchn_count(timer_port);
    struct vcpu_set_periodic_timer p = {.period_ns = US(500)};

    EXPECT_RC("set_singleshot_timer(+5 ms)", vcpu_set_singleshot(xen_now_ns() + MS(5), 0), 0);
    EXPECT_RC("VCPUOP_stop_singleshot_timer",
              hc_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    CHECK(!evtchn_wait(timer_port, before, MS(20)), "stop_singleshot_timer did not stop it");
    EXPECT_RC("VCPUOP_stop_periodic_timer", hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    EXPECT_RC("VCPUOP_set_periodic_timer(500 us, below 1 ms)",
              hc_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), -XEN_EINVAL, -XEN_ENOSYS);
}

static void check_timer_hostile(void)
{
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = xen_now_ns() + MS(5)};
    uint32_t before = evtchn_count(timer_port);
    char what[112];
    long rc;

    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof(what), "set_singleshot_timer(%s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, (const void *)bad[i].addr),
                  -XEN_EFAULT);
    }
    EXPECT_RC("set_singleshot_timer(vcpu 99)",
              hc_vcpu_op(VCPUOP_set_singleshot_timer, 99, &t), -XEN_ENOENT, -XEN_EINVAL);
    /* Xen now fires a deadline in the past at once; before 4.x it said -ETIME
     * when VCPU_SSHOTTMR_future was given. */
    rc = vcpu_set_singleshot(xen_now_ns() - MS(1), VCPU_SSHOTTMR_future);
    EXPECT_RC("set_singleshot_timer(1 ms ago, future flag)", rc, 0, -XEN_ETIME);
    if (rc == 0)
        CHECK(evtchn_wait(timer_port, before, MS(1000)),
              "singleshot timer in the past: no upcall within 1 s");
}

static volatile unsigned int nmis;

static void on_nmi(struct trap_frame *f)
{
    (void)f;
    nmis++;
}

/* An NMI sent to itself arrives as vector 2 on the way back from the
 * hypercall, interrupts off or not. */
static void check_send_nmi(void)
{
    trap_set_handler(2, on_nmi);
    EXPECT_RC("VCPUOP_send_nmi(vcpu 99)", hc_vcpu_op(VCPUOP_send_nmi, 99, NULL), -XEN_ENOENT);
    EXPECT_RC("VCPUOP_send_nmi(itself)", hc_vcpu_op(VCPUOP_send_nmi, 0, NULL), 0);
    CHECK_EQ("NMIs taken after send_nmi", nmis, 1);
    trap_set_handler(2, NULL);
    info("VCPUOP_send_nmi: the NMI taken as vector 2 right after the hypercall");
}

void test_main(void)
{
    xen_events_init();
    check_is_up();
    check_vcpu_info();
    check_runstate();
    EXPECT_RC("bind_virq(VIRQ_TIMER, vcpu 0)", evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port),
              0);
    check_singleshot();
    check_timer_op();
    check_timer_stops();
    check_timer_hostile();
    check_send_nmi();
}
