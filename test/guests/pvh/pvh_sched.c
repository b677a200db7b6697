// SPDX-License-Identifier: MIT
// PVH guest: SCHEDOP yield, block, poll and shutdown arguments, with hostile input.
#include "pvh.h"

const char test_name[] = "pvh_sched";

#define EARLY_SLACK US(500) /* pvclock vs the hypervisor's clock: 5% of 10 ms */

static uint32_t timer_port, quiet_port;

static long poll(const uint32_t *ports, uint32_t n, uint64_t timeout)
{
    struct sched_poll p = {.ports = (uintptr_t)ports, .nr_ports = n, .timeout = timeout};

    return hc_sched_op(SCHEDOP_poll, &p);
}

static void check_yield(void)
{
    for (int i = 0; i < 3; i++)
        EXPECT_RC("SCHEDOP_yield", hc_sched_op(SCHEDOP_yield, NULL), 0);
}

/*
 * SCHEDOP_block sleeps until an event is pending for the vCPU; the upcall
 * is taken once interrupts are on again. It is issued with interrupts off:
 * with them on, a vCPU preempted for 10 ms between arming and blocking
 * takes the upcall first and then blocks with nothing left to wake it.
 * (Xen, too, wakes a blocked HVM vCPU for a new event whatever its IF;
 * Mica also returns at once for one already pending, which Xen does only
 * with IF=1.)
 */
static void check_block(void)
{
    uint32_t before = evtchn_count(timer_port);
    uint64_t t0, deadline, t1;
    long rc;

    events_drain();
    t0 = xen_now_ns();
    deadline = t0 + MS(10);
    EXPECT_RC("set_singleshot_timer(+10 ms)", vcpu_set_singleshot(deadline, 0), 0);
    rc = hc_sched_op(SCHEDOP_block, NULL);
    t1 = xen_now_ns();
    EXPECT_RC("SCHEDOP_block", rc, 0);
    CHECK(t1 + EARLY_SLACK >= deadline, "SCHEDOP_block returned %llu us before the timer",
          (unsigned long long)((deadline - t1) / 1000));
    CHECK(evtchn_wait(timer_port, before, MS(100)), "SCHEDOP_block returned but no timer "
          "upcall followed");
    info("SCHEDOP_block: returned after %llu us (timer at 10000 us)",
         (unsigned long long)((t1 - t0) / 1000));
}

/* Poll sleeps until a listed port is pending or the (absolute) timeout;
 * it wakes for pending ports whether masked or not. Interrupts stay off. */
static void check_poll(void)
{
    uint32_t ports[2] = {quiet_port, timer_port};
    uint64_t t0 = xen_now_ns(), t1;

    EXPECT_RC("SCHEDOP_poll(quiet port, timeout +10 ms)", poll(ports, 1, t0 + MS(10)), 0);
    t1 = xen_now_ns();
    CHECK(t1 + EARLY_SLACK >= t0 + MS(10), "SCHEDOP_poll timed out %llu us early",
          (unsigned long long)((t0 + MS(10) - t1) / 1000));
    info("SCHEDOP_poll: timed out after %llu us (asked 10000 us)",
         (unsigned long long)((t1 - t0) / 1000));

    t0 = xen_now_ns();
    EXPECT_RC("set_singleshot_timer(+5 ms)", vcpu_set_singleshot(t0 + MS(5), 0), 0);
    EXPECT_RC("SCHEDOP_poll(quiet + timer port, timeout +1 s)", poll(ports, 2, t0 + MS(1000)),
              0);
    t1 = xen_now_ns();
    CHECK(evtchn_test_pending(timer_port), "SCHEDOP_poll returned without the timer port "
          "pending");
    CHECK(t1 - t0 < MS(500), "SCHEDOP_poll woke %llu ms after the 5 ms timer",
          (unsigned long long)((t1 - t0) / MS(1)));
    t0 = xen_now_ns();
    EXPECT_RC("SCHEDOP_poll(already pending port)", poll(&timer_port, 1, t0 + MS(1000)), 0);
    CHECK(xen_now_ns() - t0 < MS(500), "SCHEDOP_poll on a pending port slept");
    events_drain(); /* deliver the timer upcall */
}

/*
 * Linux's PV spinlocks poll a port they keep masked: an event on a masked
 * port raises no upcall, yet it must end the poll. The poll's own timeout
 * must not replace the vCPU's single-shot timer either.
 */
