// SPDX-License-Identifier: MIT
/* Unit tests of PCI configuration mechanism #1 (hv/hvm/vpci.c). */
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/hvm/vpci.h>

static struct vpci pci;    /* too big for a test's stack frame */
static char dev_seen[256]; /* calls made to the test device */
static int dev_token;      /* opaque of the test device */

/* Reads return junk in the bytes beyond `size` so that the test can see
 * the model mask them off; the low bytes encode reg and size. */
static uint32_t tdev_read(void *opaque, unsigned int reg, unsigned int size)
{
    size_t n = strlen(dev_seen);

    assert_ptr_equal(opaque, &dev_token);
    snprintf(dev_seen + n, sizeof(dev_seen) - n, "r%02x/%u ", reg, size);
    return 0xee000000U | (reg << 8) | size;
}

static void tdev_write(void *opaque, unsigned int reg, unsigned int size, uint32_t val)
{
    size_t n = strlen(dev_seen);

    assert_ptr_equal(opaque, &dev_token);
    snprintf(dev_seen + n, sizeof(dev_seen) - n, "w%02x/%u=%x ", reg, size, val);
}

static const struct vpci_device_ops tdev_ops = {tdev_read, tdev_write};

static int setup(void **state)
{
    (void)state;
    dev_seen[0] = '\0';
    vpci_init(&pci);
    return 0;
}

enum op { W, R, DEV };

struct step {
    enum op op;
    unsigned int port;
    unsigned int size;
    uint32_t val; /* W: value; R: expected */
    int rc;
    const char *str; /* DEV: expected device calls since the last DEV */
};

/* clang-format off */
#define WR(p, s, v) { W, (p), (s), (v), 0, NULL }
#define RD(p, s, e) { R, (p), (s), (e), 0, NULL }
#define WBAD(p, s) { W, (p), (s), 0, -EINVAL, NULL }
#define RBAD(p, s) { R, (p), (s), 0, -EINVAL, NULL }
#define DEVLOG(s) { DEV, 0, 0, 0, 0, (s) }
/* clang-format on */
/* CONFIG_ADDRESS for bus/dev/fn/reg with the enable bit. */
#define CFG(b, d, f, r) (0x80000000U | ((b) << 16) | ((d) << 11) | ((f) << 8) | (r))
#define SEL(b, d, f, r) WR(0xcf8, 4, CFG(b, d, f, r))

static void run_step(size_t i, const struct step *s)
{
    uint64_t v = 0x5a5a5a5a5a5aULL;
    int rc;

    switch (s->op) {
    case W:
        rc = vpci_io_write(&pci, s->port, s->size, s->val);
        if (rc != s->rc)
            fail_msg("step %zu: write %#x/%u returned %d, expected %d", i, s->port,
                     s->size, rc, s->rc);
        break;
    case R:
        rc = vpci_io_read(&pci, s->port, s->size, &v);
        if (rc != s->rc)
            fail_msg("step %zu: read %#x/%u returned %d, expected %d", i, s->port,
                     s->size, rc, s->rc);
        if (!rc && v != s->val)
            fail_msg("step %zu: read %#x/%u gave %#llx, expected %#x", i, s->port,
                     s->size, (unsigned long long)v, s->val);
        break;
    case DEV:
        if (strcmp(dev_seen, s->str))
            fail_msg("step %zu: device saw \"%s\", expected \"%s\"", i, dev_seen, s->str);
        dev_seen[0] = '\0';
        break;
    }
}

#define RUN(steps)                                                                       \
    do {                                                                                 \
        for (size_t i_ = 0; i_ < ARRAY_SIZE(steps); i_++)                                \
            run_step(i_, &(steps)[i_]);                                                  \
    } while (0)

