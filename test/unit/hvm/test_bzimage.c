// SPDX-License-Identifier: MIT
/* Unit tests of the bzImage loader (hv/domain/bzimage.c) on synthetic images. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader_test_mem.h"
#include <hv/loader.h>

/* A synthetic bzImage: a setup area with a header and a patterned kernel. */
struct bz_spec {
    uint8_t setup_sects;       /* as stored; 0 means 4 */
    uint8_t hdr_len;           /* byte at 0x201 */
    uint16_t version;
    uint8_t loadflags;
    uint8_t relocatable;
    uint16_t xloadflags;
    uint32_t kernel_alignment;
    uint32_t cmdline_size;
    uint32_t initrd_addr_max;
    uint64_t pref_address;
    uint32_t init_size;
    size_t kernel_len;
    int32_t syssize_delta;     /* added to the honest syssize */
};

static const struct bz_spec bz_default = {
    .setup_sects = 4, .hdr_len = 0x6a /* header ends at 0x26c */,
    .version = 0x020f, .loadflags = 0x01, .relocatable = 1,
    .xloadflags = 0x0001, .kernel_alignment = 0x200000,
    .cmdline_size = 2047, .initrd_addr_max = 0x7fffffff,
    .pref_address = 0x1000000, .init_size = 0x800000,
    .kernel_len = 0x10000,
};

static uint8_t *img;
static size_t img_len;
static struct test_guest g;

