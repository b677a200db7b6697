// SPDX-License-Identifier: MIT
/* Unit tests of the virtual local APIC (hv/hvm/vlapic.c, vlapic_timer.c). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vlapic.h>

#define NR_CPUS 4

/* The fake platform: a clock, and records of the callbacks. */
static uint64_t fake_now;
static struct vlapic cpus[NR_CPUS];
static struct vlapic_ipi ipis[8];
static int nr_ipi;
static uint8_t eois[8];
static int nr_eoi;

static uint64_t fake_now_ns(void *opaque)
{
    (void)opaque;
    return fake_now;
}

static void record_ipi(void *opaque, const struct vlapic_ipi *ipi)
{
    (void)opaque;
    if (nr_ipi < (int)(sizeof(ipis) / sizeof(ipis[0])))
        ipis[nr_ipi] = *ipi;
    nr_ipi++;
}

static void record_eoi(void *opaque, uint8_t vector)
{
    (void)opaque;
    if (nr_eoi < (int)sizeof(eois))
        eois[nr_eoi] = vector;
    nr_eoi++;
}

static const struct vlapic_ops ops = {
    .now_ns = fake_now_ns,
    .ipi = record_ipi,
    .eoi_level = record_eoi,
};

static int setup(void **state)
{
    (void)state;
    fake_now = 0;
    nr_ipi = 0;
    nr_eoi = 0;
    for (uint32_t i = 0; i < NR_CPUS; i++) {
        struct vlapic_config cfg = {
            .vcpu_id = i, .bsp = i == 0, .phys_addr_bits = 40, .ops = &ops,
        };
        assert_int_equal(vlapic_init(&cpus[i], &cfg), 0);
    }
    return 0;
}

static uint32_t rd(struct vlapic *v, unsigned int reg)
{
    uint64_t val = 0xdeadbeef;

    assert_int_equal(vlapic_mmio_read(v, reg, 4, &val), 0);
    return (uint32_t)val;
}

static void wr(struct vlapic *v, unsigned int reg, uint32_t val)
{
    assert_int_equal(vlapic_mmio_write(v, reg, 4, val), 0);
}

/* ESR semantics: write, then read what was logged since the last write. */
static uint32_t esr(struct vlapic *v)
{
    wr(v, VLAPIC_REG_ESR, 0);
    return rd(v, VLAPIC_REG_ESR);
}

static bool irr_bit(struct vlapic *v, unsigned int vec)
{
    return rd(v, VLAPIC_REG_IRR + vec / 32 * 0x10) & (1U << (vec % 32));
}

static bool isr_bit(struct vlapic *v, unsigned int vec)
{
    return rd(v, VLAPIC_REG_ISR + vec / 32 * 0x10) & (1U << (vec % 32));
}

static void sw_enable(struct vlapic *v)
{
    wr(v, VLAPIC_REG_SVR, VLAPIC_SVR_ENABLE | 0xff);
}

/* ---- registers --------------------------------------------------------- */

