// SPDX-License-Identifier: MIT
/* PVH domain builder: an ELF64 kernel by p_paddr, its initrd, command line, memory map and hvm_start_info. */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/pvh_loader.h>
#include <hv/unaligned.h>
#include <public/arch-x86/hvm/start_info.h>

/*
 * Design: the kernel, initrd and command line are hostile. pvh_elf_parse()
 * and the initrd placement check everything (file bounds, guest RAM,
 * overlaps) before pvh_load() writes its first byte, so a refused image
 * leaves guest memory untouched. The boot protocol is Xen's
 * docs/misc/pvh.pandoc: enter at the PHYS32_ENTRY note in 32-bit protected
 * mode, paging off, EBX = guest-physical address of struct hvm_start_info.
 *
 * Guest-physical layout (see PVH_* in <hv/pvh_loader.h>):
 *   0x06000  boot GDT (shared with the other loaders)
 *   0x30000  struct hvm_start_info            (56 bytes)
 *   0x30040  hvm_modlist_entry[1]             (the initrd)
 *   0x30080  hvm_memmap_table_entry[<= 8]     (from guest_e820_build)
 *   0x31000  command line, up to 64 KiB       (ends 0x41000)
 *   kernel   where its PT_LOAD p_paddr says (Linux: 16 MiB up)
 *   initrd   page-aligned, as high as fits below the end of RAM under 4 GiB
 * ACPI tables (0xe0000-0xfffff) are the caller's; rsdp_paddr points there.
 */

#define HVM_START_VERSION 1u /* 1: the memmap fields are valid */
_Static_assert(PVH_MODLIST_GPA >= PVH_START_INFO_GPA + sizeof(struct hvm_start_info),
               "modlist after start_info");
_Static_assert(PVH_MEMMAP_GPA >= PVH_MODLIST_GPA + sizeof(struct hvm_modlist_entry),
               "memmap after modlist");
_Static_assert(PVH_MEMMAP_GPA + GUEST_E820_MAX * sizeof(struct hvm_memmap_table_entry)
               <= PVH_CMDLINE_GPA, "memmap before the command line");
_Static_assert(PVH_INFO_END <= GUEST_EBDA_BASE, "boot info below the EBDA");


static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static int pvh_check_seg(const struct elf64_view *v, uint64_t ram,
                         const struct pvh_seg *s)
{
    if (s->file_off > v->len || s->filesz > v->len - s->file_off) {
        printk(LOG_WARN "pvh: segment at 0x%llx lies outside the file\n",
               (unsigned long long)s->gpa);
        return -EINVAL;
    }
    /* Entered with paging off: every byte must be 32-bit addressable. */
    if (s->gpa >= GiB(4) || s->memsz > GiB(4) - s->gpa ||
        !guest_range_loadable(ram, s->gpa, s->memsz)) {
        printk(LOG_WARN "pvh: segment 0x%llx+0x%llx is not in loadable guest RAM below 4 GiB\n",
               (unsigned long long)s->gpa, (unsigned long long)s->memsz);
        return -ENOMEM;
    }
    if (overlaps(s->gpa, s->memsz, PVH_INFO_BASE, PVH_INFO_END - PVH_INFO_BASE)) {
        printk(LOG_WARN "pvh: segment at 0x%llx overlaps the boot information at 0x%llx\n",
               (unsigned long long)s->gpa, (unsigned long long)PVH_INFO_BASE);
        return -ENOMEM;
    }
    return 0;
}

/* One program header: PT_LOADs with contents are checked and recorded. */
static int pvh_read_phdr(const struct elf64_view *v, uint64_t ram,
                         const uint8_t *ph, struct pvh_elf_info *info)
{
    struct pvh_seg s = {
        .gpa = get_unaligned_64(ph + ELF64_P_PADDR),
        .file_off = get_unaligned_64(ph + ELF64_P_OFFSET),
        .filesz = get_unaligned_64(ph + ELF64_P_FILESZ),
        .memsz = get_unaligned_64(ph + ELF64_P_MEMSZ),
    };
    int rc;

    if (get_unaligned_32(ph + ELF64_P_TYPE) != ELF64_PT_LOAD)
        return 0;
    if (s.filesz > s.memsz) {
        printk(LOG_WARN "pvh: segment at 0x%llx has filesz > memsz\n",
               (unsigned long long)s.gpa);
        return -EINVAL;
    }
    if (s.memsz == 0)
        return 0;
    if (info->nr_seg == PVH_MAX_SEGS) {
        printk(LOG_WARN "pvh: more than %u PT_LOAD segments\n", PVH_MAX_SEGS);
        return -EINVAL;
    }
    rc = pvh_check_seg(v, ram, &s);
    if (!rc)
        info->seg[info->nr_seg++] = s;
    return rc;
}

