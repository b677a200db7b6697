/* SPDX-License-Identifier: MIT */
/* HVM domain builder: guest memory access, guest e820, bzImage and multiboot1 loaders. */
#ifndef HV_LOADER_H
#define HV_LOADER_H

#include <hv/memmap.h>
#include <hv/types.h>

/*
 * Guest physical memory as the domain builder sees it.
 *
 * RAM of `ram_bytes` is laid out as docs/hvm-platform.md describes:
 * [0, guest_ram_low_end(ram)) and, when ram > 3 GiB, [4 GiB,
 * guest_ram_gpa_end(ram)). Every GPA in those ranges is backed, including
 * the legacy hole 0x9fc00-0xfffff that the e820 marks reserved: the ACPI
 * tables are written there. write() and zero() return 0, or -EFAULT for any
 * range not wholly inside backed RAM. The hypervisor implements them over
 * the domain's p2m; unit tests over a host buffer.
 */
struct guest_mem {
    int (*write)(void *opaque, uint64_t gpa, const void *src, size_t len);
    int (*zero)(void *opaque, uint64_t gpa, size_t len);
    uint64_t ram_bytes;
    void *opaque;
};

static inline int __must_check guest_mem_write(struct guest_mem *mem,
                                               uint64_t gpa, const void *src,
                                               size_t len)
{
    return mem->write(mem->opaque, gpa, src, len);
}

static inline int __must_check guest_mem_zero(struct guest_mem *mem,
                                              uint64_t gpa, size_t len)
{
    return mem->zero(mem->opaque, gpa, len);
}

/* ---- guest memory map (hv/domain/e820.c) ---------------------------- */

/* One E820 entry exactly as Linux's boot_params and the INT 15h/E820
 * interface lay it out; types are the MEMMAP_* values of <hv/memmap.h>. */
struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __packed;
_Static_assert(sizeof(struct e820_entry) == 20, "e820 entry layout");

#define GUEST_RAM_MIN MiB(2)           /* smallest RAM size we build */
#define GUEST_LOW_RAM_MAX GiB(3)       /* RAM below 4 GiB ends here at most */
#define GUEST_HIGH_RAM_BASE GiB(4)     /* where RAM above 3 GiB continues */
#define GUEST_EBDA_BASE 0x9fc00ull     /* start of the legacy hole */
#define GUEST_BIOS_BASE 0xe0000ull     /* ACPI tables, reserved to 1 MiB */
#define GUEST_IOAPIC_BASE 0xfec00000ull
#define GUEST_LAPIC_BASE 0xfee00000ull
#define GUEST_E820_MAX 8               /* entries guest_e820_build makes */

/*
 * Low memory the loaders own (below the EBDA, above the real-mode IVT/BDA):
 * the boot GDT, Linux's zero page, the multiboot information and the
 * command line. Kernel images may not be loaded over it.
 */
#define LOADER_LOW_BASE 0x6000ull
#define LOADER_GDT_GPA 0x6000ull       /* boot GDT: 0x10 code, 0x18 data */
#define LOADER_ZERO_PAGE_GPA 0x7000ull /* Linux struct boot_params, 4 KiB */
#define LOADER_MBI_GPA 0x8000ull       /* multiboot info, mmap, name */
#define LOADER_CMDLINE_GPA 0x20000ull
#define LOADER_CMDLINE_MAX 0x10000u    /* bytes, NUL included */
#define LOADER_LOW_END (LOADER_CMDLINE_GPA + LOADER_CMDLINE_MAX)

/* End of RAM below 4 GiB: min(ram, 3 GiB). */
uint64_t guest_ram_low_end(uint64_t ram_bytes);
/* One past the highest RAM GPA (4 GiB + ram - 3 GiB when ram > 3 GiB). */
uint64_t guest_ram_gpa_end(uint64_t ram_bytes);
/*
 * Fill `out` with the guest's memory map, sorted by address: RAM
 * [0, 0x9fc00), reserved [0x9fc00, 0xa0000) (EBDA), reserved [0xe0000,
 * 0x100000) (ACPI tables and the BIOS area, as docs/hvm-platform.md says),
 * RAM [1 MiB, low end), reserved 4 KiB at the IOAPIC and at the LAPIC as a
 * PC BIOS reports them, and RAM from 4 GiB when ram > 3 GiB. Returns the
 * number of entries, -EINVAL for a RAM size below GUEST_RAM_MIN or not a
 * multiple of 4 KiB, -ENOSPC when `max` is too small.
 */
int __must_check guest_e820_build(uint64_t ram_bytes, struct e820_entry *out,
                                  unsigned int max);
/* True when [gpa, gpa+len) lies inside one e820 RAM range and clear of the
 * loaders' low area: where a kernel image, its bss or an initrd may go. */
bool guest_range_loadable(uint64_t ram_bytes, uint64_t gpa, uint64_t len);

/*
 * Register state for the first instruction of a loaded kernel: 32-bit
 * protected mode, paging off (CR0 = PE|ET), EFLAGS = 0x2 (interrupts off),
 * CS = `cs` and DS/ES/FS/GS/SS = `ds`, all flat 4 GiB (base 0, limit
 * 0xffffffff; code execute/read, data read/write), selectors into the GDT
 * at gdt_base. General registers not listed are zero.
 */
