// SPDX-License-Identifier: MIT
/* Unit tests of the Xen ELF note parser and the PVH loader (hv/domain/xen_elfnote.c, pvh_loader.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader_test_mem.h"
#include <hv/pvh_loader.h>

#define IMG_MAX 0x4000
#define PREFILL 0xa5
#define RAM MiB(64)

/*
 * Synthetic ELF64 kernel:
 *   0x000 ELF header, 0x040 five program headers (text, data+bss, PT_NOTE,
 *   GNU_STACK, spare), 0x300 section headers (only when a test adds them),
 *   0x400 notes, 0x1000 text (-> 1 MiB), 0x1800 data (-> 2 MiB, bss to
 *   2 MiB + 0x3000).
 */
#define PH_OFF 0x40
#define PH_LEN 56
#define SH_OFF 0x300
#define NOTE_OFF 0x400
#define TEXT_OFF 0x1000
#define TEXT_GPA 0x100000
#define TEXT_LEN 0x800
#define DATA_OFF 0x1800
#define DATA_GPA 0x200000
#define DATA_LEN 0x100
#define DATA_MEM 0x3000
#define ENTRY_GPA 0x100040
#define IMG_LEN 0x2000

static uint8_t img[IMG_MAX];
static size_t img_len;
static size_t note_end;              /* next free byte of the note area */
static struct test_guest g;