static const struct step host_id_steps[] = {
    /* Linux's pci_check_type1(): a byte at 0xcfb must not latch, and the
     * dword at 0xcf8 reads back. */
    RD(0xcf8, 4, 0),
    WBAD(0xcfb, 1),
    RD(0xcf8, 4, 0),
    WR(0xcf8, 4, 0x80000000),
    RD(0xcf8, 4, 0x80000000),
    RD(0xcfc, 4, 0x12378086),
    RD(0xcfc, 2, 0x8086),
    RD(0xcfe, 2, 0x1237),
    RD(0xcfc, 1, 0x86),
    RD(0xcfd, 1, 0x80),
    RD(0xcfe, 1, 0x37),
    RD(0xcff, 1, 0x12),
    RD(0xcfd, 2, 0x3780),
    SEL(0, 0, 0, 0x04),
    RD(0xcfc, 4, 0x02800006),
    SEL(0, 0, 0, 0x08),
    RD(0xcfc, 4, 0x06000002),
    RD(0xcfe, 2, 0x0600),
    RD(0xcfd, 1, 0x00),
    RD(0xcff, 1, 0x06),
    SEL(0, 0, 0, 0x0c),
    RD(0xcfe, 1, 0x00), /* header type 0, single fn */
    SEL(0, 0, 0, 0x10),
    RD(0xcfc, 4, 0), /* no BARs */
    SEL(0, 0, 0, 0x2c),
    RD(0xcfc, 4, 0),
    SEL(0, 0, 0, 0x34),
    RD(0xcfc, 4, 0),
    SEL(0, 0, 0, 0x3c),
    RD(0xcfc, 4, 0),
    /* Reserved address bits and bits 1-0 read as 0. */
    WR(0xcf8, 4, 0xffffffff),
    RD(0xcf8, 4, 0x80fffffc),
    WR(0xcf8, 4, 0x7f000003),
    RD(0xcf8, 4, 0),
};

static void test_host_bridge_ids(void **state)
{
    (void)state;
    RUN(host_id_steps);
}

static const struct step write_mask_steps[] = {
    SEL(0, 0, 0, 0x00),       WR(0xcfc, 4, 0xffffffff),
    RD(0xcfc, 4, 0x12378086), WR(0xcfc, 2, 0),
    WR(0xcfe, 1, 0),          RD(0xcfc, 4, 0x12378086),
    SEL(0, 0, 0, 0x04),       WR(0xcfc, 4, 0xffffffff),
    RD(0xcfc, 4, 0x02800146), WR(0xcfc, 2, 0),
    RD(0xcfc, 4, 0x02800006), WR(0xcfd, 1, 0x01),
    RD(0xcfc, 2, 0x0106),     WR(0xcfe, 2, 0xf900),
    RD(0xcfe, 2, 0x0280), /* status: nothing to clear, nothing writable */
    SEL(0, 0, 0, 0x08),       WR(0xcfc, 4, 0),
    RD(0xcfc, 4, 0x06000002), SEL(0, 0, 0, 0x0c),
    WR(0xcfc, 4, 0xffffffff), RD(0xcfc, 4, 0x0000ffff),
    WR(0xcfd, 1, 0x40),       RD(0xcfc, 4, 0x000040ff),
    SEL(0, 0, 0, 0x10),       WR(0xcfc, 4, 0xffffffff),
    RD(0xcfc, 4, 0),          SEL(0, 0, 0, 0x3c),
    WR(0xcfc, 1, 0x0b),       WR(0xcfd, 1, 0x01),
    RD(0xcfc, 4, 0x0000000b), SEL(0, 0, 0, 0x58),
    WR(0xcfc, 4, 0x33333333), RD(0xcfc, 4, 0), /* PAM */
    SEL(0, 0, 0, 0xfc),       WR(0xcfc, 4, 0xffffffff),
    RD(0xcfc, 4, 0),
};

static void test_host_bridge_write_masks(void **state)
{
    (void)state;
    RUN(write_mask_steps);
}

static const struct step absent_steps[] = {
    SEL(0, 1, 0, 0),
    RD(0xcfc, 4, 0xffffffff),
    RD(0xcfc, 2, 0xffff),
    RD(0xcfe, 1, 0xff),
    WR(0xcfc, 4, 0),
    SEL(0, 0, 1, 0),
    RD(0xcfc, 4, 0xffffffff), /* 00:00.1 */
    SEL(0, 31, 7, 0xfc),
    RD(0xcfc, 4, 0xffffffff),
    SEL(1, 0, 0, 0),
    RD(0xcfc, 4, 0xffffffff), /* no bus 1 */
    SEL(0xff, 3, 0, 0),
    RD(0xcfc, 4, 0xffffffff),
    WR(0xcfc, 4, 0),
    /* Enable bit clear: master abort even for the host bridge. */
    WR(0xcf8, 4, 0x00000000),
    RD(0xcfc, 4, 0xffffffff),
    WR(0xcf8, 4, 0x0000003c),
    WR(0xcfc, 1, 0x0a),
    RD(0xcfc, 1, 0xff),
    SEL(0, 0, 0, 0x3c),
    RD(0xcfc, 4, 0x00000000), /* write dropped */
    SEL(0, 3, 0, 0),
    WR(0xcf8, 4, 0x00001800),
    RD(0xcfc, 4, 0xffffffff),
    WR(0xcfc, 4, 1),
    DEVLOG(""),
};

