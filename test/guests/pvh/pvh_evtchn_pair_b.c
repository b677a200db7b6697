// SPDX-License-Identifier: MIT
// PVH guest: side B of the two-domain event-channel test (protocol in evtchn_pair.c).
#include "evtchn_pair.h"
#include "pvh.h"

const char test_name[] = "pvh_evtchn_pair_b";

void test_main(void)
{
    pair_run('b', 1);
}