static void put(uint8_t *p, uint64_t v, unsigned int size)
{
    for (unsigned int i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void phdr(unsigned int i, uint32_t type, uint64_t off, uint64_t paddr,
                 uint64_t filesz, uint64_t memsz)
{
    uint8_t *p = img + PH_OFF + PH_LEN * i;

    put(p, type, 4);
    put(p + 4, 5, 4);                              /* R+X: ignored */
    put(p + 8, off, 8);
    put(p + 16, paddr + 0xffffffff80000000ull, 8); /* vaddr: ignored */
    put(p + 24, paddr, 8);
    put(p + 32, filesz, 8);
    put(p + 40, memsz, 8);
    put(p + 48, 0x1000, 8);
}

/* Append a note; the PT_NOTE header is refreshed to cover all notes. */
static uint8_t *note(const char *name, uint32_t namesz, uint32_t type,
                     const void *desc, uint32_t descsz)
{
    uint8_t *p = img + note_end;
    uint8_t *d = p + 12 + ((namesz + 3) & ~3u);

    put(p, namesz, 4);
    put(p + 4, descsz, 4);
    put(p + 8, type, 4);
    memcpy(p + 12, name, namesz);
    memcpy(d, desc, descsz);
    note_end = (size_t)(d - img) + ((descsz + 3) & ~3u);
    phdr(2, 4, NOTE_OFF, 0, note_end - NOTE_OFF, note_end - NOTE_OFF);
    return p;
}

static void xnum(uint32_t type, uint64_t v, uint32_t size)
{
    uint8_t b[8];

    put(b, v, 8);
    note("Xen", 4, type, b, size);
}

static void xstr(uint32_t type, const char *s)
{
    note("Xen", 4, type, s, (uint32_t)strlen(s) + 1);
}

/* The header and segments, no notes yet. */
static void make_bare(void)
{
    memset(img, 0, sizeof(img));
    img_len = IMG_LEN;
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 2;                      /* ELFCLASS64 */
    img[5] = 1;                      /* little endian */
    img[6] = 1;
    put(img + 16, 2, 2);             /* ET_EXEC */
    put(img + 18, 62, 2);            /* EM_X86_64 */
    put(img + 20, 1, 4);
    put(img + 24, 0xffffffff80100000ull, 8);
    put(img + 32, PH_OFF, 8);
    put(img + 52, 64, 2);
    put(img + 54, PH_LEN, 2);
    put(img + 56, 5, 2);
    put(img + 58, 64, 2);
    phdr(0, 1, TEXT_OFF, TEXT_GPA, TEXT_LEN, TEXT_LEN);
    phdr(1, 1, DATA_OFF, DATA_GPA, DATA_LEN, DATA_MEM);
    phdr(2, 4, NOTE_OFF, 0, 0, 0);
    phdr(3, 0x6474e551, 0, 0, 0, 0); /* PT_GNU_STACK */
    for (size_t i = TEXT_OFF; i < img_len; i++)
        img[i] = (uint8_t)(i * 7 + 3);
    note_end = NOTE_OFF;
}

#define FEATURES "!writable_page_tables|pae_pgdir_above_4gb"

/* What Linux's notes look like, plus notes the parser must skip. */
static void make_elf(void)
{
    static const uint8_t build_id[20] = { 1, 2, 3 };
    static const uint8_t pairs[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 1 };

    make_bare();
    note("GNU", 4, 3, build_id, sizeof(build_id));
    note("Linux", 6, 0x100, "6.1", 4);
    xstr(XEN_ELFNOTE_GUEST_OS, "linux");
    xstr(XEN_ELFNOTE_GUEST_VERSION, "2.6");
    xstr(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    xnum(XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ull, 8);
    xnum(XEN_ELFNOTE_INIT_P2M, 0x8000000000ull, 8);
    xnum(XEN_ELFNOTE_ENTRY, 0xffffffff80100020ull, 8);
    xnum(XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff80101000ull, 8);
    /* Linux writes FEATURES with .ascii: the NUL is in the padding. */
    note("Xen", 4, XEN_ELFNOTE_FEATURES, FEATURES, sizeof(FEATURES) - 1);
    xnum(XEN_ELFNOTE_SUPPORTED_FEATURES, 0x8801, 4);
    xstr(XEN_ELFNOTE_PAE_MODE, "yes");
    xstr(XEN_ELFNOTE_LOADER, "generic");
    note("Xen", 4, 13, pairs, sizeof(pairs));  /* L1_MFN_VALID: skipped */
    xnum(XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    xnum(XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    xnum(XEN_ELFNOTE_PHYS32_ENTRY, ENTRY_GPA, 8);
}

static int setup(void **state)
{
    (void)state;
    test_log_clear();
    tg_init(&g, RAM, RAM);
    memset(g.buf, PREFILL, MiB(4));
    memset(g.buf + RAM - MiB(1), PREFILL, MiB(1));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tg_fini(&g);
    return 0;
}

static uint8_t initrd[0x1234];

static int load(const char *cmdline, size_t initrd_len, struct pvh_load_result *r)
{
    struct pvh_params p = { img, img_len, initrd, initrd_len, cmdline, 0xe0000 };

    return pvh_load(&g.mem, &p, r);
}

static void test_notes_parsed(void **state)
{
    struct xen_elfnotes n;

    (void)state;
    make_elf();
    assert_int_equal(xen_elfnotes_parse(img, img_len, &n), 0);
    assert_int_equal(n.nr_notes, 15);          /* GNU and Linux not counted */
    assert_int_equal(n.present, (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) |
                                (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) |
                                (1u << 9) | (1u << 10) | (1u << 15) | (1u << 16) |
                                (1u << 17) | (1u << 18));
    assert_true(xen_elfnote_present(&n, XEN_ELFNOTE_PHYS32_ENTRY));
    assert_false(xen_elfnote_present(&n, 13));
    assert_false(xen_elfnote_present(&n, 40));
    assert_int_equal(n.phys32_entry, ENTRY_GPA);
    assert_int_equal(n.entry, 0xffffffff80100020ull);
    assert_int_equal(n.hypercall_page, 0xffffffff80101000ull);
    assert_int_equal(n.virt_base, 0xffffffff80000000ull);
    assert_int_equal(n.paddr_offset, 0);
    assert_int_equal(n.init_p2m, 0x8000000000ull);
    assert_int_equal(n.mod_start_pfn, 1);
    assert_int_equal(n.supported_features, 0x8801);
    assert_string_equal(n.guest_os, "linux");
    assert_string_equal(n.guest_version, "2.6");
    assert_string_equal(n.xen_version, "xen-3.0");
    assert_string_equal(n.loader, "generic");
    assert_string_equal(n.pae_mode, "yes");
    assert_string_equal(n.features, FEATURES);
    /* Strings point into the image. */
    assert_true((const uint8_t *)n.guest_os > img &&
                (const uint8_t *)n.guest_os < img + note_end);
}

/* A later note of the same type wins; 4-byte numbers read as such. */
static void test_notes_repeat(void **state)
{
    struct xen_elfnotes n;

    (void)state;
    make_elf();
    xnum(XEN_ELFNOTE_PHYS32_ENTRY, 0x100080, 4);
    assert_int_equal(xen_elfnotes_parse(img, img_len, &n), 0);
    assert_int_equal(n.phys32_entry, 0x100080);
}

/* Without PT_NOTE the SHT_NOTE sections are read; no notes at all is
 * not an error for the parser. */
static void test_notes_from_sections(void **state)
{
    struct xen_elfnotes n;
    uint8_t *sh = img + SH_OFF + 64;

    (void)state;
    make_elf();
    phdr(2, 0, 0, 0, 0, 0);                      /* PT_NULL */
    assert_int_equal(xen_elfnotes_parse(img, img_len, &n), 0);
    assert_int_equal(n.nr_notes, 0);
    assert_int_equal(n.present, 0);

    put(img + 40, SH_OFF, 8);                    /* e_shoff */
    put(img + 60, 2, 2);                         /* e_shnum: null + .notes */
    put(sh + 4, 7, 4);                           /* SHT_NOTE */
    put(sh + 24, NOTE_OFF, 8);
    put(sh + 32, note_end - NOTE_OFF, 8);
    assert_int_equal(xen_elfnotes_parse(img, img_len, &n), 0);
    assert_int_equal(n.nr_notes, 15);
    assert_int_equal(n.phys32_entry, ENTRY_GPA);
    assert_string_equal(n.loader, "generic");
}

static void check_start_info(const struct pvh_load_result *r, uint32_t nr_mod)
{
    uint64_t si = r->start_info_gpa;

    assert_int_equal(si, PVH_START_INFO_GPA);
    assert_int_equal(tg_get(&g, si + 0, 4), 0x336ec578);
    assert_int_equal(tg_get(&g, si + 4, 4), 1);
    assert_int_equal(tg_get(&g, si + 8, 4), 0);
    assert_int_equal(tg_get(&g, si + 12, 4), nr_mod);
    assert_int_equal(tg_get(&g, si + 16, 8), r->modlist_gpa);
    assert_int_equal(tg_get(&g, si + 24, 8), r->cmdline_gpa);
    assert_int_equal(tg_get(&g, si + 32, 8), 0xe0000);
    assert_int_equal(tg_get(&g, si + 40, 8), PVH_MEMMAP_GPA);
    assert_int_equal(tg_get(&g, si + 48, 4), r->memmap_entries);
    assert_int_equal(tg_get(&g, si + 52, 4), 0);
}

static void test_load(void **state)
{
    struct pvh_load_result r;

    (void)state;
    make_elf();
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i ^ 0x3c);
    assert_int_equal(load("console=hvc0 root=/dev/ram0", sizeof(initrd), &r), 0);
    /* Entry state: EIP = PHYS32_ENTRY, EBX = start_info, flat segments. */
    assert_int_equal(r.entry, ENTRY_GPA);
    assert_int_equal(r.cpu.eip, ENTRY_GPA);
    assert_int_equal(r.cpu.ebx, PVH_START_INFO_GPA);
    assert_int_equal(r.cpu.cs, LOADER_BOOT_CS);
    assert_int_equal(r.cpu.ds, LOADER_BOOT_DS);
    assert_int_equal(r.cpu.gdt_base, LOADER_GDT_GPA);
    assert_int_equal(r.cpu.gdt_limit, 31);
    assert_int_equal(tg_get(&g, LOADER_GDT_GPA + 16, 8), 0x00cf9b000000ffffull);
    /* Segments by p_paddr, bss zeroed, nothing past it. */
    assert_int_equal(r.load_start, TEXT_GPA);
    assert_int_equal(r.load_end, DATA_GPA + DATA_MEM);
    assert_memory_equal(g.buf + TEXT_GPA, img + TEXT_OFF, TEXT_LEN);
    assert_int_equal(g.buf[TEXT_GPA + TEXT_LEN], PREFILL);
    assert_memory_equal(g.buf + DATA_GPA, img + DATA_OFF, DATA_LEN);
    for (uint64_t a = DATA_GPA + DATA_LEN; a < DATA_GPA + DATA_MEM; a++)
        assert_int_equal(g.buf[a], 0);
    assert_int_equal(g.buf[DATA_GPA + DATA_MEM], PREFILL);
    /* start_info, module 0 and the command line. */
    check_start_info(&r, 1);
    assert_int_equal(r.modlist_gpa, PVH_MODLIST_GPA);
    assert_int_equal(r.initrd_gpa, RAM - 0x2000);   /* 0x1234 rounded to pages */
    assert_int_equal(r.initrd_size, sizeof(initrd));
    assert_int_equal(tg_get(&g, PVH_MODLIST_GPA, 8), RAM - 0x2000);
    assert_int_equal(tg_get(&g, PVH_MODLIST_GPA + 8, 8), sizeof(initrd));
    assert_int_equal(tg_get(&g, PVH_MODLIST_GPA + 16, 8), 0);
    assert_int_equal(tg_get(&g, PVH_MODLIST_GPA + 24, 8), 0);
    assert_memory_equal(g.buf + r.initrd_gpa, initrd, sizeof(initrd));
    assert_int_equal(r.cmdline_gpa, PVH_CMDLINE_GPA);
    assert_string_equal((char *)g.buf + PVH_CMDLINE_GPA, "console=hvc0 root=/dev/ram0");
    assert_non_null(strstr(test_log, "entry 0x100040"));
}

static void test_memmap(void **state)
{
    struct e820_entry map[GUEST_E820_MAX];
    struct pvh_load_result r;
    int n;

    (void)state;
    tg_fini(&g);
    tg_init(&g, GiB(5), MiB(4));     /* RAM above 4 GiB too; only 4 MiB backed */
    make_elf();
    assert_int_equal(load(NULL, 0, &r), 0);
    n = guest_e820_build(GiB(5), map, GUEST_E820_MAX);
    assert_int_equal(n, 7);
    assert_int_equal(r.memmap_entries, (unsigned int)n);
    assert_int_equal(r.memmap_gpa, PVH_MEMMAP_GPA);
    for (int i = 0; i < n; i++) {
        uint64_t e = PVH_MEMMAP_GPA + 24 * (uint64_t)i;

        assert_int_equal(tg_get(&g, e, 8), map[i].addr);
        assert_int_equal(tg_get(&g, e + 8, 8), map[i].size);
        assert_int_equal(tg_get(&g, e + 16, 4), map[i].type);
        assert_int_equal(tg_get(&g, e + 20, 4), 0);
    }
    assert_int_equal(tg_get(&g, PVH_MEMMAP_GPA + 6 * 24, 8), GiB(4));
    assert_int_equal(tg_get(&g, PVH_MEMMAP_GPA + 6 * 24 + 8, 8), GiB(2));
}

/* No initrd, no command line: both pointers 0, nothing written there. */
static void test_load_minimal(void **state)
{
    struct pvh_load_result r;

    (void)state;
    make_elf();
    memset(g.buf + PVH_INFO_BASE, PREFILL, PVH_INFO_END - PVH_INFO_BASE);
    assert_int_equal(load(NULL, 0, &r), 0);
    check_start_info(&r, 0);
    assert_int_equal(r.modlist_gpa, 0);
    assert_int_equal(r.cmdline_gpa, 0);
    assert_int_equal(r.initrd_gpa, 0);
    assert_int_equal(g.buf[PVH_MODLIST_GPA], PREFILL);
    assert_int_equal(g.buf[PVH_CMDLINE_GPA], PREFILL);
    assert_int_equal(g.buf[RAM - 0x2000], PREFILL);
    /* An empty command line is still a command line. */
    assert_int_equal(load("", 0, &r), 0);
    assert_int_equal(r.cmdline_gpa, PVH_CMDLINE_GPA);
    assert_int_equal(g.buf[PVH_CMDLINE_GPA], 0);
}

static void test_cmdline_cut(void **state)
{
    static char big[LOADER_CMDLINE_MAX + 100];
    struct pvh_load_result r;

    (void)state;
    make_elf();
    memset(big, 'x', sizeof(big) - 1);
    assert_int_equal(load(big, 0, &r), 0);
    assert_int_equal(strlen((char *)g.buf + PVH_CMDLINE_GPA), LOADER_CMDLINE_MAX - 1);
    assert_int_equal(g.buf[PVH_INFO_END], PREFILL);
    assert_non_null(strstr(test_log, "cut"));
}

/* Segments may sit right after the boot information and up to the end
 * of RAM; the initrd then cannot go above the kernel. */
static void test_segment_edges(void **state)
{
    struct pvh_load_result r;

    (void)state;
    make_elf();
    phdr(1, 1, DATA_OFF, PVH_INFO_END, DATA_LEN, DATA_MEM);
    assert_int_equal(load(NULL, 0, &r), 0);
    assert_memory_equal(g.buf + PVH_INFO_END, img + DATA_OFF, DATA_LEN);
    phdr(1, 1, DATA_OFF, RAM - DATA_MEM, DATA_LEN, DATA_MEM);
    assert_int_equal(load(NULL, 0, &r), 0);
    assert_int_equal(r.load_end, RAM);
    assert_int_equal(g.buf[RAM - 1], 0);
    assert_int_equal(load(NULL, 1, &r), -ENOMEM);
    assert_non_null(strstr(test_log, "initrd of 1 bytes does not fit"));
}

/* ---- hostile images: refused before any guest write ---------------- */

struct reject {
    const char *name;
    void (*make)(void);
    int rc;
    const char *log;
};

static uint64_t reject_ram = RAM;
static size_t reject_initrd;

static void r_elf32(void) { make_elf(); img[4] = 1; }
static void r_not_elf(void) { make_elf(); img[0] = 0x7e; }
static void r_big_endian(void) { make_elf(); img[5] = 2; }
static void r_dyn(void) { make_elf(); put(img + 16, 3, 2); }
static void r_i386(void) { make_elf(); put(img + 18, 3, 2); }
static void r_ehdr_cut(void) { make_elf(); img_len = 63; }
static void r_ident_cut(void) { make_elf(); img_len = 4; }
static void r_phoff(void) { make_elf(); put(img + 32, IMG_LEN - 5 * PH_LEN + 1, 8); }
static void r_phoff_huge(void) { make_elf(); put(img + 32, ~0ull - 8, 8); }
static void r_phnum(void) { make_elf(); put(img + 56, 0xfff0, 2); }
static void r_phnum_xnum(void) { make_elf(); put(img + 56, 0xffff, 2); }
static void r_phentsize(void) { make_elf(); put(img + 54, 32, 2); }
static void r_no_phys32(void)
{
    make_elf();
    put(img + note_end - 24 + 8, 19, 4);       /* last note: type 18 -> 19 */
}
static void r_note_seg_past(void) { make_elf(); phdr(2, 4, IMG_LEN - 8, 0, 16, 16); }
static void r_note_seg_huge(void) { make_elf(); phdr(2, 4, NOTE_OFF, 0, ~0ull, ~0ull); }
static void r_namesz_huge(void) { make_elf(); put(img + NOTE_OFF, 0xffffffff, 4); }
static void r_descsz_huge(void) { make_elf(); put(img + NOTE_OFF + 4, 0xfffffffd, 4); }
static void r_desc_past(void)
{
    make_elf();
    phdr(2, 4, NOTE_OFF, 0, note_end - NOTE_OFF - 5, 0);   /* cuts PHYS32's desc */
}
static void r_desc_past1(void)
{
    make_elf();
    phdr(2, 4, NOTE_OFF, 0, note_end - NOTE_OFF - 1, 0);   /* by one byte */
}
static void r_num_size(void) { make_elf(); xnum(XEN_ELFNOTE_VIRT_BASE, 0, 2); }
static void r_str_nul(void) { make_elf(); note("Xen", 4, XEN_ELFNOTE_LOADER, "generic!", 8); }
static void r_str_pad_garbage(void)
{
    make_elf();
    note("Xen", 4, XEN_ELFNOTE_LOADER, "generic", 7);
    img[note_end - 1] = '!';                   /* the padding byte */
}
static void r_str_pad_cut(void)
{
    make_elf();
    note("Xen", 4, XEN_ELFNOTE_LOADER, "generic", 7);
    phdr(2, 4, NOTE_OFF, 0, note_end - NOTE_OFF - 1, 0);  /* no padding */
}
static void r_str_empty(void) { make_elf(); note("Xen", 4, XEN_ELFNOTE_GUEST_OS, "", 0); }
static void r_filesz(void) { make_elf(); phdr(1, 1, DATA_OFF, DATA_GPA, 0x200, 0x100); }
static void r_seg_past(void) { make_elf(); phdr(1, 1, DATA_OFF, DATA_GPA, IMG_LEN - DATA_OFF + 1, DATA_MEM); }
static void r_seg_off_huge(void) { make_elf(); phdr(1, 1, ~0ull - 0xff, DATA_GPA, 0x100, 0x100); }
static void r_past_ram(void) { make_elf(); phdr(1, 1, DATA_OFF, RAM - 0x1000, 0x100, 0x1001); }
static void r_above_4g(void) { make_elf(); reject_ram = GiB(6); phdr(1, 1, DATA_OFF, GiB(4), 0x100, 0x100); }
static void r_across_4g(void) { make_elf(); reject_ram = GiB(6); phdr(1, 1, DATA_OFF, GiB(4) - 0x1000, 0x100, 0x2000); }
static void r_wraps(void) { make_elf(); phdr(1, 1, DATA_OFF, ~0ull - 0xfff, 0x100, 0x2000); }
static void r_low_area(void) { make_elf(); phdr(1, 1, DATA_OFF, LOADER_CMDLINE_GPA, 0x100, 0x100); }
static void r_acpi(void) { make_elf(); phdr(1, 1, DATA_OFF, GUEST_BIOS_BASE, 0x100, 0x100); }
static void r_info(void) { make_elf(); phdr(1, 1, DATA_OFF, PVH_CMDLINE_GPA + 0x8000, 0x100, 0x100); }
static void r_info_edge(void) { make_elf(); phdr(1, 1, DATA_OFF, PVH_INFO_END - 0x1000, 0x100, 0x1000); }
static void r_overlap(void) { make_elf(); phdr(1, 1, DATA_OFF, TEXT_GPA + TEXT_LEN - 1, 0x100, 0x100); }
static void r_entry_bss(void) { make_elf(); xnum(XEN_ELFNOTE_PHYS32_ENTRY, DATA_GPA + DATA_LEN, 4); }
static void r_entry_high(void) { make_elf(); xnum(XEN_ELFNOTE_PHYS32_ENTRY, ENTRY_GPA + GiB(4), 8); }
static void r_no_load(void) { make_elf(); phdr(0, 0, 0, 0, 0, 0); phdr(1, 6, 0, 0, 0, 0); }
static void r_many_loads(void)
{
    make_elf();
    memcpy(img + 0x1000 + 17 * PH_LEN, img + PH_OFF + 2 * PH_LEN, PH_LEN);
    put(img + 56, 18, 2);                      /* 17 PT_LOADs and the PT_NOTE */
    put(img + 32, 0x1000, 8);                  /* phdrs over the text */
    for (unsigned int i = 0; i < 17; i++) {
        uint8_t *p = img + 0x1000 + PH_LEN * i;

        memset(p, 0, PH_LEN);
        put(p, 1, 4);
        put(p + 24, MiB(1) + 0x1000 * i, 8);
        put(p + 40, 0x10, 8);
    }
}
static void r_shdrs(void)
{
    make_elf();
    phdr(2, 0, 0, 0, 0, 0);
    put(img + 40, IMG_LEN - 64, 8);
    put(img + 60, 2, 2);
}
static void r_initrd_big(void) { make_elf(); reject_initrd = RAM; }

static const struct reject rejects[] = {
    { "ELF32", r_elf32, -EINVAL, "ELF32 kernels are not supported yet" },
    { "not ELF", r_not_elf, -EINVAL, "not an ELF" },
    { "big endian", r_big_endian, -EINVAL, "little-endian ELF64" },
    { "ET_DYN", r_dyn, -EINVAL, "x86-64 executable" },
    { "EM_386", r_i386, -EINVAL, "x86-64 executable" },
    { "header cut", r_ehdr_cut, -EINVAL, "truncated" },
    { "ident cut", r_ident_cut, -EINVAL, "not an ELF" },
    { "phdrs past file", r_phoff, -EINVAL, "program headers" },
    { "phoff huge", r_phoff_huge, -EINVAL, "program headers" },
    { "phnum past file", r_phnum, -EINVAL, "program headers" },
    { "PN_XNUM", r_phnum_xnum, -EINVAL, "program headers" },
    { "phentsize small", r_phentsize, -EINVAL, "program headers" },
    { "no PHYS32_ENTRY", r_no_phys32, -EINVAL,
      "not a PVH kernel (no XEN_ELFNOTE_PHYS32_ENTRY)" },
    { "PT_NOTE past file", r_note_seg_past, -EINVAL, "PT_NOTE segment outside" },
    { "PT_NOTE huge", r_note_seg_huge, -EINVAL, "PT_NOTE segment outside" },
    { "namesz huge", r_namesz_huge, -EINVAL, "runs past" },
    { "descsz huge", r_descsz_huge, -EINVAL, "runs past" },
    { "desc past segment", r_desc_past, -EINVAL, "runs past" },
    { "desc past by 1", r_desc_past1, -EINVAL, "runs past" },
    { "numeric size 2", r_num_size, -EINVAL, "numeric descriptor of 2" },
    { "string no NUL", r_str_nul, -EINVAL, "without its NUL" },
    { "string empty", r_str_empty, -EINVAL, "without its NUL" },
    { "string, padding not NUL", r_str_pad_garbage, -EINVAL, "without its NUL" },
    { "string, padding cut", r_str_pad_cut, -EINVAL, "without its NUL" },
    { "filesz > memsz", r_filesz, -EINVAL, "filesz > memsz" },
    { "segment past file", r_seg_past, -EINVAL, "outside the file" },
    { "segment offset huge", r_seg_off_huge, -EINVAL, "outside the file" },
    { "segment past RAM", r_past_ram, -ENOMEM, "loadable" },
    { "segment above 4G", r_above_4g, -ENOMEM, "below 4 GiB" },
    { "segment across 4G", r_across_4g, -ENOMEM, "below 4 GiB" },
    { "segment wraps", r_wraps, -ENOMEM, "loadable" },
    { "loaders' low area", r_low_area, -ENOMEM, "loadable" },
    { "ACPI area", r_acpi, -ENOMEM, "loadable" },
    { "boot info area", r_info, -ENOMEM, "boot information" },
    { "boot info edge", r_info_edge, -ENOMEM, "boot information" },
    { "segments overlap", r_overlap, -EINVAL, "overlap" },
    { "entry in bss", r_entry_bss, -EINVAL, "no loaded segment" },
    { "entry above 4G", r_entry_high, -EINVAL, "no loaded segment" },
    { "no PT_LOAD", r_no_load, -EINVAL, "no PT_LOAD" },
    { "17 PT_LOADs", r_many_loads, -EINVAL, "more than 16" },
    { "shdrs past file", r_shdrs, -EINVAL, "section headers" },
    { "initrd too big", r_initrd_big, -ENOMEM, "initrd" },
};

static void test_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(rejects); i++) {
        const struct reject *c = &rejects[i];
        struct pvh_params p = { img, 0, NULL, 0, "x", 0 };
        struct pvh_load_result r;

        reject_ram = RAM;
        reject_initrd = 0;
        c->make();
        p.image_len = img_len;
        if (reject_initrd) {
            p.initrd = initrd;             /* never read: refused first */
            p.initrd_len = reject_initrd;
        }
        g.mem.ram_bytes = reject_ram;
        test_log_clear();
        g.accesses = 0;
        print_message("case: %s\n", c->name);
        assert_int_equal(pvh_load(&g.mem, &p, &r), c->rc);
        assert_non_null(strstr(test_log, c->log));
        assert_int_equal(g.accesses, 0);   /* nothing written */
    }
}

static void test_guest_fault_propagates(void **state)
{
    (void)state;
    make_elf();
    for (unsigned int n = 1;; n++) {
        struct pvh_load_result r;
        int rc;

        g.accesses = 0;
        g.fail_at = n;
        rc = load("x", sizeof(initrd), &r);
        if (rc == 0) {
            assert_true(n > 7);            /* 2 segs + bss + initrd + 4 info + GDT */
            break;
        }
        assert_int_equal(rc, -EFAULT);
    }
}

/* ---- the real Debian vmlinux, when the build has fetched it ---------- */

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL &&
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        *len = (size_t)n;
    fclose(f);
    return buf;
}

static uint8_t *find_vmlinux(size_t *len, char *path, size_t path_len)
{
    const char *dir = getenv("MICA_LINUX_DIR");
    const char *cand[] = { VMLINUX_PATH, VMLINUX_SRC_PATH };
    uint8_t *buf;

    if (dir) {
        snprintf(path, path_len, "%s/vmlinux", dir);
        if ((buf = read_file(path, len)) != NULL)
            return buf;
    }
    for (size_t i = 0; i < ARRAY_SIZE(cand); i++) {
        snprintf(path, path_len, "%s", cand[i]);
        if ((buf = read_file(path, len)) != NULL)
            return buf;
    }
    return NULL;
}

static uint8_t *vmlinux;

static int teardown_vmlinux(void **state)
{
    free(vmlinux);
    vmlinux = NULL;
    return teardown(state);
}

static void test_debian_vmlinux(void **state)
{
    struct pvh_params p = { 0 };
    struct pvh_load_result r;
    struct pvh_elf_info info;
    char path[4096];
    size_t len = 0;
    uint8_t *k = vmlinux = find_vmlinux(&len, path, sizeof(path));

    (void)state;
    if (!k) {
        print_message("skipped: no vmlinux at %s (fetch it with scripts/linux/get-kernel.sh)\n",
                      VMLINUX_PATH);
        skip();
    }
    print_message("vmlinux: %s, %zu bytes\n", path, len);
    assert_int_equal(pvh_elf_parse(k, len, MiB(128), &info), 0);
    assert_string_equal(info.notes.guest_os, "linux");
    assert_string_equal(info.notes.xen_version, "xen-3.0");
    assert_string_equal(info.notes.loader, "generic");
    assert_int_equal(info.notes.virt_base, 0xffffffff80000000ull);
    assert_int_equal(info.notes.supported_features & 1, 1);
    /* pvh_start_xen lives in .head.text, at the start of the kernel text. */
    assert_true(info.entry >= MiB(16) && info.entry < MiB(16) + MiB(1));
    assert_int_equal(info.load_start, MiB(16));
    assert_true(info.load_end < GiB(1));      /* Linux maps only 1 GiB at entry */
    print_message("PHYS32_ENTRY 0x%x, %u segments, 0x%llx-0x%llx\n", info.entry,
                  info.nr_seg, (unsigned long long)info.load_start,
                  (unsigned long long)info.load_end);

    tg_fini(&g);
    tg_init(&g, MiB(128), MiB(128));
    p.image = k;
    p.image_len = len;
    p.cmdline = "console=hvc0";
    assert_int_equal(pvh_load(&g.mem, &p, &r), 0);
    assert_int_equal(r.cpu.eip, info.entry);
    for (unsigned int i = 0; i < info.nr_seg; i++)
        assert_memory_equal(g.buf + info.seg[i].gpa, k + info.seg[i].file_off,
                            info.seg[i].filesz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_notes_parsed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notes_repeat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notes_from_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_minimal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cmdline_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_segment_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_fault_propagates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debian_vmlinux, setup, teardown_vmlinux),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
