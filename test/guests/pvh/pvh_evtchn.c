// SPDX-License-Identifier: MIT
// PVH guest: event channels of one domain (IPI, VIRQ, unbound, loopback, masking), with hostile input.
#include "pvh.h"

const char test_name[] = "pvh_evtchn";

#define QUIET_NS MS(5) /* how long "no upcall" is watched for */

static uint32_t unbound_ports[EVTCHN_2L_NR_CHANNELS];

static void check_status(uint32_t port, uint32_t want_status, const char *what)
{
    struct evtchn_status st;

    EXPECT_RC(what, evtchn_status(DOMID_SELF, port, &st), 0);
    CHECK(st.status == want_status, "%s: port %u status %u, expected %u", what, port,
          st.status, want_status);
}

/* send raises exactly the expected port, and only once. */
static void check_send_delivers(uint32_t send_port, uint32_t recv_port, const char *what)
{
    uint32_t before = evtchn_count(recv_port);

    EXPECT_RC(what, evtchn_send(send_port), 0);
    CHECK(evtchn_wait(recv_port, before, MS(1000)), "%s: no upcall for port %u within 1 s",
          what, recv_port);
    CHECK_EQ(what, evtchn_count(recv_port), before + 1);
}

static uint32_t check_ipi(void)
{
    uint32_t port = 0;

    EXPECT_RC("bind_ipi(vcpu 0)", evtchn_bind_ipi(0, &port), 0);
    CHECK(port != 0 && port < EVTCHN_2L_NR_CHANNELS, "bind_ipi: port %u", port);
    check_status(port, EVTCHNSTAT_ipi, "status(IPI port)");
    check_send_delivers(port, port, "send(IPI port to self)");
    return port;
}

/* Masked in shared_info: the send sets the pending bit but no upcall comes
 * until EVTCHNOP_unmask, which then delivers it (2-level ABI, §5). */
static void check_mask(uint32_t port)
{
    uint32_t before = evtchn_count(port);

    evtchn_set_mask(port);
    EXPECT_RC("send(masked IPI port)", evtchn_send(port), 0);
    CHECK(!evtchn_wait(port, before, QUIET_NS), "masked port %u delivered an upcall", port);
    CHECK(evtchn_test_pending(port), "masked port %u: pending bit not set by send", port);
    EXPECT_RC("unmask(pending port)", evtchn_unmask(port), 0);
    CHECK(!evtchn_test_mask(port), "unmask left port %u masked", port);
    CHECK(evtchn_wait(port, before, MS(1000)), "unmask of pending port %u: no upcall", port);
}

