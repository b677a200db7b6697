/* SPDX-License-Identifier: MIT */
/* ELF64 kernels with Xen ELF notes, and the PVH domain builder (hvm_start_info). */
#ifndef HV_PVH_LOADER_H
#define HV_PVH_LOADER_H

#include <hv/loader.h>
#include <hv/types.h>
#include <public/elfnote.h>

/* ---- ELF64 images and Xen ELF notes (hv/domain/xen_elfnote.c) --------- */

/*
 * A checked view of an ELF64 image: little-endian, ELFCLASS64, ET_EXEC,
 * EM_X86_64, its program header table inside the file. Offsets are into
 * the image; the section header table is only checked when a caller
 * walks it (shnum is 0 when e_shoff is 0).
 */
/* ELF64 program header fields (byte offsets) and the types the loaders
 * look for. */
#define ELF64_P_TYPE 0
#define ELF64_P_OFFSET 8
#define ELF64_P_PADDR 24
#define ELF64_P_FILESZ 32
#define ELF64_P_MEMSZ 40
#define ELF64_PT_LOAD 1
#define ELF64_PT_NOTE 4

struct elf64_view {
    const uint8_t *b;
    size_t len;
    uint64_t entry;              /* e_entry */
    uint64_t phoff;
    uint64_t phentsize;          /* >= 56 */
    uint64_t phnum;
    uint64_t shoff;
    uint64_t shentsize;
    uint64_t shnum;
};

/* Check the ELF header and fill `v`. -EINVAL with a logged reason; ELF32
 * images are refused with a message of their own. */
int __must_check elf64_view_init(const void *image, size_t len,
                                 struct elf64_view *v);

/* Note types: XEN_ELFNOTE_* of include/public/elfnote.h. */

/*
 * The Xen notes of one image. A note's bit in `present` (1 << type) says
 * it was seen; absent values stay 0 / NULL. Numbers are read from 4- or
 * 8-byte descriptors. Strings point into the image (valid while it is)
 * and are NUL-terminated inside their descriptor or its padding to 4
 * bytes. When a type appears twice the later note wins.
 */
struct xen_elfnotes {
    uint32_t present;
    unsigned int nr_notes;       /* "Xen" notes seen, known types or not */
    uint64_t entry;              /* PV entry, virtual */
    uint64_t hypercall_page;     /* virtual */
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t init_p2m;
    uint64_t mod_start_pfn;
    uint64_t supported_features; /* XENFEAT_* bitmap */
    uint64_t phys32_entry;       /* PVH entry, guest-physical */
    const char *xen_version;
    const char *guest_os;
    const char *guest_version;
    const char *loader;
    const char *pae_mode;
    const char *features;
};

static inline bool xen_elfnote_present(const struct xen_elfnotes *n,
                                       unsigned int type)
{
    return type < 32 && (n->present & (1u << type));
}

/*
 * Collect the Xen notes of an ELF64 image: those in PT_NOTE segments or,
 * when the segments hold none, in SHT_NOTE sections (Xen's libelf does
 * the same). Returns 0, also when there are no Xen notes (nr_notes 0);
 * -EINVAL with a logged reason for a malformed header, note area or
 * descriptor (a numeric note not 4 or 8 bytes, a string without a NUL).
 */
int __must_check xen_elfnotes_parse(const void *image, size_t len,
                                    struct xen_elfnotes *notes);

/* ---- PVH domain builder (hv/domain/pvh_loader.c) ---------------------- */

/*
 * Where the PVH loader puts the boot information: just above the loaders'
 * low area and well below the EBDA, never over the ACPI tables at 0xe0000.
 * The kernel may not load over [PVH_INFO_BASE, PVH_INFO_END).
 */
#define PVH_INFO_BASE LOADER_LOW_END
#define PVH_START_INFO_GPA PVH_INFO_BASE            /* 56 bytes */
#define PVH_MODLIST_GPA (PVH_INFO_BASE + 0x40)      /* one 32-byte entry */
#define PVH_MEMMAP_GPA (PVH_INFO_BASE + 0x80)       /* GUEST_E820_MAX x 24 */
#define PVH_CMDLINE_GPA (PVH_INFO_BASE + 0x1000)
#define PVH_INFO_END (PVH_CMDLINE_GPA + LOADER_CMDLINE_MAX)

#define PVH_MAX_SEGS 16

/* One PT_LOAD segment: filesz bytes from file_off, then zeroes to memsz. */
struct pvh_seg {
    uint64_t gpa;                /* p_paddr */
    uint64_t file_off;
    uint64_t filesz;
    uint64_t memsz;
};

struct pvh_elf_info {
    struct xen_elfnotes notes;
    struct pvh_seg seg[PVH_MAX_SEGS];
    unsigned int nr_seg;
    uint32_t entry;              /* PHYS32_ENTRY */
    uint64_t load_start;         /* lowest segment GPA */
    uint64_t load_end;           /* end of the highest segment, bss included */
};

/*
 * Parse and check a PVH kernel for a guest of `ram_bytes`: ELF64 x86-64,
 * a PHYS32_ENTRY note inside a loaded segment, PT_LOAD segments inside the
 * file, in loadable RAM below 4 GiB (by p_paddr), clear of each other and
 * of the PVH boot information. -EINVAL for a malformed or non-PVH image,
 * -ENOMEM for segments that do not fit, each with a logged reason.
 */
int __must_check pvh_elf_parse(const void *image, size_t len, uint64_t ram_bytes,
                               struct pvh_elf_info *info);

struct pvh_params {
    const void *image;           /* the ELF vmlinux, not a bzImage */
    size_t image_len;
    const void *initrd;          /* NULL or initrd_len 0: none */
    size_t initrd_len;
    const char *cmdline;         /* NUL-terminated or NULL */
    uint64_t acpi_rsdp_gpa;      /* hvm_start_info.rsdp_paddr, 0 = none */
};

/*
 * Where things went. cpu: eip = PHYS32_ENTRY, ebx = start_info, flat
 * 32-bit CS/DS from the boot GDT (guest_boot_gdt_write), paging off: the
 * state Xen's docs/misc/pvh.pandoc asks for. CR0/CR4/EFER/TR are the vCPU
 * set-up's business (PE|ET, 0, 0, a valid TR).
 */
struct pvh_load_result {
    struct loader_cpu_state cpu;
    uint32_t entry;
    uint64_t start_info_gpa;
    uint64_t load_start;
    uint64_t load_end;
    uint64_t cmdline_gpa;
    uint64_t modlist_gpa;        /* 0 when no initrd */
    uint64_t initrd_gpa;         /* 0 when no initrd */
    uint64_t initrd_size;
    uint64_t memmap_gpa;
    unsigned int memmap_entries;
};

/*
 * Load a PVH kernel: segments by p_paddr with bss zeroed, the initrd as
 * module 0 top-aligned below the end of low RAM, the command line, the
 * memory map and struct hvm_start_info, then the boot GDT. Every check
 * happens before the first write. Returns 0, the pvh_elf_parse errors,
 * -ENOMEM when the initrd does not fit, or a guest memory -errno.
 */
int __must_check pvh_load(struct guest_mem *mem, const struct pvh_params *p,
                          struct pvh_load_result *res);

#endif /* HV_PVH_LOADER_H */
