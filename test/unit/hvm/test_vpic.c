// SPDX-License-Identifier: MIT
/* Unit tests of the 8259A pair (hv/hvm/vpic.c): scripted port and wire
 * sequences with the vectors and INTR activity they must produce. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vpic.h>

/* What the INTR wire saw. */
static struct {
    unsigned int calls;
    bool level;
    unsigned int line;
} intr;

static void record_intr(void *opaque, unsigned int line, bool level)
{
    (void)opaque;
    intr.calls++;
    intr.level = level;
    intr.line = line;
}

enum op {
    OUT,   /* write val to port arg */
    IN,    /* read port arg, expect val */
    RAISE, /* drive line arg high */
    LOWER, /* drive line arg low */
    PULSE, /* raise then lower line arg */
    ACK,   /* INTA cycle, expect vector val */
    INTR,  /* expect vpic_has_interrupt() and the wire to be val */
    CALLS, /* expect val calls of the INTR callback so far */
};

struct step {
    enum op op;
    uint16_t arg, val;
};

/* Linux's init_8259A(): mask all, ICW1-4 on both chips (vectors 0x20 and
 * 0x28, slave on IR2, 8086 mode), then unmask everything for the tests. */
/* clang-format off */
#define LINUX_INIT                                                                      \
    { OUT, 0x21, 0xff }, { OUT, 0xa1, 0xff }, { OUT, 0x20, 0x11 }, { OUT, 0x21, 0x20 },  \
    { OUT, 0x21, 0x04 }, { OUT, 0x21, 0x01 }, { OUT, 0xa0, 0x11 }, { OUT, 0xa1, 0x28 },  \
    { OUT, 0xa1, 0x02 }, { OUT, 0xa1, 0x01 }, { OUT, 0x21, 0x00 }, { OUT, 0xa1, 0x00 }
#define EOI_MASTER { OUT, 0x20, 0x20 }
#define EOI_SLAVE { OUT, 0xa0, 0x20 }
#define READ_ISR(cmd) { OUT, cmd, 0x0b }
#define READ_IRR(cmd) { OUT, cmd, 0x0a }
/* clang-format on */

static const struct step irq0_linux[] = {
    LINUX_INIT,       {INTR, 0, 0},     {CALLS, 0, 0}, {PULSE, 0, 0},    {INTR, 0, 1},
    {CALLS, 0, 1},    {IN, 0x20, 0x01}, /* IRR */
    {ACK, 0, 0x20},   {INTR, 0, 0},     {CALLS, 0, 2}, {IN, 0x20, 0x00}, READ_ISR(0x20),
    {IN, 0x20, 0x01}, {IN, 0x20, 0x01}, EOI_MASTER,    {IN, 0x20, 0x00}, READ_IRR(0x20),
    {IN, 0x20, 0x00}, {INTR, 0, 0},     {CALLS, 0, 2},
};

static const struct step priority[] = {
    LINUX_INIT,
    /* Two requests: the lower IR wins; the other waits for the EOI. */
    {PULSE, 3, 0},
    {PULSE, 1, 0},
    {INTR, 0, 1},
    {ACK, 0, 0x21},
    {INTR, 0, 0},
    EOI_MASTER,
    {INTR, 0, 1},
    {ACK, 0, 0x23},
    EOI_MASTER,
    {INTR, 0, 0},
    /* A higher request nests inside a lower one in service. */
    {PULSE, 3, 0},
    {ACK, 0, 0x23},
    {PULSE, 4, 0},
    {INTR, 0, 0},
    {PULSE, 1, 0},
    {INTR, 0, 1},
    {ACK, 0, 0x21},
    READ_ISR(0x20),
    {IN, 0x20, 0x0a},
    EOI_MASTER,
    {IN, 0x20, 0x08},
    EOI_MASTER,
    {IN, 0x20, 0x00},
    {ACK, 0, 0x24},
    EOI_MASTER,
    {INTR, 0, 0},
    /* IR0 outranks IR7 in service; IR7 waits behind IR6. */
    {PULSE, 7, 0},
    {ACK, 0, 0x27},
    {PULSE, 0, 0},
    {INTR, 0, 1},
    {ACK, 0, 0x20},
    EOI_MASTER,
    {PULSE, 7, 0},
    {INTR, 0, 0},
    EOI_MASTER,
    {PULSE, 6, 0},
    {PULSE, 7, 0},
    {ACK, 0, 0x26},
    {INTR, 0, 0},
};

