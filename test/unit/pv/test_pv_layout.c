// SPDX-License-Identifier: MIT
/* Unit tests of the PV builder's plan (pv/pv_layout.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include <hv/errno.h>
#include <pv_layout.h>

#define VB 0xffffffff80000000ULL
#define RAM MiB(64)
#define PH_OFF 0x40
#define PH_LEN 56
#define NOTE_OFF 0x200
#define TEXT_OFF 0x1000
#define TEXT_PADDR 0x100000
#define TEXT_LEN 0x3000
#define IMG_LEN (TEXT_OFF + TEXT_LEN)

/*
 * Synthetic PV kernel: ELF header, program headers at 0x40 (text, then a
 * PT_NOTE and spares), Xen notes at 0x200, text at 0x1000 loaded at
 * p_paddr 1 MiB (VA = VIRT_BASE + 1 MiB).
 */
static uint8_t img[IMG_LEN];
static size_t note_end;
static unsigned int nr_ph;
static struct pv_layout l;

static void put(uint8_t *p, uint64_t v, unsigned int size)
{
    for (unsigned int i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void phdr_at(unsigned int i, uint32_t type, uint64_t off, uint64_t paddr,
                    uint64_t filesz, uint64_t memsz)
{
    uint8_t *p = img + PH_OFF + PH_LEN * i;

    put(p, type, 4);
    put(p + 8, off, 8);
    put(p + 16, paddr + VB, 8);
    put(p + 24, paddr, 8);
    put(p + 32, filesz, 8);
    put(p + 40, memsz, 8);
}

/* Another program header after those there are. */
static void phdr(uint32_t type, uint64_t off, uint64_t paddr, uint64_t filesz,
                 uint64_t memsz)
{
    phdr_at(nr_ph++, type, off, paddr, filesz, memsz);
    put(img + 56, nr_ph, 2);
}

/* Replace the text segment (program header 0). */
static void text(uint64_t off, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    phdr_at(0, 1, off, paddr, filesz, memsz);
}

static void note(uint32_t type, const void *desc, uint32_t len)
{
    uint8_t *p = img + NOTE_OFF + note_end;

    put(p, 4, 4);
    put(p + 4, len, 4);
    put(p + 8, type, 4);
    memcpy(p + 12, "Xen", 4);
    memcpy(p + 16, desc, len);
    note_end += 16 + ((len + 3) & ~3u);
    put(img + PH_OFF + PH_LEN + 32, note_end, 8); /* PT_NOTE p_filesz (phdr 1) */
}

static void note_num(uint32_t type, uint64_t v)
{
    note(type, &v, 8);
}

static void note_str(uint32_t type, const char *s)
{
    note(type, s, (uint32_t)strlen(s) + 1);
}

/* A sound kernel: the notes Linux and XTF carry, entry at the text. */
static int setup(void **state)
{
    (void)state;
    memset(img, 0, sizeof(img));
    note_end = nr_ph = 0;
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 2, img[5] = 1, img[6] = 1;           /* ELF64, LSB, version */
    put(img + 16, 2, 2);                          /* ET_EXEC */
    put(img + 18, 62, 2);                         /* EM_X86_64 */
    put(img + 24, VB + TEXT_PADDR, 8);            /* e_entry */
    put(img + 32, PH_OFF, 8);
    put(img + 54, PH_LEN, 2);
    phdr(1, TEXT_OFF, TEXT_PADDR, TEXT_LEN, TEXT_LEN + 0x2000);
    phdr(4, NOTE_OFF, 0, 0, 0);
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_num(XEN_ELFNOTE_VIRT_BASE, VB);
    note_num(XEN_ELFNOTE_PADDR_OFFSET, 0);
    return 0;
}

static int plan(uint64_t ram, uint64_t initrd)
{
    return pv_layout_plan(img, sizeof(img), ram, initrd, &l);
}

static void test_count_tables(void **state)
{
    (void)state;
    assert_int_equal(pv_layout_count_tables(0, MiB(4)), 5);          /* L4 L3 L2 2xL1 */
    assert_int_equal(pv_layout_count_tables(VB, VB + MiB(4)), 5);
    assert_int_equal(pv_layout_count_tables(GiB(1) - MiB(2), GiB(1) + MiB(2)), 6);
    assert_int_equal(pv_layout_count_tables(GiB(512) - MiB(2), GiB(512) + MiB(2)), 7);
}

static void test_plan_sound_kernel(void **state)
{
    uint64_t kend = VB + TEXT_PADDR + TEXT_LEN + 0x2000;

    (void)state;
    assert_int_equal(plan(RAM, 0), 0);
    assert_int_equal(l.kstart, VB + TEXT_PADDR);
    assert_int_equal(l.kend, kend);
    assert_int_equal(l.entry, VB + TEXT_PADDR);
    assert_int_equal(l.nr_seg, 1);
    assert_int_equal(l.seg[0].gpa, TEXT_PADDR);
    assert_int_equal(l.initrd_va, 0);
    assert_int_equal(l.nr_pages, RAM >> 12);
    assert_int_equal(l.p2m_va, kend);
    assert_int_equal(l.start_info_va, kend + (RAM >> 12) * 8);
    assert_int_equal(l.console_va, l.start_info_va + 4096);
    assert_int_equal(l.pt_va, l.console_va + 4096);
    assert_int_equal(l.stack_va, l.pt_va + l.nr_pt * 4096);
    assert_true(l.end >= l.stack_va + 4096 + KiB(512));
    assert_int_equal(l.end & (MiB(4) - 1), 0);
    assert_int_equal(l.nr_pt, pv_layout_count_tables(VB, l.end));
}

static void test_plan_entry_note_and_initrd(void **state)
{
    uint64_t kend = VB + TEXT_PADDR + TEXT_LEN + 0x2000;

    (void)state;
    note_num(XEN_ELFNOTE_ENTRY, VB + TEXT_PADDR + 0x40);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, VB + TEXT_PADDR + 0x1000);
    assert_int_equal(plan(RAM, 5000), 0);
    assert_int_equal(l.entry, VB + TEXT_PADDR + 0x40);
    assert_int_equal(l.hypercall_page, VB + TEXT_PADDR + 0x1000);
    assert_int_equal(l.initrd_va, kend);
    assert_int_equal(l.initrd_len, 5000);
    assert_int_equal(l.p2m_va, kend + 8192);
}

/* INIT_P2M (Linux: 512 GiB): the list leaves the boot region for the pfns
 * after it, followed by its own L3, L2 and L1s (the L4 is shared). */
static void test_plan_init_p2m(void **state)
{
    uint64_t kend = VB + TEXT_PADDR + TEXT_LEN + 0x2000;

    (void)state;
    note_num(XEN_ELFNOTE_INIT_P2M, GiB(512));
    assert_int_equal(plan(RAM, 0), 0);
    assert_true(l.p2m_apart);
    assert_int_equal(l.p2m_va, GiB(512));
    assert_int_equal(l.start_info_va, kend); /* nothing of the list in the region */
    assert_int_equal(l.p2m_pfn, (l.end - VB) >> 12);
    assert_int_equal(l.nr_p2m_pages, (RAM >> 12) * 8 / 4096);
    assert_int_equal(l.nr_p2m_pt, 3); /* 32 KiB of list: one L3, L2 and L1 */
}

static void test_refuses_bad_init_p2m(void **state)
{
    static const uint64_t bad[] = {
        GiB(512) + 8,             /* not page aligned */
        0xffff800000000000ULL,    /* the hypervisor's half */
        0x00007ffffffff000ULL,    /* runs into the hole */
        VB + MiB(2),              /* inside the boot region */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setup(NULL);
        note_num(XEN_ELFNOTE_INIT_P2M, bad[i]);
        assert_int_equal(plan(RAM, 0), -EINVAL);
    }
    setup(NULL);
    note_num(XEN_ELFNOTE_INIT_P2M, GiB(512));
    assert_int_equal(plan(MiB(4), 0), -ENOMEM); /* the region leaves no room */
}

static void test_refuses_non_pv(void **state)
{
    (void)state;
    note_end = 0; /* notes without XEN_VERSION */
    note_str(XEN_ELFNOTE_LOADER, "generic");
    assert_int_equal(plan(RAM, 0), -EINVAL);
    setup(NULL);
    note_end = 0; /* neither LOADER=generic nor GUEST_OS=linux */
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_str(XEN_ELFNOTE_GUEST_OS, "other");
    assert_int_equal(plan(RAM, 0), -EINVAL);
    setup(NULL);
    note_str(XEN_ELFNOTE_FEATURES, "writable_page_tables|!supervisor_mode_kernel");
    assert_int_equal(plan(RAM, 0), -EINVAL);
}

static void test_refuses_bad_addresses(void **state)
{
    (void)state;
    note_num(XEN_ELFNOTE_ENTRY, VB); /* below the kernel */
    assert_int_equal(plan(RAM, 0), -EINVAL);
    setup(NULL);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, VB + TEXT_PADDR + 8); /* not a page */
    assert_int_equal(plan(RAM, 0), -EINVAL);
    setup(NULL);
    note_num(XEN_ELFNOTE_VIRT_BASE, VB + 8);
    assert_int_equal(plan(RAM, 0), -EINVAL);
}

