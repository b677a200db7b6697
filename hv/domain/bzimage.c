// SPDX-License-Identifier: MIT
/* Linux bzImage loader: setup header checks, placement, zero page (x86 boot protocol 2.06+). */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/loader.h>
#include <hv/printk.h>
#include <hv/unaligned.h>

/*
 * Design: the image, initrd and command line come from boot modules and are
 * treated as hostile: every offset is checked against the buffer before it
 * is read, sizes are widened to 64 bits before they are added, and guest
 * placement is checked against the guest e820 rather than trusted.
 *
 * Offsets are those of "The Real-Mode Kernel Header" in the kernel's
 * Documentation/arch/x86/boot.rst; the setup header sits at the same offset
 * in the image and in struct boot_params (the zero page), so one set of
 * constants serves both.
 */
#define HDR_SETUP_SECTS 0x1f1        /* u8, 0 means 4 */
#define HDR_SYSSIZE 0x1f4            /* u32, 16-byte paragraphs */
#define HDR_BOOT_FLAG 0x1fe          /* u16, 0xaa55 */
#define HDR_JUMP_LEN 0x201           /* u8: header ends at 0x202 + this */
#define HDR_MAGIC 0x202              /* "HdrS" */
#define HDR_VERSION 0x206            /* u16, 0x0206 = 2.06 */
#define HDR_TYPE_OF_LOADER 0x210     /* u8 */
#define HDR_LOADFLAGS 0x211          /* u8 */
#define HDR_CODE32_START 0x214       /* u32 */
#define HDR_RAMDISK_IMAGE 0x218      /* u32 */
#define HDR_RAMDISK_SIZE 0x21c       /* u32 */
#define HDR_HEAP_END_PTR 0x224       /* u16 */
#define HDR_EXT_LOADER_VER 0x226     /* u8 */
#define HDR_EXT_LOADER_TYPE 0x227    /* u8 */
#define HDR_CMD_LINE_PTR 0x228       /* u32 */
#define HDR_INITRD_ADDR_MAX 0x22c    /* u32 */
#define HDR_KERNEL_ALIGNMENT 0x230   /* u32 */
#define HDR_RELOCATABLE 0x234        /* u8 */
#define HDR_XLOADFLAGS 0x236         /* u16, 2.12+ */
#define HDR_CMDLINE_SIZE 0x238       /* u32, 2.06+ */
#define HDR_HW_SUBARCH 0x23c         /* u32, 2.07+ */
#define HDR_HW_SUBARCH_DATA 0x240    /* u64, 2.07+ */
#define HDR_SETUP_DATA 0x250         /* u64, 2.09+ */
#define HDR_PREF_ADDRESS 0x258       /* u64, 2.10+ */
#define HDR_INIT_SIZE 0x260          /* u32, 2.10+ */

#define HDR_END_206 0x23c            /* through cmdline_size */
#define HDR_END_210 0x264            /* through init_size */

/* struct boot_params ("Zero Page" in Documentation/arch/x86/zero-page.rst). */
#define BP_SIZE 0x1000
#define BP_ACPI_RSDP_ADDR 0x070      /* u64, protocol 2.14+ */
#define BP_E820_ENTRIES 0x1e8        /* u8 */
#define BP_HDR_LIMIT 0x290           /* setup header area ends here */
#define BP_E820_TABLE 0x2d0          /* 128 x struct e820_entry */
#define BP_E820_MAX 128

#define LOADFLAGS_LOADED_HIGH (1u << 0)
#define LOADFLAGS_CAN_USE_HEAP (1u << 7)
#define LOADER_TYPE_UNDEFINED 0xff

/* The heap end of the protocol's example layout (0xe000 - 0x200). Only
 * the real-mode setup code reads it, and the 32-bit entry skips that. */
#define BZ_HEAP_END_PTR 0xde00

#define BZ_VERSION_MIN 0x0206
#define BZ_VERSION_PREF 0x020a       /* pref_address, init_size */
#define BZ_VERSION_XLF 0x020c        /* xloadflags */
#define BZ_VERSION_RSDP 0x020e       /* acpi_rsdp_addr */
#define BZ_ALIGN_MAX GiB(1)

_Static_assert(GUEST_E820_MAX <= BP_E820_MAX, "guest e820 fits the zero page");

