/* SPDX-License-Identifier: MIT */
/* Internal to hv/common/evtchn*.c: the 2-level delivery steps. */
#ifndef HV_COMMON_EVTCHN_2L_H
#define HV_COMMON_EVTCHN_2L_H

#include <hv/evtchn.h>

/* Mark port pending and raise vcpu's upcall if it is unmasked. Called with
 * an event lock that keeps d alive (d's, or the sender's when d is the
 * remote end of an interdomain channel); may call d->kick. */
void evtchn_2l_set_pending(struct evtchn_domain *d, unsigned int port,
                           unsigned int vcpu);
/* Clear port's mask bit; if it was masked and is pending, raise vcpu. */
void evtchn_2l_unmask(struct evtchn_domain *d, unsigned int port,
                      unsigned int vcpu);
/* Clear port's pending bit (the port is being freed). */
void evtchn_2l_clear_pending(struct evtchn_domain *d, unsigned int port);

#endif /* HV_COMMON_EVTCHN_2L_H */
