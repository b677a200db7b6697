/* SPDX-License-Identifier: MIT */
/* Xen ELF notes: how a guest kernel image tells the domain builder how to boot it. */
#ifndef PUBLIC_ELFNOTE_H
#define PUBLIC_ELFNOTE_H

/*
 * Ordinary ELF notes (PT_NOTE) with name "Xen" (namesz 4 incl. NUL).
 * "num" descriptors are 4 or 8 bytes, read by descsz; "str" descriptors
 * are NUL-terminated. Read by the domain builder only.
 */
#define XEN_ELFNOTE_NAME "Xen" /* Mica name */

#define XEN_ELFNOTE_INFO 0            /* str: legacy "NAME=VALUE,..." list */
#define XEN_ELFNOTE_ENTRY 1           /* num: PV entry VA (default e_entry) */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2  /* num: VA of a page for PV hypercall stubs */
#define XEN_ELFNOTE_VIRT_BASE 3       /* num: VA of pseudo-physical 0 (default 0) */
#define XEN_ELFNOTE_PADDR_OFFSET 4    /* num: subtracted from p_paddr (default 0) */
#define XEN_ELFNOTE_XEN_VERSION 5     /* str: PV requires it to start with "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS 6        /* str: e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION 7   /* str */
#define XEN_ELFNOTE_LOADER 8          /* str: PV: "generic..." (or GUEST_OS "linux...") */
#define XEN_ELFNOTE_PAE_MODE 9        /* str: "yes" / "no" / "bimodal" (x86-32 meaning) */
#define XEN_ELFNOTE_FEATURES 10       /* str: '|'-separated XENFEAT names, '!' needed */
#define XEN_ELFNOTE_BSD_SYMTAB 11     /* str: "yes" = load the symbol table too */
#define XEN_ELFNOTE_HV_START_LOW 12   /* num: lowest hypervisor-hole start accepted */
#define XEN_ELFNOTE_L1_MFN_VALID 13   /* (mask, value) pairs: L1 entries holding MFNs */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14 /* num: cooperative suspend cancel supported */
#define XEN_ELFNOTE_INIT_P2M 15       /* num: VA for a separately mapped p2m list */
#define XEN_ELFNOTE_MOD_START_PFN 16  /* num: 1 = initrd may be passed as a pfn */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* num: 32-bit XENFEAT bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY 18   /* num: PVH 32-bit physical entry point */
#define XEN_ELFNOTE_PHYS32_RELOC 19   /* up to 3 u32: align, min, max (PVH relocatable) */
#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_RELOC

/* PHYS32_RELOC defaults when a value is absent. */
#define XEN_ELFNOTE_PHYS32_RELOC_ALIGN_DEFAULT 0x200000 /* Mica name */
#define XEN_ELFNOTE_PHYS32_RELOC_MAX_DEFAULT 0xffffffff /* Mica name */

/* Crash/dump notes: written by the hypervisor or tools, never loaded. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE 0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER 0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* PUBLIC_ELFNOTE_H */
