// SPDX-License-Identifier: MIT
/* 2-level event delivery: the pending/mask/selector/upcall protocol on the
 * words a guest shares with us (shared_info bitmaps, vcpu_info fields).
 *
 * Design: the guest reads and clears these words concurrently (it clears
 * pending bits and selector bits, clears upcall_pending at the top of its
 * handler, sets and clears mask bits), so every access is an __atomic
 * read-modify-write or load and each step is ordered after the previous
 * one, as Xen's event_2l.c orders them:
 *   1. test-and-set pending[p]: already pending -> the guest has not
 *      consumed the earlier event yet; nothing more to do;
 *   2. mask[p] set -> stop; the guest unmasks later (EVTCHNOP_unmask, or
 *      by itself, then checks pending);
 *   3. test-and-set bit p/64 of the vCPU's pending_sel: already set -> the
 *      guest will scan that word anyway;
 *   4. exchange upcall_pending with 1: it was 0 -> kick the vCPU.
 * A vCPU whose vcpu_info is not registered yet stops after step 2; its
 * registration (evtchn_vcpu_views_set) replays steps 3-4 from the bitmaps.
 *
 * Locking: deliver_lock (a leaf) guards the vCPU views, so a vcpu_info is
 * never written after it was replaced or unregistered, and so a delivery
 * that found no view cannot miss the replay of the registration that
 * follows it (pending is set before the lock is taken, replay reads it
 * after). kick runs after deliver_lock is dropped; callers may still hold
 * event locks (see evtchn.c).
 */
#include <hv/errno.h>
#include <hv/evtchn.h>

#include "evtchn_2l.h"

static inline uint64_t port_bit(unsigned int port)
{
    return 1ull << (port % EVTCHN_2L_WORD_BITS);
}

static inline unsigned int port_word(unsigned int port)
{
    return port / EVTCHN_2L_WORD_BITS;
}

static bool bit_test_and_set(volatile uint64_t *w, uint64_t bit)
{
    return __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit;
}

static bool bit_test_and_clear(volatile uint64_t *w, uint64_t bit)
{
    return __atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit;
}

static bool bit_test(const volatile uint64_t *w, uint64_t bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & bit;
}

/* Steps 3-4 on one vCPU's view; true if the vCPU must be kicked. */
static bool raise_selector(const struct evtchn_vcpu_view *v, unsigned int word)
{
    if (bit_test_and_set(v->pending_sel, 1ull << word))
        return false;
    return __atomic_exchange_n(v->upcall_pending, 1, __ATOMIC_SEQ_CST) == 0;
}

static void select_and_kick(struct evtchn_domain *d, unsigned int port,
                            unsigned int vcpu)
{
    const struct evtchn_vcpu_view *v = &d->vcpu[vcpu].view;
    bool kick = false;

    spin_lock(&d->deliver_lock);
    if (v->pending_sel)
        kick = raise_selector(v, port_word(port));
    spin_unlock(&d->deliver_lock);
    if (kick)
        d->kick(d->opaque, vcpu);
}

void evtchn_2l_set_pending(struct evtchn_domain *d, unsigned int port,
                           unsigned int vcpu)
{
    if (bit_test_and_set(&d->shared.pending[port_word(port)], port_bit(port)))
        return;
    if (!bit_test(&d->shared.mask[port_word(port)], port_bit(port)))
        select_and_kick(d, port, vcpu);
    /* A poller waits for the port even while it is masked. */
    if (d->port_pending)
        d->port_pending(d->opaque, port);
}

void evtchn_2l_unmask(struct evtchn_domain *d, unsigned int port,
                      unsigned int vcpu)
{
    /* Only a port that was masked needs the selector step: Linux relies on
     * this when it clears the mask itself and re-masks before asking. */
    if (bit_test_and_clear(&d->shared.mask[port_word(port)], port_bit(port)) &&
        bit_test(&d->shared.pending[port_word(port)], port_bit(port)))
        select_and_kick(d, port, vcpu);
}

void evtchn_2l_clear_pending(struct evtchn_domain *d, unsigned int port)
{
    __atomic_fetch_and(&d->shared.pending[port_word(port)], ~port_bit(port),
                       __ATOMIC_SEQ_CST);
}

bool evtchn_port_is_pending(const struct evtchn_domain *d, uint32_t port)
{
    return port < d->nr_ports &&
           bit_test(&d->shared.pending[port_word(port)], port_bit(port));
}

/*
 * Steps 3-4 for everything that may have been missed while the vCPU had
 * no view: every word with a pending unmasked port gets its selector bit.
 * Words whose ports notify another vCPU are selected too; the guest
 * filters by its own bindings, so that only costs a scan (Xen goes further
 * and sets all 64 bits). True if the vCPU must be kicked.
 */
static bool replay(const struct evtchn_domain *d,
                   const struct evtchn_vcpu_view *v)
{
    uint64_t sel = 0;

    for (unsigned int k = 0; k < EVTCHN_2L_WORDS; k++) {
        uint64_t live = __atomic_load_n(&d->shared.pending[k], __ATOMIC_SEQ_CST) &
                        ~__atomic_load_n(&d->shared.mask[k], __ATOMIC_SEQ_CST);
        if (live)
            sel |= 1ull << k;
    }
    if (sel)
        __atomic_fetch_or(v->pending_sel, sel, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(v->pending_sel, __ATOMIC_SEQ_CST))
        return false;
    /* Kick even if upcall_pending was copied in as 1: the vCPU may be
     * halted and has not been told about this (new) vcpu_info yet. */
    __atomic_store_n(v->upcall_pending, 1, __ATOMIC_SEQ_CST);
    return true;
}

int evtchn_vcpu_views_set(struct evtchn_domain *d, unsigned int vcpu,
                          const struct evtchn_vcpu_view *view)
{
    struct evtchn_vcpu_view *slot;
    bool kick = false;

    if (vcpu >= d->nr_vcpus)
        return -EINVAL;
    if (view && !view->upcall_pending != !view->pending_sel)
        return -EINVAL;
    slot = &d->vcpu[vcpu].view;

    spin_lock(&d->deliver_lock);
    if (view && view->pending_sel) {
        *slot = *view;
        kick = replay(d, slot);
    } else {
        slot->upcall_pending = NULL;
        slot->pending_sel = NULL;
    }
    spin_unlock(&d->deliver_lock);
    if (kick)
        d->kick(d->opaque, vcpu);
    return 0;
}
