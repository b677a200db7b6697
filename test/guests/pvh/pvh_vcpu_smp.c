// SPDX-License-Identifier: MIT
// PVH guest with two vCPUs: what vCPU 0 may do to vCPU 1 while it is down (is_up, vcpu_info, timers, event channels, hostile ids), then vCPU 1 started by INIT-SIPI runs its own timer and blocks until vCPU 0's IPI.
#include "pvh.h"

const char test_name[] = "pvh_vcpu_smp";

#define AP 1          /* the vCPU started last */
#define NO_VCPU 2     /* one past the last vCPU */
#define VI_OFFSET 64  /* of the AP's registered vcpu_info in its page */

#define AP_BASE 0x8000 /* ap_tramp.asm's AP_BASE: Startup IPI vector 8 */
#define LAPIC_BASE 0xfee00000UL
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_INIT 0x4500      /* INIT, level assert */
#define ICR_STARTUP 0x4600   /* Startup IPI; vector in bits 0-7 */

static uint8_t ap_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t ap_stack[8192] __aligned(16);
extern const uint8_t ap_tramp[], ap_tramp_end[], ap_tramp_cr3[], ap_tramp_stack[],
    ap_tramp_entry[];

/* What the AP found, written by it and read by vCPU 0 (no printing on the
 * AP: it has no IDT and shares the console with vCPU 0). */
static struct {
    struct vcpu_info *vi;         /* its registered vcpu_info */
    uint32_t ipi, timer, bsp_ipi; /* its IPI and VIRQ_TIMER ports; vCPU 0's IPI port */
    long is_up, set_other, arm;   /* is_up(self), singleshot for vCPU 0, its own */
    uint64_t armed_ns, fired_ns;  /* its timer: deadline, when seen pending */
    bool woken, done;             /* its IPI ended SCHEDOP_block; finished */
} ap_res;

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

/* The AP: its own timer (interrupts stay off: the port is polled), then
 * SCHEDOP_block until vCPU 0's IPI; a +1 s timer ends a lost wait. */
static __attribute__((noreturn)) void ap_main(void)
{
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = xen_now_ns() + MS(5)};
    uint64_t end;

    WRITE_ONCE(ap_res.is_up, hc_vcpu_op(VCPUOP_is_up, AP, NULL));
    WRITE_ONCE(ap_res.set_other, hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t));
    ap_res.armed_ns = t.timeout_abs_ns;
    WRITE_ONCE(ap_res.arm, hc_vcpu_op(VCPUOP_set_singleshot_timer, AP, &t));
    end = xen_now_ns() + MS(1000);
    while (!evtchn_test_pending(ap_res.timer) && xen_now_ns() < end)
        cpu_relax();
    WRITE_ONCE(ap_res.fired_ns, evtchn_test_pending(ap_res.timer) ? xen_now_ns() : 0);
    evtchn_clear_pending(ap_res.timer);
    t.timeout_abs_ns = xen_now_ns() + MS(1000);
    hc_vcpu_op(VCPUOP_set_singleshot_timer, AP, &t);
    while (!evtchn_test_pending(ap_res.ipi) && xen_now_ns() < t.timeout_abs_ns) {
        /* As an upcall handler would: a selector bit left set stops
         * the next event from raising upcall_pending (and the wake). */
        WRITE_ONCE(ap_res.vi->evtchn_upcall_pending, 0);
        WRITE_ONCE(ap_res.vi->evtchn_pending_sel, 0);
        if (!evtchn_test_pending(ap_res.ipi))
            hc_sched_op(SCHEDOP_block, NULL);
    }
    WRITE_ONCE(ap_res.woken, evtchn_test_pending(ap_res.ipi));
    hc_vcpu_op(VCPUOP_stop_singleshot_timer, AP, NULL);
    /* done before the IPI: vcpu 0 reads it as soon as the IPI is pending,
     * which may be before this vCPU runs again after the hypercall. */
    WRITE_ONCE(ap_res.done, true);
    evtchn_send(ap_res.bsp_ipi);
    for (;;)
        asm volatile("cli; hlt");
}

