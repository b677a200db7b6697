// SPDX-License-Identifier: MIT
/* Unit tests of the emulated 16550A UART (hv/hvm/vuart.c). */
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vuart.h>

/* What the model did through its callbacks since the last check. */
static char tx_seen[64];
static size_t tx_len;
static char irq_seen[64]; /* '1' / '0' per irq_line_set() call */
static size_t irq_len;
static struct vuart uart;

static void record_tx(void *opaque, uint8_t byte)
{
    assert_ptr_equal(opaque, &uart);
    if (tx_len < sizeof(tx_seen) - 1)
        tx_seen[tx_len++] = (char)byte;
}

static void record_irq(void *opaque, unsigned int line, bool level)
{
    assert_ptr_equal(opaque, &uart);
    assert_int_equal(line, VUART_IRQ);
    if (irq_len < sizeof(irq_seen) - 1)
        irq_seen[irq_len++] = level ? '1' : '0';
}

static int setup(void **state)
{
    struct irq_line irq = {record_irq, &uart, VUART_IRQ};

    (void)state;
    memset(tx_seen, 0, sizeof(tx_seen));
    memset(irq_seen, 0, sizeof(irq_seen));
    tx_len = irq_len = 0;
    vuart_init(&uart, &irq, record_tx, &uart);
    return 0;
}

enum op {
    W,        /* write reg = val */
    R,        /* read reg, expect (value & mask) == expect */
    PUSH,     /* vuart_rx_push(val), expect return code rc */
    PUSH_SEQ, /* push bytes val, val + 1, ... (reg of them), all accepted */
    READ_SEQ, /* read RBR reg times, expecting val, val + 1, ... */
    ROOM,     /* vuart_rx_room() == val */
    TX,       /* bytes sent to the tx callback since the last TX == str */
    IRQ,      /* irq_line_set() levels since the last IRQ == str */
};

struct step {
    enum op op;
    unsigned int reg;
    unsigned int val;
    unsigned int mask;
    unsigned int expect;
    int rc;
    const char *str;
};

/* clang-format off */
#define WR(r, v) { W, (r), (v), 0, 0, 0, NULL }
#define RD(r, e) { R, (r), 0, 0xff, (e), 0, NULL }
#define RDM(r, m, e) { R, (r), 0, (m), (e), 0, NULL }
#define PUSHB(b, c) { PUSH, 0, (b), 0, 0, (c), NULL }
#define PUSHN(b, n) { PUSH_SEQ, (n), (b), 0, 0, 0, NULL }
#define RDN(b, n) { READ_SEQ, (n), (b), 0, 0, 0, NULL }
#define ROOMN(n) { ROOM, 0, (n), 0, 0, 0, NULL }
#define TXS(s) { TX, 0, 0, 0, 0, 0, (s) }
#define IRQS(s) { IRQ, 0, 0, 0, 0, 0, (s) }
/* clang-format on */

static void check_log(size_t i, const char *what, char *seen, size_t *len,
                      const char *want)
{
    if (strcmp(seen, want))
        fail_msg("step %zu: %s was \"%s\", expected \"%s\"", i, what, seen, want);
    memset(seen, 0, *len);
    *len = 0;
}

static void run_step(size_t i, const struct step *s)
{
    uint64_t v = 0;
    int rc;

    switch (s->op) {
    case W:
        assert_int_equal(vuart_io_write(&uart, s->reg, 1, s->val), 0);
        break;
    case R:
        assert_int_equal(vuart_io_read(&uart, s->reg, 1, &v), 0);
        if ((v & s->mask) != s->expect)
            fail_msg("step %zu: reg %u read %#x (mask %#x), expected %#x", i, s->reg,
                     (unsigned int)v, s->mask, s->expect);
        break;
    case PUSH:
        rc = vuart_rx_push(&uart, (uint8_t)s->val);
        if (rc != s->rc)
            fail_msg("step %zu: push returned %d, expected %d", i, rc, s->rc);
        break;
    case PUSH_SEQ:
        for (unsigned int n = 0; n < s->reg; n++)
            if (vuart_rx_push(&uart, (uint8_t)(s->val + n)))
                fail_msg("step %zu: push %u of %u refused", i, n, s->reg);
        break;
    case READ_SEQ:
        for (unsigned int n = 0; n < s->reg; n++) {
            assert_int_equal(vuart_io_read(&uart, VUART_RBR, 1, &v), 0);
            if (v != ((s->val + n) & 0xff))
                fail_msg("step %zu: byte %u read %#x, expected %#x", i, n,
                         (unsigned int)v, (s->val + n) & 0xff);
        }
        break;
    case ROOM:
        if (vuart_rx_room(&uart) != s->val)
            fail_msg("step %zu: room %u, expected %u", i, vuart_rx_room(&uart), s->val);
        break;
    case TX:
        check_log(i, "tx", tx_seen, &tx_len, s->str);
        break;
    case IRQ:
        check_log(i, "irq", irq_seen, &irq_len, s->str);
        break;
    }
}

