// SPDX-License-Identifier: MIT
/* ELF64 header checks and the Xen ELF note parser shared by the PVH and PV domain builders. */
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/pvh_loader.h>
#include <hv/unaligned.h>

/*
 * Design: the image is hostile. Every table and note is checked against
 * the file length with 64-bit arithmetic that cannot wrap (sizes come from
 * 16- and 32-bit fields, offsets are compared before they are added).
 * Layouts are those of the System V ABI "ELF Header", "Program Header",
 * "Sections" and "Note Section", ELF-64 variant; note types and their
 * meaning are Xen's public elfnote.h.
 */

#define E_PHOFF 32
#define E_SHOFF 40
#define E_PHENTSIZE 54
#define E_PHNUM 56
#define E_SHENTSIZE 58
#define E_SHNUM 60
#define EHDR64_LEN 64
#define PHDR64_LEN 56
#define SHDR64_LEN 64
#define ET_EXEC 2
#define EM_X86_64 62
#define PN_XNUM 0xffff               /* real count in section 0: unused by kernels */

#define SH_TYPE 4
#define SH_OFFSET 24
#define SH_SIZE 32
#define SHT_NOTE 7

#define NOTE_HDR_LEN 12              /* namesz, descsz, type */

/* True when [off, off + size) lies inside a file of `len` bytes. */
static bool in_file(size_t len, uint64_t off, uint64_t size)
{
    return off <= len && size <= len - off;
}

static int elf64_check_ident(const uint8_t *b, size_t len)
{
    if (len < EI_DATA + 1 || memcmp(b, "\x7f" "ELF", 4) != 0) {
        printk(LOG_WARN "elf: not an ELF image\n");
        return -EINVAL;
    }
    if (b[EI_CLASS] == ELFCLASS32) {
        /* PVH allows ELF32 kernels (XTF's hvm64 is one), but the kernels
         * Mica boots are ELF64: add ELF32 when a guest needs it. */
        printk(LOG_WARN "elf: ELF32 kernels are not supported yet (PVH permits them); use an ELF64 image\n");
        return -EINVAL;
    }
    if (b[EI_CLASS] != ELFCLASS64 || b[EI_DATA] != ELFDATA2LSB) {
        printk(LOG_WARN "elf: not a little-endian ELF64 image\n");
        return -EINVAL;
    }
    if (len < EHDR64_LEN) {
        printk(LOG_WARN "elf: ELF header truncated (%zu bytes)\n", len);
        return -EINVAL;
    }
    return 0;
}

static int elf64_check_tables(struct elf64_view *v)
{
    if (v->phnum == PN_XNUM || v->phentsize < PHDR64_LEN ||
        !in_file(v->len, v->phoff, v->phentsize * v->phnum)) {
        printk(LOG_WARN "elf: program headers outside the file\n");
        return -EINVAL;
    }
    if (!v->shoff)
        v->shnum = 0;
    return 0;
}

int elf64_view_init(const void *image, size_t len, struct elf64_view *v)
{
    const uint8_t *b = image;
    int rc = elf64_check_ident(b, len);

    memset(v, 0, sizeof(*v));
    if (rc)
        return rc;
    if (get_unaligned_16(b + E_TYPE) != ET_EXEC ||
        get_unaligned_16(b + E_MACHINE) != EM_X86_64) {
        printk(LOG_WARN "elf: not an x86-64 executable (ET_EXEC, EM_X86_64)\n");
        return -EINVAL;
    }
    v->b = b;
    v->len = len;
    v->entry = get_unaligned_64(b + E_ENTRY);
    v->phoff = get_unaligned_64(b + E_PHOFF);
    v->phentsize = get_unaligned_16(b + E_PHENTSIZE);
    v->phnum = get_unaligned_16(b + E_PHNUM);
    v->shoff = get_unaligned_64(b + E_SHOFF);
    v->shentsize = get_unaligned_16(b + E_SHENTSIZE);
    v->shnum = get_unaligned_16(b + E_SHNUM);
    return elf64_check_tables(v);
}

/* ---- Xen notes ---------------------------------------------------------- */

enum note_kind { NOTE_NUM, NOTE_STR };

struct note_field {
    uint8_t type;
    uint8_t kind;
    uint16_t off;                /* into struct xen_elfnotes */
};

#define NUM(t, f) { XEN_ELFNOTE_##t, NOTE_NUM, offsetof(struct xen_elfnotes, f) }
#define STR(t, f) { XEN_ELFNOTE_##t, NOTE_STR, offsetof(struct xen_elfnotes, f) }
static const struct note_field note_fields[] = {
    NUM(ENTRY, entry),
    NUM(HYPERCALL_PAGE, hypercall_page),
    NUM(VIRT_BASE, virt_base),
    NUM(PADDR_OFFSET, paddr_offset),
    STR(XEN_VERSION, xen_version),
    STR(GUEST_OS, guest_os),
    STR(GUEST_VERSION, guest_version),
    STR(LOADER, loader),
    STR(PAE_MODE, pae_mode),
    STR(FEATURES, features),
    NUM(INIT_P2M, init_p2m),
    NUM(MOD_START_PFN, mod_start_pfn),
    NUM(SUPPORTED_FEATURES, supported_features),
    NUM(PHYS32_ENTRY, phys32_entry),
};
#undef NUM
#undef STR

/*
 * `avail` bytes of the note area follow `desc` (at least descsz). A string
 * ends at a NUL inside its descriptor or, failing that, inside the
 * descriptor's padding: Linux emits FEATURES with .ascii, so its only NUL
 * is a padding byte (Xen's libelf reads it the same way).
 */
