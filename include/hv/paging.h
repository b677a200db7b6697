/* SPDX-License-Identifier: MIT */
/* Boot-time memory setup: early allocation, the hypervisor page tables,
 * the frame allocator and the heap (mm/frames.c, mm/paging.c). */
#ifndef HV_PAGING_H
#define HV_PAGING_H

#include <hv/memmap.h>
#include <hv/pagetable.h>
#include <hv/percpu.h>

/* Physical address of the AP start-up trampoline page (below 1 MiB, its
 * page number is the SIPI vector). */
#define TRAMPOLINE_PADDR 0x8000

/* Accounting shown at boot and by the 'm' key; all in frames. */
struct mem_stats {
    uint64_t map_ram;       /* RAM frames in the (clipped) memory map */
    uint64_t low_kept;      /* RAM below 1 MiB, left to firmware/trampoline */
    uint64_t image;         /* the hypervisor image */
    uint64_t early;         /* frame table and first page tables */
    uint64_t modules;       /* boot modules not yet released */
    uint64_t handed_to_buddy;
};

extern struct mem_stats mem_stats;
extern struct pt_ctx hv_pt;

struct boot_info;
void frames_early_init(const struct memmap *m, const struct boot_info *bi);
/* Free the boot modules' frames once the domain builder copied them. */
void boot_modules_release(void);
/* Zeroed, page-aligned memory from the early allocator (below 4 GiB). */
paddr_t early_alloc(uint64_t bytes);
void paging_init(const struct memmap *m);
void frames_init(const struct memmap *m);
void heap_setup(void);
/* Allocate and map CPU cpu's per-CPU area; returns its base or 0. */
vaddr_t percpu_area_create(unsigned int cpu);
/* Map [pa, pa+size) at va in the hypervisor's range (shared by every
 * address space); 0 or -errno. */
int __must_check hv_map_pages(vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags);
/* Check that the image is mapped W^X; false (and a log line) if not. */
bool paging_check_wx(void);

#endif /* HV_PAGING_H */