static void test_reset_values(void **state)
{
    static const struct { unsigned int reg; uint32_t val; } t[] = {
        { VLAPIC_REG_ID, 2U << 24 },   { VLAPIC_REG_VERSION, 0x00050014 },
        { VLAPIC_REG_TPR, 0 },         { VLAPIC_REG_APR, 0 },
        { VLAPIC_REG_PPR, 0 },         { VLAPIC_REG_LDR, 0 },
        { VLAPIC_REG_DFR, 0xffffffff }, { VLAPIC_REG_SVR, 0xff },
        { VLAPIC_REG_ESR, 0 },         { VLAPIC_REG_ICR_LO, 0 },
        { VLAPIC_REG_ICR_HI, 0 },      { VLAPIC_REG_LVT_TIMER, 0x10000 },
        { VLAPIC_REG_LVT_THERMAL, 0x10000 }, { VLAPIC_REG_LVT_PMC, 0x10000 },
        { VLAPIC_REG_LVT_LINT0, 0x10000 }, { VLAPIC_REG_LVT_LINT1, 0x10000 },
        { VLAPIC_REG_LVT_ERROR, 0x10000 }, { VLAPIC_REG_TMICT, 0 },
        { VLAPIC_REG_TMCCT, 0 },       { VLAPIC_REG_TDCR, 0 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        assert_int_equal(rd(&cpus[2], t[i].reg), t[i].val);
    for (unsigned int r = 0; r < 24; r++)
        assert_int_equal(rd(&cpus[2], VLAPIC_REG_ISR + r * 0x10), 0);
    assert_int_equal(vlapic_get_base_msr(&cpus[0]), 0xfee00900ULL);
    assert_int_equal(vlapic_get_base_msr(&cpus[2]), 0xfee00800ULL);
    assert_int_equal(vlapic_pending_vector(&cpus[2]), -1);
    assert_false(vlapic_extint_pending(&cpus[2]));
}

/* Written value -> value read back, with SVR enabled so LVTs unmask. */
static void test_register_write_masks(void **state)
{
    static const struct { unsigned int reg; uint32_t w, r; } t[] = {
        { VLAPIC_REG_ID, 0xffffffff, 0xff000000 },
        { VLAPIC_REG_VERSION, 0, 0x00050014 },
        { VLAPIC_REG_TPR, 0xfff, 0xff },
        { VLAPIC_REG_PPR, 0x12, 0xff }, /* read-only: follows TPR */
        { VLAPIC_REG_LDR, 0xffffffff, 0xff000000 },
        { VLAPIC_REG_DFR, 0, 0x0fffffff },
        { VLAPIC_REG_SVR, 0xffffffff, 0x3ff },
        { VLAPIC_REG_ISR, 0xffffffff, 0 },
        { VLAPIC_REG_TMR + 0x10, 0xffffffff, 0 },
        { VLAPIC_REG_IRR + 0x70, 0xffffffff, 0 },
        { VLAPIC_REG_ICR_HI, 0xffffffff, 0xff000000 },
        { VLAPIC_REG_LVT_TIMER, 0xffffffff, 0x000700ff },
        { VLAPIC_REG_LVT_THERMAL, 0xffffffff, 0x000107ff },
        { VLAPIC_REG_LVT_PMC, 0xffffffff, 0x000107ff },
        { VLAPIC_REG_LVT_LINT0, 0xffffffff, 0x0001a7ff },
        { VLAPIC_REG_LVT_LINT1, 0x0000c4ff, 0x000084ff },
        { VLAPIC_REG_LVT_ERROR, 0xffffffff, 0x000100ff },
        { VLAPIC_REG_TDCR, 0xffffffff, 0xb },
        { VLAPIC_REG_TMCCT, 1234, 0 },
    };
    struct vlapic *v = &cpus[1];

    (void)state;
    sw_enable(v);
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        wr(v, t[i].reg, t[i].w);
        assert_int_equal(rd(v, t[i].reg), t[i].r);
    }
    /* ICR low: delivery status (bit 12) and reserved bits read 0. */
    wr(v, VLAPIC_REG_ICR_LO, 0xffffffff); /* ExtINT: not sent */
    assert_int_equal(rd(v, VLAPIC_REG_ICR_LO), 0x000ccfff);
    assert_int_equal(nr_ipi, 0);
}

static void test_access_sizes(void **state)
{
    struct vlapic *v = &cpus[0];
    uint64_t val;

    (void)state;
    wr(v, VLAPIC_REG_TPR, 0x20);
    for (unsigned int size = 1; size <= 8; size *= 2) {
        val = 0x55;
        assert_int_equal(vlapic_mmio_read(v, VLAPIC_REG_TPR, size, &val), 0);
        assert_int_equal(val, size == 4 ? 0x20 : 0);
        assert_int_equal(vlapic_mmio_write(v, VLAPIC_REG_TPR, size, 0x70), 0);
        assert_int_equal(rd(v, VLAPIC_REG_TPR), size == 4 ? 0x70 : 0x20);
        wr(v, VLAPIC_REG_TPR, 0x20);
    }
    /* Misaligned dword: read 0, write ignored. */
    assert_int_equal(vlapic_mmio_read(v, VLAPIC_REG_TPR + 4, 4, &val), 0);
    assert_int_equal(val, 0);
    assert_int_equal(vlapic_mmio_write(v, VLAPIC_REG_TPR + 4, 4, 0x90), 0);
    assert_int_equal(rd(v, VLAPIC_REG_TPR), 0x20);
    /* Outside the page: not decoded. */
    assert_int_equal(vlapic_mmio_read(v, 0x1000, 4, &val), -EINVAL);
    assert_int_equal(vlapic_mmio_write(v, 0x1000, 4, 0), -EINVAL);
    /* Unimplemented register: 0, and "illegal register address". */
    assert_int_equal(esr(v), 0);
    assert_int_equal(rd(v, 0x040), 0);
    assert_int_equal(esr(v), VLAPIC_ESR_ILLEGAL_REG);
    wr(v, 0x3f0, 1);
    assert_int_equal(esr(v), VLAPIC_ESR_ILLEGAL_REG);
    assert_int_equal(esr(v), 0);
}

/* ---- priorities, acceptance, EOI --------------------------------------- */

static void test_tpr_ppr_masking(void **state)
{
    /* tpr, in-service vector (0 = none), requested vector -> ppr, pending */
    static const struct { uint8_t tpr, isr, irr; uint32_t ppr; int pend; } t[] = {
        { 0x00, 0, 0x20, 0x00, 0x20 },
        { 0x20, 0, 0x20, 0x20, -1 },   /* same class as TPR: blocked */
        { 0x2f, 0, 0x30, 0x2f, 0x30 },
        { 0x3f, 0, 0x3f, 0x3f, -1 },
        { 0x10, 0x45, 0x4a, 0x40, -1 }, /* same class as in service */
        { 0x10, 0x45, 0x51, 0x40, 0x51 },
        { 0x47, 0x4a, 0x51, 0x47, 0x51 }, /* equal classes: PPR = TPR */
        { 0x65, 0x45, 0x61, 0x65, -1 },  /* TPR above ISR class */
        { 0x65, 0x45, 0x71, 0x65, 0x71 },
        { 0xff, 0, 0xff, 0xff, -1 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct vlapic *v = &cpus[0];

        setup(NULL);
        sw_enable(v);
        if (t[i].isr) {
            vlapic_set_irq(v, t[i].isr, false);
            assert_true(vlapic_ack(v, t[i].isr));
        }
        wr(v, VLAPIC_REG_TPR, t[i].tpr);
        vlapic_set_irq(v, t[i].irr, false);
        assert_int_equal(rd(v, VLAPIC_REG_PPR), t[i].ppr);
        assert_int_equal(vlapic_get_ppr(v), t[i].ppr);
        assert_int_equal(vlapic_pending_vector(v), t[i].pend);
    }
}

static void test_nested_eoi(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    sw_enable(v);
    vlapic_set_irq(v, 0x31, false);
    assert_int_equal(vlapic_pending_vector(v), 0x31);
    assert_true(vlapic_ack(v, 0x31));
    assert_false(irr_bit(v, 0x31));
    assert_true(isr_bit(v, 0x31));
    /* A higher class nests; a lower one waits. */
    vlapic_set_irq(v, 0x51, false);
    vlapic_set_irq(v, 0x41, false);
    assert_int_equal(vlapic_pending_vector(v), 0x51);
    assert_false(vlapic_ack(v, 0x41));
    assert_true(vlapic_ack(v, 0x51));
    assert_int_equal(rd(v, VLAPIC_REG_PPR), 0x50);
    assert_int_equal(vlapic_pending_vector(v), -1);
    /* EOI retires the highest in service (0x51), unblocking 0x41. */
    wr(v, VLAPIC_REG_EOI, 0);
    assert_false(isr_bit(v, 0x51));
    assert_true(isr_bit(v, 0x31));
    assert_int_equal(vlapic_pending_vector(v), 0x41);
    assert_true(vlapic_ack(v, 0x41));
    wr(v, VLAPIC_REG_EOI, 0);
    assert_true(isr_bit(v, 0x31));
    wr(v, VLAPIC_REG_EOI, 0);
    assert_int_equal(rd(v, VLAPIC_REG_ISR + 0x10), 0);
    assert_int_equal(rd(v, VLAPIC_REG_PPR), 0);
    wr(v, VLAPIC_REG_EOI, 0); /* nothing in service: harmless */
    assert_int_equal(nr_eoi, 0);
    /* A coalesced request: two set_irq, one delivery. */
    vlapic_set_irq(v, 0x80, false);
    vlapic_set_irq(v, 0x80, false);
    assert_true(vlapic_ack(v, 0x80));
    assert_int_equal(vlapic_pending_vector(v), -1);
}

static void test_level_eoi_callback(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    sw_enable(v);
    vlapic_set_irq(v, 0x61, true);
    assert_int_equal(rd(v, VLAPIC_REG_TMR + 0x30), 1U << 1);
    vlapic_set_irq(v, 0x70, false);
    assert_true(vlapic_ack(v, 0x70));
    wr(v, VLAPIC_REG_EOI, 0);
    assert_int_equal(nr_eoi, 0); /* edge: no broadcast */
    assert_true(vlapic_ack(v, 0x61));
    wr(v, VLAPIC_REG_EOI, 0);
    assert_int_equal(nr_eoi, 1);
    assert_int_equal(eois[0], 0x61);
    /* The same vector re-accepted as edge clears its TMR bit. */
    vlapic_set_irq(v, 0x61, false);
    assert_int_equal(rd(v, VLAPIC_REG_TMR + 0x30), 0);
}

static void test_illegal_vectors(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    sw_enable(v);
    for (unsigned int vec = 0; vec < 16; vec++)
        vlapic_set_irq(v, (uint8_t)vec, false);
    assert_int_equal(rd(v, VLAPIC_REG_IRR), 0);
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_int_equal(esr(v), VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
    assert_int_equal(esr(v), 0);
    /* With the error LVT unmasked the error raises its vector. */
    wr(v, VLAPIC_REG_LVT_ERROR, 0xfe);
    vlapic_set_irq(v, 15, false);
    assert_int_equal(vlapic_pending_vector(v), 0xfe);
    /* Sending a fixed IPI with vector 3 is refused. */
    wr(v, VLAPIC_REG_ICR_LO, 0x03);
    assert_int_equal(nr_ipi, 0);
    assert_int_equal(esr(v), VLAPIC_ESR_RECV_ILLEGAL_VECTOR |
                                 VLAPIC_ESR_SEND_ILLEGAL_VECTOR);
    vlapic_set_irq(v, 16, false);
    assert_true(irr_bit(v, 16));
}

static void test_svr_disable(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    sw_enable(v);
    for (unsigned int r = VLAPIC_REG_LVT_TIMER; r <= VLAPIC_REG_LVT_ERROR;
         r += 0x10)
        wr(v, r, 0x40);
    assert_int_equal(rd(v, VLAPIC_REG_LVT_PMC), 0x40);
    vlapic_set_irq(v, 0x90, false);
    wr(v, VLAPIC_REG_SVR, 0xff); /* software disable */
    for (unsigned int r = VLAPIC_REG_LVT_TIMER; r <= VLAPIC_REG_LVT_ERROR;
         r += 0x10)
        assert_int_equal(rd(v, r), 0x10040);
    wr(v, VLAPIC_REG_LVT_LINT1, 0x400); /* cannot unmask */
    assert_int_equal(rd(v, VLAPIC_REG_LVT_LINT1), 0x10400);
    /* Held requests stay deliverable; new ones are dropped. */
    vlapic_set_irq(v, 0xa0, false);
    assert_false(irr_bit(v, 0xa0));
    assert_int_equal(vlapic_pending_vector(v), 0x90);
    /* Re-enabling does not unmask. */
    sw_enable(v);
    assert_int_equal(rd(v, VLAPIC_REG_LVT_TIMER), 0x10040);
}

/* ---- timer ------------------------------------------------------------- */

static void test_timer_oneshot_divide(void **state)
{
    static const struct { uint32_t tdcr; uint64_t div; } t[] = {
        { 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
        { 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct vlapic *v = &cpus[0];
        uint64_t start = 5000, due = start + 1000 * t[i].div;

        setup(NULL);
        sw_enable(v);
        wr(v, VLAPIC_REG_LVT_TIMER, 0x30);
        wr(v, VLAPIC_REG_TDCR, t[i].tdcr);
        fake_now = start;
        wr(v, VLAPIC_REG_TMICT, 1000);
        assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 1000);
        fake_now = start + 250 * t[i].div;
        assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 750);
        fake_now = due - 1;
        assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 1);
        assert_int_equal(vlapic_poll(v, due - 1), due);
        assert_int_equal(vlapic_pending_vector(v), -1);
        assert_int_equal(vlapic_poll(v, due), HVM_NO_DEADLINE);
        assert_int_equal(vlapic_pending_vector(v), 0x30);
        fake_now = due;
        assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 0);
        assert_int_equal(rd(v, VLAPIC_REG_TMICT), 1000);
    }
}

static void test_timer_periodic(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    sw_enable(v);
    wr(v, VLAPIC_REG_LVT_TIMER, 0x20030); /* periodic, vector 0x30 */
    wr(v, VLAPIC_REG_TDCR, 0xb);          /* divide by 1 */
    fake_now = 100;
    wr(v, VLAPIC_REG_TMICT, 1000);
    assert_int_equal(vlapic_poll(v, 100), 1100);
    /* Polled 7 ns late: fires, next deadline stays on the grid. */
    assert_int_equal(vlapic_poll(v, 1107), 2100);
    assert_true(vlapic_ack(v, 0x30));
    wr(v, VLAPIC_REG_EOI, 0);
    fake_now = 1107;
    assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 993);
    assert_int_equal(vlapic_poll(v, 2100), 3100);
    assert_true(vlapic_ack(v, 0x30));
    wr(v, VLAPIC_REG_EOI, 0);
    /* Three periods missed: one interrupt, deadline still on the grid. */
    fake_now = 5600;
    assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 500);
    assert_int_equal(vlapic_poll(v, 5600), 6100);
    assert_true(vlapic_ack(v, 0x30));
    assert_int_equal(vlapic_pending_vector(v), -1);
    /* Writing 0 stops it. */
    wr(v, VLAPIC_REG_TMICT, 0);
    assert_int_equal(vlapic_poll(v, 7000), HVM_NO_DEADLINE);
    assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 0);
}