static const struct step masking[] = {
    LINUX_INIT,
    {OUT, 0x21, 0x02},
    {PULSE, 1, 0},
    {INTR, 0, 0},
    {IN, 0x20, 0x02},
    {IN, 0x21, 0x02},
    {OUT, 0x21, 0x00},
    {INTR, 0, 1},
    {ACK, 0, 0x21},
    EOI_MASTER,
    /* Masked after INTR rose: the request is hidden, INTA is spurious. */
    {PULSE, 4, 0},
    {INTR, 0, 1},
    {OUT, 0x21, 0x10},
    {INTR, 0, 0},
    {ACK, 0, 0x27},
    READ_ISR(0x20),
    {IN, 0x20, 0x00},
    {OUT, 0x21, 0x00},
    {ACK, 0, 0x24},
    {CALLS, 0, 6},
};

static const struct step elcr[] = {
    LINUX_INIT,
    {OUT, 0x4d0, 0x20},
    {IN, 0x4d0, 0x20},
    /* Level: IRR follows the wire, re-requests after EOI while high. */
    {RAISE, 5, 0},
    {INTR, 0, 1},
    {ACK, 0, 0x25},
    {INTR, 0, 0},
    EOI_MASTER,
    {INTR, 0, 1},
    {LOWER, 5, 0},
    {INTR, 0, 0},
    {IN, 0x20, 0x00},
    /* Edge: one request per rising edge, however long the line stays high. */
    {RAISE, 6, 0},
    {INTR, 0, 1},
    {ACK, 0, 0x26},
    EOI_MASTER,
    {INTR, 0, 0},
    {LOWER, 6, 0},
    {INTR, 0, 0},
    {RAISE, 6, 0},
    {ACK, 0, 0x26},
    EOI_MASTER,
    /* IRQ 0, 1, 2, 8 and 13 cannot be made level. */
    {OUT, 0x4d0, 0xff},
    {IN, 0x4d0, 0xf8},
    {OUT, 0x4d1, 0xff},
    {IN, 0x4d1, 0xde},
};

static const struct step spurious_irq7[] = {
    {ACK, 0, 0x0f}, /* nothing at all after reset: BIOS base 0x08 */
    LINUX_INIT,     {OUT, 0x4d0, 0x20}, {RAISE, 5, 0},  {INTR, 0, 1},     {LOWER, 5, 0},
    {INTR, 0, 0},   {ACK, 0, 0x27},     READ_ISR(0x20), {IN, 0x20, 0x00}, {CALLS, 0, 2},
};

static const struct step spurious_irq15[] = {
    LINUX_INIT,
    {OUT, 0x4d1, 0x04},
    {RAISE, 10, 0},
    {INTR, 0, 1},
    /* The slave's request vanishes; the master latched the IR2 edge. */
    {LOWER, 10, 0},
    {INTR, 0, 1},
    {ACK, 0, 0x2f},
    READ_ISR(0x20),
    {IN, 0x20, 0x04},
    READ_ISR(0xa0),
    {IN, 0xa0, 0x00},
    EOI_MASTER,
    {IN, 0x20, 0x00},
    {INTR, 0, 0},
};

