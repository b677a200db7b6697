// SPDX-License-Identifier: MIT
// PVH guest with two vCPUs whose AP is never started: what vCPU 0 may do to vCPU 1 (is_up, vcpu_info, timers, event channels), with hostile ids.
#include "pvh.h"

const char test_name[] = "pvh_vcpu_smp";

#define AP 1          /* the vCPU that stays down */
#define NO_VCPU 2     /* one past the last vCPU */
#define VI_OFFSET 64  /* of the AP's registered vcpu_info in its page */

static uint8_t ap_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

static long register_vcpu_info(unsigned int vcpu, uint64_t gfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info r = {.mfn = gfn, .offset = offset};

    return hc_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu op = {.port = port, .vcpu = vcpu};

    return hc_event_channel_op(EVTCHNOP_bind_vcpu, &op);
}

static uint32_t port_vcpu(uint32_t port)
{
    struct evtchn_status st;

    EXPECT_RC("EVTCHNOP_status", evtchn_status(DOMID_SELF, port, &st), 0);
    return st.vcpu;
}

/* An AP is down until a Startup IPI starts it (Xen's _VPF_down). */
static void check_is_up(void)
{
    EXPECT_RC("VCPUOP_is_up(vcpu 0)", hc_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    EXPECT_RC("VCPUOP_is_up(vcpu 1, never started)", hc_vcpu_op(VCPUOP_is_up, AP, NULL), 0);
    EXPECT_RC("VCPUOP_is_up(vcpu 2 of 2)", hc_vcpu_op(VCPUOP_is_up, NO_VCPU, NULL),
              -XEN_ENOENT);
    EXPECT_RC("VCPUOP_is_up(vcpu 2^31)", hc_vcpu_op(VCPUOP_is_up, 1U << 31, NULL),
              -XEN_ENOENT);
}

/* Only a vCPU's own timers are its to arm or stop. */
static void check_timers_of_other(void)
{
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = xen_now_ns() + MS(5)};

    EXPECT_RC("set_singleshot_timer(vcpu 1, from vcpu 0)",
              hc_vcpu_op(VCPUOP_set_singleshot_timer, AP, &t), -XEN_EINVAL);
    EXPECT_RC("stop_singleshot_timer(vcpu 1, from vcpu 0)",
              hc_vcpu_op(VCPUOP_stop_singleshot_timer, AP, NULL), -XEN_EINVAL);
    EXPECT_RC("set_singleshot_timer(vcpu 2 of 2)",
              hc_vcpu_op(VCPUOP_set_singleshot_timer, NO_VCPU, &t), -XEN_ENOENT);
}

/* Linux registers each AP's vcpu_info from the CPU that brings it up. */
static struct vcpu_info *check_ap_vcpu_info(void)
{
    uint64_t gfn = (uintptr_t)ap_info_page >> PAGE_SHIFT;
    struct vcpu_info *vi = (struct vcpu_info *)(ap_info_page + VI_OFFSET);
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);

    for (size_t i = 0; i < n; i++)
        EXPECT_RC(bad[i].name, hc_vcpu_op(VCPUOP_register_vcpu_info, AP,
                                          (const void *)bad[i].addr), -XEN_EFAULT);
    EXPECT_RC("register_vcpu_info(vcpu 2 of 2)", register_vcpu_info(NO_VCPU, gfn, 0),
              -XEN_ENOENT);
    EXPECT_RC("register_vcpu_info(vcpu 1, offset crossing the page)",
              register_vcpu_info(AP, gfn, PAGE_SIZE - 16), -XEN_EINVAL, -XEN_ENXIO);
    EXPECT_RC("register_vcpu_info(vcpu 1, from vcpu 0)", register_vcpu_info(AP, gfn, VI_OFFSET),
              0);
    CHECK(vi->time.tsc_to_system_mul != 0 && !(vi->time.version & 1),
          "vcpu 1's registered vcpu_info: time version %u, mul %u", vi->time.version,
          vi->time.tsc_to_system_mul);
    CHECK(READ_ONCE(vi->evtchn_upcall_pending) == 1,
          "vcpu 1's registered vcpu_info: upcall_pending not set on registration");
    EXPECT_RC("register_vcpu_info(vcpu 1) again", register_vcpu_info(AP, gfn, 0),
              -XEN_EINVAL, -XEN_EBUSY);
    CHECK(xen_vcpu_info() == &xen_shared_info()->vcpu_info[0],
          "vcpu 0's vcpu_info moved with vcpu 1's");
    return vi;
}

