// SPDX-License-Identifier: MIT
/* Multiboot1 loader for small test kernels: a.out kludge or ELF32 images, multiboot info. */
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/loader.h>
#include <hv/printk.h>
#include <hv/unaligned.h>

/*
 * Design: the image is hostile. Every header field is read from inside the
 * buffer, every segment is checked against the file and against loadable
 * guest RAM (guest_range_loadable) before anything is written, so a bad
 * image leaves guest memory untouched. Layouts are those of the Multiboot
 * Specification 0.6.96, "OS image format" and "Boot information format",
 * and of the System V ABI ELF32 file header and program header.
 */

/* "The layout of Multiboot header": u32 words from the magic on. */
#define MBH_MAGIC 0
#define MBH_FLAGS 4
#define MBH_CHECKSUM 8
#define MBH_HEADER_ADDR 12
#define MBH_LOAD_ADDR 16
#define MBH_LOAD_END_ADDR 20
#define MBH_BSS_END_ADDR 24
#define MBH_ENTRY_ADDR 28
#define MBH_MIN_LEN 12
#define MBH_AOUT_LEN 32

#define MBH_F_PAGE_ALIGN (1u << 0)   /* modules page-aligned: we load none */
#define MBH_F_MEMINFO (1u << 1)      /* mem_* fields: always provided */
#define MBH_F_VIDEO (1u << 2)        /* video mode table: not provided */
#define MBH_F_REQUIRED_MASK 0xffffu
#define MBH_F_AOUT_KLUDGE (1u << 16)

/* "Boot information format". */
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_BOOT_LOADER_NAME 64
#define MBI_SIZE 116                 /* through the framebuffer fields */
#define MBI_F_MEM (1u << 0)
#define MBI_F_CMDLINE (1u << 2)
#define MBI_F_MMAP (1u << 6)
#define MBI_F_LOADER_NAME (1u << 9)
#define MBI_MMAP_GPA (LOADER_MBI_GPA + 0x100)
#define MBI_NAME_GPA (LOADER_MBI_GPA + 0x400)
#define MBI_MMAP_ENTRY 24            /* u32 size (= 20), then the entry */

/* ELF32 file header and program header offsets. */
#define E_PHOFF 28
#define E_PHENTSIZE 42
#define E_PHNUM 44
#define EHDR32_LEN 52
#define ET_EXEC 2
#define EM_386 3
#define P_TYPE 0
#define P_OFFSET 4
#define P_VADDR 8
#define P_PADDR 12
#define P_FILESZ 16
#define P_MEMSZ 20
#define PHDR32_LEN 32
#define PT_LOAD 1

/* One piece of the image to place: file bytes then zeroes. */
struct mb_seg {
    uint64_t gpa;
    uint64_t file_off;
    uint64_t filesz;
    uint64_t memsz;
};

/* Upper bound of a loadable image: a.out is one segment; ELF32 kernels for
 * tests have a handful of PT_LOADs. */
#define MB_MAX_SEGS 16

struct mb_image {
    const uint8_t *b;
    size_t len;
    uint64_t ram;
    struct mb_seg seg[MB_MAX_SEGS];
    unsigned int nr_seg;
    uint64_t entry;
};

int multiboot_find_header(const void *image, size_t len, size_t *off)
{
    const uint8_t *b = image;
    size_t limit = MIN(len, (size_t)MULTIBOOT1_SEARCH_LEN);
    unsigned int bad = 0;

    for (size_t o = 0; o + MBH_MIN_LEN <= limit; o += 4) {
        uint32_t magic = get_unaligned_32(b + o + MBH_MAGIC);

        if (magic != MULTIBOOT1_HEADER_MAGIC)
            continue;
        if (magic + get_unaligned_32(b + o + MBH_FLAGS) +
            get_unaligned_32(b + o + MBH_CHECKSUM) == 0) {
            *off = o;
            return 0;
        }
        bad++;
    }
    if (bad) {
        printk(LOG_WARN "multiboot: %u header(s) with a bad checksum\n", bad);
        return -EINVAL;
    }
    printk(LOG_WARN "multiboot: no header in the first %u bytes\n", MULTIBOOT1_SEARCH_LEN);
    return -ENOENT;
}