static int bz_check_magic(const uint8_t *b, size_t len)
{
    if (len < HDR_VERSION + 2) {
        printk(LOG_WARN "bzImage: truncated: %zu bytes\n", len);
        return -EINVAL;
    }
    if (get_unaligned_16(b + HDR_BOOT_FLAG) != 0xaa55 ||
        memcmp(b + HDR_MAGIC, "HdrS", 4) != 0) {
        printk(LOG_WARN "bzImage: no boot sector signature or HdrS magic\n");
        return -EINVAL;
    }
    return 0;
}

/* Setup sectors, header length and kernel length, all inside the file. */
static int bz_check_layout(const uint8_t *b, size_t len, struct bzimage_info *bi)
{
    unsigned int sects = b[HDR_SETUP_SECTS] ? b[HDR_SETUP_SECTS] : 4;
    uint64_t sys_bytes = (uint64_t)get_unaligned_32(b + HDR_SYSSIZE) * 16;
    size_t need = bi->version >= BZ_VERSION_PREF ? HDR_END_210 : HDR_END_206;

    bi->setup_size = (size_t)(sects + 1) * 512;
    bi->hdr_end = HDR_MAGIC + b[HDR_JUMP_LEN];
    if (bi->setup_size >= len) {
        printk(LOG_WARN "bzImage: setup_sects %u reaches past the %zu-byte file\n",
               sects, len);
        return -EINVAL;
    }
    if (bi->hdr_end < need || bi->hdr_end > bi->setup_size) {
        printk(LOG_WARN "bzImage: setup header length %zu invalid\n", bi->hdr_end);
        return -EINVAL;
    }
    bi->kernel_len = len - bi->setup_size;
    if (sys_bytes == 0 || sys_bytes > ROUNDUP((uint64_t)bi->kernel_len, 16)) {
        printk(LOG_WARN "bzImage: syssize says %llu kernel bytes, file has %zu\n",
               (unsigned long long)sys_bytes, bi->kernel_len);
        return -EINVAL;
    }
    return 0;
}

static int bz_read_fields(const uint8_t *b, struct bzimage_info *bi)
{
    uint32_t align = get_unaligned_32(b + HDR_KERNEL_ALIGNMENT);

    bi->loadflags = b[HDR_LOADFLAGS];
    bi->relocatable = b[HDR_RELOCATABLE] != 0;
    bi->kernel_alignment = align;
    bi->cmdline_size = get_unaligned_32(b + HDR_CMDLINE_SIZE);
    bi->initrd_addr_max = get_unaligned_32(b + HDR_INITRD_ADDR_MAX);
    bi->xloadflags = bi->version >= BZ_VERSION_XLF ?
                     get_unaligned_16(b + HDR_XLOADFLAGS) : 0;
    bi->pref_address = 0;
    bi->init_size = 0;
    if (bi->version >= BZ_VERSION_PREF) {
        bi->pref_address = get_unaligned_64(b + HDR_PREF_ADDRESS);
        bi->init_size = get_unaligned_32(b + HDR_INIT_SIZE);
    }
    if (!(bi->loadflags & LOADFLAGS_LOADED_HIGH)) {
        printk(LOG_WARN "bzImage: not LOADED_HIGH (zImage) - unsupported\n");
        return -EINVAL;
    }
    if (bi->relocatable && (align < PAGE_SIZE || align > BZ_ALIGN_MAX ||
                            (align & (align - 1)))) {
        printk(LOG_WARN "bzImage: bad kernel_alignment 0x%x\n", align);
        return -EINVAL;
    }
    return 0;
}

int bzimage_parse(const void *image, size_t len, struct bzimage_info *bi)
{
    const uint8_t *b = image;
    int rc;

    memset(bi, 0, sizeof(*bi));
    rc = bz_check_magic(b, len);
    if (rc)
        return rc;
    bi->version = get_unaligned_16(b + HDR_VERSION);
    if (bi->version < BZ_VERSION_MIN) {
        printk(LOG_WARN "bzImage: boot protocol %u.%02u too old, 2.06 or later required\n",
               bi->version >> 8, bi->version & 0xff);
        return -EINVAL;
    }
    rc = bz_check_layout(b, len, bi);
    if (rc)
        return rc;
    return bz_read_fields(b, bi);
}

/*
 * The kernel needs max(file payload, init_size) bytes free from its load
 * address. A relocatable kernel goes at pref_address (rounded up to
 * kernel_alignment) or, if that does not fit the guest, at the first
 * aligned address from 1 MiB; a fixed one only at pref_address (1 MiB
 * before protocol 2.10).
 */
