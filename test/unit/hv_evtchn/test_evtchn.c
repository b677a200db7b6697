// SPDX-License-Identifier: MIT
/* Unit tests of the 2-level event channels (hv/common/evtchn.c,
 * evtchn_2l.c): several simulated domains with their shared_info bitmaps
 * and vcpu_info words in plain memory, a kick log, and reference counts
 * on the domain lookup. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/evtchn.h>

#define NV 4      /* vCPU storage per test domain */
#define MAXD 4

struct tdom {
    struct evtchn_domain ev;
    struct evtchn_channel chan[EVTCHN_2L_NR_PORTS];
    struct evtchn_vcpu vcpu[NV];
    uint64_t pending[EVTCHN_2L_WORDS], mask[EVTCHN_2L_WORDS];
    uint8_t upcall[NV];
    uint64_t sel[NV];
    unsigned int kicks[NV];
    unsigned int pend_calls, last_pend_port;
    long refs;            /* lookup/hold minus put */
    bool live;            /* found by lookup */
};

static struct tdom *doms[MAXD];

static struct evtchn_domain *t_lookup(void *ctx, uint16_t domid)
{
    (void)ctx;
    for (int i = 0; i < MAXD; i++)
        if (doms[i] && doms[i]->live && doms[i]->ev.domid == domid) {
            __atomic_fetch_add(&doms[i]->refs, 1, __ATOMIC_SEQ_CST);
            return &doms[i]->ev;
        }
    return NULL;
}

static struct tdom *T(struct evtchn_domain *d)
{
    return (struct tdom *)d;   /* ev is the first member */
}

static void t_hold(void *ctx, struct evtchn_domain *d)
{
    (void)ctx;
    __atomic_fetch_add(&T(d)->refs, 1, __ATOMIC_SEQ_CST);
}

static void t_put(void *ctx, struct evtchn_domain *d)
{
    (void)ctx;
    __atomic_fetch_sub(&T(d)->refs, 1, __ATOMIC_SEQ_CST);
}

static const struct evtchn_ops t_ops = { t_lookup, t_hold, t_put, NULL };

static void t_kick(void *opaque, unsigned int vcpu)
{
    struct tdom *t = opaque;

    assert_true(vcpu < NV);
    __atomic_fetch_add(&t->kicks[vcpu], 1, __ATOMIC_SEQ_CST);
}

static void t_pending(void *opaque, unsigned int port)
{
    struct tdom *t = opaque;

    t->pend_calls++;
    t->last_pend_port = port;
}

static void nop_backend(void *opaque, struct evtchn_domain *d,
                        unsigned int port)
{
    (void)opaque;
    (void)d;
    (void)port;
}

enum { PRIV = 1, GLOBAL_VIRQS = 2, NO_VIEWS = 4 };

static struct evtchn_domain_config cfg_of(struct tdom *t, uint16_t domid,
                                          unsigned int ports,
                                          unsigned int vcpus, int flags)
{
    return (struct evtchn_domain_config){
        .domid = domid, .privileged = flags & PRIV,
        .global_virqs = flags & GLOBAL_VIRQS, .nr_ports = ports,
        .nr_vcpus = vcpus, .chan = t->chan, .vcpu = t->vcpu,
        .shared = { t->pending, t->mask }, .ops = &t_ops, .kick = t_kick,
        .port_pending = t_pending, .opaque = t,
    };
}

static struct evtchn_vcpu_view view_of(struct tdom *t, unsigned int v)
{
    return (struct evtchn_vcpu_view){ &t->upcall[v], &t->sel[v] };
}

static struct tdom *mkdom_n(uint16_t domid, unsigned int ports,
                            unsigned int vcpus, int flags)
{
    struct tdom *t = calloc(1, sizeof(*t));
    struct evtchn_domain_config cfg = cfg_of(t, domid, ports, vcpus, flags);
    int i;

    assert_non_null(t);
    assert_int_equal(evtchn_domain_init(&t->ev, &cfg), 0);
    for (unsigned int v = 0; v < vcpus && !(flags & NO_VIEWS); v++) {
        struct evtchn_vcpu_view vw = view_of(t, v);
        assert_int_equal(evtchn_vcpu_views_set(&t->ev, v, &vw), 0);
    }
    for (i = 0; i < MAXD && doms[i]; i++)
        ;
    assert_true(i < MAXD);
    doms[i] = t;
    t->live = true;
    return t;
}

static struct tdom *mkdom(uint16_t domid, int flags)
{
    return mkdom_n(domid, 64, 2, flags);
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < MAXD; i++)
        if (doms[i]) {
            evtchn_domain_destroy(&doms[i]->ev);
            doms[i]->live = false;
        }
    for (int i = 0; i < MAXD; i++) {
        if (!doms[i])
            continue;
        assert_int_equal(doms[i]->refs, 0);  /* every lookup/hold put */
        free(doms[i]);
        doms[i] = NULL;
    }
    return 0;
}

static bool pend(struct tdom *t, unsigned int p)
{
    return t->pending[p / 64] >> (p % 64) & 1;
}

static bool selbit(struct tdom *t, unsigned int v, unsigned int p)
{
    return t->sel[v] >> (p / 64) & 1;
}

/* Forget delivered state, as a guest handler would. */
static void consume(struct tdom *t)
{
    memset(t->pending, 0, sizeof(t->pending));
    memset(t->sel, 0, sizeof(t->sel));
    memset(t->upcall, 0, sizeof(t->upcall));
    memset(t->kicks, 0, sizeof(t->kicks));
}

static unsigned int total_kicks(struct tdom *t)
{
    unsigned int n = 0;

    for (int v = 0; v < NV; v++)
        n += t->kicks[v];
    return n;
}

static void mask_port(struct tdom *t, unsigned int p)
{
    t->mask[p / 64] |= 1ull << (p % 64);
}

static struct evtchn_status_info status(struct tdom *t, uint32_t port)
{
    struct evtchn_status_info st;

    assert_int_equal(evtchn_status(&t->ev, DOMID_SELF, port, &st), 0);
    return st;
}

/* Connect a (local port *pa) with b (local port *pb), b binding. */
static void connect(struct tdom *a, struct tdom *b, uint32_t *pa, uint32_t *pb)
{
    assert_int_equal(evtchn_alloc_unbound(&a->ev, DOMID_SELF,
                                          b->ev.domid, pa), 0);
    assert_int_equal(evtchn_bind_interdomain(&b->ev, a->ev.domid, *pa, pb), 0);
}

/* ---- tests ---- */