static void test_timer_masked_and_tdcr_change(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    sw_enable(v);
    wr(v, VLAPIC_REG_LVT_TIMER, 0x30030); /* periodic, masked */
    wr(v, VLAPIC_REG_TDCR, 0x0);          /* divide by 2 */
    wr(v, VLAPIC_REG_TMICT, 500);         /* period 1000 ns */
    fake_now = 400;
    assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 300);
    assert_int_equal(vlapic_poll(v, 1000), 2000);
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_int_equal(rd(v, VLAPIC_REG_IRR + 0x10), 0);
    /* Unmasked mid-period: the next expiry is delivered. */
    wr(v, VLAPIC_REG_LVT_TIMER, 0x20030);
    fake_now = 1500; /* 250 counts left at /2 */
    assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 250);
    wr(v, VLAPIC_REG_TDCR, 0x1); /* /4: the 250 left take 1000 ns */
    assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 250);
    assert_int_equal(vlapic_poll(v, 2499), 2500);
    assert_int_equal(vlapic_poll(v, 2500), 4500); /* period now 2000 */
    assert_int_equal(vlapic_pending_vector(v), 0x30);
}

static void test_timer_tsc_deadline(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    sw_enable(v);
    /* Ignored outside TSC-deadline mode. */
    vlapic_set_tsc_deadline_ns(v, 500);
    assert_int_equal(vlapic_get_tsc_deadline_ns(v), 0);
    wr(v, VLAPIC_REG_TMICT, 1000);
    wr(v, VLAPIC_REG_LVT_TIMER, 0x40040); /* TSC-deadline disarms TMICT */
    assert_int_equal(rd(v, VLAPIC_REG_TMICT), 0);
    assert_int_equal(vlapic_poll(v, 5000), HVM_NO_DEADLINE);
    wr(v, VLAPIC_REG_TMICT, 1000); /* ignored in this mode */
    assert_int_equal(rd(v, VLAPIC_REG_TMICT), 0);
    assert_int_equal(rd(v, VLAPIC_REG_TMCCT), 0);
    vlapic_set_tsc_deadline_ns(v, 8000);
    assert_int_equal(vlapic_get_tsc_deadline_ns(v), 8000);
    assert_int_equal(vlapic_poll(v, 7999), 8000);
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_int_equal(vlapic_poll(v, 8000), HVM_NO_DEADLINE);
    assert_int_equal(vlapic_pending_vector(v), 0x40);
    assert_int_equal(vlapic_get_tsc_deadline_ns(v), 0);
    /* Leaving the mode disarms a pending deadline. */
    vlapic_set_tsc_deadline_ns(v, 9000);
    wr(v, VLAPIC_REG_LVT_TIMER, 0x40);
    wr(v, VLAPIC_REG_LVT_TIMER, 0x40040);
    assert_int_equal(vlapic_get_tsc_deadline_ns(v), 0);
    assert_int_equal(vlapic_poll(v, 9000), HVM_NO_DEADLINE);
}