/* Segments may not share guest memory: a later one would silently
 * overwrite an earlier one's contents. */
static int pvh_check_overlaps(const struct pvh_elf_info *info)
{
    for (unsigned int i = 0; i < info->nr_seg; i++) {
        for (unsigned int j = i + 1; j < info->nr_seg; j++) {
            const struct pvh_seg *a = &info->seg[i], *b = &info->seg[j];

            if (overlaps(a->gpa, a->memsz, b->gpa, b->memsz)) {
                printk(LOG_WARN "pvh: segments at 0x%llx and 0x%llx overlap\n",
                       (unsigned long long)a->gpa, (unsigned long long)b->gpa);
                return -EINVAL;
            }
        }
    }
    return 0;
}

static int pvh_read_segments(const struct elf64_view *v, uint64_t ram,
                             struct pvh_elf_info *info)
{
    int rc = 0;

    for (uint64_t i = 0; i < v->phnum && !rc; i++)
        rc = pvh_read_phdr(v, ram, v->b + v->phoff + i * v->phentsize, info);
    if (rc)
        return rc;
    if (info->nr_seg == 0) {
        printk(LOG_WARN "pvh: ELF image has no PT_LOAD segment\n");
        return -EINVAL;
    }
    info->load_start = UINT64_MAX;
    for (unsigned int i = 0; i < info->nr_seg; i++) {
        info->load_start = MIN(info->load_start, info->seg[i].gpa);
        info->load_end = MAX(info->load_end, info->seg[i].gpa + info->seg[i].memsz);
    }
    return pvh_check_overlaps(info);
}

/* PHYS32_ENTRY must be a 32-bit address inside loaded file contents. */
static int pvh_check_entry(struct pvh_elf_info *info)
{
    uint64_t e = info->notes.phys32_entry;

    for (unsigned int i = 0; i < info->nr_seg; i++) {
        const struct pvh_seg *s = &info->seg[i];

        if (e >= s->gpa && e - s->gpa < s->filesz) {
            info->entry = (uint32_t)e;   /* segments end below 4 GiB */
            return 0;
        }
    }
    printk(LOG_WARN "pvh: PHYS32_ENTRY 0x%llx is in no loaded segment\n",
           (unsigned long long)e);
    return -EINVAL;
}

int pvh_elf_parse(const void *image, size_t len, uint64_t ram,
                  struct pvh_elf_info *info)
{
    struct elf64_view v;
    int rc;

    memset(info, 0, sizeof(*info));
    rc = xen_elfnotes_parse(image, len, &info->notes);
    if (rc)
        return rc;
    if (!xen_elfnote_present(&info->notes, XEN_ELFNOTE_PHYS32_ENTRY)) {
        printk(LOG_WARN "pvh: not a PVH kernel (no XEN_ELFNOTE_PHYS32_ENTRY)\n");
        return -EINVAL;
    }
    rc = elf64_view_init(image, len, &v);
    if (!rc)
        rc = pvh_read_segments(&v, ram, info);
    if (!rc)
        rc = pvh_check_entry(info);
    return rc;
}

/* Highest page-aligned spot below the end of low RAM that is above the
 * kernel and the boot information. */
static int pvh_place_initrd(uint64_t ram, uint64_t load_end, uint64_t size,
                            uint64_t *gpa)
{
    uint64_t top = guest_ram_low_end(ram);
    uint64_t floor = MAX(ROUNDUP(load_end, PAGE_SIZE), PVH_INFO_END);

    if (size <= top) {
        uint64_t addr = ROUNDDOWN(top - size, PAGE_SIZE);

        if (addr >= floor && guest_range_loadable(ram, addr, size)) {
            *gpa = addr;
            return 0;
        }
    }
    printk(LOG_WARN "pvh: initrd of %llu bytes does not fit between 0x%llx and 0x%llx\n",
           (unsigned long long)size, (unsigned long long)floor,
           (unsigned long long)top);
    return -ENOMEM;
}

static int pvh_load_segments(struct guest_mem *mem, const void *image,
                             const struct pvh_elf_info *info)
{
    int rc = 0;

    for (unsigned int i = 0; i < info->nr_seg && !rc; i++) {
        const struct pvh_seg *s = &info->seg[i];

        if (s->filesz)
            rc = guest_mem_write(mem, s->gpa, (const uint8_t *)image + s->file_off,
                                 s->filesz);
        if (!rc && s->memsz > s->filesz)
            rc = guest_mem_zero(mem, s->gpa + s->filesz, s->memsz - s->filesz);
    }
    return rc;
}