static const struct step cascade[] = {
    LINUX_INIT,
    {PULSE, 8, 0},
    {INTR, 0, 1},
    {ACK, 0, 0x28},
    {INTR, 0, 0},
    READ_ISR(0x20),
    {IN, 0x20, 0x04},
    READ_ISR(0xa0),
    {IN, 0xa0, 0x01},
    EOI_SLAVE,
    EOI_MASTER,
    {IN, 0x20, 0x00},
    {IN, 0xa0, 0x00},
    /* The slave ranks at IR2: after IRQ 1, before IRQ 3. */
    {PULSE, 3, 0},
    {PULSE, 12, 0},
    {PULSE, 1, 0},
    {ACK, 0, 0x21},
    EOI_MASTER,
    {ACK, 0, 0x2c},
    EOI_SLAVE,
    EOI_MASTER,
    {ACK, 0, 0x23},
    EOI_MASTER,
    /* Two slave requests: the second comes after both EOIs. */
    {PULSE, 10, 0},
    {PULSE, 9, 0},
    {ACK, 0, 0x29},
    {INTR, 0, 0},
    EOI_SLAVE,
    {INTR, 0, 0},
    EOI_MASTER,
    {INTR, 0, 1},
    {ACK, 0, 0x2a},
    EOI_SLAVE,
    EOI_MASTER,
    {INTR, 0, 0},
};

/* A slave in auto-EOI mode keeps INT up for its next request across the
 * INTA; the master must still see a new edge on IR2 for it. */
static const struct step slave_auto_eoi[] = {
    LINUX_INIT,        {OUT, 0xa0, 0x11}, {OUT, 0xa1, 0x28}, {OUT, 0xa1, 0x02},
    {OUT, 0xa1, 0x03}, {OUT, 0xa1, 0x00}, {PULSE, 9, 0},     {PULSE, 10, 0},
    {ACK, 0, 0x29},    {INTR, 0, 0},      READ_ISR(0xa0),    {IN, 0xa0, 0x00},
    EOI_MASTER,        {INTR, 0, 1},      {ACK, 0, 0x2a},    EOI_MASTER,
    {INTR, 0, 0},
};

static const struct step auto_eoi[] = {
    {OUT, 0x20, 0x11}, {OUT, 0x21, 0x30}, {OUT, 0x21, 0x04}, {OUT, 0x21, 0x03},
    {OUT, 0x21, 0x00}, {PULSE, 3, 0},     {ACK, 0, 0x33},    READ_ISR(0x20),
    {IN, 0x20, 0x00},  {PULSE, 5, 0},     {INTR, 0, 1},      {ACK, 0, 0x35},
};

static const struct step rotation[] = {
    LINUX_INIT,
    /* Set priority: IR3 lowest, so IR4 first. */
    {OUT, 0x20, 0xc3},
    {PULSE, 1, 0},
    {PULSE, 5, 0},
    {ACK, 0, 0x25},
    /* Rotate on non-specific EOI: IR5 becomes lowest, IR6 first. */
    {OUT, 0x20, 0xa0},
    {PULSE, 6, 0},
    {ACK, 0, 0x26},
    {OUT, 0x20, 0x66},
    {ACK, 0, 0x21},
    /* Rotate on specific EOI of IR1: IR2 first, IR1 last. */
    {OUT, 0x20, 0xe1},
    {PULSE, 1, 0},
    {PULSE, 0, 0},
    {ACK, 0, 0x20},
    EOI_MASTER,
    {ACK, 0, 0x21},
    EOI_MASTER,
    {INTR, 0, 0},
};

static const struct step poll_mode[] = {
    LINUX_INIT,        {OUT, 0x20, 0x0c}, {IN, 0x20, 0x00}, {PULSE, 4, 0},
    {OUT, 0x20, 0x0c}, {IN, 0x21, 0x84},  {INTR, 0, 0},     READ_ISR(0x20),
    {IN, 0x20, 0x10},  {IN, 0x21, 0x00}, /* the poll was one read only */
};

static const struct step special_mask[] = {
    LINUX_INIT,
    {PULSE, 1, 0},
    {ACK, 0, 0x21},
    {PULSE, 5, 0},
    {INTR, 0, 0},
    /* Special mask mode with IR1 masked: its service no longer blocks. */
    {OUT, 0x21, 0x02},
    {OUT, 0x20, 0x68},
    {INTR, 0, 1},
    {ACK, 0, 0x25},
    {OUT, 0x20, 0x65},
    {OUT, 0x20, 0x48},
    {OUT, 0x21, 0x00},
    {PULSE, 6, 0},
    {INTR, 0, 0}, /* back to normal mode: IR1 in service blocks IR6 */
};