/* ---- IPIs and destinations --------------------------------------------- */

static void test_icr_decode(void **state)
{
    /* icr_hi, icr_lo -> sent?, vector, mode, shorthand, dest, logical, level */
    static const struct {
        uint32_t hi, lo;
        bool sent;
        uint8_t vec, dm, sh, dest;
        bool logical, level;
    } t[] = {
        { 0x03000000, 0x000040f1, true, 0xf1, 0, 0, 3, false, false },
        { 0x0c000000, 0x00004831, true, 0x31, 0, 0, 0x0c, true, false },
        { 0x00000000, 0x000440f2, true, 0xf2, 0, 1, 0, false, false },
        { 0x00000000, 0x000840f3, true, 0xf3, 0, 2, 0, false, false },
        { 0x00000000, 0x000c40f4, true, 0xf4, 0, 3, 0, false, false },
        { 0x02000000, 0x00004100, false, 0, 0, 0, 0, false, false }, /* lowest, vec 0 */
        { 0x02000000, 0x00004150, true, 0x50, 1, 0, 2, false, false },
        { 0x02000000, 0x00004200, false, 0, 0, 0, 0, false, false }, /* SMI */
        { 0x01000000, 0x00004400, true, 0, 4, 0, 1, false, false },  /* NMI */
        { 0x00000000, 0x000c4400, true, 0, 4, 3, 0, false, false },
        { 0x01000000, 0x0000c500, true, 0, 5, 0, 1, false, true },   /* INIT */
        { 0x00000000, 0x000c4500, true, 0, 5, 3, 0, false, false },
        { 0x00000000, 0x00088500, false, 0, 0, 0, 0, false, false }, /* deassert */
        { 0x01000000, 0x0000469a, true, 0x9a, 6, 0, 1, false, false }, /* SIPI */
        { 0x00000000, 0x000c4608, true, 0x08, 6, 3, 0, false, false },
        { 0x00000000, 0x00004700, false, 0, 0, 0, 0, false, false }, /* ExtINT */
    };
    struct vlapic *v = &cpus[0];

    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        nr_ipi = 0;
        wr(v, VLAPIC_REG_ICR_HI, t[i].hi);
        wr(v, VLAPIC_REG_ICR_LO, t[i].lo);
        assert_int_equal(rd(v, VLAPIC_REG_ICR_LO) & VLAPIC_ICR_DELIV_STATUS, 0);
        assert_int_equal(nr_ipi, t[i].sent ? 1 : 0);
        if (!t[i].sent)
            continue;
        assert_int_equal(ipis[0].vector, t[i].vec);
        assert_int_equal(ipis[0].delivery_mode, t[i].dm);
        assert_int_equal(ipis[0].shorthand, t[i].sh);
        assert_int_equal(ipis[0].dest, t[i].dest);
        assert_int_equal(ipis[0].dest_logical, t[i].logical);
        assert_int_equal(ipis[0].level_triggered, t[i].level);
        assert_ptr_equal(ipis[0].source, v);
    }
}

