// SPDX-License-Identifier: MIT
/* Unit tests of the emulated i8042 and port 0x92 (hv/hvm/vi8042.c). */
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vi8042.h>

static struct vi8042 kbc;
static char irq_seen[64]; /* "k1", "a0", ...: line and level per call */
static size_t irq_len;
static unsigned int resets;
static bool reset_resets_model;

static void record_irq(void *opaque, unsigned int line, bool level)
{
    assert_ptr_equal(opaque, &kbc);
    assert_true(line == VI8042_KBD_IRQ || line == VI8042_AUX_IRQ);
    if (irq_len + 2 < sizeof(irq_seen)) {
        irq_seen[irq_len++] = line == VI8042_KBD_IRQ ? 'k' : 'a';
        irq_seen[irq_len++] = level ? '1' : '0';
    }
}

static void record_reset(void *opaque)
{
    assert_ptr_equal(opaque, &kbc);
    resets++;
    if (reset_resets_model)
        vi8042_reset(&kbc);
}

static int setup(void **state)
{
    struct irq_line kbd = {record_irq, &kbc, VI8042_KBD_IRQ};
    struct irq_line aux = {record_irq, &kbc, VI8042_AUX_IRQ};

    (void)state;
    memset(irq_seen, 0, sizeof(irq_seen));
    irq_len = 0;
    resets = 0;
    reset_resets_model = false;
    vi8042_init(&kbc, &kbd, &aux, record_reset, &kbc);
    return 0;
}

enum op { W, R, RESETS, IRQ, A20 };

struct step {
    enum op op;
    unsigned int port;
    unsigned int val; /* W: value; R: expected; RESETS/A20: expected */
    unsigned int mask;
    const char *str;
};

/* clang-format off */
#define WR(p, v) { W, (p), (v), 0, NULL }
#define RD(p, e) { R, (p), (e), 0xff, NULL }
#define RDM(p, m, e) { R, (p), (e), (m), NULL }
#define NRESETS(n) { RESETS, 0, (n), 0, NULL }
#define IRQS(s) { IRQ, 0, 0, 0, (s) }
#define A20_IS(on) { A20, 0, (on), 0, NULL }
/* clang-format on */
#define CMD(c) WR(VI8042_CMD_PORT, (c))
#define DATA(d) WR(VI8042_DATA_PORT, (d))
#define STATUS(e) RD(VI8042_CMD_PORT, (e))
#define STATUSM(m, e) RDM(VI8042_CMD_PORT, (m), (e))
#define READ_DATA(e) RD(VI8042_DATA_PORT, (e))

static void run_step(size_t i, const struct step *s)
{
    uint64_t v = 0;

    switch (s->op) {
    case W:
        assert_int_equal(vi8042_io_write(&kbc, s->port, 1, s->val), 0);
        break;
    case R:
        assert_int_equal(vi8042_io_read(&kbc, s->port, 1, &v), 0);
        if ((v & s->mask) != s->val)
            fail_msg("step %zu: port %#x read %#x (mask %#x), expected %#x", i, s->port,
                     (unsigned int)v, s->mask, s->val);
        break;
    case RESETS:
        if (resets != s->val)
            fail_msg("step %zu: %u resets, expected %u", i, resets, s->val);
        break;
    case IRQ:
        if (strcmp(irq_seen, s->str))
            fail_msg("step %zu: irq \"%s\", expected \"%s\"", i, irq_seen, s->str);
        memset(irq_seen, 0, sizeof(irq_seen));
        irq_len = 0;
        break;
    case A20:
        if (vi8042_a20_enabled(&kbc) != (bool)s->val)
            fail_msg("step %zu: A20 %d, expected %u", i, vi8042_a20_enabled(&kbc),
                     s->val);
        break;
    }
}

#define RUN(steps)                                                                       \
    do {                                                                                 \
        for (size_t i_ = 0; i_ < ARRAY_SIZE(steps); i_++)                                \
            run_step(i_, &(steps)[i_]);                                                  \
    } while (0)

