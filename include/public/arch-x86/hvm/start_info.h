/* SPDX-License-Identifier: MIT */
/* PVH boot: struct hvm_start_info, whose physical address is in EBX at entry. */
#ifndef PUBLIC_ARCH_X86_HVM_START_INFO_H
#define PUBLIC_ARCH_X86_HVM_START_INFO_H

#include <public/xen-types.h>

/*
 * Written by [builder] into guest memory before the PVH vCPU starts at the
 * XEN_ELFNOTE_PHYS32_ENTRY address (32-bit protected mode, paging off).
 * All addresses are guest-physical; 0 means "not present". Linux copies
 * exactly sizeof(struct hvm_start_info) bytes and BUGs on a wrong magic.
 */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578 /* "xEn3" with bit 7 of 'E' set */

struct hvm_start_info {
    uint32_t magic;          /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;        /* 1 (0: no memmap_* fields) */
    uint32_t flags;          /* SIF_* (public/xen.h); 0 for a domU */
    uint32_t nr_modules;     /* entries at modlist_paddr; Linux: #0 = initrd */
    uint64_t modlist_paddr;  /* array of struct hvm_modlist_entry */
    uint64_t cmdline_paddr;  /* NUL-terminated command line */
    uint64_t rsdp_paddr;     /* ACPI RSDP, or 0 */
    uint64_t memmap_paddr;   /* version >= 1: array of struct hvm_memmap_table_entry */
    uint32_t memmap_entries; /* version >= 1: its length, 0 = no map given */
    uint32_t reserved;       /* zero */
};
XEN_ABI_SIZE(struct hvm_start_info, 56);
XEN_ABI_OFFSET(struct hvm_start_info, version, 4);
XEN_ABI_OFFSET(struct hvm_start_info, flags, 8);
XEN_ABI_OFFSET(struct hvm_start_info, nr_modules, 12);
XEN_ABI_OFFSET(struct hvm_start_info, modlist_paddr, 16);
XEN_ABI_OFFSET(struct hvm_start_info, cmdline_paddr, 24);
XEN_ABI_OFFSET(struct hvm_start_info, rsdp_paddr, 32);
XEN_ABI_OFFSET(struct hvm_start_info, memmap_paddr, 40);
XEN_ABI_OFFSET(struct hvm_start_info, memmap_entries, 48);
XEN_ABI_OFFSET(struct hvm_start_info, reserved, 52);

/* One boot module (kernel initrd, ...). */
struct hvm_modlist_entry {
    uint64_t paddr;         /* module start */
    uint64_t size;          /* bytes */
    uint64_t cmdline_paddr; /* its NUL-terminated command line, or 0 */
    uint64_t reserved;      /* zero */
};
XEN_ABI_SIZE(struct hvm_modlist_entry, 32);
XEN_ABI_OFFSET(struct hvm_modlist_entry, cmdline_paddr, 16);

/* One memory-map range; types use the E820 numbering. */
struct hvm_memmap_table_entry {
    uint64_t addr;     /* start */
    uint64_t size;     /* bytes */
    uint32_t type;     /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved; /* zero */
};
XEN_ABI_SIZE(struct hvm_memmap_table_entry, 24);
XEN_ABI_OFFSET(struct hvm_memmap_table_entry, type, 16);

#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI 3     /* ACPI tables, reclaimable */
#define XEN_HVM_MEMMAP_TYPE_NVS 4      /* ACPI NVS */
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM 7     /* persistent memory */

#endif /* PUBLIC_ARCH_X86_HVM_START_INFO_H */