static void test_init_rejects_bad_config(void **state)
{
    static struct tdom t;
    static const struct evtchn_ops no_put = { t_lookup, t_hold, NULL, NULL };
    static const char *const what[] = {
        "no ports", "only port 0", "over the 2-level limit", "no vcpus",
        "too many vcpus", "no chan storage", "no vcpu storage",
        "no pending map", "no mask map", "no kick", "no ops", "no put",
        "reserved domid",
    };
    struct evtchn_domain_config c;
    (void)state;

    for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
        c = cfg_of(&t, 1, 64, 2, 0);
        switch (i) {
        case 0: c.nr_ports = 0; break;
        case 1: c.nr_ports = 1; break;
        case 2: c.nr_ports = EVTCHN_2L_NR_PORTS + 1; break;
        case 3: c.nr_vcpus = 0; break;
        case 4: c.nr_vcpus = EVTCHN_MAX_VCPUS + 1; break;
        case 5: c.chan = NULL; break;
        case 6: c.vcpu = NULL; break;
        case 7: c.shared.pending = NULL; break;
        case 8: c.shared.mask = NULL; break;
        case 9: c.kick = NULL; break;
        case 10: c.ops = NULL; break;
        case 11: c.ops = &no_put; break;
        case 12: c.domid = DOMID_SELF; break;
        }
        if (evtchn_domain_init(&t.ev, &c) != -EINVAL)
            fail_msg("config accepted: %s", what[i]);
    }
    c = cfg_of(&t, 1, EVTCHN_2L_NR_PORTS, NV, 0);
    assert_int_equal(evtchn_domain_init(&t.ev, &c), 0);
    assert_int_equal(t.chan[0].state, EVTCHN_RESERVED);
}

static void test_port0_reserved(void **state)
{
    struct tdom *a = mkdom(1, 0);
    struct evtchn_status_info st;
    uint32_t p;
    (void)state;

    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), 0);
    assert_int_equal(p, 1);
    st = status(a, 0);
    assert_int_equal(st.status, EVTCHNSTAT_closed);
    assert_int_equal(evtchn_close(&a->ev, 0), -EINVAL);
    assert_int_equal(evtchn_send(&a->ev, 0), -EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&a->ev, 0, 1), -EINVAL);
    assert_int_equal(evtchn_unmask(&a->ev, 0), 0);   /* valid port, as Xen */
    assert_false(pend(a, 0));
}

static void test_alloc_bind_close_cycles(void **state)
{
    struct tdom *a = mkdom(1, 0);
    uint32_t p1, p2, p3, p;
    (void)state;

    for (int round = 0; round < 3; round++) {
        assert_int_equal(evtchn_alloc_unbound(&a->ev, DOMID_SELF, 0, &p1), 0);
        assert_int_equal(evtchn_bind_ipi(&a->ev, 1, &p2), 0);
        assert_int_equal(evtchn_bind_virq(&a->ev, VIRQ_TIMER, 1, &p3), 0);
        assert_int_equal(p1, 1);   /* lowest free port, every round */
        assert_int_equal(p2, 2);
        assert_int_equal(p3, 3);
        assert_int_equal(evtchn_send(&a->ev, p2), 0);
        assert_true(pend(a, p2));
        assert_int_equal(evtchn_close(&a->ev, p2), 0);
        assert_false(pend(a, p2));  /* freeing clears pending */
        assert_int_equal(evtchn_close(&a->ev, p2), -EINVAL);
        assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), 0);
        assert_int_equal(p, p2);   /* reused */
        assert_int_equal(evtchn_close(&a->ev, p), 0);
        assert_int_equal(evtchn_close(&a->ev, p1), 0);
        assert_int_equal(evtchn_close(&a->ev, p3), 0);
        assert_int_equal(a->ev.vcpu[1].virq_to_port[VIRQ_TIMER], 0);
        consume(a);
    }
}

static void test_interdomain_both_directions(void **state)
{
    struct tdom *a = mkdom(1, 0), *b = mkdom(2, 0);
    uint32_t pa, pb;
    struct evtchn_status_info st;
    (void)state;

    connect(a, b, &pa, &pb);
    /* Xen notifies the binder once for events lost while unbound. */
    assert_true(pend(b, pb));
    assert_int_equal(b->kicks[0], 1);
    consume(b);
    st = status(a, pa);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.dom, 2);
    assert_int_equal(st.port, pb);
    st = status(b, pb);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.dom, 1);
    assert_int_equal(st.port, pa);

    assert_int_equal(evtchn_send(&a->ev, pa), 0);
    assert_true(pend(b, pb));
    assert_false(pend(a, pa));
    assert_true(selbit(b, 0, pb));
    assert_int_equal(b->upcall[0], 1);
    assert_int_equal(b->kicks[0], 1);
    assert_int_equal(total_kicks(a), 0);

    assert_int_equal(evtchn_send(&b->ev, pb), 0);
    assert_true(pend(a, pa));
    assert_true(selbit(a, 0, pa));
    assert_int_equal(a->upcall[0], 1);
    assert_int_equal(a->kicks[0], 1);
    assert_int_equal(b->kicks[0], 1);
    assert_int_equal(b->pend_calls, 2);   /* bind + send */
    assert_int_equal(b->last_pend_port, pb);
}

static void test_high_port_uses_its_selector_word(void **state)
{
    struct tdom *a = mkdom_n(1, EVTCHN_2L_NR_PORTS, 2, 0);
    uint32_t p = 0;
    (void)state;

    /* Fill ports 1..199 so the next one lands in word 3. */
    for (int i = 1; i < 200; i++)
        assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), 0);
    assert_int_equal(evtchn_bind_ipi(&a->ev, 1, &p), 0);
    assert_int_equal(p, 200);
    assert_int_equal(evtchn_send(&a->ev, p), 0);
    assert_true(a->pending[3] == 1ull << (200 - 192));
    assert_true(a->sel[1] == 1ull << 3);
    assert_int_equal(a->sel[0], 0);
    assert_int_equal(a->kicks[1], 1);
}