static const struct step self_test_steps[] = {
    STATUS(VI8042_STR_KEYLOCK), /* SYS clear before the self test */
    CMD(VI8042_CMD_SELF_TEST),
    STATUS(VI8042_STR_KEYLOCK | VI8042_STR_CMD | VI8042_STR_SYS | VI8042_STR_OBF),
    READ_DATA(VI8042_SELF_TEST_OK),
    STATUS(VI8042_STR_KEYLOCK | VI8042_STR_CMD | VI8042_STR_SYS),
    CMD(VI8042_CMD_KBD_TEST),
    STATUSM(VI8042_STR_OBF, VI8042_STR_OBF),
    READ_DATA(0x00),
    CMD(VI8042_CMD_AUX_TEST),
    READ_DATA(0x00),
    STATUSM(VI8042_STR_OBF | VI8042_STR_IBF, 0),
    READ_DATA(0x00), /* empty buffer: the stale byte, no change */
    IRQS(""),
    NRESETS(0),
};

static void test_self_test(void **state)
{
    (void)state;
    RUN(self_test_steps);
}

static const struct step ctr_steps[] = {
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(VI8042_CTR_RESET),
    CMD(VI8042_CMD_WRITE_CTR),
    STATUSM(VI8042_STR_CMD | VI8042_STR_OBF, VI8042_STR_CMD),
    DATA(0x47),
    STATUS(VI8042_STR_KEYLOCK | VI8042_STR_SYS),
    IRQS(""),
    /* KBDINT is now on: the command result raises IRQ 1. */
    CMD(VI8042_CMD_READ_CTR),
    IRQS("k1"),
    READ_DATA(0x47),
    IRQS("k0"),
    CMD(VI8042_CMD_KBD_DISABLE),
    CMD(VI8042_CMD_AUX_DISABLE),
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(0x77),
    CMD(VI8042_CMD_KBD_ENABLE),
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(0x67),
    CMD(VI8042_CMD_AUX_ENABLE),
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(0x47),
    /* Other RAM bytes round-trip too. */
    CMD(0x65),
    DATA(0xa5),
    CMD(0x25),
    READ_DATA(0xa5),
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(0x47),
    IRQS("k1k0k1k0k1k0k1k0k1k0"), /* one per result read above */
    /* KBDINT off: results no longer interrupt; SYS follows bit 2. */
    CMD(VI8042_CMD_WRITE_CTR),
    DATA(0x00),
    CMD(VI8042_CMD_READ_CTR),
    IRQS(""),
    READ_DATA(0x00),
    STATUS(VI8042_STR_KEYLOCK | VI8042_STR_CMD),
    NRESETS(0),
};

static void test_command_byte(void **state)
{
    (void)state;
    RUN(ctr_steps);
}

static const struct step reset_steps[] = {
    CMD(VI8042_CMD_RESET),
    NRESETS(1),
    CMD(0xff),
    NRESETS(1),
    CMD(0xf0),
    NRESETS(2),
    CMD(0xfd),
    NRESETS(2),
    CMD(VI8042_CMD_READ_OUTPORT),
    READ_DATA(0x03),
    CMD(VI8042_CMD_WRITE_OUTPORT),
    DATA(0x01),
    NRESETS(2),
    CMD(VI8042_CMD_READ_OUTPORT),
    READ_DATA(0x01),
    A20_IS(true),
    CMD(VI8042_CMD_WRITE_OUTPORT),
    DATA(0xfe),
    NRESETS(3),
    CMD(VI8042_CMD_READ_OUTPORT),
    READ_DATA(0xff),
    CMD(VI8042_CMD_A20_OFF),
    CMD(VI8042_CMD_READ_OUTPORT),
    READ_DATA(0xfd),
    CMD(VI8042_CMD_A20_ON),
    CMD(VI8042_CMD_READ_OUTPORT),
    READ_DATA(0xff),
    NRESETS(3),
    IRQS(""),
};