static int mb_check_seg(const struct mb_image *im, const struct mb_seg *s)
{
    if (s->filesz > s->memsz) {
        printk(LOG_WARN "multiboot: segment at 0x%llx has filesz > memsz\n",
               (unsigned long long)s->gpa);
        return -EINVAL;
    }
    if (s->file_off > im->len || s->filesz > im->len - s->file_off) {
        printk(LOG_WARN "multiboot: segment at 0x%llx lies outside the file\n",
               (unsigned long long)s->gpa);
        return -EINVAL;
    }
    if (!guest_range_loadable(im->ram, s->gpa, s->memsz)) {
        printk(LOG_WARN "multiboot: segment 0x%llx+0x%llx is not in loadable guest RAM\n",
               (unsigned long long)s->gpa, (unsigned long long)s->memsz);
        return -ENOMEM;
    }
    return 0;
}

/* The a.out kludge: addresses from the header, checked against each other
 * and the file ("The address fields of Multiboot header"). */
static int mb_parse_aout(struct mb_image *im, size_t off)
{
    const uint8_t *h = im->b + off;
    uint64_t header = get_unaligned_32(h + MBH_HEADER_ADDR);
    uint64_t load = get_unaligned_32(h + MBH_LOAD_ADDR);
    uint64_t load_end = get_unaligned_32(h + MBH_LOAD_END_ADDR);
    uint64_t bss_end = get_unaligned_32(h + MBH_BSS_END_ADDR);
    uint64_t entry = get_unaligned_32(h + MBH_ENTRY_ADDR);
    struct mb_seg *s = &im->seg[0];

    if (load > header || header - load > off) {
        printk(LOG_WARN "multiboot: load_addr/header_addr inconsistent\n");
        return -EINVAL;
    }
    s->gpa = load;
    s->file_off = off - (header - load);
    s->filesz = load_end ? load_end - load : im->len - s->file_off;
    if (load_end && load_end <= load) {
        printk(LOG_WARN "multiboot: load_end_addr below load_addr\n");
        return -EINVAL;
    }
    if (bss_end && bss_end < load + s->filesz) {
        printk(LOG_WARN "multiboot: bss_end_addr below load_end_addr\n");
        return -EINVAL;
    }
    s->memsz = bss_end ? bss_end - load : s->filesz;
    if (entry < load || entry >= load + s->filesz) {
        printk(LOG_WARN "multiboot: entry_addr outside the loaded image\n");
        return -EINVAL;
    }
    im->nr_seg = 1;
    im->entry = entry;
    return mb_check_seg(im, s);
}

static int mb_check_ehdr(const struct mb_image *im)
{
    const uint8_t *b = im->b;

    if (im->len < EHDR32_LEN || memcmp(b, "\x7f" "ELF", 4) != 0) {
        printk(LOG_WARN "multiboot: no a.out kludge and not an ELF image\n");
        return -EINVAL;
    }
    if (b[EI_CLASS] == ELFCLASS64) {
        printk(LOG_WARN "multiboot: ELF64 kernels are not supported, use ELF32 or the a.out kludge\n");
        return -EINVAL;
    }
    if (b[EI_CLASS] != ELFCLASS32 || b[EI_DATA] != ELFDATA2LSB ||
        get_unaligned_16(b + E_TYPE) != ET_EXEC ||
        get_unaligned_16(b + E_MACHINE) != EM_386) {
        printk(LOG_WARN "multiboot: not a little-endian i386 ELF32 executable\n");
        return -EINVAL;
    }
    return 0;
}

/* Translate e_entry (a virtual address) through the segment holding it. */
static int mb_elf_entry(struct mb_image *im, const uint64_t *vaddr)
{
    uint64_t e = get_unaligned_32(im->b + E_ENTRY);

    for (unsigned int i = 0; i < im->nr_seg; i++) {
        if (e >= vaddr[i] && e - vaddr[i] < im->seg[i].filesz) {
            im->entry = im->seg[i].gpa + (e - vaddr[i]);
            return 0;
        }
    }
    printk(LOG_WARN "multiboot: ELF entry 0x%llx is in no loaded segment\n",
           (unsigned long long)e);
    return -EINVAL;
}