static void check_virq(void)
{
    uint32_t port = 0, again = 0;
    struct evtchn_status st;

    EXPECT_RC("bind_virq(VIRQ_TIMER)", evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
    EXPECT_RC("status(VIRQ port)", evtchn_status(DOMID_SELF, port, &st), 0);
    CHECK(st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER && st.vcpu == 0,
          "status(VIRQ port %u): status %u virq %u vcpu %u", port, st.status, st.u.virq,
          st.vcpu);
    EXPECT_RC("bind_virq(VIRQ_TIMER) twice", evtchn_bind_virq(VIRQ_TIMER, 0, &again),
              -XEN_EEXIST);
    EXPECT_RC("bind_virq(NR_VIRQS)", evtchn_bind_virq(NR_VIRQS, 0, &again), -XEN_EINVAL);
    EXPECT_RC("bind_virq(virq ~0)", evtchn_bind_virq(~0U, 0, &again), -XEN_EINVAL);
    EXPECT_RC("bind_virq(VIRQ_TIMER, vcpu 99)", evtchn_bind_virq(VIRQ_TIMER, 99, &again),
              -XEN_ENOENT, -XEN_EINVAL);
    EXPECT_RC("close(VIRQ port)", evtchn_close(port), 0);
    EXPECT_RC("bind_virq(VIRQ_TIMER) after close", evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
    EXPECT_RC("close(rebound VIRQ port)", evtchn_close(port), 0);
}

/* An unbound port swallows sends; binding our own unbound port makes a
 * loopback interdomain channel (Xen allows the remote domain to be the
 * local one) that delivers both ways. */
static void check_unbound_and_loopback(void)
{
    uint32_t unbound = 0, local = 0, other = 0;
    uint16_t own = xen_own_domid();
    struct evtchn_status st;

    EXPECT_RC("alloc_unbound(remote self)", evtchn_alloc_unbound(DOMID_SELF, &unbound), 0);
    EXPECT_RC("status(unbound port)", evtchn_status(DOMID_SELF, unbound, &st), 0);
    CHECK(st.status == EVTCHNSTAT_unbound, "status(unbound port %u): %u", unbound, st.status);
    if (own != DOMID_SELF)
        CHECK_EQ("unbound port's remote domain (DOMID_SELF stored as own id)",
                 st.u.unbound_dom, own);
    EXPECT_RC("send(unbound port)", evtchn_send(unbound), 0);
    CHECK(!evtchn_wait(unbound, evtchn_count(unbound), QUIET_NS),
          "send on an unbound port delivered an upcall");
    EXPECT_RC("bind_interdomain(self, own unbound port)",
              evtchn_bind_interdomain(DOMID_SELF, unbound, &local), 0);
    events_drain(); /* Xen sets the new local port pending once, conservatively */
    EXPECT_RC("status(loopback port)", evtchn_status(DOMID_SELF, local, &st), 0);
    CHECK(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.port == unbound,
          "status(loopback port %u): status %u, remote port %u", local, st.status,
          st.u.interdomain.port);
    check_send_delivers(local, unbound, "send(loopback, to the first end)");
    check_send_delivers(unbound, local, "send(loopback, to the second end)");
    EXPECT_RC("bind_interdomain(self, a port that is bound already)",
              evtchn_bind_interdomain(DOMID_SELF, unbound, &other), -XEN_EINVAL);
    EXPECT_RC("close(one end of the loopback)", evtchn_close(local), 0);
    check_status(unbound, EVTCHNSTAT_unbound, "status(other end after close)");
    EXPECT_RC("close(the other end)", evtchn_close(unbound), 0);
}

static void check_close(uint32_t ipi)
{
    check_status(ipi, EVTCHNSTAT_ipi, "status(IPI port before close)");
    EXPECT_RC("close(IPI port)", evtchn_close(ipi), 0);
    check_status(ipi, EVTCHNSTAT_closed, "status(closed port)");
    EXPECT_RC("close(IPI port) twice", evtchn_close(ipi), -XEN_EINVAL);
    EXPECT_RC("send(closed port)", evtchn_send(ipi), -XEN_EINVAL);
}

/* Allocate until the table is full: Xen's limit gives -ENOSPC. */
static void check_exhaustion(void)
{
    unsigned int n = 0;
    long rc = 0;
    uint32_t port;

    while (n < ARRAY_SIZE(unbound_ports) && (rc = evtchn_alloc_unbound(DOMID_SELF, &port)) == 0)
        unbound_ports[n++] = port;
    info("%u unbound ports allocated before %ld (%s)", n, rc, xen_errno_name(rc));
    CHECK(n > 0 && n < EVTCHN_2L_NR_CHANNELS, "alloc_unbound: %u ports allocated", n);
    EXPECT_RC("alloc_unbound with the table full", rc, -XEN_ENOSPC, -XEN_ENOMEM);
    for (unsigned int i = 0; i < n; i++)
        EXPECT_RC("close(allocated port)", evtchn_close(unbound_ports[i]), 0);
    EXPECT_RC("alloc_unbound after freeing", evtchn_alloc_unbound(DOMID_SELF, &port), 0);
    EXPECT_RC("close(it)", evtchn_close(port), 0);
}

static void check_bad_ports(void)
{
    static const uint32_t bad[] = {EVTCHN_2L_NR_CHANNELS, EVTCHN_2L_NR_CHANNELS + 1,
                                   0x7fffffff, 0xffffffff};
    struct evtchn_status st;
    char what[80];
    uint32_t port;

    EXPECT_RC("close(port 0)", evtchn_close(0), -XEN_EINVAL);
    EXPECT_RC("send(port 0)", evtchn_send(0), -XEN_EINVAL);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(what, sizeof(what), "send(port %#x)", bad[i]);
        EXPECT_RC(what, evtchn_send(bad[i]), -XEN_EINVAL);
        snprintf(what, sizeof(what), "close(port %#x)", bad[i]);
        EXPECT_RC(what, evtchn_close(bad[i]), -XEN_EINVAL);
        snprintf(what, sizeof(what), "unmask(port %#x)", bad[i]);
        EXPECT_RC(what, evtchn_unmask(bad[i]), -XEN_EINVAL);
        snprintf(what, sizeof(what), "status(port %#x)", bad[i]);
        EXPECT_RC(what, evtchn_status(DOMID_SELF, bad[i], &st), -XEN_EINVAL);
        snprintf(what, sizeof(what), "bind_interdomain(self, port %#x)", bad[i]);
        EXPECT_RC(what, evtchn_bind_interdomain(DOMID_SELF, bad[i], &port), -XEN_EINVAL);
    }
    EXPECT_RC("bind_ipi(vcpu 99)", evtchn_bind_ipi(99, &port), -XEN_ENOENT, -XEN_EINVAL);
    EXPECT_RC("status(domain 0x1234)", evtchn_status(0x1234, 1, &st), -XEN_ESRCH, -XEN_EPERM);
    EXPECT_RC("bind_interdomain(domain 0x1234)", evtchn_bind_interdomain(0x1234, 1, &port),
              -XEN_ESRCH);
}

static void check_bad_args(void)
{
    static const int cmds[] = {EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_close,
                               EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_alloc_unbound,
                               EVTCHNOP_bind_ipi, EVTCHNOP_unmask};
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    struct evtchn_alloc_unbound foreign = {.dom = 0x1234, .remote_dom = DOMID_SELF};
    char what[112];

    for (size_t c = 0; c < ARRAY_SIZE(cmds); c++)
        for (size_t i = 0; i < n; i++) {
            snprintf(what, sizeof(what), "event_channel_op(%d, %s %p)", cmds[c], bad[i].name,
                     (void *)bad[i].addr);
            EXPECT_RC(what, hc_event_channel_op(cmds[c], (const void *)bad[i].addr),
                      -XEN_EFAULT);
        }
    EXPECT_RC("alloc_unbound(dom 0x1234)", hc_event_channel_op(EVTCHNOP_alloc_unbound, &foreign),
              -XEN_ESRCH, -XEN_EPERM);
    EXPECT_RC("event_channel_op(bad command 99)", hc_event_channel_op(99, NULL), -XEN_ENOSYS);
}

void test_main(void)
{
    uint32_t ipi;

    xen_events_init();
    ipi = check_ipi();
    check_mask(ipi);
    check_virq();
    check_unbound_and_loopback();
    check_close(ipi);
    check_bad_ports();
    check_bad_args();
    check_exhaustion();
}