static const struct step nested[] = {
    LINUX_INIT, {PULSE, 9, 0}, {ACK, 0, 0x29}, {PULSE, 8, 0}, {INTR, 0, 0},
};

static const struct step fully_nested[] = {
    LINUX_INIT,        {OUT, 0x20, 0x11}, {OUT, 0x21, 0x20}, {OUT, 0x21, 0x04},
    {OUT, 0x21, 0x11}, {OUT, 0x21, 0x00}, {PULSE, 9, 0},     {ACK, 0, 0x29},
    {PULSE, 8, 0},     {INTR, 0, 1},      {ACK, 0, 0x28},    READ_ISR(0xa0),
    {IN, 0xa0, 0x03},  {PULSE, 11, 0},    {INTR, 0, 0},
};

static const struct step bios_reset[] = {
    {IN, 0x21, 0xff},  {IN, 0xa1, 0xff},  {PULSE, 0, 0},  {INTR, 0, 0},
    {OUT, 0x21, 0xfa}, {OUT, 0xa1, 0xfe}, {INTR, 0, 1},   {ACK, 0, 0x08},
    EOI_MASTER,        {PULSE, 8, 0},     {ACK, 0, 0x70},
};

static const struct step reinit_edge[] = {
    LINUX_INIT,
    {RAISE, 4, 0},
    {INTR, 0, 1},
    LINUX_INIT,
    {INTR, 0, 0},
    {LOWER, 4, 0},
    {RAISE, 4, 0},
    {ACK, 0, 0x24},
    /* A request latched in the middle of an init sequence waits for its end. */
    {OUT, 0x20, 0x11},
    {PULSE, 3, 0},
    {INTR, 0, 0},
    {OUT, 0x21, 0x40},
    {OUT, 0x21, 0x04},
    {OUT, 0x21, 0x01},
    {INTR, 0, 1},
    {ACK, 0, 0x43},
    {INTR, 0, 0},
};

static const struct step single_mode[] = {
    {OUT, 0x20, 0x12}, {OUT, 0x21, 0x50}, {PULSE, 1, 0},     {ACK, 0, 0x51},
    EOI_MASTER,        {PULSE, 8, 0},     {OUT, 0xa1, 0x00}, {ACK, 0, 0x52},
};

static void run(const char *name, const struct step *s, size_t n)
{
    struct vpic pic;
    uint64_t v;

    intr.calls = 0;
    intr.level = false;
    vpic_init(&pic, (struct irq_line){record_intr, NULL, 77});
    for (size_t i = 0; i < n; i++, s++) {
        long got = 0, want = s->val;

        switch (s->op) {
        case OUT:
            assert_int_equal(vpic_io_write(&pic, s->arg, 1, s->val), 0);
            continue;
        case IN:
            assert_int_equal(vpic_io_read(&pic, s->arg, 1, &v), 0);
            got = (long)v;
            break;
        case RAISE:
        case LOWER:
            vpic_set_irq(&pic, s->arg, s->op == RAISE);
            continue;
        case PULSE:
            vpic_set_irq(&pic, s->arg, true);
            vpic_set_irq(&pic, s->arg, false);
            continue;
        case ACK:
            got = vpic_ack(&pic);
            break;
        case INTR:
            got = vpic_has_interrupt(&pic);
            if (got != intr.level)
                fail_msg("%s step %zu: has_interrupt %ld but wire %d", name, i, got,
                         intr.level);
            break;
        case CALLS:
            got = intr.calls;
            break;
        }
        if (got != want)
            fail_msg("%s step %zu (op %d arg %#x): got %#lx, want %#lx", name, i, s->op,
                     s->arg, got, want);
    }
    if (intr.calls)
        assert_int_equal(intr.line, 77);
}