static int bz_place_kernel(uint64_t ram, const struct bzimage_info *bi,
                           uint64_t *load, uint64_t *end)
{
    uint64_t size = MAX((uint64_t)bi->kernel_len, (uint64_t)bi->init_size);
    uint64_t want = bi->pref_address ? bi->pref_address : MiB(1);
    uint64_t cand[2] = { want, MiB(1) };
    unsigned int n = bi->relocatable ? 2 : 1;

    for (unsigned int i = 0; i < n; i++) {
        uint64_t c = cand[i];

        if (c >= GiB(4))
            continue;
        if (bi->relocatable)
            c = ROUNDUP(c, (uint64_t)bi->kernel_alignment);
        if (guest_range_loadable(ram, c, size)) {
            *load = c;
            *end = c + size;
            return 0;
        }
    }
    printk(LOG_WARN "bzImage: kernel (%llu bytes at 0x%llx) does not fit in %llu bytes of RAM\n",
           (unsigned long long)size, (unsigned long long)want,
           (unsigned long long)ram);
    return -ENOMEM;
}

/* Highest page-aligned spot below initrd_addr_max and the end of low RAM,
 * above everything the kernel may touch before it reads the e820. */
static int bz_place_initrd(uint64_t ram, const struct bzimage_info *bi,
                           uint64_t kernel_end, uint64_t size, uint64_t *gpa)
{
    uint64_t top = MIN((uint64_t)bi->initrd_addr_max + 1, guest_ram_low_end(ram));
    uint64_t addr;

    if (size <= top) {
        addr = ROUNDDOWN(top - size, PAGE_SIZE);
        if (addr >= ROUNDUP(kernel_end, PAGE_SIZE) &&
            guest_range_loadable(ram, addr, size)) {
            *gpa = addr;
            return 0;
        }
    }
    printk(LOG_WARN "bzImage: initrd of %llu bytes does not fit between the kernel end 0x%llx and 0x%llx\n",
           (unsigned long long)size, (unsigned long long)kernel_end,
           (unsigned long long)top);
    return -ENOMEM;
}

/* The command line, cut to the kernel's cmdline_size, NUL-terminated. */
static int bz_write_cmdline(struct guest_mem *mem, const struct bzimage_info *bi,
                            const char *cmdline)
{
    size_t max = MIN((size_t)bi->cmdline_size, (size_t)LOADER_CMDLINE_MAX - 1);
    size_t n = cmdline ? strnlen(cmdline, LOADER_CMDLINE_MAX) : 0;
    int rc;

    if (n > max) {
        printk(LOG_WARN "bzImage: command line cut from %zu to %zu bytes\n",
               n, max);
        n = max;
    }
    rc = n ? guest_mem_write(mem, LOADER_CMDLINE_GPA, cmdline, n) : 0;
    if (rc)
        return rc;
    return guest_mem_write(mem, LOADER_CMDLINE_GPA + n, "", 1);
}

struct bp_field {
    uint16_t off;
    uint8_t size;
    uint64_t val;
};

static int bp_put(struct guest_mem *mem, const struct bp_field *f)
{
    uint8_t le[8];

    for (unsigned int i = 0; i < f->size; i++)
        le[i] = (uint8_t)(f->val >> (8 * i));
    return guest_mem_write(mem, LOADER_ZERO_PAGE_GPA + f->off, le, f->size);
}

/* The fields a boot loader writes ("Details of Header Fields": "write"
 * and "modify" entries), over the header copied from the image. */
static int bp_write_fields(struct guest_mem *mem, const struct bzimage_info *bi,
                           const struct bzimage_params *p,
                           const struct bzimage_load_result *r)
{
    const struct bp_field f[] = {
        { HDR_TYPE_OF_LOADER, 1, LOADER_TYPE_UNDEFINED },
        { HDR_LOADFLAGS, 1, bi->loadflags | LOADFLAGS_CAN_USE_HEAP },
        { HDR_CODE32_START, 4, r->kernel_gpa },
        { HDR_RAMDISK_IMAGE, 4, r->initrd_gpa },
        { HDR_RAMDISK_SIZE, 4, r->initrd_size },
        { HDR_HEAP_END_PTR, 2, BZ_HEAP_END_PTR },
        { HDR_EXT_LOADER_VER, 1, 0 },
        { HDR_EXT_LOADER_TYPE, 1, 0 },
        { HDR_CMD_LINE_PTR, 4, r->cmdline_gpa },
        { HDR_HW_SUBARCH, 4, 0 },            /* PC */
        { HDR_HW_SUBARCH_DATA, 8, 0 },
        { HDR_SETUP_DATA, 8, 0 },            /* no setup_data chain */
        { BP_E820_ENTRIES, 1, r->e820_entries },
        { BP_ACPI_RSDP_ADDR, 8,
          bi->version >= BZ_VERSION_RSDP ? p->acpi_rsdp_gpa : 0 },
    };
    int rc = 0;

    for (unsigned int i = 0; i < ARRAY_SIZE(f) && !rc; i++)
        rc = bp_put(mem, &f[i]);
    return rc;
}