static int mb_elf_phdr(struct mb_image *im, const uint8_t *ph, uint64_t *vaddr)
{
    struct mb_seg *s = &im->seg[im->nr_seg];
    int rc;

    if (get_unaligned_32(ph + P_TYPE) != PT_LOAD ||
        get_unaligned_32(ph + P_MEMSZ) == 0)
        return 0;
    if (im->nr_seg == MB_MAX_SEGS) {
        printk(LOG_WARN "multiboot: more than %u PT_LOAD segments\n", MB_MAX_SEGS);
        return -EINVAL;
    }
    s->gpa = get_unaligned_32(ph + P_PADDR);
    s->file_off = get_unaligned_32(ph + P_OFFSET);
    s->filesz = get_unaligned_32(ph + P_FILESZ);
    s->memsz = get_unaligned_32(ph + P_MEMSZ);
    vaddr[im->nr_seg] = get_unaligned_32(ph + P_VADDR);
    rc = mb_check_seg(im, s);
    if (!rc)
        im->nr_seg++;
    return rc;
}

static int mb_parse_elf(struct mb_image *im)
{
    uint64_t vaddr[MB_MAX_SEGS];
    uint64_t phoff, phent, phnum;
    int rc = mb_check_ehdr(im);

    if (rc)
        return rc;
    phoff = get_unaligned_32(im->b + E_PHOFF);
    phent = get_unaligned_16(im->b + E_PHENTSIZE);
    phnum = get_unaligned_16(im->b + E_PHNUM);
    if (phent < PHDR32_LEN || phoff > im->len || phent * phnum > im->len - phoff) {
        printk(LOG_WARN "multiboot: ELF program headers outside the file\n");
        return -EINVAL;
    }
    for (uint64_t i = 0; i < phnum && !rc; i++)
        rc = mb_elf_phdr(im, im->b + phoff + i * phent, vaddr);
    if (rc)
        return rc;
    if (im->nr_seg == 0) {
        printk(LOG_WARN "multiboot: ELF image has no PT_LOAD segment\n");
        return -EINVAL;
    }
    return mb_elf_entry(im, vaddr);
}

static int mb_parse(struct mb_image *im)
{
    size_t off;
    uint32_t flags;
    int rc = multiboot_find_header(im->b, im->len, &off);

    if (rc)
        return rc;
    flags = get_unaligned_32(im->b + off + MBH_FLAGS);
    if (flags & MBH_F_REQUIRED_MASK & ~(MBH_F_PAGE_ALIGN | MBH_F_MEMINFO)) {
        /* "If the boot loader does not understand all the bits in the
         * requirements mask ... it must fail": video modes included. */
        printk(LOG_WARN "multiboot: unsupported required flags 0x%x\n",
               flags & MBH_F_REQUIRED_MASK);
        return -EINVAL;
    }
    if (!(flags & MBH_F_AOUT_KLUDGE))
        return mb_parse_elf(im);
    if (off + MBH_AOUT_LEN > MIN(im->len, (size_t)MULTIBOOT1_SEARCH_LEN)) {
        printk(LOG_WARN "multiboot: a.out kludge header truncated\n");
        return -EINVAL;
    }
    return mb_parse_aout(im, off);
}

static int mb_load_segments(struct guest_mem *mem, const struct mb_image *im,
                            struct multiboot_load_result *r)
{
    int rc = 0;

    r->load_start = UINT64_MAX;
    for (unsigned int i = 0; i < im->nr_seg && !rc; i++) {
        const struct mb_seg *s = &im->seg[i];

        r->load_start = MIN(r->load_start, s->gpa);
        r->load_end = MAX(r->load_end, s->gpa + s->memsz);
        if (s->filesz)
            rc = guest_mem_write(mem, s->gpa, im->b + s->file_off, s->filesz);
        if (!rc && s->memsz > s->filesz)
            rc = guest_mem_zero(mem, s->gpa + s->filesz, s->memsz - s->filesz);
    }
    return rc;
}

