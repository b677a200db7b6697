// SPDX-License-Identifier: MIT
// PVH pair test: the rendezvous and ping-pong protocol shared by pvh_evtchn_pair_a and _b.
#include "evtchn_pair.h"
#include "pvh.h"

/*
 * No xenstore, so the rendezvous relies on Xen handing out the lowest free
 * port: A's EVTCHNOP_alloc_unbound(remote = B) is A's first allocation and
 * gets port 1, unless the hypervisor reserved low ports (a console ring's
 * channel, say); B therefore tries bind_interdomain(A, p) for p = 1..63,
 * which only succeeds on a port A left unbound for B, and retries (with
 * SCHEDOP_yield) until A has allocated it. Then:
 *
 *   B: bind succeeds; Xen also marks B's new port pending once
 *      ("conservatively"), which B clears while interrupts are still off;
 *      B sends "hello".
 *   A: sees its port become interdomain (EVTCHNOP_status), waits for hello,
 *      sends "ping".
 *   B: waits for ping (its first genuine event), sends "pong", SUCCESS.
 *   A: waits for pong (its second event), SUCCESS.
 *
 * Each side sends only after receiving, so events never coalesce and every
 * count is exact. Timeouts are generous: the two domains may start seconds
 * apart on a loaded host.
 */
#define RENDEZVOUS_NS MS(30000)
#define EVENT_NS MS(10000)
#define MAX_SCAN_PORT 63

/* Wait, yielding, until the port's upcall count reaches target. */
static void pair_wait(uint32_t port, uint32_t target, const char *what)
{
    uint64_t end = xen_now_ns() + EVENT_NS;

    sti();
    while (evtchn_count(port) < target && xen_now_ns() < end)
        hc_sched_op(SCHEDOP_yield, NULL);
    cli();
    CHECK(evtchn_count(port) >= target, "no %s on port %u within %llu s", what, port,
          (unsigned long long)(EVENT_NS / MS(1000)));
    info("%s received on port %u", what, port);
}

static void side_a(uint16_t peer)
{
    uint64_t end = xen_now_ns() + RENDEZVOUS_NS;
    struct evtchn_status st = {0};
    uint32_t port = 0;

    EXPECT_RC("alloc_unbound(remote = peer)", evtchn_alloc_unbound(peer, &port), 0);
    info("port %u is unbound for domain %u%s", port, peer,
         port == 1 ? "" : " (not 1: the peer scans for it)");
    CHECK(port >= 1 && port <= MAX_SCAN_PORT, "alloc_unbound gave port %u, beyond what "
          "the peer scans (1-%u)", port, MAX_SCAN_PORT);
    while (xen_now_ns() < end) {
        EXPECT_RC("status(own port)", evtchn_status(DOMID_SELF, port, &st), 0);
        if (st.status != EVTCHNSTAT_unbound)
            break;
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    CHECK(st.status == EVTCHNSTAT_interdomain, "port %u: status %u after %llu s, expected "
          "interdomain (peer %u never bound it)", port, st.status,
          (unsigned long long)(RENDEZVOUS_NS / MS(1000)), peer);
    CHECK_EQ("status: remote domain", st.u.interdomain.dom, peer);
    info("bound by domain %u, its port %u", st.u.interdomain.dom, st.u.interdomain.port);
    pair_wait(port, 1, "hello");
    EXPECT_RC("send(ping)", evtchn_send(port), 0);
    pair_wait(port, 2, "pong");
}

/* Bind the first port of the peer's that was left unbound for us. */
static uint32_t side_b_bind(uint16_t peer, uint32_t *remote)
{
    uint64_t end = xen_now_ns() + RENDEZVOUS_NS;
    unsigned int rounds = 0, no_peer = 0;
    long rc = 0;
    uint32_t local = 0;

    for (; xen_now_ns() < end; rounds++) {
        for (uint32_t p = 1; p <= MAX_SCAN_PORT; p++) {
            rc = evtchn_bind_interdomain(peer, p, &local);
            if (rc == 0) {
                *remote = p;
                info("bound in round %u of ports 1-%u (%u rounds found no domain %u: "
                     "-ESRCH)", rounds + 1, MAX_SCAN_PORT, no_peer, peer);
                return local;
            }
            /* Not offered to us: -EINVAL; no such domain yet: -ESRCH. */
            CHECK(rc == -XEN_EINVAL || rc == -XEN_ESRCH, "bind_interdomain(domain %u, port "
                  "%u): %ld (%s), expected -EINVAL or -ESRCH", peer, p, rc,
                  xen_errno_name(rc));
            if (rc == -XEN_ESRCH) {
                no_peer++;
                break;
            }
        }
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    test_fail("bind_interdomain(domain %u, ports 1-%u) never succeeded in %llu s "
              "(%u rounds, last error %ld)", peer, MAX_SCAN_PORT,
              (unsigned long long)(RENDEZVOUS_NS / MS(1000)), rounds, rc);
}

static void side_b(uint16_t peer)
{
    uint32_t remote = 0, local = side_b_bind(peer, &remote), again = 0;
    struct evtchn_status st;

    evtchn_clear_pending(local); /* the bind's conservative notification */
    info("bound to domain %u port %u as local port %u", peer, remote, local);
    EXPECT_RC("status(local port)", evtchn_status(DOMID_SELF, local, &st), 0);
    CHECK(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == peer &&
              st.u.interdomain.port == remote,
          "status(local port %u): status %u, remote %u:%u, expected interdomain %u:%u", local,
          st.status, st.u.interdomain.dom, st.u.interdomain.port, peer, remote);
    EXPECT_RC("bind_interdomain(the same remote port again)",
              evtchn_bind_interdomain(peer, remote, &again), -XEN_EINVAL);
    events_drain(); /* the upcall Xen raised with the bind finds nothing now */
    CHECK_EQ("upcalls counted for the bind notification", evtchn_count(local), 0);
    EXPECT_RC("send(hello)", evtchn_send(local), 0);
    pair_wait(local, 1, "ping");
    EXPECT_RC("send(pong)", evtchn_send(local), 0);
}

void pair_run(char role, uint16_t default_peer)
{
    char said = pvh_cmdline_char("role", role);
    uint16_t peer = (uint16_t)pvh_cmdline_ulong("peer", default_peer);
    uint16_t own = xen_own_domid();

    CHECK(said == role, "command line says role=%c, this is the %c side", said, role);
    CHECK(peer != own && peer < DOMID_SELF, "peer domain %u (own %u)", peer, own);
    info("role %c, own domain %u, peer domain %u", role, own, peer);
    xen_events_init();
    if (role == 'a')
        side_a(peer);
    else
        side_b(peer);
}