/*
 * A zeroed page (so screen_info says no VGA, the sentinel at 0x1ef is 0
 * and every field we do not know stays 0), the image's setup header
 * copied in, then the loader's fields and the e820 map.
 */
static int bz_write_zero_page(struct guest_mem *mem, const struct bzimage_info *bi,
                              const struct bzimage_params *p,
                              const struct bzimage_load_result *r,
                              const struct e820_entry *map)
{
    size_t hdr_end = MIN(bi->hdr_end, (size_t)BP_HDR_LIMIT);
    int rc;

    rc = guest_mem_zero(mem, LOADER_ZERO_PAGE_GPA, BP_SIZE);
    if (!rc)
        rc = guest_mem_write(mem, LOADER_ZERO_PAGE_GPA + HDR_SETUP_SECTS,
                             (const uint8_t *)p->image + HDR_SETUP_SECTS,
                             hdr_end - HDR_SETUP_SECTS);
    if (!rc)
        rc = guest_mem_write(mem, LOADER_ZERO_PAGE_GPA + BP_E820_TABLE, map,
                             r->e820_entries * sizeof(*map));
    if (!rc)
        rc = bp_write_fields(mem, bi, p, r);
    return rc;
}

static int bz_load_payloads(struct guest_mem *mem, const struct bzimage_info *bi,
                            const struct bzimage_params *p,
                            struct bzimage_load_result *r)
{
    int rc;

    rc = guest_mem_write(mem, r->kernel_gpa, (const uint8_t *)p->image + bi->setup_size,
                         bi->kernel_len);
    if (!rc && r->initrd_size)
        rc = guest_mem_write(mem, r->initrd_gpa, p->initrd, r->initrd_size);
    if (!rc)
        rc = bz_write_cmdline(mem, bi, p->cmdline);
    return rc;
}

int bzimage_load(struct guest_mem *mem, const struct bzimage_params *p,
                 struct bzimage_load_result *r)
{
    struct e820_entry map[GUEST_E820_MAX];
    struct bzimage_info bi;
    uint64_t ram = mem->ram_bytes;
    int rc, n;

    memset(r, 0, sizeof(*r));
    rc = bzimage_parse(p->image, p->image_len, &bi);
    if (rc)
        return rc;
    n = guest_e820_build(ram, map, ARRAY_SIZE(map));
    if (n < 0)
        return n;
    rc = bz_place_kernel(ram, &bi, &r->kernel_gpa, &r->kernel_end);
    if (rc)
        return rc;
    if (p->initrd && p->initrd_len) {
        r->initrd_size = p->initrd_len;
        rc = bz_place_initrd(ram, &bi, r->kernel_end, p->initrd_len, &r->initrd_gpa);
        if (rc)
            return rc;
    }
    r->protocol = bi.version;
    r->cmdline_gpa = LOADER_CMDLINE_GPA;
    r->zero_page_gpa = LOADER_ZERO_PAGE_GPA;
    r->e820_entries = (unsigned int)n;
    r->entry64 = (bi.xloadflags & BZ_XLF_KERNEL_64) ? r->kernel_gpa + 0x200 : 0;
    rc = bz_load_payloads(mem, &bi, p, r);
    if (!rc)
        rc = bz_write_zero_page(mem, &bi, p, r, map);
    if (!rc)
        rc = guest_boot_gdt_write(mem, &r->cpu);
    if (rc)
        return rc;
    r->cpu.eip = (uint32_t)r->kernel_gpa;
    r->cpu.esi = (uint32_t)r->zero_page_gpa;
    printk(LOG_INFO "bzImage: protocol %u.%02u, kernel 0x%llx-0x%llx, initrd %llu bytes at 0x%llx\n",
           bi.version >> 8, bi.version & 0xff,
           (unsigned long long)r->kernel_gpa, (unsigned long long)r->kernel_end,
           (unsigned long long)r->initrd_size, (unsigned long long)r->initrd_gpa);
    return 0;
}