static void check_poll_masked(void)
{
    uint64_t t0, t1;

    evtchn_clear_pending(timer_port);
    evtchn_set_mask(timer_port);
    t0 = xen_now_ns();
    EXPECT_RC("set_singleshot_timer(+5 ms)", vcpu_set_singleshot(t0 + MS(5), 0), 0);
    EXPECT_RC("SCHEDOP_poll(masked timer port, timeout +2 s)",
              poll(&timer_port, 1, t0 + MS(2000)), 0);
    t1 = xen_now_ns();
    CHECK(evtchn_test_pending(timer_port), "SCHEDOP_poll on a masked port returned without it "
          "pending");
    CHECK(t1 - t0 < MS(500), "SCHEDOP_poll on a masked port woke %llu ms after its 5 ms event",
          (unsigned long long)((t1 - t0) / MS(1)));
    info("SCHEDOP_poll: masked port woke the poller after %llu us",
         (unsigned long long)((t1 - t0) / 1000));

    /* The single-shot timer is far (1 s) beyond the poll's 5 ms timeout,
     * so that a vCPU kept off its pCPU by other domains for a few slices
     * still returns from the poll long before the timer is due. */
    evtchn_clear_pending(timer_port);
    t0 = xen_now_ns();
    EXPECT_RC("set_singleshot_timer(+1 s)", vcpu_set_singleshot(t0 + MS(1000), 0), 0);
    EXPECT_RC("SCHEDOP_poll(quiet port, timeout +5 ms)", poll(&quiet_port, 1, t0 + MS(5)), 0);
    CHECK(!evtchn_test_pending(timer_port), "the poll's 5 ms timeout fired the vCPU's "
          "single-shot timer (set for 1 s), %llu us after arming",
          (unsigned long long)((xen_now_ns() - t0) / 1000));
    EXPECT_RC("SCHEDOP_poll(masked timer port, timeout +3 s)",
              poll(&timer_port, 1, t0 + MS(3000)), 0);
    t1 = xen_now_ns();
    CHECK(t1 + EARLY_SLACK >= t0 + MS(1000) && t1 - t0 < MS(2500), /* not the 3 s */
          "the 1 s single-shot timer ended the poll after %llu us",
          (unsigned long long)((t1 - t0) / 1000));
    evtchn_clear_pending(timer_port);
    EXPECT_RC("EVTCHNOP_unmask(timer port)", evtchn_unmask(timer_port), 0);
}

static void check_poll_hostile(void)
{
    static const uint32_t bad_port[] = {EVTCHN_2L_NR_CHANNELS};
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    uint64_t soon = xen_now_ns() + MS(1);
    char what[112];

    EXPECT_RC("SCHEDOP_poll(129 ports)", poll(&quiet_port, 129, soon), -XEN_EINVAL);
    EXPECT_RC("SCHEDOP_poll(2^32-1 ports)", poll(&quiet_port, ~0U, soon), -XEN_EINVAL);
    EXPECT_RC("SCHEDOP_poll(port 4096)", poll(bad_port, 1, soon), -XEN_EINVAL);
    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof(what), "SCHEDOP_poll(ports %s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, poll((const uint32_t *)bad[i].addr, 1, xen_now_ns() + MS(1)),
                  -XEN_EFAULT);
        snprintf(what, sizeof(what), "SCHEDOP_poll(argument %s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_sched_op(SCHEDOP_poll, (const void *)bad[i].addr), -XEN_EFAULT);
    }
}

/*
 * SCHEDOP_shutdown's argument is copied first (-EFAULT); its reason is not
 * checked by Xen at all (domain_shutdown takes any u8 and the domain is
 * gone), so a bad reason cannot be tested without ending the test: only
 * pointers are fed here, and the verdict's poweroff is the real call.
 */
static void check_shutdown_args(void)
{
    struct sched_remote_shutdown remote = {.domain_id = 0x1234, .reason = SHUTDOWN_poweroff};
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    char what[112];

    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof(what), "SCHEDOP_shutdown(%s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_sched_op(SCHEDOP_shutdown, (const void *)bad[i].addr),
                  -XEN_EFAULT);
    }
    EXPECT_RC("SCHEDOP_remote_shutdown(domain 0x1234)",
              hc_sched_op(SCHEDOP_remote_shutdown, &remote), -XEN_ESRCH, -XEN_EPERM,
              -XEN_ENOSYS); /* a device-model operation: a domU has no use for it */
}

void test_main(void)
{
    xen_events_init();
    EXPECT_RC("bind_virq(VIRQ_TIMER)", evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port), 0);
    EXPECT_RC("alloc_unbound (a port nobody sends on)",
              evtchn_alloc_unbound(DOMID_SELF, &quiet_port), 0);
    check_yield();
    check_block();
    check_poll();
    check_poll_masked();
    check_poll_hostile();
    check_shutdown_args();
    EXPECT_RC("sched_op(bad command 99)", hc_sched_op(99, NULL), -XEN_ENOSYS);
    EXPECT_RC("sched_op(bad command -1)", hc_sched_op(-1, NULL), -XEN_ENOSYS);
}