static void test_reset_commands(void **state)
{
    (void)state;
    RUN(reset_steps);
}

static const struct step port_a_steps[] = {
    RD(VI8042_PORT_A, VI8042_PORTA_A20),
    A20_IS(true),
    CMD(VI8042_CMD_A20_OFF),
    A20_IS(true), /* still on through port A */
    WR(VI8042_PORT_A, 0x00),
    RD(VI8042_PORT_A, 0x00),
    A20_IS(false),
    NRESETS(0),
    WR(VI8042_PORT_A, VI8042_PORTA_A20),
    A20_IS(true),
    RD(VI8042_PORT_A, 0x02),
    NRESETS(0),
    WR(VI8042_PORT_A, 0x03),
    NRESETS(1),
    RD(VI8042_PORT_A, 0x03),
    WR(VI8042_PORT_A, 0x03),
    NRESETS(1), /* no new 0 -> 1 edge */
    WR(VI8042_PORT_A, 0x00),
    NRESETS(1),
    A20_IS(false),
    WR(VI8042_PORT_A, 0x01),
    NRESETS(2),
    A20_IS(false),
    CMD(VI8042_CMD_A20_ON),
    A20_IS(true),
    IRQS(""),
};

static void test_port_a(void **state)
{
    (void)state;
    RUN(port_a_steps);
}

/* Bytes for the missing keyboard and mouse time out with a 0xfe reply. */
static const struct step absent_steps[] = {
    CMD(VI8042_CMD_WRITE_CTR),
    DATA(0x07),
    IRQS(""),
    DATA(0xf2), /* keyboard "get ID" */
    STATUS(VI8042_STR_KEYLOCK | VI8042_STR_SYS | VI8042_STR_TIMEOUT | VI8042_STR_OBF),
    IRQS("k1"),
    READ_DATA(VI8042_NO_DEVICE),
    IRQS("k0"),
    STATUSM(VI8042_STR_TIMEOUT | VI8042_STR_OBF, VI8042_STR_TIMEOUT),
    CMD(VI8042_CMD_WRITE_AUX),
    STATUSM(VI8042_STR_TIMEOUT, 0),
    DATA(0xff), /* mouse reset */
    STATUS(VI8042_STR_KEYLOCK | VI8042_STR_SYS | VI8042_STR_TIMEOUT | VI8042_STR_AUXDATA |
           VI8042_STR_OBF),
    IRQS("a1"),
    READ_DATA(VI8042_NO_DEVICE),
    IRQS("a0"),
    STATUS(VI8042_STR_KEYLOCK | VI8042_STR_SYS | VI8042_STR_TIMEOUT),
    DATA(0xed),
    STATUSM(VI8042_STR_AUXDATA, 0),
    IRQS("k1"),
    /* A new byte replaces an unread one; IRQ moves to the aux line. */
    CMD(VI8042_CMD_WRITE_AUX_OBUF),
    DATA(0x5a),
    IRQS("k0a1"),
    READ_DATA(0x5a),
    IRQS("a0"),
    NRESETS(0),
};

static void test_absent_devices(void **state)
{
    (void)state;
    RUN(absent_steps);
}

/* Linux's i8042 driver: controller check, self test, CTR setup, the aux
 * port checks (loop, bit assignment, IRQ delivery) and port enabling. */