#define SEQ_TEST(t)                                                                      \
    static void test_##t(void **state)                                                   \
    {                                                                                    \
        (void)state;                                                                     \
        run(#t, t, ARRAY_SIZE(t));                                                       \
    }
SEQ_TEST(irq0_linux)
SEQ_TEST(priority)
SEQ_TEST(masking)
SEQ_TEST(elcr)
SEQ_TEST(spurious_irq7)
SEQ_TEST(spurious_irq15)
SEQ_TEST(cascade)
SEQ_TEST(auto_eoi)
SEQ_TEST(slave_auto_eoi)
SEQ_TEST(rotation)
SEQ_TEST(poll_mode)
SEQ_TEST(special_mask)
SEQ_TEST(nested)
SEQ_TEST(fully_nested)
SEQ_TEST(bios_reset)
SEQ_TEST(reinit_edge)
SEQ_TEST(single_mode)

/* Wider accesses cover consecutive ports; bytes outside the PIC refuse. */
static void test_access_sizes(void **state)
{
    struct vpic pic;
    uint64_t v = 0;

    (void)state;
    vpic_init(&pic, (struct irq_line){0});
    assert_int_equal(vpic_io_write(&pic, 0x4d0, 2, 0x0c20), 0);
    assert_int_equal(vpic_io_read(&pic, 0x4d0, 2, &v), 0);
    assert_int_equal(v, 0x0c20);
    vpic_set_irq(&pic, 5, true);
    assert_int_equal(vpic_io_read(&pic, 0x20, 2, &v), 0);
    assert_int_equal(v, 0xff20); /* IRR, then IMR */
    assert_int_equal(vpic_io_read(&pic, 0x20, 4, &v), -EINVAL);
    assert_int_equal(vpic_io_read(&pic, 0x21, 2, &v), -EINVAL);
    assert_int_equal(vpic_io_write(&pic, 0x22, 1, 0), -EINVAL);
    assert_int_equal(vpic_io_read(&pic, 0x20, 3, &v), -EINVAL);
    /* Out-of-range and cascade lines are ignored. */
    vpic_set_irq(&pic, 2, true);
    vpic_set_irq(&pic, 16, true);
    assert_int_equal(pic.chip[0].irr, 0x20);
    assert_int_equal(pic.chip[1].irr, 0);
}

/* Reset lowers a raised INTR once; the 8080-mode ICW4 is logged. */
static void test_reset_and_warn(void **state)
{
    struct vpic pic;
    struct irq_line wire = {record_intr, NULL, 1};

    (void)state;
    intr.calls = 0;
    vpic_init(&pic, wire);
    assert_int_equal(vpic_io_write(&pic, 0x21, 1, 0xfe), 0);
    vpic_set_irq(&pic, 0, true);
    assert_true(intr.level);
    vpic_reset(&pic, wire);
    assert_false(intr.level);
    assert_int_equal(intr.calls, 2);
    test_log_clear();
    assert_int_equal(vpic_io_write(&pic, 0x20, 1, 0x11), 0);
    assert_int_equal(vpic_io_write(&pic, 0x21, 1, 0x20), 0);
    assert_int_equal(vpic_io_write(&pic, 0x21, 1, 0x04), 0);
    assert_int_equal(vpic_io_write(&pic, 0x21, 1, 0x00), 0);
    assert_non_null(strstr(test_log, "8080"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_irq0_linux),     cmocka_unit_test(test_priority),
        cmocka_unit_test(test_masking),        cmocka_unit_test(test_elcr),
        cmocka_unit_test(test_spurious_irq7),  cmocka_unit_test(test_spurious_irq15),
        cmocka_unit_test(test_cascade),        cmocka_unit_test(test_auto_eoi),
        cmocka_unit_test(test_slave_auto_eoi), cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_poll_mode),      cmocka_unit_test(test_special_mask),
        cmocka_unit_test(test_nested),         cmocka_unit_test(test_fully_nested),
        cmocka_unit_test(test_bios_reset),     cmocka_unit_test(test_reinit_edge),
        cmocka_unit_test(test_single_mode),    cmocka_unit_test(test_access_sizes),
        cmocka_unit_test(test_reset_and_warn),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
