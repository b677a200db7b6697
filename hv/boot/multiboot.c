// SPDX-License-Identifier: MIT
/* Multiboot 1 and 2 information: command line, memory map, ACPI RSDP. */
#include <hv/boot.h>
#include <hv/errno.h>
#include <hv/layout.h>
#include <hv/lib.h>

#define MB1_BOOTLOADER_MAGIC 0x2BADB002
#define MB2_BOOTLOADER_MAGIC 0x36d76289

/* Multiboot 1 info flags and field offsets (Multiboot Specification 0.6.96,
 * "Boot information format"). */
#define MB1_FLAG_CMDLINE (1U << 2)
#define MB1_FLAG_MODS (1U << 3)
#define MB1_FLAG_MMAP (1U << 6)
#define MB1_FLAG_LOADER (1U << 9)

struct mb1_module {
    uint32_t mod_start, mod_end, string, reserved;
} __packed;

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

/* Multiboot 2 tag types (Multiboot2 Specification, "Boot information"). */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

/* RSDP copies from multiboot2 tags live here; ACPI code maps them by
 * their physical address inside the image. */
static uint8_t rsdp_copy[36] __aligned(16);

static void copy_string(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

/*
 * Keep only the options. Both GRUB and QEMU put the image path first; a
 * first word without '=' is taken to be that path.
 */
static void copy_cmdline(char *dst, const char *src)
{
    const char *p = src;

    while (*src == ' ')
        src++;
    for (p = src; *p && *p != ' ' && *p != '='; p++)
        ;
    if (*p != '=') {
        while (*p && *p != ' ')
            p++;
        src = p;
    }
    while (*src == ' ')
        src++;
    copy_string(dst, BOOT_CMDLINE_MAX, src);
}

/* Modules beyond BOOT_MODULES_MAX are counted but not used. */
static void module_add(struct boot_info *bi, uint32_t start, uint32_t end,
                       const char *cmdline)
{
    struct boot_module *m;

    if (bi->nr_modules++ >= BOOT_MODULES_MAX || end < start)
        return;
    m = &bi->module[bi->nr_modules - 1];
    m->start = start;
    m->end = end;
    copy_string(m->cmdline, sizeof(m->cmdline), cmdline ? cmdline : "");
}

static int mb1_parse(const struct mb1_info *mi, struct boot_info *bi)
{
    bi->protocol = 1;
    if (mi->flags & MB1_FLAG_CMDLINE)
        copy_cmdline(bi->cmdline, (const char *)(uintptr_t)mi->cmdline);
    if (mi->flags & MB1_FLAG_LOADER)
        copy_string(bi->loader, sizeof(bi->loader),
                    (const char *)(uintptr_t)mi->boot_loader_name);
    if (mi->flags & MB1_FLAG_MODS) {
        const struct mb1_module *m = (const void *)(uintptr_t)mi->mods_addr;

        for (uint32_t i = 0; i < mi->mods_count; i++)
            module_add(bi, m[i].mod_start, m[i].mod_end,
                       (const char *)(uintptr_t)m[i].string);
    }
    if (!(mi->flags & MB1_FLAG_MMAP))
        return -ENOENT;
    return memmap_from_mb1(&bi->map, (const void *)(uintptr_t)mi->mmap_addr,
                           mi->mmap_length);
}

static void mb2_tag(const uint8_t *tag, uint32_t type, uint32_t size,
                    struct boot_info *bi, int *rc)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        copy_cmdline(bi->cmdline, (const char *)tag + 8);
        break;
    case MB2_TAG_LOADER:
        copy_string(bi->loader, sizeof(bi->loader), (const char *)tag + 8);
        break;
    case MB2_TAG_MODULE:
        module_add(bi, *(const uint32_t *)(tag + 8), *(const uint32_t *)(tag + 12),
                   (const char *)tag + 16);
        break;
    case MB2_TAG_MMAP:
        *rc = memmap_from_mb2(&bi->map, tag, size);
        break;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        if (bi->rsdp && type == MB2_TAG_ACPI_OLD)
            break; /* prefer the ACPI 2.0 copy */
        memcpy(rsdp_copy, tag + 8, MIN(size - 8, sizeof(rsdp_copy)));
        bi->rsdp = (paddr_t)rsdp_copy - HV_VIRT_OFFSET;
        break;
    default:
        break;
    }
}

static int mb2_parse(const uint8_t *base, struct boot_info *bi)
{
    uint32_t total = *(const uint32_t *)base;
    int rc = -ENOENT;

    bi->protocol = 2;
    for (uint32_t off = 8; off + 8 <= total;) {
        uint32_t type = *(const uint32_t *)(base + off);
        uint32_t size = *(const uint32_t *)(base + off + 4);

        if (type == MB2_TAG_END || size < 8 || size > total - off)
            break;
        mb2_tag(base + off, type, size, bi, &rc);
        off += ROUNDUP(size, 8);
    }
    return rc;
}

int multiboot_parse(uint32_t magic, paddr_t info, struct boot_info *bi)
{
    if (magic == MB1_BOOTLOADER_MAGIC)
        return mb1_parse((const struct mb1_info *)info, bi);
    if (magic == MB2_BOOTLOADER_MAGIC)
        return mb2_parse((const uint8_t *)info, bi);
    return -EINVAL;
}