/* The command line, NUL-terminated, cut to LOADER_CMDLINE_MAX. */
static int pvh_write_cmdline(struct guest_mem *mem, const char *cmdline)
{
    size_t n = strnlen(cmdline, LOADER_CMDLINE_MAX);
    int rc;

    if (n > LOADER_CMDLINE_MAX - 1) {
        n = LOADER_CMDLINE_MAX - 1;
        printk(LOG_WARN "pvh: command line cut to %zu bytes\n", n);
    }
    rc = n ? guest_mem_write(mem, PVH_CMDLINE_GPA, cmdline, n) : 0;
    if (rc)
        return rc;
    return guest_mem_write(mem, PVH_CMDLINE_GPA + n, "", 1);
}

static int pvh_write_memmap(struct guest_mem *mem, const struct e820_entry *map,
                            unsigned int n)
{
    struct hvm_memmap_table_entry out[GUEST_E820_MAX];

    for (unsigned int i = 0; i < n; i++)
        out[i] = (struct hvm_memmap_table_entry){ map[i].addr, map[i].size,
                                                  map[i].type, 0 };
    return guest_mem_write(mem, PVH_MEMMAP_GPA, out, n * sizeof(out[0]));
}

static int pvh_write_info(struct guest_mem *mem, const struct pvh_params *p,
                          const struct pvh_load_result *r,
                          const struct e820_entry *map)
{
    const struct hvm_modlist_entry mod = { r->initrd_gpa, r->initrd_size, 0, 0 };
    const struct hvm_start_info si = {
        .magic = XEN_HVM_START_MAGIC_VALUE,
        .version = HVM_START_VERSION,
        .nr_modules = r->modlist_gpa ? 1 : 0,
        .modlist_paddr = r->modlist_gpa,
        .cmdline_paddr = r->cmdline_gpa,
        .rsdp_paddr = p->acpi_rsdp_gpa,
        .memmap_paddr = r->memmap_gpa,
        .memmap_entries = r->memmap_entries,
    };
    int rc = 0;

    if (p->cmdline)
        rc = pvh_write_cmdline(mem, p->cmdline);
    if (!rc && r->modlist_gpa)
        rc = guest_mem_write(mem, r->modlist_gpa, &mod, sizeof(mod));
    if (!rc)
        rc = pvh_write_memmap(mem, map, r->memmap_entries);
    if (!rc)
        rc = guest_mem_write(mem, r->start_info_gpa, &si, sizeof(si));
    return rc;
}

/* Everything is checked and placed here; nothing is written yet. */
static int pvh_plan(const struct pvh_params *p, uint64_t ram,
                    const struct pvh_elf_info *info, struct pvh_load_result *r,
                    struct e820_entry *map)
{
    int n = guest_e820_build(ram, map, GUEST_E820_MAX);

    if (n < 0)
        return n;
    if (p->initrd && p->initrd_len) {
        int rc = pvh_place_initrd(ram, info->load_end, p->initrd_len, &r->initrd_gpa);

        if (rc)
            return rc;
        r->initrd_size = p->initrd_len;
        r->modlist_gpa = PVH_MODLIST_GPA;
    }
    r->entry = info->entry;
    r->load_start = info->load_start;
    r->load_end = info->load_end;
    r->start_info_gpa = PVH_START_INFO_GPA;
    r->cmdline_gpa = p->cmdline ? PVH_CMDLINE_GPA : 0;
    r->memmap_gpa = PVH_MEMMAP_GPA;
    r->memmap_entries = (unsigned int)n;
    return 0;
}

int pvh_load(struct guest_mem *mem, const struct pvh_params *p,
             struct pvh_load_result *r)
{
    struct pvh_elf_info info;            /* ~650 bytes, as multiboot's */
    struct e820_entry map[GUEST_E820_MAX];
    int rc;

    memset(r, 0, sizeof(*r));
    rc = pvh_elf_parse(p->image, p->image_len, mem->ram_bytes, &info);
    if (!rc)
        rc = pvh_plan(p, mem->ram_bytes, &info, r, map);
    if (!rc)
        rc = pvh_load_segments(mem, p->image, &info);
    if (!rc && r->initrd_size)
        rc = guest_mem_write(mem, r->initrd_gpa, p->initrd, r->initrd_size);
    if (!rc)
        rc = pvh_write_info(mem, p, r, map);
    if (!rc)
        rc = guest_boot_gdt_write(mem, &r->cpu);
    if (rc)
        return rc;
    r->cpu.eip = r->entry;
    r->cpu.ebx = (uint32_t)r->start_info_gpa;
    printk(LOG_INFO "pvh: kernel 0x%llx-0x%llx, entry 0x%x, initrd %llu bytes at 0x%llx\n",
           (unsigned long long)r->load_start, (unsigned long long)r->load_end,
           r->entry, (unsigned long long)r->initrd_size,
           (unsigned long long)r->initrd_gpa);
    return 0;
}