static void test_match_dest(void **state)
{
    /* dest, logical, shorthand, source cpu -> bitmap of matching cpus.
     * Logical IDs: cpus 0,1 flat 0x01,0x02; cpus 2,3 cluster 0x21,0x22
     * (the two models are not mixed on real systems; each row below only
     * asks about one model). */
    static const struct {
        uint8_t dest;
        bool logical;
        unsigned int sh;
        int src;
        unsigned int match;
    } t[] = {
        { 1, false, VLAPIC_SH_NONE, 0, 0x2 },
        { 3, false, VLAPIC_SH_NONE, 0, 0x8 },
        { 9, false, VLAPIC_SH_NONE, 0, 0x0 },
        { 0xff, false, VLAPIC_SH_NONE, 0, 0xf },
        { 0x03, true, VLAPIC_SH_NONE, 0, 0x3 },  /* flat: cpus 0,1 */
        { 0x02, true, VLAPIC_SH_NONE, 0, 0x2 },
        { 0x21, true, VLAPIC_SH_NONE, 0, 0x5 },  /* cpu 0 (flat bit 0), cpu 2 */
        { 0x23, true, VLAPIC_SH_NONE, 0, 0xf },  /* flat 0,1 + cluster 2: 1,2 */
        { 0x12, true, VLAPIC_SH_NONE, 0, 0x2 },  /* flat bit 1 only */
        { 0xff, true, VLAPIC_SH_NONE, 0, 0xf },
        { 0x00, false, VLAPIC_SH_SELF, 2, 0x4 },
        { 0x00, false, VLAPIC_SH_ALL_INCL, 2, 0xf },
        { 0x00, false, VLAPIC_SH_ALL_EXCL, 2, 0xb },
    };
    (void)state;
    wr(&cpus[0], VLAPIC_REG_LDR, 0x01000000);
    wr(&cpus[1], VLAPIC_REG_LDR, 0x02000000);
    wr(&cpus[2], VLAPIC_REG_DFR, 0x0fffffff);
    wr(&cpus[2], VLAPIC_REG_LDR, 0x21000000);
    wr(&cpus[3], VLAPIC_REG_DFR, 0x0fffffff);
    wr(&cpus[3], VLAPIC_REG_LDR, 0x22000000);
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        unsigned int got = 0;

        for (int c = 0; c < NR_CPUS; c++)
            if (vlapic_match_dest(&cpus[c], t[i].dest, t[i].logical, t[i].sh,
                                  &cpus[t[i].src]))
                got |= 1U << c;
        assert_int_equal(got, t[i].match);
    }
    /* A hardware-disabled APIC matches nothing; IOAPIC messages have no
     * source. */
    assert_int_equal(vlapic_set_base_msr(&cpus[3], 0xfee00000), 0);
    assert_false(vlapic_match_dest(&cpus[3], 0xff, false, 0, NULL));
    assert_true(vlapic_match_dest(&cpus[1], 0xff, false, 0, NULL));
}