#define RUN(steps)                                                                       \
    do {                                                                                 \
        for (size_t i_ = 0; i_ < ARRAY_SIZE(steps); i_++)                                \
            run_step(i_, &(steps)[i_]);                                                  \
    } while (0)

/* The port accesses of Linux's 8250 autoconfig() (and of the 16550A
 * variant checks and serial8250_do_startup() that follow it), replayed in
 * order. Every value checked is one the driver tests to decide the type. */
static const struct step linux_probe[] = {
    /* Existence: IER bits 0-3 hold what is written. */
    RD(VUART_IER, 0x00),
    WR(VUART_IER, 0x00),
    RDM(VUART_IER, 0x0f, 0x00),
    WR(VUART_IER, 0x0f),
    RDM(VUART_IER, 0x0f, 0x0f),
    WR(VUART_IER, 0x00),
    RD(VUART_MCR, 0x00),
    RD(VUART_LCR, 0x00),
    /* Loopback: RTS and OUT2 come back as CTS and DCD. */
    WR(VUART_MCR, VUART_MCR_LOOP | 0x0a),
    RDM(VUART_MSR, 0xf0, 0x90),
    WR(VUART_MCR, 0x00),
    /* EFR reset under LCR=0xbf hits FCR on a 16550A; then FIFO probe. */
    WR(VUART_LCR, 0xbf),
    WR(VUART_FCR, 0x00),
    WR(VUART_LCR, 0x00),
    WR(VUART_FCR, VUART_FCR_FIFOE),
    RDM(VUART_IIR, 0xc0, 0xc0),
    /* Not a 16650: no EFR behind LCR=0x80 or 0xbf (reads IIR != 0). */
    WR(VUART_LCR, 0x80),
    RD(VUART_IIR, 0xc1),
    WR(VUART_LCR, 0xbf),
    RD(VUART_IIR, 0xc1),
    /* Not a National SuperIO: "EXCR1" (IIR) bit 4 doesn't follow LOOP. */
    WR(VUART_LCR, 0x00),
    RD(VUART_MCR, 0x00),
    WR(VUART_LCR, 0xe0),
    RDM(VUART_IIR, 0x10, 0x00),
    WR(VUART_LCR, 0x00),
    WR(VUART_MCR, VUART_MCR_LOOP),
    WR(VUART_LCR, 0xe0),
    RDM(VUART_IIR, 0x10, 0x00),
    WR(VUART_LCR, 0x00),
    WR(VUART_MCR, 0x00),
    /* Not a 16750: IIR bit 5 stays clear with FCR bit 5, DLAB or not. */
    WR(VUART_FCR, 0x21),
    RDM(VUART_IIR, 0xe0, 0xc0),
    WR(VUART_FCR, 0x01),
    WR(VUART_LCR, 0x80),
    WR(VUART_FCR, 0x21),
    RDM(VUART_IIR, 0xe0, 0xc0),
    WR(VUART_FCR, 0x01),
    WR(VUART_LCR, 0x00),
    WR(VUART_FCR, 0xe7),
    RDM(VUART_IIR, 0xe0, 0xc0),
    /* Not an XScale: IER bit 6 (UUE) is not writable. */
    WR(VUART_IER, 0x00),
    RDM(VUART_IER, 0x40, 0x00),
    WR(VUART_IER, 0x40),
    RDM(VUART_IER, 0x40, 0x00),
    WR(VUART_IER, 0x00),
    /* Scratch register (the 8250/16450 tell-tale) holds its value. */
    WR(VUART_SCR, 0xa5),
    RD(VUART_SCR, 0xa5),
    WR(VUART_SCR, 0x5a),
    RD(VUART_SCR, 0x5a),
    /* Reset sequence: restore LCR/MCR, clear FIFOs, read RX, clear IER. */
    WR(VUART_LCR, 0x00),
    WR(VUART_MCR, 0x00),
    WR(VUART_FCR, 0x01),
    WR(VUART_FCR, 0x07),
    WR(VUART_FCR, 0x00),
    RD(VUART_RBR, 0x00),
    WR(VUART_IER, 0x00),
    /* startup(): LSR must not read 0xff; THRE reasserts on IER writes. */
    WR(VUART_FCR, 0xc1),
    RD(VUART_LSR, 0x60),
    RD(VUART_RBR, 0x00),
    RD(VUART_IIR, 0xc1),
    RDM(VUART_MSR, 0xf0, 0xb0),
    RD(VUART_LSR, 0x60),
    WR(VUART_IER, VUART_IER_ETBEI),
    RD(VUART_IIR, 0xc2),
    WR(VUART_IER, 0),
    WR(VUART_IER, VUART_IER_ETBEI),
    RD(VUART_IIR, 0xc2),
    WR(VUART_IER, 0),
    WR(VUART_IER, VUART_IER_ETBEI),
    RDM(VUART_LSR, 0x40, 0x40),
    RD(VUART_IIR, 0xc2),
    WR(VUART_IER, 0),
    RD(VUART_IIR, 0xc1),
    /* OUT2 never set outside loopback: no interrupt reached the line. */
    TXS(""),
    IRQS(""),
};