static void test_masked_until_unmask(void **state)
{
    struct tdom *a = mkdom(1, 0);
    uint32_t p, q;
    (void)state;

    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), 0);
    mask_port(a, p);
    assert_int_equal(evtchn_send(&a->ev, p), 0);
    assert_true(pend(a, p));
    assert_int_equal(a->sel[0], 0);
    assert_int_equal(a->upcall[0], 0);
    assert_int_equal(total_kicks(a), 0);
    assert_int_equal(a->pend_calls, 1);  /* pollers see masked ports */

    assert_int_equal(evtchn_unmask(&a->ev, p), 0);
    assert_false(a->mask[0] >> p & 1);
    assert_true(selbit(a, 0, p));
    assert_int_equal(a->upcall[0], 1);
    assert_int_equal(a->kicks[0], 1);

    /* Unmasking a port that was not masked does nothing (Linux relies on
     * it: it clears the mask itself and re-masks before asking). */
    consume(a);
    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &q), 0);
    assert_int_equal(evtchn_send(&a->ev, q), 0);
    consume(a);
    a->pending[0] = 1ull << q;
    assert_int_equal(evtchn_unmask(&a->ev, q), 0);
    assert_int_equal(a->sel[0], 0);
    assert_int_equal(total_kicks(a), 0);
    /* Masked but not pending: unmask only clears the mask. */
    mask_port(a, p);
    assert_int_equal(evtchn_unmask(&a->ev, p), 0);
    assert_int_equal(a->mask[0], 0);
    assert_int_equal(a->sel[0], 0);
}

static void test_no_second_kick(void **state)
{
    struct tdom *a = mkdom(1, 0);
    uint32_t p, q;
    (void)state;

    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), 0);
    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &q), 0);
    assert_int_equal(evtchn_send(&a->ev, p), 0);
    assert_int_equal(evtchn_send(&a->ev, p), 0);  /* already pending */
    assert_int_equal(a->kicks[0], 1);
    assert_int_equal(a->pend_calls, 1);
    /* Guest took the upcall but left port p pending and its selector
     * set: q shares the word, so no new selector bit and no kick. */
    a->upcall[0] = 0;
    assert_int_equal(evtchn_send(&a->ev, q), 0);
    assert_int_equal(a->upcall[0], 0);
    assert_int_equal(a->kicks[0], 1);
    /* Selector consumed but upcall still flagged: bit set, no kick. */
    a->pending[0] = 0;
    a->sel[0] = 0;
    a->upcall[0] = 1;
    assert_int_equal(evtchn_send(&a->ev, q), 0);
    assert_true(selbit(a, 0, q));
    assert_int_equal(a->kicks[0], 1);
}

static void test_virq_binding_rules(void **state)
{
    struct tdom *a = mkdom(1, 0), *h = mkdom(0, PRIV | GLOBAL_VIRQS);
    uint32_t p, q;
    static const struct {
        uint32_t virq, vcpu;
        int rc_domu, rc_hwdom;
    } rows[] = {
        { VIRQ_TIMER, 0, 0, 0 },
        { VIRQ_TIMER, 1, 0, 0 },
        { VIRQ_DEBUG, 1, 0, 0 },
        { VIRQ_XENOPROF, 1, 0, 0 },
        { VIRQ_XENPMU, 1, 0, 0 },
        { VIRQ_TIMER, 0, -EEXIST, -EEXIST },   /* twice */
        { VIRQ_ARGO, 0, 0, 0 },                /* per-domain */
        { VIRQ_ARGO, 1, -EINVAL, -EINVAL },
        { VIRQ_CONSOLE, 0, -EBUSY, 0 },        /* global */
        { VIRQ_CONSOLE, 1, -EINVAL, -EINVAL },
        { VIRQ_DOM_EXC, 0, -EBUSY, 0 },
        { VIRQ_ARCH_0, 0, -EBUSY, 0 },         /* MCA: global on x86 */
        { VIRQ_TIMER, 2, -ENOENT, -ENOENT },
        { VIRQ_TIMER, UINT32_MAX, -ENOENT, -ENOENT },
        { NR_VIRQS, 0, -EINVAL, -EINVAL },
        { UINT32_MAX, 0, -EINVAL, -EINVAL },
        { 0x80000000u, 0, -EINVAL, -EINVAL },
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        int rc = evtchn_bind_virq(&a->ev, rows[i].virq, rows[i].vcpu, &p);
        if (rc != rows[i].rc_domu)
            fail_msg("domU row %zu: rc %d want %d", i, rc, rows[i].rc_domu);
        rc = evtchn_bind_virq(&h->ev, rows[i].virq, rows[i].vcpu, &p);
        if (rc != rows[i].rc_hwdom)
            fail_msg("hwdom row %zu: rc %d want %d", i, rc, rows[i].rc_hwdom);
    }
    /* Closing frees the slot for a new binding. */
    p = a->ev.vcpu[1].virq_to_port[VIRQ_TIMER];
    assert_int_not_equal(p, 0);
    assert_int_equal(evtchn_close(&a->ev, p), 0);
    assert_int_equal(evtchn_bind_virq(&a->ev, VIRQ_TIMER, 1, &q), 0);
    assert_int_equal(q, p);
    assert_int_equal(evtchn_send(&a->ev, q), -EINVAL);  /* Xen: no send */
}

static void test_send_virq(void **state)
{
    struct tdom *a = mkdom(1, 0), *h = mkdom(0, GLOBAL_VIRQS);
    uint32_t t0, t1, c;
    (void)state;

    assert_int_equal(evtchn_send_virq(&a->ev, VIRQ_TIMER, 1), 0);
    assert_int_equal(total_kicks(a), 0);           /* unbound: no-op */
    assert_int_equal(evtchn_bind_virq(&a->ev, VIRQ_TIMER, 0, &t0), 0);
    assert_int_equal(evtchn_bind_virq(&a->ev, VIRQ_TIMER, 1, &t1), 0);
    assert_int_equal(evtchn_send_virq(&a->ev, VIRQ_TIMER, 1), 0);
    assert_true(pend(a, t1));
    assert_false(pend(a, t0));
    assert_int_equal(a->kicks[1], 1);
    assert_int_equal(a->kicks[0], 0);
    assert_int_equal(evtchn_send_virq(&a->ev, NR_VIRQS, 0), -EINVAL);
    assert_int_equal(evtchn_send_virq(&a->ev, VIRQ_TIMER, 2), -EINVAL);
    assert_int_equal(evtchn_send_virq(&a->ev, VIRQ_CONSOLE, 1), -EINVAL);

    /* A global VIRQ follows bind_vcpu; the per-vCPU one may not move. */
    assert_int_equal(evtchn_bind_virq(&h->ev, VIRQ_CONSOLE, 0, &c), 0);
    assert_int_equal(evtchn_bind_vcpu(&h->ev, c, 1), 0);
    assert_int_equal(evtchn_send_virq(&h->ev, VIRQ_CONSOLE, 0), 0);
    assert_true(pend(h, c));
    assert_int_equal(h->kicks[1], 1);
    assert_int_equal(evtchn_bind_vcpu(&a->ev, t1, 0), -EINVAL);
    /* The map stays on vCPU 0 after the move, so close still unbinds. */
    assert_int_equal(evtchn_close(&h->ev, c), 0);
    assert_int_equal(evtchn_bind_virq(&h->ev, VIRQ_CONSOLE, 0, &c), 0);
}

