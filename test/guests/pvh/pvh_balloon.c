// SPDX-License-Identifier: MIT
// PVH guest: ballooning with XENMEM_decrease_reservation and
// XENMEM_populate_physmap (more extents than one hypercall handles, so the
// hypervisor's continuation is exercised), with hostile arguments.
#include "pvh.h"

const char test_name[] = "pvh_balloon";

#define NR 1000                        /* > Mica's 256-extent batch */
#define FIRST_GPFN 0x2000ULL           /* 32 MiB: above this small kernel */
#define DOMID_SELF 0x7ff0

static uint64_t gpfns[NR];

static long reservation(unsigned int cmd, uint64_t list, uint64_t nr, uint32_t order)
{
    struct xen_memory_reservation r = {
        .extent_start = list, .nr_extents = nr, .extent_order = order,
        .domid = DOMID_SELF,
    };

    return hc_memory_op(cmd, &r);
}

static long current_pages(void)
{
    uint16_t domid = DOMID_SELF;

    return hc_memory_op(XENMEM_current_reservation, &domid);
}

static volatile uint32_t *page_word(unsigned int i)
{
    return (volatile uint32_t *)(uintptr_t)(gpfns[i] << 12);
}

void test_main(void)
{
    long before = current_pages(), rc;

    CHECK(before > 0, "XENMEM_current_reservation: %ld", before);
    for (unsigned int i = 0; i < NR; i++) {
        gpfns[i] = FIRST_GPFN + i;
        *page_word(i) = 0x5a5a0000 + i;
    }
    rc = reservation(XENMEM_decrease_reservation, (uintptr_t)gpfns, NR, 0);
    CHECK_EQ("decrease_reservation extents done", rc, NR);
    CHECK_EQ("pages after decrease", current_pages(), before - NR);
    /* A page given back reads as unbacked memory: all ones. */
    CHECK_EQ("word of a ballooned-out page", *page_word(7), 0xffffffffU);

    rc = reservation(XENMEM_populate_physmap, (uintptr_t)gpfns, NR, 0);
    CHECK_EQ("populate_physmap extents done", rc, NR);
    CHECK_EQ("pages after populate", current_pages(), before);
    for (unsigned int i = 0; i < NR; i++)
        CHECK(*page_word(i) == 0, "repopulated page %u holds %#x, not zeroes", i,
              *page_word(i));

    /* Hostile: a list the hypervisor cannot read, a list entry far beyond
     * RAM, an order it does not offer, decreasing a page twice. */
    EXPECT_RC("decrease with an unmapped list", reservation(XENMEM_decrease_reservation,
              0xdead0000000ULL, 4, 0), -XEN_EFAULT);
    gpfns[0] = 1ULL << 40;
    EXPECT_RC("decrease of a gpfn beyond RAM", reservation(XENMEM_decrease_reservation,
              (uintptr_t)gpfns, 1, 0), 0);
    EXPECT_RC("decrease with order 9", reservation(XENMEM_decrease_reservation,
              (uintptr_t)gpfns, 1, 9), -XEN_EINVAL);
    gpfns[0] = FIRST_GPFN;
    EXPECT_RC("decrease once", reservation(XENMEM_decrease_reservation,
              (uintptr_t)gpfns, 1, 0), 1);
    EXPECT_RC("decrease the same page again", reservation(XENMEM_decrease_reservation,
              (uintptr_t)gpfns, 1, 0), 0);
    info("ballooned %d pages out and back in", NR);
}