/* An IPI port bound to vCPU 1 marks vCPU 1's vcpu_info, never vCPU 0's. */
static void check_ipi_to_ap(struct vcpu_info *ap)
{
    uint32_t port, before;

    EXPECT_RC("bind_ipi(vcpu 2 of 2)", evtchn_bind_ipi(NO_VCPU, &port), -XEN_ENOENT);
    EXPECT_RC("bind_ipi(vcpu ~0)", evtchn_bind_ipi(~0U, &port), -XEN_ENOENT);
    EXPECT_RC("bind_ipi(vcpu 1)", evtchn_bind_ipi(AP, &port), 0);
    CHECK_EQ("status(ipi port).vcpu", port_vcpu(port), AP);
    EXPECT_RC("bind_vcpu(ipi port, vcpu 0)", bind_vcpu(port, 0), -XEN_EINVAL);
    WRITE_ONCE(ap->evtchn_upcall_pending, 0);
    WRITE_ONCE(ap->evtchn_pending_sel, 0);
    before = evtchn_count(port);
    EXPECT_RC("send(ipi port of vcpu 1)", evtchn_send(port), 0);
    CHECK(evtchn_test_pending(port), "ipi to vcpu 1: port %u not pending", port);
    CHECK(READ_ONCE(ap->evtchn_upcall_pending) &&
              (READ_ONCE(ap->evtchn_pending_sel) >> (port / 64) & 1),
          "ipi to vcpu 1: its vcpu_info has upcall_pending %u, pending_sel %#llx",
          READ_ONCE(ap->evtchn_upcall_pending),
          (unsigned long long)READ_ONCE(ap->evtchn_pending_sel));
    CHECK(!evtchn_wait(port, before, MS(20)), "ipi to vcpu 1 was delivered to vcpu 0");
    EXPECT_RC("close(ipi port)", evtchn_close(port), 0);
}

/* Per-vCPU VIRQs stay on their vCPU; other ports may move between vCPUs. */
static void check_binding(void)
{
    uint32_t timer, again, port;

    EXPECT_RC("bind_virq(VIRQ_TIMER, vcpu 2 of 2)",
              evtchn_bind_virq(VIRQ_TIMER, NO_VCPU, &timer), -XEN_ENOENT);
    EXPECT_RC("bind_virq(VIRQ_TIMER, vcpu 1)", evtchn_bind_virq(VIRQ_TIMER, AP, &timer), 0);
    EXPECT_RC("bind_virq(VIRQ_TIMER, vcpu 1) again",
              evtchn_bind_virq(VIRQ_TIMER, AP, &again), -XEN_EEXIST);
    CHECK_EQ("status(vcpu 1's timer port).vcpu", port_vcpu(timer), AP);
    EXPECT_RC("bind_vcpu(per-vCPU VIRQ port, vcpu 0)", bind_vcpu(timer, 0), -XEN_EINVAL);
    EXPECT_RC("alloc_unbound(self)", evtchn_alloc_unbound(DOMID_SELF, &port), 0);
    EXPECT_RC("bind_vcpu(unbound port, vcpu 1)", bind_vcpu(port, AP), 0);
    CHECK_EQ("status(unbound port).vcpu after bind_vcpu", port_vcpu(port), AP);
    EXPECT_RC("bind_vcpu(unbound port, vcpu 2 of 2)", bind_vcpu(port, NO_VCPU), -XEN_ENOENT);
    EXPECT_RC("bind_vcpu(unbound port, vcpu ~0)", bind_vcpu(port, ~0U), -XEN_ENOENT);
    EXPECT_RC("bind_vcpu(port 4096, vcpu 1)", bind_vcpu(4096, AP), -XEN_EINVAL);
    CHECK_EQ("status(unbound port).vcpu after refused moves", port_vcpu(port), AP);
    EXPECT_RC("close(timer port)", evtchn_close(timer), 0);
    EXPECT_RC("close(unbound port)", evtchn_close(port), 0);
}

void test_main(void)
{
    struct vcpu_info *ap;

    xen_events_init();
    check_is_up();
    check_timers_of_other();
    ap = check_ap_vcpu_info();
    check_ipi_to_ap(ap);
    check_binding();
}