static void test_ipi_other_vcpu(void **state)
{
    struct tdom *a = mkdom(1, 0);
    uint32_t p;
    struct evtchn_status_info st;
    (void)state;

    assert_int_equal(evtchn_bind_ipi(&a->ev, 1, &p), 0);
    st = status(a, p);
    assert_int_equal(st.status, EVTCHNSTAT_ipi);
    assert_int_equal(st.vcpu, 1);
    assert_int_equal(evtchn_send(&a->ev, p), 0);
    assert_true(selbit(a, 1, p));
    assert_int_equal(a->sel[0], 0);
    assert_int_equal(a->upcall[1], 1);
    assert_int_equal(a->upcall[0], 0);
    assert_int_equal(a->kicks[1], 1);
    assert_int_equal(a->kicks[0], 0);
    assert_int_equal(evtchn_bind_vcpu(&a->ev, p, 0), -EINVAL);  /* Xen */
}

static void test_close_makes_remote_unbound(void **state)
{
    struct tdom *a = mkdom(1, 0), *b = mkdom(2, 0);
    uint32_t pa, pb, pa2;
    struct evtchn_status_info st;
    (void)state;

    for (int closer = 0; closer < 2; closer++) {
        connect(a, b, &pa, &pb);
        struct tdom *c = closer ? b : a, *o = closer ? a : b;
        uint32_t cp = closer ? pb : pa, op = closer ? pa : pb;

        assert_int_equal(evtchn_close(&c->ev, cp), 0);
        assert_int_equal(status(c, cp).status, EVTCHNSTAT_closed);
        st = status(o, op);
        assert_int_equal(st.status, EVTCHNSTAT_unbound);
        assert_int_equal(st.dom, c->ev.domid);
        consume(o);
        consume(c);
        assert_int_equal(evtchn_send(&o->ev, op), 0);   /* dropped */
        assert_int_equal(total_kicks(c), 0);
        /* The closer may bind the orphaned end again. */
        assert_int_equal(evtchn_bind_interdomain(&c->ev, o->ev.domid, op, &pa2), 0);
        assert_int_equal(status(o, op).status, EVTCHNSTAT_interdomain);
        assert_int_equal(evtchn_close(&o->ev, op), 0);
        assert_int_equal(evtchn_close(&c->ev, pa2), 0);
        consume(a);
        consume(b);
    }
    assert_int_equal(a->refs, 0);
    assert_int_equal(b->refs, 0);
}

static void test_loopback_interdomain(void **state)
{
    struct tdom *a = mkdom(1, 0);
    uint32_t p, q;
    (void)state;

    assert_int_equal(evtchn_alloc_unbound(&a->ev, DOMID_SELF,
                                          DOMID_SELF, &p), 0);
    assert_int_equal(status(a, p).dom, 1);
    assert_int_equal(evtchn_bind_interdomain(&a->ev, 1, p, &q), 0);
    consume(a);
    assert_int_equal(evtchn_send(&a->ev, p), 0);
    assert_true(pend(a, q));
    assert_false(pend(a, p));
    assert_int_equal(evtchn_close(&a->ev, q), 0);
    assert_int_equal(status(a, p).status, EVTCHNSTAT_unbound);
    assert_int_equal(a->refs, 0);
}

static void test_status_table(void **state)
{
    struct tdom *a = mkdom(1, 0), *b = mkdom(2, 0), *c0 = mkdom(0, PRIV);
    uint32_t u, pa, pb, v, i, x;
    struct evtchn_status_info st;
    (void)state;

    assert_int_equal(evtchn_alloc_unbound(&a->ev, DOMID_SELF, 7, &u), 0);
    connect(a, b, &pa, &pb);
    assert_int_equal(evtchn_bind_virq(&a->ev, VIRQ_DEBUG, 1, &v), 0);
    assert_int_equal(evtchn_bind_ipi(&a->ev, 1, &i), 0);
    assert_int_equal(evtchn_bind_vcpu(&a->ev, pa, 1), 0);
    assert_int_equal(evtchn_alloc_xen_port(&a->ev, nop_backend, a, &x), 0);
    const struct {
        uint32_t port, status, vcpu, dom, rport, virq;
    } rows[] = {
        { 0, EVTCHNSTAT_closed, 0, 0, 0, 0 },
        { u, EVTCHNSTAT_unbound, 0, 7, 0, 0 },
        { pa, EVTCHNSTAT_interdomain, 1, 2, pb, 0 },
        { v, EVTCHNSTAT_virq, 1, 0, 0, VIRQ_DEBUG },
        { i, EVTCHNSTAT_ipi, 1, 0, 0, 0 },
        { x, EVTCHNSTAT_interdomain, 0, DOMID_XEN, 0, 0 },
        { 63, EVTCHNSTAT_closed, 0, 0, 0, 0 },
    };
    for (size_t r = 0; r < ARRAY_SIZE(rows); r++) {
        /* Ask as the domain itself and as the control domain. */
        for (int who = 0; who < 2; who++) {
            int rc = who ? evtchn_status(&c0->ev, 1, rows[r].port, &st)
                         : evtchn_status(&a->ev, DOMID_SELF, rows[r].port, &st);
            assert_int_equal(rc, 0);
            if (st.status != rows[r].status || st.vcpu != rows[r].vcpu ||
                st.dom != rows[r].dom || st.port != rows[r].rport ||
                st.virq != rows[r].virq)
                fail_msg("row %zu: status %u vcpu %u dom %u port %u virq %u", r,
                         st.status, st.vcpu, st.dom, st.port, st.virq);
        }
    }
    assert_int_equal(evtchn_status(&a->ev, DOMID_SELF, 64, &st), -EINVAL);
    assert_int_equal(evtchn_status(&b->ev, 1, u, &st), -EPERM);
    assert_int_equal(evtchn_status(&c0->ev, 9, 1, &st), -ESRCH);
    assert_int_equal(evtchn_status(&c0->ev, 1, 64, &st), -EINVAL);
    assert_int_equal(evtchn_free_xen_port(&a->ev, x), 0);
}