static void test_linux_autoconfig(void **state)
{
    (void)state;
    RUN(linux_probe);
}

static const struct step tx_steps[] = {
    WR(VUART_LCR, 0x83), WR(VUART_DLL, 0x0c), WR(VUART_DLM, 0x00),
    RD(VUART_DLL, 0x0c), RD(VUART_DLM, 0x00), TXS(""),
    WR(VUART_LCR, 0x03), RD(VUART_IER, 0x00), WR(VUART_THR, 'h'),
    RD(VUART_LSR, 0x60), WR(VUART_THR, 'i'),  WR(VUART_THR, '\n'),
    TXS("hi\n"),         RD(VUART_LSR, 0x60), IRQS(""),
};

static void test_tx_to_callback(void **state)
{
    (void)state;
    RUN(tx_steps);
}

static const struct step rx_steps[] = {
    WR(VUART_MCR, VUART_MCR_OUT2 | VUART_MCR_DTR | VUART_MCR_RTS),
    WR(VUART_IER, VUART_IER_ERBFI),
    IRQS(""),
    RD(VUART_IIR, 0x01),
    ROOMN(1),
    PUSHB('a', 0),
    ROOMN(0),
    IRQS("1"),
    RD(VUART_LSR, 0x61),
    RD(VUART_IIR, 0x04),
    RD(VUART_RBR, 'a'),
    IRQS("0"),
    RD(VUART_LSR, 0x60),
    RD(VUART_IIR, 0x01),
    /* FIFO, trigger 4: timeout below the trigger, RDA at or above it. */
    WR(VUART_FCR, 0x41),
    ROOMN(16),
    PUSHB('b', 0),
    RD(VUART_IIR, 0xcc),
    PUSHB('c', 0),
    PUSHB('d', 0),
    RD(VUART_IIR, 0xcc),
    PUSHB('e', 0),
    RD(VUART_IIR, 0xc4),
    IRQS("1"),
    RD(VUART_RBR, 'b'),
    RD(VUART_IIR, 0xcc),
    RD(VUART_RBR, 'c'),
    RD(VUART_RBR, 'd'),
    RD(VUART_LSR, 0x61),
    RD(VUART_RBR, 'e'),
    RD(VUART_LSR, 0x60),
    RD(VUART_IIR, 0xc1),
    IRQS("0"),
    /* FCR RX clear drops buffered data. */
    PUSHB('f', 0),
    IRQS("1"),
    WR(VUART_FCR, 0x43),
    RD(VUART_LSR, 0x60),
    IRQS("0"),
    TXS(""),
};