static const struct step linux_probe_steps[] = {
    STATUSM(VI8042_STR_OBF, 0), /* i8042_flush(): nothing to drain */
    CMD(VI8042_CMD_SELF_TEST),
    READ_DATA(VI8042_SELF_TEST_OK),
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(0x74), /* SYS now set */
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(0x74),
    STATUSM(VI8042_STR_KEYLOCK, VI8042_STR_KEYLOCK), /* no keylock */
    CMD(VI8042_CMD_WRITE_CTR),
    DATA(0x74),
    STATUSM(VI8042_STR_OBF, 0),
    /* i8042_check_aux(): AUX_LOOP must echo the byte with AUXDATA. */
    CMD(VI8042_CMD_WRITE_AUX_OBUF),
    DATA(0x5a),
    STATUSM(VI8042_STR_OBF | VI8042_STR_AUXDATA, VI8042_STR_OBF | VI8042_STR_AUXDATA),
    READ_DATA(0x5a),
    CMD(VI8042_CMD_AUX_DISABLE),
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(0x74),
    CMD(VI8042_CMD_AUX_ENABLE),
    CMD(VI8042_CMD_READ_CTR),
    READ_DATA(0x54),
    /* Aux IRQ test: enable the aux port and its interrupt, loop 0xa5. */
    CMD(VI8042_CMD_WRITE_CTR),
    DATA(0x56),
    IRQS(""),
    CMD(VI8042_CMD_WRITE_AUX_OBUF),
    DATA(0xa5),
    IRQS("a1"),
    STATUSM(VI8042_STR_OBF | VI8042_STR_AUXDATA, VI8042_STR_OBF | VI8042_STR_AUXDATA),
    READ_DATA(0xa5),
    IRQS("a0"),
    /* Enable the keyboard port with its interrupt. */
    CMD(VI8042_CMD_WRITE_CTR),
    DATA(0x47),
    IRQS(""),
    STATUS(VI8042_STR_KEYLOCK | VI8042_STR_SYS),
    NRESETS(0),
};

static void test_linux_probe(void **state)
{
    (void)state;
    RUN(linux_probe_steps);
}

static void test_reset_callback_may_reset_model(void **state)
{
    uint64_t v;

    (void)state;
    reset_resets_model = true;
    assert_int_equal(vi8042_io_write(&kbc, VI8042_CMD_PORT, 1, 0x60), 0);
    assert_int_equal(vi8042_io_write(&kbc, VI8042_DATA_PORT, 1, 0x01), 0);
    assert_int_equal(vi8042_io_write(&kbc, VI8042_CMD_PORT, 1, 0x20), 0);
    assert_string_equal(irq_seen, "k1");
    assert_int_equal(vi8042_io_write(&kbc, VI8042_CMD_PORT, 1, 0xfe), 0);
    assert_int_equal(resets, 1);
    assert_string_equal(irq_seen, "k1k0");
    assert_int_equal(vi8042_io_read(&kbc, VI8042_CMD_PORT, 1, &v), 0);
    assert_int_equal(v, VI8042_STR_KEYLOCK);
    assert_int_equal(vi8042_io_write(&kbc, VI8042_PORT_A, 1, 0x03), 0);
    assert_int_equal(resets, 2);
    assert_int_equal(vi8042_io_read(&kbc, VI8042_PORT_A, 1, &v), 0);
    assert_int_equal(v, VI8042_PORTA_A20);
}

static void test_bad_accesses(void **state)
{
    uint64_t v = 0x1234;

    (void)state;
    assert_int_equal(vi8042_io_read(&kbc, 0x61, 1, &v), -EINVAL);
    assert_int_equal(vi8042_io_read(&kbc, 0x64, 2, &v), -EINVAL);
    assert_int_equal(vi8042_io_write(&kbc, 0x60, 4, 0xfe), -EINVAL);
    assert_int_equal(vi8042_io_write(&kbc, 0x93, 1, 0x01), -EINVAL);
    assert_int_equal(v, 0x1234);
    assert_int_equal(resets, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_self_test, setup),
        cmocka_unit_test_setup(test_command_byte, setup),
        cmocka_unit_test_setup(test_reset_commands, setup),
        cmocka_unit_test_setup(test_port_a, setup),
        cmocka_unit_test_setup(test_absent_devices, setup),
        cmocka_unit_test_setup(test_linux_probe, setup),
        cmocka_unit_test_setup(test_reset_callback_may_reset_model, setup),
        cmocka_unit_test_setup(test_bad_accesses, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