static void test_exhaustion(void **state)
{
    struct tdom *a = mkdom_n(1, 8, 1, 0), *b = mkdom(2, 0);
    uint32_t p;
    (void)state;

    for (uint32_t want = 1; want < 8; want++) {
        assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), 0);
        assert_int_equal(p, want);
    }
    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), -ENOSPC);
    assert_int_equal(evtchn_alloc_unbound(&a->ev, DOMID_SELF, 2, &p), -ENOSPC);
    assert_int_equal(evtchn_bind_virq(&a->ev, VIRQ_TIMER, 0, &p), -ENOSPC);
    assert_int_equal(evtchn_alloc_xen_port(&a->ev, nop_backend, a, &p), -ENOSPC);
    assert_int_equal(evtchn_bind_virq(&a->ev, VIRQ_TIMER, 0, &p), -ENOSPC);
    assert_int_equal(a->ev.vcpu[0].virq_to_port[VIRQ_TIMER], 0);
    /* bind_interdomain: the local table is full. */
    assert_int_equal(evtchn_alloc_unbound(&b->ev, DOMID_SELF, 1, &p), 0);
    assert_int_equal(evtchn_bind_interdomain(&a->ev, 2, p, &p), -ENOSPC);
    assert_int_equal(evtchn_close(&a->ev, 5), 0);
    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), 0);
    assert_int_equal(p, 5);
    assert_int_equal(b->refs, 0);
}

/* Hostile arguments from domain 1 (64 ports, 2 vCPUs, unprivileged). */
enum op { CLOSE, SEND, UNMASK, STATUS, IPI, BVCPU, INTER, UNBOUND, STATUS_DOM,
          RAISE, FREEX };

static void test_hostile_inputs(void **state)
{
    struct tdom *a = mkdom(1, 0), *b = mkdom(2, 0);
    uint32_t b_free = 10, b_other, b_ipi, p;
    struct evtchn_status_info st;
    (void)state;

    assert_int_equal(evtchn_alloc_unbound(&b->ev, DOMID_SELF, 3, &b_other), 0);
    assert_int_equal(evtchn_bind_ipi(&b->ev, 0, &b_ipi), 0);
    const struct {
        enum op op;
        uint32_t x, y;
        int rc;
    } rows[] = {
        { CLOSE, 0, 0, -EINVAL }, { CLOSE, 5, 0, -EINVAL },
        { CLOSE, 64, 0, -EINVAL }, { CLOSE, 4096, 0, -EINVAL },
        { CLOSE, UINT32_MAX, 0, -EINVAL }, { CLOSE, 0x80000000u, 0, -EINVAL },
        { SEND, 0, 0, -EINVAL }, { SEND, 5, 0, -EINVAL },
        { SEND, 64, 0, -EINVAL }, { SEND, UINT32_MAX, 0, -EINVAL },
        { UNMASK, 64, 0, -EINVAL }, { UNMASK, UINT32_MAX, 0, -EINVAL },
        { UNMASK, 5, 0, 0 },
        { STATUS, 64, 0, -EINVAL }, { STATUS, UINT32_MAX, 0, -EINVAL },
        { IPI, 2, 0, -ENOENT }, { IPI, UINT32_MAX, 0, -ENOENT },
        { IPI, 0x80000000u, 0, -ENOENT },
        { BVCPU, 1, 2, -ENOENT }, { BVCPU, 64, 0, -EINVAL },
        { BVCPU, UINT32_MAX, UINT32_MAX, -ENOENT }, { BVCPU, 5, 0, -EINVAL },
        { INTER, 9, 1, -ESRCH },                 /* no such domain */
        { INTER, DOMID_XEN, 1, -ESRCH },
        { INTER, 0x7FFF, 1, -ESRCH }, { INTER, 0xFFFF, 1, -ESRCH },
        { INTER, 2, 0, -EINVAL },                /* reserved port */
        { INTER, 2, 64, -EINVAL }, { INTER, 2, UINT32_MAX, -EINVAL },
        { INTER, 2, b_free, -EINVAL },           /* free port */
        { INTER, 2, b_other, -EINVAL },          /* offered to domain 3 */
        { INTER, 2, b_ipi, -EINVAL },            /* not unbound */
        { UNBOUND, 9, 0, -ESRCH }, { UNBOUND, 2, 0, -EPERM },
        { UNBOUND, DOMID_XEN, 0, -ESRCH },
        { STATUS_DOM, 9, 1, -ESRCH }, { STATUS_DOM, 2, b_ipi, -EPERM },
        { STATUS_DOM, 2, 64, -EINVAL },
        { RAISE, 5, 0, -EINVAL }, { RAISE, 99, 0, -EINVAL },
        { FREEX, 5, 0, -EINVAL }, { FREEX, UINT32_MAX, 0, -EINVAL },
    };
    for (size_t r = 0; r < ARRAY_SIZE(rows); r++) {
        uint32_t x = rows[r].x, y = rows[r].y;
        int rc;

        switch (rows[r].op) {
        case CLOSE: rc = evtchn_close(&a->ev, x); break;
        case SEND: rc = evtchn_send(&a->ev, x); break;
        case UNMASK: rc = evtchn_unmask(&a->ev, x); break;
        case STATUS: rc = evtchn_status(&a->ev, DOMID_SELF, x, &st); break;
        case IPI: rc = evtchn_bind_ipi(&a->ev, x, &p); break;
        case BVCPU: rc = evtchn_bind_vcpu(&a->ev, x, y); break;
        case INTER: rc = evtchn_bind_interdomain(&a->ev, (uint16_t)x, y, &p); break;
        case UNBOUND: rc = evtchn_alloc_unbound(&a->ev, (uint16_t)x, 1, &p); break;
        case STATUS_DOM: rc = evtchn_status(&a->ev, (uint16_t)x, y, &st); break;
        case RAISE: rc = evtchn_raise_xen_port(&a->ev, x); break;
        case FREEX: rc = evtchn_free_xen_port(&a->ev, x); break;
        default: rc = 1; break;
        }
        if (rc != rows[r].rc)
            fail_msg("row %zu (op %d, %u, %u): rc %d want %d", r, rows[r].op,
                     x, y, rc, rows[r].rc);
    }
    /* Nothing changed: no port in use, nothing pending, nothing kicked. */
    for (uint32_t q = 1; q < 64; q++)
        assert_int_equal(status(a, q).status, EVTCHNSTAT_closed);
    for (int w = 0; w < EVTCHN_2L_WORDS; w++)
        assert_int_equal(a->pending[w], 0);
    assert_int_equal(total_kicks(a) + total_kicks(b), 0);
    assert_int_equal(status(b, b_other).status, EVTCHNSTAT_unbound);
    assert_int_equal(a->refs + b->refs, 0);
}

