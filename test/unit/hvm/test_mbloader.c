// SPDX-License-Identifier: MIT
/* Unit tests of the multiboot1 loader (hv/domain/multiboot_loader.c): a.out kludge and ELF32. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader_test_mem.h"
#include <hv/loader.h>

#define IMG_MAX 0x4000
#define PREFILL 0xa5

static uint8_t img[IMG_MAX];
static size_t img_len;
static struct test_guest g;

static void put(uint8_t *p, uint64_t v, unsigned int size)
{
    for (unsigned int i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void mb_header(size_t off, uint32_t flags)
{
    put(img + off, MULTIBOOT1_HEADER_MAGIC, 4);
    put(img + off + 4, flags, 4);
    put(img + off + 8, -(MULTIBOOT1_HEADER_MAGIC + flags), 4);
}

/* a.out kludge image of `len` bytes, header at `off`, loaded at 1 MiB. */
struct aout {
    size_t off;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

static const struct aout aout_default = {
    .off = 0x40, .header_addr = 0x100040, .load_addr = 0x100000,
    .load_end_addr = 0, .bss_end_addr = 0x103000, .entry_addr = 0x100080,
};

static void make_aout(const struct aout *a, size_t len)
{
    memset(img, 0, sizeof(img));
    for (size_t i = 0; i < len; i++)
        img[i] = (uint8_t)(i * 13 + 1);
    img_len = len;
    mb_header(a->off, 0x00010003);
    put(img + a->off + 12, a->header_addr, 4);
    put(img + a->off + 16, a->load_addr, 4);
    put(img + a->off + 20, a->load_end_addr, 4);
    put(img + a->off + 24, a->bss_end_addr, 4);
    put(img + a->off + 28, a->entry_addr, 4);
}

/* ELF32 image: ehdr, 3 phdrs (text, data+bss, a PT_NOTE), then contents. */
#define PH_OFF 52
#define TEXT_OFF 0x1000
#define DATA_OFF 0x1200
#define MBH_OFF 0x1000         /* the multiboot header opens the text */

static void phdr(unsigned int i, uint32_t type, uint32_t off, uint32_t vaddr,
                 uint32_t paddr, uint32_t filesz, uint32_t memsz)
{
    uint8_t *p = img + PH_OFF + 32 * i;

    put(p, type, 4);
    put(p + 4, off, 4);
    put(p + 8, vaddr, 4);
    put(p + 12, paddr, 4);
    put(p + 16, filesz, 4);
    put(p + 20, memsz, 4);
}

static void make_elf(void)
{
    memset(img, 0, sizeof(img));
    img_len = 0x1400;
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 1;                /* ELFCLASS32 */
    img[5] = 1;                /* little endian */
    img[6] = 1;
    put(img + 16, 2, 2);       /* ET_EXEC */
    put(img + 18, 3, 2);       /* EM_386 */
    put(img + 20, 1, 4);
    put(img + 24, 0xc0100010, 4);  /* e_entry: virtual */
    put(img + 28, PH_OFF, 4);
    put(img + 40, 52, 2);
    put(img + 42, 32, 2);
    put(img + 44, 3, 2);
    phdr(0, 1, TEXT_OFF, 0xc0100000, 0x100000, 0x100, 0x100);
    phdr(1, 1, DATA_OFF, 0xc0101000, 0x101000, 0x20, 0x2000);
    phdr(2, 4, 0, 0, 0xf0000000, 0x10, 0x10);   /* PT_NOTE: ignored */
    for (size_t i = TEXT_OFF; i < img_len; i++)
        img[i] = (uint8_t)(i ^ 0x5a);
    mb_header(MBH_OFF, 0x00000003);
}

static int setup(void **state)
{
    (void)state;
    test_log_clear();
    tg_init(&g, MiB(64), MiB(64));
    memset(g.buf, PREFILL, MiB(4));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tg_fini(&g);
    return 0;
}

static int load(const char *cmdline, struct multiboot_load_result *r)
{
    struct multiboot_params p = { img, img_len, cmdline };

    return multiboot_load(&g.mem, &p, r);
}

static void test_aout_load(void **state)
{
    struct multiboot_load_result r;

    (void)state;
    make_aout(&aout_default, 0x1800);
    assert_int_equal(load("test args", &r), 0);
    assert_int_equal(r.cpu.eip, 0x100080);
    assert_int_equal(r.cpu.eax, 0x2BADB002);
    assert_int_equal(r.cpu.ebx, r.mbi_gpa);
    assert_int_equal(r.cpu.cs, 0x10);
    assert_int_equal(r.cpu.ds, 0x18);
    assert_int_equal(r.load_start, 0x100000);
    assert_int_equal(r.load_end, 0x103000);
    /* The whole file from load_addr's offset (0), then zeroed bss. */
    assert_memory_equal(g.buf + 0x100000, img, 0x1800);
    for (uint64_t a = 0x101800; a < 0x103000; a++)
        assert_int_equal(g.buf[a], 0);
    assert_int_equal(g.buf[0x103000], PREFILL);
}

/* load_end_addr cuts the file; header_addr > load_addr shifts the start. */
static void test_aout_partial(void **state)
{
    struct aout a = aout_default;
    struct multiboot_load_result r;

    (void)state;
    a.off = 0x200;
    a.header_addr = 0x200100;          /* header is 0x100 into the image */
    a.load_addr = 0x200000;            /* so loading starts at file 0x100 */
    a.load_end_addr = 0x200800;
    a.bss_end_addr = 0;
    a.entry_addr = 0x200100;
    make_aout(&a, 0x1800);
    assert_int_equal(load(NULL, &r), 0);
    assert_memory_equal(g.buf + 0x200000, img + 0x100, 0x800);
    assert_int_equal(g.buf[0x200800], PREFILL);
    assert_int_equal(r.load_end, 0x200800);
    assert_int_equal(r.cpu.eip, 0x200100);
}

static void test_mbi(void **state)
{
    struct multiboot_load_result r;
    uint64_t mbi, mmap, len;
    struct e820_entry map[GUEST_E820_MAX];
    int n;

    (void)state;
    make_aout(&aout_default, 0x1800);
    assert_int_equal(load("root=/dev/ram quiet", &r), 0);
    mbi = r.mbi_gpa;
    assert_true(mbi < 0x9fc00);
    assert_int_equal(tg_get(&g, mbi, 4), (1u << 0) | (1u << 2) | (1u << 6) | (1u << 9));
    assert_int_equal(tg_get(&g, mbi + 4, 4), 639);
    assert_int_equal(tg_get(&g, mbi + 8, 4), (MiB(64) - MiB(1)) / 1024);
    assert_string_equal((char *)g.buf + tg_get(&g, mbi + 16, 4), "root=/dev/ram quiet");
    assert_int_equal(tg_get(&g, mbi + 20, 4), 0);       /* no modules */
    assert_string_equal((char *)g.buf + tg_get(&g, mbi + 64, 4), "Mica");
    n = guest_e820_build(MiB(64), map, GUEST_E820_MAX);
    len = tg_get(&g, mbi + 44, 4);
    mmap = tg_get(&g, mbi + 48, 4);
    assert_int_equal(len, (uint64_t)n * 24);
    /* Walk as the spec says: next = this + size + 4. */
    for (uint64_t p = mmap, i = 0; p < mmap + len; p += tg_get(&g, p, 4) + 4, i++) {
        assert_int_equal(tg_get(&g, p, 4), 20);
        assert_int_equal(tg_get(&g, p + 4, 8), map[i].addr);
        assert_int_equal(tg_get(&g, p + 12, 8), map[i].size);
        assert_int_equal(tg_get(&g, p + 20, 4), map[i].type);
    }
    /* No command line: an empty string, still flagged. */
    assert_int_equal(load(NULL, &r), 0);
    assert_string_equal((char *)g.buf + tg_get(&g, mbi + 16, 4), "");
}

static void test_elf_load(void **state)
{
    struct multiboot_load_result r;

    (void)state;
    make_elf();
    assert_int_equal(load(NULL, &r), 0);
    assert_int_equal(r.cpu.eip, 0x100010);  /* e_entry through p_paddr */
    assert_int_equal(r.cpu.eax, 0x2BADB002);
    assert_memory_equal(g.buf + 0x100000, img + TEXT_OFF, 0x100);
    assert_int_equal(g.buf[0x100100], PREFILL);   /* past text memsz */
    assert_memory_equal(g.buf + 0x101000, img + DATA_OFF, 0x20);
    for (uint64_t a = 0x101020; a < 0x103000; a++)
        assert_int_equal(g.buf[a], 0);            /* bss zeroed */
    assert_int_equal(r.load_start, 0x100000);
    assert_int_equal(r.load_end, 0x103000);
}

static void test_header_search(void **state)
{
    size_t off;

    (void)state;
    memset(img, 0, sizeof(img));
    mb_header(0x1ff4, 0);              /* last slot: 0x1ff4 + 12 = 8 KiB */
    assert_int_equal(multiboot_find_header(img, sizeof(img), &off), 0);
    assert_int_equal(off, 0x1ff4);
    /* ...but not when the file ends inside it. */
    assert_int_equal(multiboot_find_header(img, 0x1ffc, &off), -ENOENT);

    memset(img, 0, sizeof(img));
    mb_header(0x1ff8, 0);              /* runs past 8 KiB */
    assert_int_equal(multiboot_find_header(img, sizeof(img), &off), -ENOENT);
    mb_header(0x2000, 0);              /* beyond the search window */
    assert_int_equal(multiboot_find_header(img, sizeof(img), &off), -ENOENT);

    memset(img, 0, sizeof(img));
    mb_header(0x42, 0);                /* misaligned */
    assert_int_equal(multiboot_find_header(img, sizeof(img), &off), -ENOENT);

    memset(img, 0, sizeof(img));
    mb_header(0x40, 0);
    img[0x48] ^= 1;                    /* checksum off by one */
    assert_int_equal(multiboot_find_header(img, sizeof(img), &off), -EINVAL);
    assert_non_null(strstr(test_log, "bad checksum"));
    mb_header(0x80, 0);                /* a good one later still counts */
    assert_int_equal(multiboot_find_header(img, sizeof(img), &off), 0);
    assert_int_equal(off, 0x80);
    assert_int_equal(multiboot_find_header(img, 0, &off), -ENOENT);
}

/* The 32-byte kludge header must fit in the first 8 KiB too. */
static void test_aout_header_truncated(void **state)
{
    struct aout a = aout_default;
    struct multiboot_load_result r;

    (void)state;
    a.off = 0x1ff0;
    a.header_addr = 0x101ff0;
    make_aout(&a, 0x3000);
    assert_int_equal(load(NULL, &r), -EINVAL);
    assert_non_null(strstr(test_log, "truncated"));
}

struct reject {
    const char *name;
    void (*make)(void);
    int rc;
    const char *log;
};

static void mk_aout(const struct aout *a) { make_aout(a, 0x1800); }
#define AOUT_CASE(fn, field, val)                \
    static void fn(void)                         \
    {                                            \
        struct aout a = aout_default;            \
        a.field = val;                           \
        mk_aout(&a);                             \
    }
AOUT_CASE(a_header_below_load, load_addr, 0x100041)
AOUT_CASE(a_header_too_far, header_addr, 0x100080)  /* 0x80 > offset 0x40 */
AOUT_CASE(a_load_end_below, load_end_addr, 0x100000)
AOUT_CASE(a_load_end_past_file, load_end_addr, 0x101801)
AOUT_CASE(a_bss_below, bss_end_addr, 0x101000)
AOUT_CASE(a_entry_before, entry_addr, 0xfffff)
AOUT_CASE(a_entry_after, entry_addr, 0x101800)
AOUT_CASE(a_ram_end, bss_end_addr, MiB(64) + 1)

static void a_outside_ram(void)
{
    struct aout a = { 0x40, 0xf0000040, 0xf0000000, 0, 0, 0xf0000040 };

    mk_aout(&a);
}

static void a_in_loader_area(void)
{
    struct aout a = { 0x40, 0x20040, 0x20000, 0, 0, 0x20040 };

    mk_aout(&a);
}

static void a_in_hole(void)
{
    struct aout a = { 0x40, 0xa0040, 0xa0000, 0, 0, 0xa0040 };

    mk_aout(&a);
}

static void h_video(void) { make_aout(&aout_default, 0x1800); mb_header(0x40, 0x10007); }
static void h_unknown(void) { make_aout(&aout_default, 0x1800); mb_header(0x40, 0x10023); }
static void h_none(void) { memset(img, 0, sizeof(img)); img_len = 0x100; }
static void e_elf64(void) { make_elf(); img[4] = 2; }
static void e_x86_64(void) { make_elf(); put(img + 18, 62, 2); }
static void e_dyn(void) { make_elf(); put(img + 16, 3, 2); }
static void e_big_endian(void) { make_elf(); img[5] = 2; }
static void e_not_elf(void) { make_elf(); img[1] = 'X'; }
static void e_filesz(void) { make_elf(); phdr(0, 1, TEXT_OFF, 0xc0100000, 0x100000, 0x200, 0x100); }
static void e_past_file(void) { make_elf(); phdr(1, 1, DATA_OFF, 0xc0101000, 0x101000, 0x201, 0x2000); }
static void e_off_huge(void) { make_elf(); phdr(1, 1, 0xfffffff0, 0xc0101000, 0x101000, 0x20, 0x2000); }
static void e_phoff(void) { make_elf(); put(img + 28, 0x13f0, 4); }
static void e_phentsize(void) { make_elf(); put(img + 42, 16, 2); }
static void e_outside_ram(void) { make_elf(); phdr(1, 1, DATA_OFF, 0, 0x3ffff00, 0x20, 0x200); }
static void e_wraps(void) { make_elf(); phdr(1, 1, DATA_OFF, 0, 0xfffff000, 0x20, 0x2000); }
static void e_entry(void) { make_elf(); put(img + 24, 0xc0100100, 4); }
static void e_no_load(void) { make_elf(); put(img + 44, 0, 2); }
static void e_short(void) { make_elf(); img_len = 40; memset(img + 40, 0, 0x2000); mb_header(28, 3); }

static const struct reject rejects[] = {
    { "header below load", a_header_below_load, -EINVAL, "inconsistent" },
    { "header too far", a_header_too_far, -EINVAL, "inconsistent" },
    { "load_end <= load", a_load_end_below, -EINVAL, "load_end_addr" },
    { "load_end past file", a_load_end_past_file, -EINVAL, "outside the file" },
    { "bss below load_end", a_bss_below, -EINVAL, "bss_end_addr" },
    { "entry before", a_entry_before, -EINVAL, "entry_addr" },
    { "entry after", a_entry_after, -EINVAL, "entry_addr" },
    { "bss past RAM", a_ram_end, -ENOMEM, "loadable" },
    { "outside RAM", a_outside_ram, -ENOMEM, "loadable" },
    { "loader area", a_in_loader_area, -ENOMEM, "loadable" },
    { "legacy hole", a_in_hole, -ENOMEM, "loadable" },
    { "video required", h_video, -EINVAL, "required flags" },
    { "unknown required", h_unknown, -EINVAL, "required flags" },
    { "no header", h_none, -ENOENT, "no header" },
    { "ELF64", e_elf64, -EINVAL, "ELF64" },
    { "x86-64 machine", e_x86_64, -EINVAL, "i386" },
    { "ET_DYN", e_dyn, -EINVAL, "i386" },
    { "big endian", e_big_endian, -EINVAL, "i386" },
    { "not ELF", e_not_elf, -EINVAL, "not an ELF" },
    { "filesz > memsz", e_filesz, -EINVAL, "filesz > memsz" },
    { "segment past file", e_past_file, -EINVAL, "outside the file" },
    { "offset huge", e_off_huge, -EINVAL, "outside the file" },
    { "phdrs past file", e_phoff, -EINVAL, "program headers" },
    { "phentsize small", e_phentsize, -EINVAL, "program headers" },
    { "segment past RAM", e_outside_ram, -ENOMEM, "loadable" },
    { "segment wraps 4G", e_wraps, -ENOMEM, "loadable" },
    { "entry in no segment", e_entry, -EINVAL, "entry" },
    { "no PT_LOAD", e_no_load, -EINVAL, "no PT_LOAD" },
    { "ELF header cut", e_short, -EINVAL, "not an ELF" },
};

static void test_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(rejects); i++) {
        const struct reject *c = &rejects[i];
        struct multiboot_load_result r;

        c->make();
        test_log_clear();
        g.accesses = 0;
        print_message("case: %s\n", c->name);
        assert_int_equal(load(NULL, &r), c->rc);
        assert_non_null(strstr(test_log, c->log));
        assert_int_equal(g.accesses, 0);   /* nothing written */
    }
}

static void test_guest_fault_propagates(void **state)
{
    (void)state;
    make_elf();
    for (unsigned int n = 1;; n++) {
        struct multiboot_load_result r;
        int rc;

        g.accesses = 0;
        g.fail_at = n;
        rc = load("x", &r);
        if (rc == 0) {
            assert_true(n > 5);
            break;
        }
        assert_int_equal(rc, -EFAULT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_aout_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aout_partial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mbi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_elf_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aout_header_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_fault_propagates, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
