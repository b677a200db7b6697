// SPDX-License-Identifier: MIT
// PVH guest: SCHEDOP_shutdown(SHUTDOWN_crash); no verdict line, Mica's report of the crash is it.
#include "pvh.h"

const char test_name[] = "pvh_shutdown_crash";

void test_main(void)
{
    long rc;

    info("about to call SCHEDOP_shutdown(SHUTDOWN_crash)");
    rc = xen_shutdown(SHUTDOWN_crash);
    test_fail("SCHEDOP_shutdown(SHUTDOWN_crash) returned %ld (%s)", rc, xen_errno_name(rc));
}