static void test_privileged_acts_for_others(void **state)
{
    struct tdom *c0 = mkdom(0, PRIV), *a = mkdom(1, 0);
    uint32_t p, q;
    (void)state;

    /* The toolstack offers a domU port to itself, then binds it. */
    assert_int_equal(evtchn_alloc_unbound(&c0->ev, 1, 0, &p), 0);
    assert_int_equal(status(a, p).status, EVTCHNSTAT_unbound);
    assert_int_equal(status(a, p).dom, 0);
    assert_int_equal(evtchn_bind_interdomain(&c0->ev, 1, p, &q), 0);
    consume(a);
    assert_int_equal(evtchn_send(&a->ev, p), 0);
    assert_true(pend(c0, q));
    /* DOMID_SELF as remote means the caller, not the target. */
    assert_int_equal(evtchn_alloc_unbound(&c0->ev, 1, DOMID_SELF, &p), 0);
    assert_int_equal(status(a, p).dom, 0);
    assert_int_equal(a->refs + c0->refs, 0);
}

static void test_destroy_leaves_remote_consistent(void **state)
{
    (void)state;
    /* Destroy the lower and the higher domid: both lock orders. */
    for (int victim = 0; victim < 2; victim++) {
        struct tdom *a = mkdom(1, 0), *b = mkdom(2, 0), *d, *o;
        uint32_t pa, pb, pa2, pb2, p;

        connect(a, b, &pa, &pb);
        connect(b, a, &pb2, &pa2);
        d = victim ? b : a;
        o = victim ? a : b;
        assert_int_equal(evtchn_bind_ipi(&d->ev, 0, &p), 0);
        assert_int_equal(evtchn_alloc_xen_port(&d->ev, nop_backend, NULL, &p), 0);
        evtchn_domain_destroy(&d->ev);
        d->live = false;
        for (uint32_t q = 1; q < 64; q++)
            assert_int_equal(status(d, q).status, EVTCHNSTAT_closed);
        uint32_t ends[2] = { victim ? pa : pb, victim ? pa2 : pb2 };
        for (int e = 0; e < 2; e++) {
            struct evtchn_status_info st = status(o, ends[e]);
            assert_int_equal(st.status, EVTCHNSTAT_unbound);
            assert_int_equal(st.dom, d->ev.domid);
            assert_int_equal(evtchn_send(&o->ev, ends[e]), 0);
            assert_int_equal(evtchn_close(&o->ev, ends[e]), 0);
        }
        /* A dying domain gets no new ports (Xen: -EINVAL). */
        assert_int_equal(evtchn_bind_ipi(&d->ev, 0, &p), -EINVAL);
        assert_int_equal(evtchn_alloc_unbound(&d->ev, DOMID_SELF, 1, &p), -EINVAL);
        assert_int_equal(a->refs + b->refs, 0);
        teardown(NULL);
    }
}

static void test_delivery_before_vcpu_info(void **state)
{
    struct tdom *a = mkdom_n(1, 128, 2, NO_VIEWS);
    uint32_t p0, p1, pm, pw;
    struct evtchn_vcpu_view v0 = view_of(a, 0), v1 = view_of(a, 1);
    struct evtchn_vcpu_view half = { &a->upcall[0], NULL };
    (void)state;

    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p0), 0);
    assert_int_equal(evtchn_bind_ipi(&a->ev, 1, &p1), 0);
    assert_int_equal(evtchn_bind_ipi(&a->ev, 1, &pm), 0);
    for (int i = 0; i < 62; i++)   /* pw lands in word 1 */
        assert_int_equal(evtchn_bind_ipi(&a->ev, 1, &pw), 0);
    assert_int_equal(pw, 65);
    mask_port(a, pm);
    assert_int_equal(evtchn_send(&a->ev, p0), 0);
    assert_int_equal(evtchn_send(&a->ev, pw), 0);
    assert_int_equal(evtchn_send(&a->ev, pm), 0);
    assert_true(pend(a, p0) && pend(a, pw) && pend(a, pm));
    assert_int_equal(total_kicks(a), 0);
    assert_int_equal(a->sel[0] | a->sel[1] | a->upcall[0] | a->upcall[1], 0);

    assert_int_equal(evtchn_vcpu_views_set(&a->ev, 0, &half), -EINVAL);
    assert_int_equal(evtchn_vcpu_views_set(&a->ev, 2, &v0), -EINVAL);
    assert_int_equal(evtchn_vcpu_views_set(&a->ev, 1, &v1), 0);
    assert_int_equal(a->sel[1], 0x3);      /* words 0 and 1 */
    assert_int_equal(a->upcall[1], 1);
    assert_int_equal(a->kicks[1], 1);
    /* Only the masked port pending: nothing to replay, no upcall. */
    memset(a->pending, 0, sizeof(a->pending));
    a->pending[0] = 1ull << pm;
    assert_int_equal(evtchn_vcpu_views_set(&a->ev, 0, &v0), 0);
    assert_int_equal(a->sel[0], 0);
    assert_int_equal(a->upcall[0], 0);
    assert_int_equal(a->kicks[0], 0);
    /* Unregistered again: delivery must not write the old vcpu_info. */
    assert_int_equal(evtchn_vcpu_views_set(&a->ev, 0, NULL), 0);
    assert_int_equal(evtchn_send(&a->ev, p0), 0);
    assert_true(pend(a, p0));
    assert_int_equal(a->sel[0], 0);
    assert_int_equal(a->kicks[0], 0);
    assert_int_equal(evtchn_vcpu_views_set(&a->ev, 0, &v0), 0);
    assert_int_equal(a->sel[0], 1);
    assert_int_equal(a->kicks[0], 1);
}

struct xen_backend {
    struct evtchn_domain *d;
    uint32_t port;
    unsigned int calls;
    int raise_rc;
};

static void backend_notified(void *opaque, struct evtchn_domain *d,
                             unsigned int port)
{
    struct xen_backend *be = opaque;

    assert_ptr_equal(d, be->d);
    assert_int_equal(port, be->port);
    be->calls++;
    /* Answer at once, as a console backend does; no lock is held here. */
    be->raise_rc = evtchn_raise_xen_port(d, port);
}

