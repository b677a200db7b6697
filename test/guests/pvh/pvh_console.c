// SPDX-License-Identifier: MIT
// PVH guest: console_io and the PV console ring (HVM_PARAM_CONSOLE_PFN/EVTCHN), with hostile input.
#include "pvh.h"

const char test_name[] = "pvh_console";

#define RING_TIMEOUT MS(2000)
#define BULK_LINES 64 /* about 3 KiB: more than the 2 KiB out[] ring */

static struct xencons_interface *ring;
static uint32_t ring_port;

static void check_write(void)
{
    static const char line[] = "pvh_console: a line through CONSOLEIO_write\n";
    static const char edge_line[] = "pvh_console: huge count, the text ends at an unmapped "
                                    "page\n";
    char *edge = pvh_guard_edge(sizeof(edge_line) - 1);
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    char what[112];

    EXPECT_RC("CONSOLEIO_write(line)", hc_console_io(CONSOLEIO_write, sizeof(line) - 1, line),
              0);
    EXPECT_RC("CONSOLEIO_write(count 0, NULL)", hc_console_io(CONSOLEIO_write, 0, NULL), 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof(what), "CONSOLEIO_write(16 bytes at %s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_console_io(CONSOLEIO_write, 16, (const void *)bad[i].addr),
                  -XEN_EFAULT);
    }
    /* Xen has no limit on the count: it copies until the copy faults (here
     * at once: its first 127-byte chunk reaches the unmapped page). A limit
     * checked up front or a truncation are fine too. */
    memcpy(edge, edge_line, sizeof(edge_line) - 1);
    EXPECT_RC("CONSOLEIO_write(count 0x7fffffff, text ending at an unmapped page)",
              hc_console_io(CONSOLEIO_write, 0x7fffffff, edge), -XEN_EFAULT, -XEN_EINVAL,
              -XEN_E2BIG, 0);
    EXPECT_RC("CONSOLEIO_write(count 0xffffffff, same text)",
              hc_console_io(CONSOLEIO_write, 0xffffffff, edge), -XEN_EFAULT, -XEN_EINVAL,
              -XEN_E2BIG, 0);
}

/* Xen lets only the console domain read (a domU gets -EPERM from XSM) and
 * refuses counts above INT_MAX with -E2BIG, which keep the byte count apart
 * from errors; reading nothing (0) is harmless too. */
static void check_read(void)
{
    char buf[16];

    EXPECT_RC("CONSOLEIO_read(16, nothing typed)",
              hc_console_io(CONSOLEIO_read, sizeof(buf), buf), 0, -XEN_EPERM);
    EXPECT_RC("CONSOLEIO_read(count 0x80000000)",
              hc_console_io(CONSOLEIO_read, 0x80000000UL, buf), -XEN_E2BIG, -XEN_EINVAL,
              -XEN_EPERM, 0);
    EXPECT_RC("console_io(bad command 2)", hc_console_io(2, sizeof(buf), buf), -XEN_ENOSYS,
              -XEN_EPERM);
    EXPECT_RC("console_io(bad command -1)", hc_console_io(-1, sizeof(buf), buf), -XEN_ENOSYS,
              -XEN_EPERM);
}

static void check_ring(void)
{
    static const char hello[] = "pvh_console: a line through the PV console ring\r\n";
    uint32_t start = ring->out_prod;
    char line[64];

    console_ring_write(hello, sizeof(hello) - 1, RING_TIMEOUT);
    CHECK(console_ring_drained(RING_TIMEOUT), "ring: out_cons %u, out_prod %u after %llu ms: "
          "the backend did not consume", ring->out_cons, ring->out_prod,
          (unsigned long long)(RING_TIMEOUT / MS(1)));
    CHECK_EQ("ring: bytes consumed", ring->out_cons - start, sizeof(hello) - 1);
    for (unsigned int i = 1; i <= BULK_LINES; i++) {
        snprintf(line, sizeof(line), "pvh_console: ring line %2u of %u ............\r\n", i,
                 BULK_LINES);
        console_ring_write(line, strlen(line), RING_TIMEOUT);
    }
    CHECK(console_ring_drained(RING_TIMEOUT), "ring: bulk output not consumed (out_cons %u, "
          "out_prod %u)", ring->out_cons, ring->out_prod);
}

void test_main(void)
{
    xen_shared_info(); /* pvclock for the timeouts */
    check_write();
    check_read();
    ring = console_ring_setup(&ring_port);
    check_ring();
}