static void test_rx_push_and_rda(void **state)
{
    (void)state;
    RUN(rx_steps);
}

/* Every source pending at once, then acknowledged one by one. */
static const struct step prio_steps[] = {
    WR(VUART_FCR, 0x01),
    WR(VUART_MCR, VUART_MCR_OUT2),
    /* Modem-status deltas: wire loop mode once (IRQ gated meanwhile). */
    WR(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_OUT2),
    WR(VUART_MCR, 0x08),
    RD(VUART_MSR, 0xb3),
    RD(VUART_MSR, 0xb0),
    WR(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_OUT2),
    WR(VUART_MCR, 0x08),
    WR(VUART_IER, 0x0f),
    IRQS("1"),
    RD(VUART_IIR, 0xc2), /* THRE over modem status; reading clears it */
    RD(VUART_IIR, 0xc0),
    RD(VUART_IIR, 0xc0),
    PUSHB('x', 0),
    RD(VUART_IIR, 0xc4),
    PUSHN(1, 15),
    PUSHB(16, -ENOSPC),
    RD(VUART_IIR, 0xc6),
    RD(VUART_IIR, 0xc6),
    WR(VUART_THR, '!'), /* THRE pending again, below RLS and RDA */
    RD(VUART_LSR, 0x63),
    RD(VUART_IIR, 0xc4),
    RD(VUART_RBR, 'x'),
    RDN(1, 13),
    RD(VUART_IIR, 0xc4),
    RD(VUART_RBR, 14),
    RD(VUART_RBR, 15),
    RD(VUART_LSR, 0x60),
    RD(VUART_IIR, 0xc2),
    RD(VUART_IIR, 0xc0),
    RD(VUART_MSR, 0xb3),
    RD(VUART_IIR, 0xc1),
    IRQS("0"),
    TXS("!"),
};

static void test_iir_priority(void **state)
{
    (void)state;
    RUN(prio_steps);
}

/* The THRE interrupt: on when ETBEI is enabled, cleared by reading IIR,
 * and raised again (with a fresh edge) by every byte written. */
static const struct step thre_steps[] = {
    WR(VUART_MCR, VUART_MCR_OUT2),
    WR(VUART_IER, VUART_IER_ETBEI),
    IRQS("1"),
    RD(VUART_IIR, 0x02),
    IRQS("0"),
    RD(VUART_IIR, 0x01),
    WR(VUART_IER, VUART_IER_ETBEI),
    RD(VUART_IIR, 0x01), /* no 0->1 */
    WR(VUART_THR, 'a'),
    IRQS("1"),
    WR(VUART_THR, 'b'),
    IRQS("01"),
    WR(VUART_THR, 'c'),
    IRQS("01"),
    TXS("abc"),
    WR(VUART_IER, 0),
    IRQS("0"),
    RD(VUART_IIR, 0x01),
};

static void test_thre_interrupt(void **state)
{
    (void)state;
    RUN(thre_steps);
}

static const struct step out2_steps[] = {
    WR(VUART_IER, VUART_IER_ERBFI),
    PUSHB('q', 0),
    RD(VUART_IIR, 0x04),
    IRQS(""),
    WR(VUART_MCR, VUART_MCR_DTR | VUART_MCR_RTS),
    IRQS(""),
    WR(VUART_MCR, VUART_MCR_OUT2),
    IRQS("1"),
    WR(VUART_MCR, 0),
    IRQS("0"),
    WR(VUART_MCR, VUART_MCR_OUT2 | VUART_MCR_LOOP),
    IRQS(""),
    WR(VUART_MCR, VUART_MCR_OUT2),
    IRQS("1"),
    RD(VUART_RBR, 'q'),
    IRQS("0"),
};

static void test_out2_gates_irq(void **state)
{
    (void)state;
    RUN(out2_steps);
}

