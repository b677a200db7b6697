// SPDX-License-Identifier: MIT
// PVH guest: a PV console ring with out_prod far beyond out_cons; two outcomes are right.
#include "pvh.h"

const char test_name[] = "pvh_console_corrupt";

/*
 * out_prod - out_cons = 64 KiB on a 2 KiB ring is a broken frontend. The
 * backend must not read beyond out[]; what it does instead is policy:
 * Xen's xenconsoled skips a ring in that state until it is sane again (then
 * this guest repairs it, checks that a line gets through and says SUCCESS),
 * Mica crashes the domain with a logged reason (then that report is the
 * verdict and no verdict line follows). Either way the hypervisor survives.
 */
#define RING_TIMEOUT MS(2000)
#define BOGUS_AHEAD 0x10000

void test_main(void)
{
    static const char before[] = "pvh_console_corrupt: a sane line first\r\n";
    static const char after[] = "pvh_console_corrupt: the ring works again\r\n";
    uint32_t port, cons, settled;
    struct xencons_interface *ring;

    xen_shared_info(); /* pvclock for the timeouts */
    ring = console_ring_setup(&port);
    console_ring_write(before, sizeof(before) - 1, RING_TIMEOUT);
    CHECK(console_ring_drained(RING_TIMEOUT), "ring not consumed before the test");
    cons = READ_ONCE(ring->out_cons);
    info("setting out_prod to out_cons + %#x: the backend may skip the ring, or crash this "
         "domain", BOGUS_AHEAD);
    WRITE_ONCE(ring->out_prod, cons + BOGUS_AHEAD);
    EXPECT_RC("send(console port, corrupt ring)", evtchn_send(port), 0);
    xen_delay_ns(MS(50));
    do {
        settled = READ_ONCE(ring->out_cons);
        xen_delay_ns(MS(10));
    } while (READ_ONCE(ring->out_cons) != settled);
    info("still running: the backend moved out_cons by %u", settled - cons);
    CHECK(settled - cons <= BOGUS_AHEAD, "out_cons moved past out_prod");
    WRITE_ONCE(ring->out_prod, settled);
    console_ring_write(after, sizeof(after) - 1, RING_TIMEOUT);
    CHECK(console_ring_drained(RING_TIMEOUT), "ring no longer consumed after repairing it "
          "(out_cons %u, out_prod %u)", ring->out_cons, ring->out_prod);
}