static int note_store(struct xen_elfnotes *n, const struct note_field *f,
                      const uint8_t *desc, uint32_t descsz, uint64_t avail)
{
    uint8_t *dst = (uint8_t *)n + f->off;
    uint64_t val;

    if (f->kind == NOTE_STR) {
        const char *s = (const char *)desc;
        size_t max = (size_t)MIN(ROUNDUP((uint64_t)descsz, 4), avail);

        if (descsz == 0 || strnlen(s, max) == max) {
            printk(LOG_WARN "elf: Xen note %u: string without its NUL\n", f->type);
            return -EINVAL;
        }
        memcpy(dst, &s, sizeof(s));
        return 0;
    }
    if (descsz != 4 && descsz != 8) {
        printk(LOG_WARN "elf: Xen note %u: numeric descriptor of %u bytes\n",
               f->type, descsz);
        return -EINVAL;
    }
    val = descsz == 4 ? get_unaligned_32(desc) : get_unaligned_64(desc);
    memcpy(dst, &val, sizeof(val));
    return 0;
}

static int note_one(struct xen_elfnotes *n, const uint8_t *name, uint32_t namesz,
                    uint32_t type, const uint8_t *desc, uint32_t descsz,
                    uint64_t avail)
{
    if (namesz != 4 || memcmp(name, "Xen", 4) != 0)
        return 0;                    /* GNU, Linux, ...: not ours */
    n->nr_notes++;
    for (unsigned int i = 0; i < ARRAY_SIZE(note_fields); i++) {
        const struct note_field *f = &note_fields[i];
        int rc;

        if (f->type != type)
            continue;
        rc = note_store(n, f, desc, descsz, avail);
        if (!rc)
            n->present |= 1u << type;
        return rc;
    }
    return 0;                        /* a type we do not use */
}

/*
 * Walk the notes in [off, off + size) of the file. Name and descriptor
 * are each padded to 4 bytes (the ELF-64 kernels Xen loads use 4-byte
 * alignment, as Xen's libelf assumes); only the last descriptor may
 * omit its padding.
 */
static int notes_walk(const struct elf64_view *v, uint64_t off, uint64_t size,
                      struct xen_elfnotes *n)
{
    const uint8_t *p = v->b + off;

    while (size >= NOTE_HDR_LEN) {
        uint64_t namesz = get_unaligned_32(p), descsz = get_unaligned_32(p + 4);
        uint64_t name_pad = ROUNDUP(namesz, 4), desc_pad = ROUNDUP(descsz, 4);
        uint64_t rest = size - NOTE_HDR_LEN;
        int rc;

        if (name_pad > rest || descsz > rest - name_pad) {
            printk(LOG_WARN "elf: note at file offset 0x%llx runs past its area\n",
                   (unsigned long long)(p - v->b));
            return -EINVAL;
        }
        rc = note_one(n, p + NOTE_HDR_LEN, (uint32_t)namesz, get_unaligned_32(p + 8),
                      p + NOTE_HDR_LEN + name_pad, (uint32_t)descsz,
                      rest - name_pad);
        if (rc)
            return rc;
        rest -= name_pad + MIN(desc_pad, rest - name_pad);
        p += size - rest;
        size = rest;
    }
    return 0;
}

static int notes_from_segments(const struct elf64_view *v, struct xen_elfnotes *n)
{
    for (uint64_t i = 0; i < v->phnum; i++) {
        const uint8_t *ph = v->b + v->phoff + i * v->phentsize;
        uint64_t off = get_unaligned_64(ph + ELF64_P_OFFSET);
        uint64_t size = get_unaligned_64(ph + ELF64_P_FILESZ);
        int rc;

        if (get_unaligned_32(ph + ELF64_P_TYPE) != ELF64_PT_NOTE)
            continue;
        if (!in_file(v->len, off, size)) {
            printk(LOG_WARN "elf: PT_NOTE segment outside the file\n");
            return -EINVAL;
        }
        rc = notes_walk(v, off, size, n);
        if (rc)
            return rc;
    }
    return 0;
}

static int notes_from_sections(const struct elf64_view *v, struct xen_elfnotes *n)
{
    if (v->shnum == 0)
        return 0;
    if (v->shentsize < SHDR64_LEN ||
        !in_file(v->len, v->shoff, v->shentsize * v->shnum)) {
        printk(LOG_WARN "elf: section headers outside the file\n");
        return -EINVAL;
    }
    for (uint64_t i = 0; i < v->shnum; i++) {
        const uint8_t *sh = v->b + v->shoff + i * v->shentsize;
        uint64_t off = get_unaligned_64(sh + SH_OFFSET);
        uint64_t size = get_unaligned_64(sh + SH_SIZE);
        int rc;

        if (get_unaligned_32(sh + SH_TYPE) != SHT_NOTE)
            continue;
        if (!in_file(v->len, off, size)) {
            printk(LOG_WARN "elf: SHT_NOTE section outside the file\n");
            return -EINVAL;
        }
        rc = notes_walk(v, off, size, n);
        if (rc)
            return rc;
    }
    return 0;
}

int xen_elfnotes_parse(const void *image, size_t len, struct xen_elfnotes *n)
{
    struct elf64_view v;
    int rc;

    memset(n, 0, sizeof(*n));
    rc = elf64_view_init(image, len, &v);
    if (!rc)
        rc = notes_from_segments(&v, n);
    if (!rc && n->nr_notes == 0)
        rc = notes_from_sections(&v, n);
    if (rc)
        memset(n, 0, sizeof(*n));
    return rc;
}