static const struct step loop_steps[] = {
    WR(VUART_MCR, VUART_MCR_LOOP),
    RD(VUART_MSR, 0x0b), /* peer lines drop */
    WR(VUART_THR, 'z'),
    TXS(""),
    RD(VUART_LSR, 0x61),
    RD(VUART_RBR, 'z'),
    PUSHB('n', -EAGAIN),
    ROOMN(0),
    RD(VUART_LSR, 0x60),
    WR(VUART_MCR, 0x1f),
    RD(VUART_MSR, 0xfb),
    RD(VUART_MSR, 0xf0),
    WR(VUART_MCR, VUART_MCR_LOOP),
    RD(VUART_MSR, 0x0f),
    RD(VUART_MSR, 0x00),
    WR(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_RTS),
    RD(VUART_MSR, 0x11),
    /* 16450 mode holds one byte: the second overruns. */
    WR(VUART_THR, 1),
    WR(VUART_THR, 2),
    RD(VUART_LSR, 0x63),
    RD(VUART_RBR, 1),
    RD(VUART_LSR, 0x60),
    WR(VUART_MCR, 0),
    RD(VUART_MSR, 0xba),
    ROOMN(1),
    PUSHB('y', 0),
    RD(VUART_RBR, 'y'),
    TXS(""),
    IRQS(""),
};

static void test_loopback(void **state)
{
    (void)state;
    RUN(loop_steps);
}

static const struct step overflow_steps[] = {
    WR(VUART_FCR, 0xc7),
    WR(VUART_MCR, VUART_MCR_OUT2),
    WR(VUART_IER, VUART_IER_ELSI),
    ROOMN(16),
    PUSHN(0, 14),
    ROOMN(2),
    PUSHB(14, 0),
    PUSHB(15, 0),
    ROOMN(0),
    IRQS(""),
    RD(VUART_LSR, 0x61),
    PUSHB(16, -ENOSPC),
    IRQS("1"),
    RD(VUART_IIR, 0xc6),
    RD(VUART_LSR, 0x63),
    IRQS("0"),
    RD(VUART_LSR, 0x61),
    RD(VUART_IIR, 0xc1),
    RDN(0, 2),
    ROOMN(2),
    RDN(2, 14),
    RD(VUART_LSR, 0x60),
};

static void test_fifo_overflow(void **state)
{
    (void)state;
    RUN(overflow_steps);
}

static void test_access_sizes(void **state)
{
    uint64_t v;

    (void)state;
    assert_int_equal(vuart_io_read(&uart, 7, 2, &v), -EINVAL);
    assert_int_equal(vuart_io_read(&uart, 0, 3, &v), -EINVAL);
    assert_int_equal(vuart_io_write(&uart, 8, 1, 0), -EINVAL);
    /* A word write at LCR sets LCR and MCR, as two ISA byte cycles. */
    assert_int_equal(vuart_io_write(&uart, VUART_LCR, 2, 0x0b03), 0);
    assert_int_equal(vuart_io_read(&uart, VUART_LCR, 2, &v), 0);
    assert_int_equal(v, 0x0b03);
    assert_int_equal(vuart_io_read(&uart, VUART_LCR, 4, &v), 0);
    assert_int_equal(v, 0xb0600b03); /* LCR MCR LSR MSR */
}

static void test_reset_lowers_irq(void **state)
{
    uint64_t v;

    (void)state;
    RUN(out2_steps);
    assert_int_equal(vuart_rx_push(&uart, 'r'), 0);
    assert_string_equal(irq_seen, "1");
    vuart_reset(&uart);
    assert_string_equal(irq_seen, "10");
    assert_int_equal(vuart_io_read(&uart, VUART_LSR, 1, &v), 0);
    assert_int_equal(v, 0x60);
    assert_int_equal(vuart_io_read(&uart, VUART_MCR, 1, &v), 0);
    assert_int_equal(v, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_linux_autoconfig, setup),
        cmocka_unit_test_setup(test_tx_to_callback, setup),
        cmocka_unit_test_setup(test_rx_push_and_rda, setup),
        cmocka_unit_test_setup(test_iir_priority, setup),
        cmocka_unit_test_setup(test_thre_interrupt, setup),
        cmocka_unit_test_setup(test_out2_gates_irq, setup),
        cmocka_unit_test_setup(test_loopback, setup),
        cmocka_unit_test_setup(test_fifo_overflow, setup),
        cmocka_unit_test_setup(test_access_sizes, setup),
        cmocka_unit_test_setup(test_reset_lowers_irq, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