static void put(uint8_t *p, uint64_t v, unsigned int size)
{
    for (unsigned int i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void bz_make(const struct bz_spec *s)
{
    size_t setup = ((size_t)(s->setup_sects ? s->setup_sects : 4) + 1) * 512;

    free(img);
    img_len = setup + s->kernel_len;
    img = calloc(1, img_len + 0x1000);
    assert_non_null(img);
    img[0x1ef] = 0xff;                         /* sentinel: must not be copied */
    img[0x1f1] = s->setup_sects;
    put(img + 0x1f4, (s->kernel_len + 15) / 16 + s->syssize_delta, 4);
    put(img + 0x1fe, 0xaa55, 2);
    img[0x200] = 0xeb;
    img[0x201] = s->hdr_len;
    memcpy(img + 0x202, "HdrS", 4);
    put(img + 0x206, s->version, 2);
    img[0x210] = 0x12;                         /* type_of_loader: overwritten */
    img[0x211] = s->loadflags;
    put(img + 0x214, 0x100000, 4);
    put(img + 0x22c, s->initrd_addr_max, 4);
    put(img + 0x230, s->kernel_alignment, 4);
    img[0x234] = s->relocatable;
    img[0x235] = 21;
    put(img + 0x236, s->xloadflags, 2);
    put(img + 0x238, s->cmdline_size, 4);
    put(img + 0x23c, 1, 4);                    /* hardware_subarch: forced to 0 */
    put(img + 0x250, 0xdeadbeef, 8);           /* setup_data: forced to 0 */
    put(img + 0x258, s->pref_address, 8);
    put(img + 0x260, s->init_size, 4);
    img[0x26c] = 0x5a;                         /* past the header: not copied */
    for (size_t i = 0; i < s->kernel_len; i++)
        img[setup + i] = (uint8_t)(i * 7 + 3);
}

static int setup(void **state)
{
    (void)state;
    test_log_clear();
    bz_make(&bz_default);
    tg_init(&g, MiB(256), MiB(256));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tg_fini(&g);
    free(img);
    img = NULL;
    return 0;
}

static int load(const void *initrd, size_t initrd_len, const char *cmdline,
                struct bzimage_load_result *r)
{
    struct bzimage_params p = { img, img_len, initrd, initrd_len, cmdline,
                                0xe0000 };

    return bzimage_load(&g.mem, &p, r);
}

static void test_load_at_pref_address(void **state)
{
    static uint8_t initrd[MiB(1)];
    struct bzimage_load_result r;

    (void)state;
    memset(initrd, 0x77, sizeof(initrd));
    assert_int_equal(load(initrd, sizeof(initrd), "console=ttyS0", &r), 0);
    assert_int_equal(r.kernel_gpa, 0x1000000);
    assert_int_equal(r.kernel_end, 0x1000000 + 0x800000);
    assert_int_equal(r.entry64, 0x1000200);
    assert_int_equal(r.protocol, 0x020f);
    assert_memory_equal(g.buf + 0x1000000, img + 5 * 512, bz_default.kernel_len);
    assert_int_equal(r.initrd_gpa, MiB(255));
    assert_int_equal(r.initrd_size, MiB(1));
    assert_memory_equal(g.buf + MiB(255), initrd, sizeof(initrd));
    /* 32-bit boot protocol entry state. */
    assert_int_equal(r.cpu.eip, 0x1000000);
    assert_int_equal(r.cpu.esi, LOADER_ZERO_PAGE_GPA);
    assert_int_equal(r.cpu.eax, 0);
    assert_int_equal(r.cpu.ebx, 0);
    assert_int_equal(r.cpu.cs, 0x10);
    assert_int_equal(r.cpu.ds, 0x18);
    assert_int_equal(r.cpu.gdt_base, LOADER_GDT_GPA);
    assert_int_equal(r.cpu.gdt_limit, 31);
    assert_int_equal(tg_get(&g, LOADER_GDT_GPA + 0x10, 8), 0x00cf9b000000ffffull);
    assert_int_equal(tg_get(&g, LOADER_GDT_GPA + 0x18, 8), 0x00cf93000000ffffull);
    assert_string_equal((char *)g.buf + r.cmdline_gpa, "console=ttyS0");
}

static void test_zero_page_fields(void **state)
{
    const uint64_t zp = LOADER_ZERO_PAGE_GPA;
    struct e820_entry map[GUEST_E820_MAX];
    struct bzimage_load_result r;
    uint8_t initrd[100] = { 1 };
    int n;

    (void)state;
    memset(g.buf + zp, 0xcc, 0x1000);          /* the page must be cleared */
    assert_int_equal(load(initrd, sizeof(initrd), "x", &r), 0);
    assert_int_equal(r.zero_page_gpa, zp);
    assert_int_equal(tg_get(&g, zp + 0x00f, 1), 0);   /* orig_video_isVGA */
    assert_int_equal(tg_get(&g, zp + 0x070, 8), 0xe0000); /* acpi_rsdp_addr */
    assert_int_equal(tg_get(&g, zp + 0x1ef, 1), 0);   /* sentinel */
    assert_int_equal(tg_get(&g, zp + 0x1f1, 1), 4);   /* setup_sects */
    assert_int_equal(tg_get(&g, zp + 0x1fe, 2), 0xaa55);
    assert_int_equal(tg_get(&g, zp + 0x202, 4), 0x53726448); /* "HdrS" */
    assert_int_equal(tg_get(&g, zp + 0x206, 2), 0x020f);
    assert_int_equal(tg_get(&g, zp + 0x210, 1), 0xff);  /* type_of_loader */
    assert_int_equal(tg_get(&g, zp + 0x211, 1), 0x81);  /* LOADED_HIGH|CAN_USE_HEAP */
    assert_int_equal(tg_get(&g, zp + 0x214, 4), 0x1000000); /* code32_start */
    assert_int_equal(tg_get(&g, zp + 0x218, 4), r.initrd_gpa);
    assert_int_equal(tg_get(&g, zp + 0x21c, 4), 100);
    assert_int_equal(tg_get(&g, zp + 0x224, 2), 0xde00); /* heap_end_ptr */
    assert_int_equal(tg_get(&g, zp + 0x228, 4), LOADER_CMDLINE_GPA);
    assert_int_equal(tg_get(&g, zp + 0x230, 4), 0x200000);  /* copied */
    assert_int_equal(tg_get(&g, zp + 0x235, 1), 21);
    assert_int_equal(tg_get(&g, zp + 0x23c, 4), 0);     /* hardware_subarch */
    assert_int_equal(tg_get(&g, zp + 0x250, 8), 0);     /* setup_data */
    assert_int_equal(tg_get(&g, zp + 0x258, 8), 0x1000000);
    assert_int_equal(tg_get(&g, zp + 0x260, 4), 0x800000);
    assert_int_equal(tg_get(&g, zp + 0x26c, 1), 0);     /* past the header */
    n = guest_e820_build(MiB(256), map, GUEST_E820_MAX);
    assert_int_equal(n, 6);
    assert_int_equal(r.e820_entries, 6);
    assert_int_equal(tg_get(&g, zp + 0x1e8, 1), 6);
    assert_memory_equal(g.buf + zp + 0x2d0, map, 6 * 20);
    assert_int_equal(tg_get(&g, zp + 0x2d0 + 6 * 20, 8), 0);
    /* e820 entry 3 is RAM [1 MiB, 256 MiB) at the documented packing. */
    assert_int_equal(tg_get(&g, zp + 0x2d0 + 3 * 20, 8), MiB(1));
    assert_int_equal(tg_get(&g, zp + 0x2d0 + 3 * 20 + 8, 8), MiB(255));
    assert_int_equal(tg_get(&g, zp + 0x2d0 + 3 * 20 + 16, 4), 1);
}

static void test_rsdp_addr_needs_2_14(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_load_result r;

    (void)state;
    s.version = 0x020d;
    bz_make(&s);
    assert_int_equal(load(NULL, 0, NULL, &r), 0);
    assert_int_equal(tg_get(&g, LOADER_ZERO_PAGE_GPA + 0x070, 8), 0);
    assert_int_equal(r.initrd_gpa, 0);
    assert_int_equal(tg_get(&g, LOADER_ZERO_PAGE_GPA + 0x218, 4), 0);
    assert_int_equal(g.buf[LOADER_CMDLINE_GPA], 0);
}

static void test_cmdline_truncated(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_load_result r;

    (void)state;
    s.cmdline_size = 10;
    bz_make(&s);
    memset(g.buf + LOADER_CMDLINE_GPA, 'z', 64);
    assert_int_equal(load(NULL, 0, "console=ttyS0 root=/dev/ram", &r), 0);
    assert_string_equal((char *)g.buf + LOADER_CMDLINE_GPA, "console=tt");
    assert_non_null(strstr(test_log, "command line cut"));
}

/* pref_address is rounded up to kernel_alignment. */
static void test_alignment_respected(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_load_result r;

    (void)state;
    s.pref_address = 0x1100000;
    bz_make(&s);
    assert_int_equal(load(NULL, 0, NULL, &r), 0);
    assert_int_equal(r.kernel_gpa, 0x1200000);
}

/* Too little RAM at pref_address: a relocatable kernel moves down to the
 * first aligned address above 1 MiB. */
static void test_relocated_when_pref_does_not_fit(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_load_result r;

    (void)state;
    g.mem.ram_bytes = MiB(32);
    s.init_size = MiB(20);
    bz_make(&s);
    assert_int_equal(load(NULL, 0, NULL, &r), 0);
    assert_int_equal(r.kernel_gpa, MiB(2));
    assert_int_equal(r.kernel_end, MiB(22));
    assert_int_equal(r.cpu.eip, MiB(2));
    assert_int_equal(tg_get(&g, LOADER_ZERO_PAGE_GPA + 0x214, 4), MiB(2));
}

/* Before 2.10 there is no pref_address: 1 MiB. A fixed kernel does not move. */
static void test_fixed_kernel(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_load_result r;

    (void)state;
    s.version = 0x0209;
    s.relocatable = 0;
    bz_make(&s);
    assert_int_equal(load(NULL, 0, NULL, &r), 0);
    assert_int_equal(r.kernel_gpa, MiB(1));
    assert_int_equal(r.kernel_end, MiB(1) + s.kernel_len);
    assert_int_equal(r.entry64, 0);            /* no xloadflags before 2.12 */

    s.version = 0x020f;
    s.init_size = MiB(250);
    bz_make(&s);
    assert_int_equal(load(NULL, 0, NULL, &r), -ENOMEM);
}

static void test_setup_sects_zero_means_four(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_info bi;

    (void)state;
    s.setup_sects = 0;
    bz_make(&s);
    assert_int_equal(bzimage_parse(img, img_len, &bi), 0);
    assert_int_equal(bi.setup_size, 5 * 512);
    assert_int_equal(bi.kernel_len, s.kernel_len);
    assert_int_equal(bi.hdr_end, 0x26c);
    assert_true(bi.relocatable);
    assert_int_equal(bi.xloadflags, 1);
}

/* The initrd goes page-aligned just below initrd_addr_max. */
static void test_initrd_below_addr_max(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_load_result r;
    uint8_t initrd[5000];

    (void)state;
    tg_fini(&g);
    tg_init(&g, GiB(1), GiB(1));
    s.initrd_addr_max = 0x37ffffff;
    bz_make(&s);
    memset(initrd, 0x42, sizeof(initrd));
    assert_int_equal(load(initrd, sizeof(initrd), NULL, &r), 0);
    assert_int_equal(r.initrd_gpa, 0x37ffe000);
    assert_memory_equal(g.buf + 0x37ffe000, initrd, sizeof(initrd));
}

/* The initrd may not overlap init_size, and fails cleanly when it must. */
static void test_initrd_respects_init_size(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_load_result r;
    uint8_t *initrd = calloc(1, MiB(20));

    (void)state;
    assert_non_null(initrd);
    g.mem.ram_bytes = MiB(64);
    s.init_size = MiB(32);                     /* kernel: [16 MiB, 48 MiB) */
    bz_make(&s);
    assert_int_equal(load(initrd, MiB(15), NULL, &r), 0);
    assert_int_equal(r.initrd_gpa, MiB(49));
    assert_int_equal(load(initrd, MiB(16), NULL, &r), 0);
    assert_int_equal(r.initrd_gpa, MiB(48));
    assert_int_equal(load(initrd, MiB(16) + 1, NULL, &r), -ENOMEM);
    assert_int_equal(load(initrd, MiB(20), NULL, &r), -ENOMEM);
    assert_non_null(strstr(test_log, "initrd"));
    free(initrd);
}

/* Guest memory faults are reported, not ignored. */
static void test_guest_fault_propagates(void **state)
{
    struct bzimage_load_result r;
    uint8_t initrd[64] = { 0 };

    (void)state;
    g.mem.ram_bytes = MiB(512);                /* more than is backed */
    assert_int_equal(load(initrd, sizeof(initrd), NULL, &r), -EFAULT);
    g.mem.ram_bytes = MiB(256);
    for (unsigned int n = 1;; n++) {
        int rc;

        g.accesses = 0;
        g.fail_at = n;
        rc = load(initrd, sizeof(initrd), "a", &r);
        if (rc == 0) {
            assert_true(n > 10);   /* kernel, initrd, cmdline, zero page... */
            break;
        }
        assert_int_equal(rc, -EFAULT);
    }
}

struct reject_case {
    const char *name;
    void (*mutate)(struct bz_spec *s);
    void (*patch)(void);
    size_t len;                                /* 0: the built length */
    int rc;
    const char *log;
};

static void m_old(struct bz_spec *s) { s->version = 0x0205; }
static void m_no_high(struct bz_spec *s) { s->loadflags = 0; }
static void m_align(struct bz_spec *s) { s->kernel_alignment = 0x3000; }
static void m_align0(struct bz_spec *s) { s->kernel_alignment = 0; }
static void m_hdr_short(struct bz_spec *s) { s->hdr_len = 0x20; }
static void m_hdr_short210(struct bz_spec *s) { s->hdr_len = 0x50; }
static void m_syssize(struct bz_spec *s) { s->syssize_delta = 2; }
static void m_syssize0(struct bz_spec *s) { s->syssize_delta = -(int32_t)(0x10000 / 16); }
static void m_no_kernel(struct bz_spec *s) { s->kernel_len = 0; }
static void m_init_huge(struct bz_spec *s) { s->init_size = 0xffffffff; }
static void m_pref_fixed_high(struct bz_spec *s)
{
    s->relocatable = 0;
    s->pref_address = 0xfffffffffffff000ull;
}
static void p_flag(void) { img[0x1ff] = 0x55; }
static void p_magic(void) { img[0x205] = 'T'; }
static void p_sects(void) { img[0x1f1] = 200; }   /* 201 * 512 > file */

static const struct reject_case rejects[] = {
    { "bad boot flag", NULL, p_flag, 0, -EINVAL, "signature" },
    { "bad HdrS", NULL, p_magic, 0, -EINVAL, "HdrS" },
    { "protocol 2.05", m_old, NULL, 0, -EINVAL, "2.06 or later required" },
    { "truncated", NULL, NULL, 0x100, -EINVAL, "truncated" },
    { "setup_sects past file", NULL, p_sects, 0, -EINVAL, "setup_sects" },
    { "no kernel", m_no_kernel, NULL, 0, -EINVAL, "setup_sects" },
    { "cut at setup end", NULL, NULL, 2 * 512, -EINVAL, "setup_sects" },
    { "syssize beyond file", m_syssize, NULL, 0, -EINVAL, "syssize" },
    { "syssize zero", m_syssize0, NULL, 0, -EINVAL, "syssize" },
    { "not LOADED_HIGH", m_no_high, NULL, 0, -EINVAL, "LOADED_HIGH" },
    { "alignment not pow2", m_align, NULL, 0, -EINVAL, "kernel_alignment" },
    { "alignment zero", m_align0, NULL, 0, -EINVAL, "kernel_alignment" },
    { "header too short", m_hdr_short, NULL, 0, -EINVAL, "header length" },
    { "2.10 header short", m_hdr_short210, NULL, 0, -EINVAL, "header length" },
    { "init_size absurd", m_init_huge, NULL, 0, -ENOMEM, "does not fit" },
    { "fixed at absurd pref", m_pref_fixed_high, NULL, 0, -ENOMEM, "does not fit" },
};

static void test_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(rejects); i++) {
        const struct reject_case *c = &rejects[i];
        struct bz_spec s = bz_default;
        struct bzimage_load_result r;

        if (c->mutate)
            c->mutate(&s);
        bz_make(&s);
        if (c->patch)
            c->patch();
        if (c->len)
            img_len = c->len;
        test_log_clear();
        g.accesses = 0;
        print_message("case: %s\n", c->name);
        assert_int_equal(load(NULL, 0, NULL, &r), c->rc);
        assert_non_null(strstr(test_log, c->log));
        assert_int_equal(g.accesses, 0);       /* guest memory untouched */
    }
}

/* An absurd pref_address on a relocatable kernel falls back to low RAM. */
static void test_absurd_pref_relocatable(void **state)
{
    struct bz_spec s = bz_default;
    struct bzimage_load_result r;

    (void)state;
    s.pref_address = 0xfffffffffffff000ull;
    bz_make(&s);
    assert_int_equal(load(NULL, 0, NULL, &r), 0);
    assert_int_equal(r.kernel_gpa, MiB(2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_at_pref_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_page_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rsdp_addr_needs_2_14, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cmdline_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alignment_respected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relocated_when_pref_does_not_fit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fixed_kernel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setup_sects_zero_means_four, setup, teardown),
        cmocka_unit_test_setup_teardown(test_initrd_below_addr_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_initrd_respects_init_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_fault_propagates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absurd_pref_relocatable, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