static void test_absent_and_disabled(void **state)
{
    (void)state;
    assert_int_equal(vpci_add_device(&pci, 3, 0, &tdev_ops, &dev_token), 0);
    RUN(absent_steps);
}

static const struct step tdev_steps[] = {
    SEL(0, 3, 0, 0x10),
    RD(0xcfc, 4, 0xee001004),
    RD(0xcfc, 2, 0x1002),
    RD(0xcfe, 2, 0x1202),
    RD(0xcfd, 1, 0x01),
    RD(0xcff, 1, 0x01),
    RD(0xcfd, 2, 0x1102),
    DEVLOG("r10/4 r10/2 r12/2 r11/1 r13/1 r11/2 "),
    WR(0xcfc, 4, 0xdeadbeef),
    WR(0xcfd, 1, 0x1ab),
    WR(0xcfe, 2, 0x12345678),
    WR(0xcfd, 2, 0xcafe),
    DEVLOG("w10/4=deadbeef w11/1=ab w12/2=5678 w11/2=cafe "),
    SEL(0, 3, 5, 0xfc),
    RD(0xcff, 1, 0x01),
    WR(0xcfc, 1, 0x7f),
    DEVLOG("rff/1 wfc/1=7f "),
    SEL(0, 3, 0, 0x00),
    RD(0xcfc, 4, 0xee000004),
    DEVLOG("r00/4 "),
    SEL(0, 4, 0, 0x00),
    RD(0xcfc, 4, 0xffffffff),
    DEVLOG(""),
    SEL(0, 0, 0, 0x00),
    RD(0xcfc, 2, 0x8086),
    DEVLOG(""),
};

static void test_registered_device(void **state)
{
    (void)state;
    assert_int_equal(vpci_add_device(&pci, 3, 0, &tdev_ops, &dev_token), 0);
    assert_int_equal(vpci_add_device(&pci, 3, 5, &tdev_ops, &dev_token), 0);
    RUN(tdev_steps);
}

static void test_add_device_errors(void **state)
{
    static const struct vpci_device_ops half = {tdev_read, NULL};

    (void)state;
    assert_int_equal(vpci_add_device(&pci, 0, 0, &tdev_ops, NULL), -EEXIST);
    assert_int_equal(vpci_add_device(&pci, 32, 0, &tdev_ops, NULL), -EINVAL);
    assert_int_equal(vpci_add_device(&pci, 1, 8, &tdev_ops, NULL), -EINVAL);
    assert_int_equal(vpci_add_device(&pci, 1, 0, NULL, NULL), -EINVAL);
    assert_int_equal(vpci_add_device(&pci, 1, 0, &half, NULL), -EINVAL);
    assert_int_equal(vpci_add_device(&pci, 31, 7, &tdev_ops, &dev_token), 0);
    assert_int_equal(vpci_add_device(&pci, 31, 7, &tdev_ops, &dev_token), -EEXIST);
}

static const struct step bad_access_steps[] = {
    SEL(0, 0, 0, 0),
    /* Non-dword CONFIG_ADDRESS accesses go elsewhere (0xcf9 is reset). */
    WBAD(0xcf8, 1),
    WBAD(0xcf8, 2),
    WBAD(0xcf9, 1),
    WBAD(0xcfa, 2),
    RBAD(0xcf8, 1),
    RBAD(0xcf8, 2),
    RBAD(0xcf9, 1),
    RBAD(0xcfb, 1),
    RBAD(0xcf9, 4),
    RD(0xcf8, 4, 0x80000000),
    /* CONFIG_DATA accesses past 0xcff, and odd sizes. */
    RBAD(0xcfd, 4),
    RBAD(0xcfe, 4),
    RBAD(0xcff, 2),
    WBAD(0xcff, 2),
    RBAD(0xcfc, 3),
    RBAD(0xcfc, 8),
    RBAD(0xcf7, 1),
    RBAD(0xd00, 1),
    WBAD(0xd00, 4),
    RD(0xcfc, 4, 0x12378086),
};

static void test_bad_accesses(void **state)
{
    (void)state;
    RUN(bad_access_steps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_host_bridge_ids, setup),
        cmocka_unit_test_setup(test_host_bridge_write_masks, setup),
        cmocka_unit_test_setup(test_absent_and_disabled, setup),
        cmocka_unit_test_setup(test_registered_device, setup),
        cmocka_unit_test_setup(test_add_device_errors, setup),
        cmocka_unit_test_setup(test_bad_accesses, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