struct loader_cpu_state {
    uint32_t eip;
    uint32_t eax;
    uint32_t ebx;
    uint32_t esi;
    uint32_t gdt_base;
    uint16_t gdt_limit;
    uint16_t cs;
    uint16_t ds;
};

#define LOADER_BOOT_CS 0x10            /* Linux's __BOOT_CS */
#define LOADER_BOOT_DS 0x18            /* Linux's __BOOT_DS */

/* Write the boot GDT (null, null, flat code at 0x10, flat data at 0x18) at
 * LOADER_GDT_GPA and fill the GDT and selector fields of `st`. */
int __must_check guest_boot_gdt_write(struct guest_mem *mem,
                                      struct loader_cpu_state *st);

/* ---- Linux bzImage (hv/domain/bzimage.c) ------------------------------ */

/*
 * What bzimage_parse() learns from the setup header (Linux/x86 boot
 * protocol, Documentation/arch/x86/boot.rst). Only protocol 2.06 and later
 * is accepted: that is where cmdline_size appeared, and every kernel since
 * 2.6.22 has it.
 */
struct bzimage_info {
    uint16_t version;            /* 0x0206 = 2.06 */
    uint8_t loadflags;
    uint16_t xloadflags;         /* 0 before 2.12 */
    bool relocatable;
    uint32_t kernel_alignment;   /* a power of two when relocatable */
    uint64_t pref_address;       /* 0 before 2.10 */
    uint32_t init_size;          /* 0 before 2.10 */
    uint32_t cmdline_size;       /* without the NUL */
    uint32_t initrd_addr_max;    /* highest byte address of the initrd */
    size_t setup_size;           /* (setup_sects + 1) * 512 */
    size_t hdr_end;              /* 0x202 + byte at 0x201 */
    size_t kernel_len;           /* protected-mode kernel: bytes after setup */
};

#define BZ_XLF_KERNEL_64 (1u << 0)

/* Validate the image; fill `info`. -EINVAL with a logged reason. */
int __must_check bzimage_parse(const void *image, size_t len,
                               struct bzimage_info *info);

struct bzimage_params {
    const void *image;
    size_t image_len;
    const void *initrd;          /* NULL or initrd_len 0: none */
    size_t initrd_len;
    const char *cmdline;         /* NUL-terminated or NULL */
    uint64_t acpi_rsdp_gpa;      /* for boot_params.acpi_rsdp_addr, 0 = none */
};

/*
 * Where things went. Mica enters the kernel through the 32-bit boot
 * protocol ("32-bit Boot Protocol" in boot.rst): cpu.eip = the load
 * address (code32_start), cpu.esi = the zero page, flat segments from the
 * boot GDT, paging off. entry64 (load + 0x200, when XLF_KERNEL_64) is
 * reported but unused: it would need identity page tables from us.
 */
struct bzimage_load_result {
    struct loader_cpu_state cpu;
    uint16_t protocol;
    uint64_t kernel_gpa;         /* load address */
    uint64_t kernel_end;         /* load + max(kernel_len, init_size) */
    uint64_t entry64;            /* 0 when not XLF_KERNEL_64 */
    uint64_t zero_page_gpa;
    uint64_t cmdline_gpa;
    uint64_t initrd_gpa;         /* 0 when none */
    uint64_t initrd_size;
    unsigned int e820_entries;
};

/*
 * Load a bzImage, its initrd and command line into `mem` and build the
 * zero page. Returns 0; -EINVAL for a malformed image, -ENOMEM when the
 * kernel or initrd does not fit, or the -errno of a guest memory access.
 */
int __must_check bzimage_load(struct guest_mem *mem,
                              const struct bzimage_params *p,
                              struct bzimage_load_result *res);

/* ---- multiboot1 kernels (hv/domain/multiboot_loader.c) ---------------- */

#define MULTIBOOT1_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT1_BOOT_MAGIC 0x2BADB002u
#define MULTIBOOT1_SEARCH_LEN 8192u

/* Offset of the first valid multiboot header (4-byte aligned, inside the
 * first 8 KiB, checksum correct); -ENOENT when there is no magic at all,
 * -EINVAL when every magic found had a bad checksum. */
int __must_check multiboot_find_header(const void *image, size_t len,
                                       size_t *off);

struct multiboot_params {
    const void *image;
    size_t image_len;
    const char *cmdline;         /* NUL-terminated or NULL */
};

/* cpu.eip = entry, cpu.eax = 0x2BADB002, cpu.ebx = multiboot info GPA. */
struct multiboot_load_result {
    struct loader_cpu_state cpu;
    uint64_t load_start;         /* lowest loaded GPA */
    uint64_t load_end;           /* end of the highest segment, bss included */
    uint64_t mbi_gpa;
};

/*
 * Load a multiboot1 kernel: the a.out kludge addresses when header flag 16
 * is set, else an ELF32 (EM_386, ET_EXEC) image by its PT_LOAD program
 * headers (p_paddr); then build the multiboot information (memory sizes,
 * command line, memory map, boot loader name). Returns 0 or -EINVAL with a
 * logged reason, -ENOMEM when a segment is not in loadable RAM.
 */
int __must_check multiboot_load(struct guest_mem *mem,
                                const struct multiboot_params *p,
                                struct multiboot_load_result *res);

#endif /* HV_LOADER_H */
