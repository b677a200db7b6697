/* SPDX-License-Identifier: MIT */
/* The hypervisor's virtual memory layout (docs/memory-layout.md). */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

/*
 * Everything the hypervisor maps lives in L4 slots 256-271
 * (0xffff800000000000-0xffff87ffffffffff), the range 64-bit PV guests
 * leave to the hypervisor. Each slot is 512 GiB.
 *
 *  slot 256  0xffff800000000000  read-only machine-to-phys table (PV ABI)
 *  slot 257  0xffff808000000000  reserved: linear page-table mapping
 *  slot 258  0xffff810000000000  per-CPU areas (stacks with guard pages, data)
 *  slot 259  0xffff818000000000  reserved: per-domain mappings
 *  slot 260  0xffff820000000000  read-write machine-to-phys table (same frames)
 *  slot 261  0xffff828000000000  ioremap area at +0x4000000000,
 *                                hypervisor image at 0xffff82d080000000,
 *                                frame table at 0xffff82e000000000
 *  slots 262-271 0xffff830000000000  direct map of all RAM (5 TiB)
 */
#define HV_SLOT_FIRST 256
#define HV_SLOT_LAST 271

#define RO_MPT_VIRT_START 0xffff800000000000
#define RO_MPT_VIRT_END 0xffff804000000000 /* MACH2PHYS_VIRT_END (PV ABI) */
#define PERCPU_VIRT_START 0xffff810000000000
#define RW_MPT_VIRT_START 0xffff820000000000 /* the same M2P frames, writable */
#define IOREMAP_VIRT_START 0xffff82c000000000
#define IOREMAP_VIRT_END 0xffff82d000000000
#define HV_VIRT_OFFSET 0xffff82d080000000 /* image: virt = phys + offset */
#define FRAMETABLE_VIRT_START 0xffff82e000000000
#define DIRECTMAP_VIRT_START 0xffff830000000000
#define DIRECTMAP_VIRT_END 0xffff880000000000

#define HV_LOAD_PADDR 0x200000 /* the image is loaded at 2 MiB */

/* Per-CPU area, one stride per CPU; unmapped pages are guards that turn a
 * stack overflow into a page fault (handled on an IST stack). */
#define PERCPU_STRIDE 0x40000 /* 256 KiB */
#define PERCPU_STACK_OFF 0x1000  /* 16 KiB primary stack after a guard */
#define PERCPU_STACK_SIZE 0x4000
#define PERCPU_IST_OFF 0x6000    /* IST stacks: NMI, #DF, #MC, 4 KiB each,
                                    each followed by a guard page */
#define PERCPU_IST_SIZE 0x1000
#define PERCPU_DATA_OFF 0xc000   /* struct percpu and per-CPU tables */
#define PERCPU_DATA_SIZE 0x4000
#define PERCPU_GDT_OFF 0x10000   /* the GDT: 15 pages, up to and including the
                                    reserved page of 64-bit PV guests' flat
                                    selectors (include/public/arch-x86/xen.h) */
#define PERCPU_GDT_PAGES 15
#define PERCPU_IST_DB_OFF 0x1f000 /* #DB IST stack, 4 KiB: below it the GDT's
                                     read-only last page */
#define PERCPU_LDT_OFF 0x20000   /* the running PV vCPU's LDT frames, 16 pages
                                    (8192 descriptors); then up to the next
                                    CPU's area, unmapped guards */
#define PERCPU_LDT_PAGES 16

#define MAX_CPUS 64

#endif /* HV_LAYOUT_H */