/* The domain layer's job, done here to check the pieces fit together. */
static void route_ipi(void *opaque, const struct vlapic_ipi *ipi)
{
    (void)opaque;
    for (int c = 0; c < NR_CPUS; c++) {
        if (!vlapic_match_dest(&cpus[c], ipi->dest, ipi->dest_logical,
                               ipi->shorthand, ipi->source))
            continue;
        if (ipi->delivery_mode == VLAPIC_DM_NMI)
            cpus[c].nmi_pending = true;
        else
            vlapic_set_irq(&cpus[c], ipi->vector, ipi->level_triggered);
    }
}

static void test_ipi_routing(void **state)
{
    static const struct vlapic_ops route_ops = {
        .now_ns = fake_now_ns, .ipi = route_ipi,
    };

    (void)state;
    for (int c = 0; c < NR_CPUS; c++) {
        cpus[c].ops = &route_ops;
        sw_enable(&cpus[c]);
    }
    wr(&cpus[1], VLAPIC_REG_ICR_LO, 0x000c40e0); /* all but self, 0xe0 */
    for (int c = 0; c < NR_CPUS; c++)
        assert_int_equal(vlapic_pending_vector(&cpus[c]), c == 1 ? -1 : 0xe0);
    wr(&cpus[1], VLAPIC_REG_ICR_HI, 0x02000000);
    wr(&cpus[1], VLAPIC_REG_ICR_LO, 0x00004400); /* NMI to APIC 2 */
    for (int c = 0; c < NR_CPUS; c++)
        assert_int_equal(vlapic_take_nmi(&cpus[c]), c == 2);
    assert_false(vlapic_take_nmi(&cpus[2]));
}