static void lapic_icr(uint32_t dest, uint32_t lo)
{
    volatile uint32_t *apic = (volatile uint32_t *)LAPIC_BASE;

    apic[LAPIC_ICR_HI / 4] = dest << 24;
    apic[LAPIC_ICR_LO / 4] = lo;
}

/* Real mode at AP_BASE after INIT and a Startup IPI, as on a PC. */
static void start_ap(void)
{
    uint8_t *blob = (uint8_t *)AP_BASE;
    uint64_t cr3 = read_cr3(), stack = (uintptr_t)(ap_stack + sizeof(ap_stack)),
             entry = (uintptr_t)ap_main, end;

    memcpy(blob, ap_tramp, (size_t)(ap_tramp_end - ap_tramp));
    memcpy(blob + (ap_tramp_cr3 - ap_tramp), &cr3, 8);
    memcpy(blob + (ap_tramp_stack - ap_tramp), &stack, 8);
    memcpy(blob + (ap_tramp_entry - ap_tramp), &entry, 8);
    ((volatile uint32_t *)LAPIC_BASE)[LAPIC_SVR / 4] = 0x1ff; /* software-enabled */
    lapic_icr(AP, ICR_INIT);
    xen_delay_ns(MS(10));
    lapic_icr(AP, ICR_STARTUP | (AP_BASE >> 12));
    end = xen_now_ns() + MS(1000);
    while (hc_vcpu_op(VCPUOP_is_up, AP, NULL) != 1 && xen_now_ns() < end)
        cpu_relax();
    EXPECT_RC("VCPUOP_is_up(vcpu 1) after INIT-SIPI", hc_vcpu_op(VCPUOP_is_up, AP, NULL), 1);
}

static void check_ap_running(struct vcpu_info *ap)
{
    uint64_t end, sent;
    uint32_t before;

    ap_res.vi = ap;
    EXPECT_RC("bind_ipi(vcpu 1)", evtchn_bind_ipi(AP, &ap_res.ipi), 0);
    EXPECT_RC("bind_ipi(vcpu 0)", evtchn_bind_ipi(0, &ap_res.bsp_ipi), 0);
    EXPECT_RC("bind_virq(VIRQ_TIMER, vcpu 1)", evtchn_bind_virq(VIRQ_TIMER, AP, &ap_res.timer),
              0);
    before = evtchn_count(ap_res.bsp_ipi);
    start_ap();
    end = xen_now_ns() + MS(1000);
    while (!READ_ONCE(ap_res.fired_ns) && xen_now_ns() < end)
        cpu_relax();
    EXPECT_RC("VCPUOP_is_up(vcpu 1) on vcpu 1", ap_res.is_up, 1);
    EXPECT_RC("set_singleshot_timer(vcpu 0, from vcpu 1)", ap_res.set_other, -XEN_EINVAL);
    EXPECT_RC("set_singleshot_timer(+5 ms) on vcpu 1", ap_res.arm, 0);
    CHECK(ap_res.fired_ns && ap_res.fired_ns + US(500) >= ap_res.armed_ns,
          "vcpu 1's timer: fired at %llu ns, deadline %llu ns",
          (unsigned long long)ap_res.fired_ns, (unsigned long long)ap_res.armed_ns);
    xen_delay_ns(MS(20)); /* let it block */
    EXPECT_RC("send(ipi port of vcpu 1, blocked)", evtchn_send(ap_res.ipi), 0);
    sent = xen_now_ns();
    CHECK(evtchn_wait(ap_res.bsp_ipi, before, MS(3000)),
          "no IPI back from vcpu 1 (woken %d, done %d, ipi pending %d)", READ_ONCE(ap_res.woken),
          READ_ONCE(ap_res.done), evtchn_test_pending(ap_res.ipi));
    CHECK(READ_ONCE(ap_res.woken) && READ_ONCE(ap_res.done),
          "vcpu 1: woken by the IPI %d, done %d", ap_res.woken, ap_res.done);
    info("vcpu 1 started: its timer %llu us after arming; blocked, woken by an IPI, "
         "answered in %llu us", (unsigned long long)((ap_res.fired_ns - (ap_res.armed_ns - MS(5))) / 1000),
         (unsigned long long)((xen_now_ns() - sent) / 1000));
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
    check_ap_running(ap);
}