/* The memory map in multiboot form: each entry preceded by its size (20),
 * which does not count the size field itself. */
static int mb_write_mmap(struct guest_mem *mem, uint32_t *len)
{
    struct e820_entry map[GUEST_E820_MAX];
    uint8_t buf[GUEST_E820_MAX * MBI_MMAP_ENTRY];
    const uint32_t esz = sizeof(struct e820_entry);
    int n = guest_e820_build(mem->ram_bytes, map, ARRAY_SIZE(map));

    if (n < 0)
        return n;
    for (int i = 0; i < n; i++) {
        memcpy(buf + i * MBI_MMAP_ENTRY, &esz, 4);
        memcpy(buf + i * MBI_MMAP_ENTRY + 4, &map[i], esz);
    }
    *len = (uint32_t)n * MBI_MMAP_ENTRY;
    return guest_mem_write(mem, MBI_MMAP_GPA, buf, *len);
}

static int mb_write_strings(struct guest_mem *mem, const char *cmdline)
{
    size_t n = cmdline ? strnlen(cmdline, LOADER_CMDLINE_MAX - 1) : 0;
    int rc = guest_mem_write(mem, MBI_NAME_GPA, "Mica", 5);

    if (!rc && n)
        rc = guest_mem_write(mem, LOADER_CMDLINE_GPA, cmdline, n);
    if (!rc)
        rc = guest_mem_write(mem, LOADER_CMDLINE_GPA + n, "", 1);
    return rc;
}

static int mb_write_info(struct guest_mem *mem, const char *cmdline)
{
    uint32_t mbi[MBI_SIZE / 4] = { 0 };
    uint32_t mmap_len = 0;
    int rc = mb_write_mmap(mem, &mmap_len);

    if (!rc)
        rc = mb_write_strings(mem, cmdline);
    if (rc)
        return rc;
    mbi[MBI_FLAGS / 4] = MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MMAP | MBI_F_LOADER_NAME;
    mbi[MBI_MEM_LOWER / 4] = (uint32_t)(GUEST_EBDA_BASE / 1024);
    mbi[MBI_MEM_UPPER / 4] =
        (uint32_t)((guest_ram_low_end(mem->ram_bytes) - MiB(1)) / 1024);
    mbi[MBI_CMDLINE / 4] = (uint32_t)LOADER_CMDLINE_GPA;
    mbi[MBI_MMAP_LENGTH / 4] = mmap_len;
    mbi[MBI_MMAP_ADDR / 4] = (uint32_t)MBI_MMAP_GPA;
    mbi[MBI_BOOT_LOADER_NAME / 4] = (uint32_t)MBI_NAME_GPA;
    return guest_mem_write(mem, LOADER_MBI_GPA, mbi, sizeof(mbi));
}

int multiboot_load(struct guest_mem *mem, const struct multiboot_params *p,
                   struct multiboot_load_result *r)
{
    struct mb_image im = { .b = p->image, .len = p->image_len,
                           .ram = mem->ram_bytes };
    int rc;

    memset(r, 0, sizeof(*r));
    rc = mb_parse(&im);
    if (rc)
        return rc;
    rc = mb_load_segments(mem, &im, r);
    if (!rc)
        rc = mb_write_info(mem, p->cmdline);
    if (!rc)
        rc = guest_boot_gdt_write(mem, &r->cpu);
    if (rc)
        return rc;
    r->mbi_gpa = LOADER_MBI_GPA;
    r->cpu.eip = (uint32_t)im.entry;
    r->cpu.eax = MULTIBOOT1_BOOT_MAGIC;
    r->cpu.ebx = (uint32_t)LOADER_MBI_GPA;
    printk(LOG_INFO "multiboot: kernel 0x%llx-0x%llx, entry 0x%llx\n",
           (unsigned long long)r->load_start, (unsigned long long)r->load_end,
           (unsigned long long)im.entry);
    return 0;
}