static void test_xen_port(void **state)
{
    struct tdom *a = mkdom(1, 0);
    struct xen_backend be = { &a->ev, 0, 0, 1 };
    uint32_t p;
    (void)state;

    assert_int_equal(evtchn_alloc_xen_port(&a->ev, NULL, &be, &p), -EINVAL);
    assert_int_equal(evtchn_alloc_xen_port(&a->ev, backend_notified, &be, &be.port), 0);
    assert_int_equal(evtchn_send(&a->ev, be.port), 0);
    assert_int_equal(be.calls, 1);
    assert_int_equal(be.raise_rc, 0);
    assert_true(pend(a, be.port));
    assert_int_equal(a->kicks[0], 1);
    /* The guest may move it but not close it. */
    assert_int_equal(evtchn_bind_vcpu(&a->ev, be.port, 1), 0);
    consume(a);
    assert_int_equal(evtchn_raise_xen_port(&a->ev, be.port), 0);
    assert_int_equal(a->kicks[1], 1);
    assert_int_equal(evtchn_close(&a->ev, be.port), -EINVAL);
    assert_int_equal(evtchn_free_xen_port(&a->ev, be.port), 0);
    assert_false(pend(a, be.port));
    assert_int_equal(evtchn_send(&a->ev, be.port), -EINVAL);
    assert_int_equal(evtchn_raise_xen_port(&a->ev, be.port), -EINVAL);
    assert_int_equal(be.calls, 1);
    /* Not a Xen-backed port: the backend helpers refuse it. */
    assert_int_equal(evtchn_bind_ipi(&a->ev, 0, &p), 0);
    assert_int_equal(evtchn_raise_xen_port(&a->ev, p), -EINVAL);
    assert_int_equal(evtchn_free_xen_port(&a->ev, p), -EINVAL);
    assert_int_equal(status(a, p).status, EVTCHNSTAT_ipi);
}

static void test_bind_vcpu_moves_delivery(void **state)
{
    struct tdom *a = mkdom(1, 0), *b = mkdom(2, 0);
    uint32_t pa, pb, u;
    (void)state;

    connect(a, b, &pa, &pb);
    consume(b);
    assert_int_equal(evtchn_bind_vcpu(&b->ev, pb, 1), 0);
    assert_int_equal(evtchn_send(&a->ev, pa), 0);
    assert_true(selbit(b, 1, pb));
    assert_int_equal(b->sel[0], 0);
    assert_int_equal(b->kicks[1], 1);
    assert_int_equal(b->kicks[0], 0);
    /* Unmask raises the notify vCPU too. */
    consume(b);
    mask_port(b, pb);
    assert_int_equal(evtchn_send(&a->ev, pa), 0);
    assert_int_equal(evtchn_unmask(&b->ev, pb), 0);
    assert_int_equal(b->kicks[1], 1);
    /* Unbound ports may move; the binding keeps the vCPU. */
    assert_int_equal(evtchn_alloc_unbound(&a->ev, DOMID_SELF, 2, &u), 0);
    assert_int_equal(evtchn_bind_vcpu(&a->ev, u, 1), 0);
    assert_int_equal(status(a, u).vcpu, 1);
    /* Closing resets the notify vCPU to 0, as Xen. */
    assert_int_equal(evtchn_close(&b->ev, pb), 0);
    assert_int_equal(status(b, pb).vcpu, 0);
}

/* ---- concurrency smoke tests ----
 *
 * Host threads are preemptible, unlike a pCPU holding a spinlock. With
 * more runnable threads than CPUs (load, or one CPU), a waiter on a ticket
 * lock spins until the scheduler runs the holder or the next ticket's
 * owner, so every hand-off may cost a whole time slice: a fixed count of
 * 100000 rounds then takes hours although nothing is deadlocked. The races
 * so run for a bounded time, and a watchdog tells a real deadlock (no
 * operation completes for RACE_STALL_MS) from mere slowness. Racing
 * threads record errors instead of asserting: cmocka's longjmp is only
 * valid on the test's own thread. */

#define RACE_MS 1000           /* racing time budget per test */
#define RACE_MAX_ITERS 100000  /* enough on an idle machine */
#define RACE_MIN_ITERS 8       /* even when starved: both close orders */
#define RACE_STALL_MS 10000

static uint64_t race_end_ms;
static unsigned long race_progress;  /* evtchn calls completed */
static unsigned long race_bad;       /* unexpected results */
static bool watchdog_stop;

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool race_over(void)
{
    return now_ms() >= race_end_ms;
}

/* Every call in these races must succeed: each thread owns its ports. */
static void race_rc(int rc)
{
    if (rc)
        __atomic_fetch_add(&race_bad, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&race_progress, 1, __ATOMIC_SEQ_CST);
}

/* Threads may be stuck in spin_lock: fail the binary rather than hang. */
static void *watchdog(void *opaque)
{
    const char *what = opaque;
    unsigned long seen = ~0ul;
    uint64_t since = now_ms();
    const struct timespec tick = { 0, 10 * 1000 * 1000 };

    while (!__atomic_load_n(&watchdog_stop, __ATOMIC_SEQ_CST)) {
        unsigned long p = __atomic_load_n(&race_progress, __ATOMIC_SEQ_CST);

        if (p != seen) {
            seen = p;
            since = now_ms();
        } else if (now_ms() - since > RACE_STALL_MS) {
            fprintf(stderr, "%s: no evtchn call completed for %d ms: "
                    "deadlock\n", what, RACE_STALL_MS);
            _exit(EXIT_FAILURE);
        }
        nanosleep(&tick, NULL);
    }
    return NULL;
}

static void race_start(pthread_t *wd, const char *what)
{
    race_progress = 0;
    race_bad = 0;
    watchdog_stop = false;
    race_end_ms = now_ms() + RACE_MS;
    assert_int_equal(pthread_create(wd, NULL, watchdog, (void *)what), 0);
}

static void race_stop(pthread_t wd)
{
    __atomic_store_n(&watchdog_stop, true, __ATOMIC_SEQ_CST);
    pthread_join(wd, NULL);
    assert_int_equal(race_bad, 0);
}

/* Opposite lock orders: connect, send both ways, close from either end. */
static pthread_barrier_t start_line;

struct race_arg {
    struct tdom *self, *peer;
    unsigned int iters;   /* out: rounds done */
};

