// SPDX-License-Identifier: MIT
// PVH test guests: frontend of the PV console ring (public/io/console.h).
#include "pvh.h"

#define RING_MASK(i) ((i) & (sizeof(((struct xencons_interface *)0)->out) - 1))

static struct xencons_interface *ring;
static uint32_t ring_port;

/* Both HVM params must be non-zero, as for Linux's hvc0 (xen-abi.md §6.3). */
struct xencons_interface *console_ring_setup(uint32_t *port)
{
    uint64_t pfn = 0, evtchn = 0;
    struct evtchn_status st = {0};

    EXPECT_RC("get CONSOLE_PFN", hvm_get_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &pfn), 0);
    EXPECT_RC("get CONSOLE_EVTCHN",
              hvm_get_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &evtchn), 0);
    CHECK(pfn && evtchn, "no PV console ring: CONSOLE_PFN %#llx, CONSOLE_EVTCHN %llu "
          "(Linux's hvc0 needs both non-zero)", (unsigned long long)pfn,
          (unsigned long long)evtchn);
    CHECK(pfn < (1ULL << 32) >> PAGE_SHIFT && evtchn < EVTCHN_2L_NR_CHANNELS,
          "console ring gfn %#llx / port %llu out of range", (unsigned long long)pfn,
          (unsigned long long)evtchn);
    ring = (struct xencons_interface *)(uintptr_t)(pfn << PAGE_SHIFT);
    ring_port = (uint32_t)evtchn;
    EXPECT_RC("status(console port)", evtchn_status(DOMID_SELF, ring_port, &st), 0);
    info("ring at gfn %#llx, port %u (status %u, remote %u:%u), out %u/%u, in %u/%u",
         (unsigned long long)pfn, ring_port, st.status, st.u.interdomain.dom,
         st.u.interdomain.port, ring->out_cons, ring->out_prod, ring->in_cons,
         ring->in_prod);
    CHECK(ring->out_prod - ring->out_cons <= sizeof(ring->out),
          "ring at start: out_prod %u - out_cons %u exceeds the ring", ring->out_prod,
          ring->out_cons);
    *port = ring_port;
    return ring;
}

bool console_ring_drained(uint64_t timeout)
{
    uint64_t end = xen_now_ns() + timeout;

    while (READ_ONCE(ring->out_cons) != READ_ONCE(ring->out_prod) && xen_now_ns() < end)
        hc_sched_op(SCHEDOP_yield, NULL);
    return READ_ONCE(ring->out_cons) == READ_ONCE(ring->out_prod);
}

/* Bytes, write barrier, out_prod, notify; yield while the ring is full. */
void console_ring_write(const char *s, size_t n, uint64_t timeout)
{
    uint64_t end = xen_now_ns() + timeout;

    while (n) {
        uint32_t cons = READ_ONCE(ring->out_cons), prod = ring->out_prod;
        uint32_t used = prod - cons, room = sizeof(ring->out) - used, k = 0;

        CHECK(used <= sizeof(ring->out), "ring: out_prod %u - out_cons %u exceeds the ring",
              prod, cons);
        CHECK(room || xen_now_ns() < end, "ring full for %llu ms: backend stopped at "
              "out_cons %u", (unsigned long long)(timeout / MS(1)), cons);
        for (; k < room && k < n; k++)
            ring->out[RING_MASK(prod + k)] = s[k];
        barrier(); /* x86 keeps stores in order; the compiler must too */
        WRITE_ONCE(ring->out_prod, prod + k);
        EXPECT_RC("send(console port)", evtchn_send(ring_port), 0);
        s += k;
        n -= k;
        if (!room)
            hc_sched_op(SCHEDOP_yield, NULL);
    }
}