/* ---- LINT pins --------------------------------------------------------- */

static void test_lint0_extint(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    vlapic_set_lint(v, 0, true);
    assert_false(vlapic_extint_pending(v)); /* reset: masked */
    sw_enable(v);
    wr(v, VLAPIC_REG_LVT_LINT0, 0x8700); /* ExtINT, as firmware sets it */
    assert_true(vlapic_extint_pending(v));
    assert_int_equal(vlapic_pending_vector(v), -1);
    vlapic_set_lint(v, 0, false);
    assert_false(vlapic_extint_pending(v));
    vlapic_set_lint(v, 0, true);
    wr(v, VLAPIC_REG_LVT_LINT0, 0x18700);
    assert_false(vlapic_extint_pending(v));
    wr(v, VLAPIC_REG_LVT_LINT0, 0x2700); /* active low */
    assert_false(vlapic_extint_pending(v));
    vlapic_set_lint(v, 0, false);
    assert_true(vlapic_extint_pending(v));
}

static void test_lint_nmi_and_fixed(void **state)
{
    struct vlapic *v = &cpus[0];

    (void)state;
    sw_enable(v);
    wr(v, VLAPIC_REG_LVT_LINT1, 0x400); /* NMI */
    vlapic_set_lint(v, 1, true);
    assert_true(vlapic_take_nmi(v));
    vlapic_set_lint(v, 1, true); /* no new edge */
    assert_false(vlapic_take_nmi(v));
    vlapic_set_lint(v, 1, false);
    vlapic_set_lint(v, 1, true);
    assert_true(vlapic_take_nmi(v));
    /* Fixed, edge: one interrupt per rising edge. */
    wr(v, VLAPIC_REG_LVT_LINT0, 0x55);
    vlapic_set_lint(v, 0, true);
    assert_true(vlapic_ack(v, 0x55));
    vlapic_set_lint(v, 0, true);
    assert_int_equal(vlapic_pending_vector(v), -1);
    wr(v, VLAPIC_REG_EOI, 0);
    vlapic_set_lint(v, 0, false);
    /* Fixed, level: Remote IRR until EOI, redelivered while asserted. */
    wr(v, VLAPIC_REG_LVT_LINT0, 0x8066);
    vlapic_set_lint(v, 0, true);
    assert_int_equal(rd(v, VLAPIC_REG_LVT_LINT0), 0xc066);
    assert_true(vlapic_ack(v, 0x66));
    wr(v, VLAPIC_REG_EOI, 0);
    assert_int_equal(nr_eoi, 1);
    assert_int_equal(vlapic_pending_vector(v), 0x66);
    assert_true(vlapic_ack(v, 0x66));
    vlapic_set_lint(v, 0, false);
    wr(v, VLAPIC_REG_EOI, 0);
    assert_int_equal(rd(v, VLAPIC_REG_LVT_LINT0), 0x8066);
    assert_int_equal(vlapic_pending_vector(v), -1);
}

/* ---- base MSR, resets -------------------------------------------------- */

static void test_base_msr(void **state)
{
    struct vlapic *v = &cpus[1];
    uint64_t val;

    (void)state;
    assert_int_equal(vlapic_base_addr(v), 0xfee00000ULL);
    assert_int_equal(vlapic_set_base_msr(v, 0xfed00000ULL | VLAPIC_BASE_ENABLE |
                                                VLAPIC_BASE_BSP),
                     0);
    assert_int_equal(vlapic_get_base_msr(v), 0xfed00800ULL); /* BSP is RO */
    assert_int_equal(vlapic_base_addr(v), 0xfed00000ULL);
    assert_true(vlapic_hw_enabled(v));
    /* Reserved bits, EXTD (x2APIC hidden), above MAXPHYADDR (40). */
    assert_int_equal(vlapic_set_base_msr(v, 0xfee00801ULL), -EINVAL);
    assert_int_equal(vlapic_set_base_msr(v, 0xfee00c00ULL), -EINVAL);
    assert_int_equal(vlapic_set_base_msr(v, (1ULL << 40) | 0x800), -EINVAL);
    assert_int_equal(vlapic_set_base_msr(v, 0xff00000000ULL | 0x800), 0);
    assert_int_equal(vlapic_base_addr(v), 0xff00000000ULL);
    assert_int_equal(vlapic_set_base_msr(v, 0xfee00800ULL), 0);

    /* Globally disabled: no MMIO, nothing accepted, registers reset. */
    sw_enable(v);
    wr(v, VLAPIC_REG_TPR, 0x40);
    vlapic_set_irq(v, 0x80, false);
    assert_int_equal(vlapic_set_base_msr(v, 0xfee00000ULL), 0);
    assert_false(vlapic_hw_enabled(v));
    assert_int_equal(vlapic_mmio_read(v, VLAPIC_REG_TPR, 4, &val), -EINVAL);
    assert_int_equal(vlapic_mmio_write(v, VLAPIC_REG_TPR, 4, 0), -EINVAL);
    vlapic_set_irq(v, 0x90, false);
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_int_equal(vlapic_poll(v, 1000000), HVM_NO_DEADLINE);
    /* ...and the pins act as INTR and NMI. */
    vlapic_set_lint(v, 0, true);
    assert_true(vlapic_extint_pending(v));
    vlapic_set_lint(v, 1, true);
    assert_true(vlapic_take_nmi(v));
    vlapic_set_lint(v, 0, false);
    assert_int_equal(vlapic_set_base_msr(v, 0xfee00800ULL), 0);
    assert_int_equal(rd(v, VLAPIC_REG_TPR), 0);
    assert_int_equal(rd(v, VLAPIC_REG_SVR), 0xff);
    assert_int_equal(rd(v, VLAPIC_REG_IRR + 0x40), 0);
    assert_int_equal(rd(v, VLAPIC_REG_ID), 1U << 24);
}