static void race_round(struct race_arg *r, unsigned int i)
{
    uint32_t mine = 0, theirs = 0;
    int rc;

    rc = evtchn_alloc_unbound(&r->self->ev, DOMID_SELF,
                              r->peer->ev.domid, &mine);
    race_rc(rc);
    if (rc)
        return;
    rc = evtchn_bind_interdomain(&r->peer->ev, r->self->ev.domid, mine,
                                 &theirs);
    race_rc(rc);
    if (rc) {
        race_rc(evtchn_close(&r->self->ev, mine));
        return;
    }
    race_rc(evtchn_send(&r->self->ev, mine));
    race_rc(evtchn_send(&r->peer->ev, theirs));
    /* The higher domid's end first drops and retakes its own lock. */
    if (i & 1) {
        race_rc(evtchn_close(&r->peer->ev, theirs));
        race_rc(evtchn_close(&r->self->ev, mine));
    } else {
        race_rc(evtchn_close(&r->self->ev, mine));
        race_rc(evtchn_close(&r->peer->ev, theirs));
    }
}

static void *race_thread(void *opaque)
{
    struct race_arg *r = opaque;
    unsigned int i;

    pthread_barrier_wait(&start_line);
    for (i = 0; i < RACE_MAX_ITERS && (i < RACE_MIN_ITERS || !race_over()); i++)
        race_round(r, i);
    r->iters = i;
    return NULL;
}

static void test_concurrent_pairs(void **state)
{
    struct tdom *a = mkdom(1, 0), *b = mkdom(2, 0);
    struct race_arg ra = { a, b, 0 }, rb = { b, a, 0 };
    pthread_t ta, tb, wd;
    (void)state;

    assert_int_equal(pthread_barrier_init(&start_line, NULL, 2), 0);
    race_start(&wd, "test_concurrent_pairs");
    assert_int_equal(pthread_create(&ta, NULL, race_thread, &ra), 0);
    assert_int_equal(pthread_create(&tb, NULL, race_thread, &rb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    race_stop(wd);
    pthread_barrier_destroy(&start_line);
    assert_true(ra.iters >= RACE_MIN_ITERS && rb.iters >= RACE_MIN_ITERS);
    /* Every channel ended closed on both sides, its pending bit cleared,
     * references balanced. */
    for (uint32_t q = 1; q < 64; q++) {
        unsigned int sa = status(a, q).status, sb = status(b, q).status;
        if (sa != EVTCHNSTAT_closed || sb != EVTCHNSTAT_closed)
            fail_msg("port %u left open: %u %u", q, sa, sb);
    }
    assert_int_equal(a->pending[0] | b->pending[0], 0);
    assert_int_equal(a->refs + b->refs, 0);
}

/* Sends racing with vcpu_info (un)registration: once a view is finally
 * registered, every pending unmasked port must be visible in it. */
struct view_race {
    struct tdom *t;
    uint32_t port;
    bool stop;
    unsigned long sends;
};

static void *view_sender(void *opaque)
{
    struct view_race *r = opaque;

    while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
        race_rc(evtchn_send(&r->t->ev, r->port));
        __atomic_fetch_add(&r->sends, 1, __ATOMIC_SEQ_CST);
        __atomic_fetch_and(&r->t->pending[0], ~(1ull << r->port), __ATOMIC_SEQ_CST);
        __atomic_store_n(&r->t->sel[1], 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&r->t->upcall[1], 0, __ATOMIC_SEQ_CST);
    }
    race_rc(evtchn_send(&r->t->ev, r->port));
    return NULL;
}

/* Toggle until both sides did 20000 calls or, past the time budget, a few
 * (the sender may have been starved until then). */
static bool view_race_done(struct view_race *r, unsigned long toggles)
{
    unsigned long sends = __atomic_load_n(&r->sends, __ATOMIC_SEQ_CST);

    if (toggles >= 20000 && sends >= 20000)
        return true;
    return toggles >= RACE_MIN_ITERS && sends >= RACE_MIN_ITERS && race_over();
}

static void test_concurrent_view_registration(void **state)
{
    struct tdom *a = mkdom(1, NO_VIEWS);
    struct evtchn_vcpu_view v1 = view_of(a, 1);
    struct view_race r = { a, 0, false, 0 };
    pthread_t th, wd;
    (void)state;

    assert_int_equal(evtchn_bind_ipi(&a->ev, 1, &r.port), 0);
    race_start(&wd, "test_concurrent_view_registration");
    assert_int_equal(pthread_create(&th, NULL, view_sender, &r), 0);
    for (unsigned long i = 0; !view_race_done(&r, i); i++)
        race_rc(evtchn_vcpu_views_set(&a->ev, 1, i & 1 ? NULL : &v1));
    race_rc(evtchn_vcpu_views_set(&a->ev, 1, NULL));
    __atomic_store_n(&r.stop, true, __ATOMIC_SEQ_CST);
    pthread_join(th, NULL);
    race_stop(wd);
    assert_true(pend(a, r.port));
    a->sel[1] = 0;
    a->upcall[1] = 0;
    assert_int_equal(evtchn_vcpu_views_set(&a->ev, 1, &v1), 0);
    assert_true(selbit(a, 1, r.port));
    assert_int_equal(a->upcall[1], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_init_rejects_bad_config, teardown),
        cmocka_unit_test_teardown(test_port0_reserved, teardown),
        cmocka_unit_test_teardown(test_alloc_bind_close_cycles, teardown),
        cmocka_unit_test_teardown(test_interdomain_both_directions, teardown),
        cmocka_unit_test_teardown(test_high_port_uses_its_selector_word, teardown),
        cmocka_unit_test_teardown(test_masked_until_unmask, teardown),
        cmocka_unit_test_teardown(test_no_second_kick, teardown),
        cmocka_unit_test_teardown(test_virq_binding_rules, teardown),
        cmocka_unit_test_teardown(test_send_virq, teardown),
        cmocka_unit_test_teardown(test_ipi_other_vcpu, teardown),
        cmocka_unit_test_teardown(test_close_makes_remote_unbound, teardown),
        cmocka_unit_test_teardown(test_loopback_interdomain, teardown),
        cmocka_unit_test_teardown(test_status_table, teardown),
        cmocka_unit_test_teardown(test_exhaustion, teardown),
        cmocka_unit_test_teardown(test_hostile_inputs, teardown),
        cmocka_unit_test_teardown(test_privileged_acts_for_others, teardown),
        cmocka_unit_test_teardown(test_destroy_leaves_remote_consistent, teardown),
        cmocka_unit_test_teardown(test_delivery_before_vcpu_info, teardown),
        cmocka_unit_test_teardown(test_xen_port, teardown),
        cmocka_unit_test_teardown(test_bind_vcpu_moves_delivery, teardown),
        cmocka_unit_test_teardown(test_concurrent_pairs, teardown),
        cmocka_unit_test_teardown(test_concurrent_view_registration, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