static void test_refuses_bad_segments(void **state)
{
    (void)state;
    phdr(1, TEXT_OFF, TEXT_PADDR + 0x1000, 0x100, 0x100); /* overlaps the text */
    assert_int_equal(plan(RAM, 0), -EINVAL);
    setup(NULL);
    text(TEXT_OFF, TEXT_PADDR, IMG_LEN, IMG_LEN); /* runs past the file */
    assert_int_equal(plan(RAM, 0), -EINVAL);
    setup(NULL);
    text(TEXT_OFF, TEXT_PADDR, TEXT_LEN, TEXT_LEN - 1); /* filesz > memsz */
    assert_int_equal(plan(RAM, 0), -EINVAL);
    setup(NULL);
    text(TEXT_OFF, RAM - 0x1000, TEXT_LEN, TEXT_LEN); /* beyond RAM */
    note_num(XEN_ELFNOTE_ENTRY, VB + RAM - 0x1000);
    assert_int_equal(plan(RAM, 0), -ENOMEM);
}

static void test_refuses_what_does_not_fit(void **state)
{
    (void)state;
    assert_int_equal(plan(MiB(2), 0), -ENOMEM);          /* RAM too small */
    assert_int_equal(plan(RAM, RAM), -ENOMEM);            /* the initrd */
    setup(NULL);
    note_num(XEN_ELFNOTE_VIRT_BASE, 0x00007fffffe00000ULL); /* into the hole */
    note_num(XEN_ELFNOTE_ENTRY, 0x00007fffffe00000ULL + TEXT_PADDR);
    assert_int_equal(plan(RAM, 0), -ENOMEM);
    setup(NULL);
    note_num(XEN_ELFNOTE_VIRT_BASE, 0xfffffffffff00000ULL); /* past the top */
    note_num(XEN_ELFNOTE_ENTRY, 0xfffffffffff00000ULL + TEXT_PADDR);
    assert_int_equal(plan(RAM, 0), -ENOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_tables),
        cmocka_unit_test_setup(test_plan_sound_kernel, setup),
        cmocka_unit_test_setup(test_plan_entry_note_and_initrd, setup),
        cmocka_unit_test_setup(test_plan_init_p2m, setup),
        cmocka_unit_test_setup(test_refuses_bad_init_p2m, setup),
        cmocka_unit_test_setup(test_refuses_non_pv, setup),
        cmocka_unit_test_setup(test_refuses_bad_addresses, setup),
        cmocka_unit_test_setup(test_refuses_bad_segments, setup),
        cmocka_unit_test_setup(test_refuses_what_does_not_fit, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
