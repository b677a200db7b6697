/* SPDX-License-Identifier: MIT */
/* PVH pair test: two domains exchange events over an interdomain channel. */
#ifndef PVH_EVTCHN_PAIR_H
#define PVH_EVTCHN_PAIR_H

#include <stdint.h>

/* Run one side. role is 'a' (allocates the unbound port) or 'b' (binds
 * it); default_peer is the other domain's id unless the command line says
 * "peer=<id>". "role=<a|b>" on the command line must agree with role. */
void pair_run(char role, uint16_t default_peer);

#endif /* PVH_EVTCHN_PAIR_H */