static void test_init_reset_and_ack(void **state)
{
    struct vlapic *v = &cpus[1];

    (void)state;
    sw_enable(v);
    wr(v, VLAPIC_REG_ID, 0x07000000);
    assert_int_equal(vlapic_set_base_msr(v, 0xfec80800ULL), 0);
    wr(v, VLAPIC_REG_LDR, 0x04000000);
    vlapic_set_irq(v, 0x44, false);
    /* ack of a vector that is not the pending one: spurious. */
    assert_false(vlapic_ack(v, 0x43));
    assert_int_equal(vlapic_spurious_vector(v), 0xff);
    wr(v, VLAPIC_REG_TPR, 0x50);
    assert_false(vlapic_ack(v, 0x44));
    assert_true(irr_bit(v, 0x44));
    vlapic_set_tpr(v, 0x30);
    assert_int_equal(vlapic_get_tpr(v), 0x30);
    assert_true(vlapic_ack(v, 0x44));
    vlapic_init_reset(v);
    assert_int_equal(rd(v, VLAPIC_REG_ID), 0x07000000);
    assert_int_equal(vlapic_get_base_msr(v), 0xfec80800ULL);
    assert_int_equal(rd(v, VLAPIC_REG_LDR), 0);
    assert_int_equal(rd(v, VLAPIC_REG_SVR), 0xff);
    assert_int_equal(rd(v, VLAPIC_REG_ISR + 0x20), 0);
    vlapic_reset(v);
    assert_int_equal(rd(v, VLAPIC_REG_ID), 1U << 24);
    assert_int_equal(vlapic_get_base_msr(v), 0xfee00800ULL);
}

static void test_init_config(void **state)
{
    struct vlapic v;
    struct vlapic_config cfg = { .vcpu_id = 255, .ops = &ops };
    static const struct vlapic_ops no_clock = { .ipi = record_ipi };

    (void)state;
    assert_int_equal(vlapic_init(&v, &cfg), -EINVAL);
    cfg.vcpu_id = 254;
    assert_int_equal(vlapic_init(&v, &cfg), 0);
    assert_int_equal(v.id, 254U << 24);
    cfg.ops = &no_clock;
    assert_int_equal(vlapic_init(&v, &cfg), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_values, setup),
        cmocka_unit_test_setup(test_register_write_masks, setup),
        cmocka_unit_test_setup(test_access_sizes, setup),
        cmocka_unit_test_setup(test_tpr_ppr_masking, setup),
        cmocka_unit_test_setup(test_nested_eoi, setup),
        cmocka_unit_test_setup(test_level_eoi_callback, setup),
        cmocka_unit_test_setup(test_illegal_vectors, setup),
        cmocka_unit_test_setup(test_svr_disable, setup),
        cmocka_unit_test_setup(test_timer_oneshot_divide, setup),
        cmocka_unit_test_setup(test_timer_periodic, setup),
        cmocka_unit_test_setup(test_timer_masked_and_tdcr_change, setup),
        cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
        cmocka_unit_test_setup(test_icr_decode, setup),
        cmocka_unit_test_setup(test_match_dest, setup),
        cmocka_unit_test_setup(test_ipi_routing, setup),
        cmocka_unit_test_setup(test_lint0_extint, setup),
        cmocka_unit_test_setup(test_lint_nmi_and_fixed, setup),
        cmocka_unit_test_setup(test_base_msr, setup),
        cmocka_unit_test_setup(test_init_reset_and_ack, setup),
        cmocka_unit_test_setup(test_init_config, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
