// SPDX-License-Identifier: MIT
/* The hypervisor's page tables: the image mapped W^X, the direct map of
 * RAM, the frame table, per-CPU areas and the ioremap area, all inside
 * L4 slots 256-271 (include/hv/layout.h).
 *
 * Locking: map_lock serializes changes to hv_pt after boot (ioremap and
 * per-CPU areas may be created while other CPUs run).
 */
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/m2p.h>
#include <hv/mm.h>
#include <hv/paging.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <hv/x86.h>

extern const char __text_start[], __text_end[], __rodata_start[],
    __rodata_end[], __data_start[], __image_end[];

struct pt_ctx hv_pt;
static spinlock_t map_lock = SPINLOCK_INIT;
static vaddr_t ioremap_next = IOREMAP_VIRT_START;
static bool paging_live;

static paddr_t pt_alloc_early(void *opaque)
{
    (void)opaque;
    return early_alloc(PAGE_SIZE);
}

static paddr_t pt_alloc_buddy(void *opaque)
{
    void *va = alloc_page_zeroed();

    (void)opaque;
    return va ? __pa(va) : 0;
}

/* Before the switch the boot tables map low memory 1:1. */
static void *pt_p2v(void *opaque, paddr_t pa)
{
    (void)opaque;
    return paging_live ? __va(pa) : (void *)pa;
}

static void map_or_die(vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
    if (pt_map(&hv_pt, va, pa, size, flags))
        panic("cannot map 0x%lx-0x%lx", va, va + size);
}

static void map_image_section(const char *start, const char *end, uint64_t flags)
{
    map_or_die((vaddr_t)start, (vaddr_t)start - HV_VIRT_OFFSET,
               (uint64_t)(end - start), flags);
}

static void map_direct(const struct memmap *m)
{
    for (unsigned int i = 0; i < m->nr; i++) {
        paddr_t s = ROUNDDOWN(m->e[i].base, PAGE_SIZE);
        paddr_t e = ROUNDUP(m->e[i].base + m->e[i].len, PAGE_SIZE);

        if (m->e[i].type == MEMMAP_RAM || m->e[i].type == MEMMAP_ACPI ||
            m->e[i].type == MEMMAP_NVS)
            map_or_die(DIRECTMAP_VIRT_START + s, s, e - s, PAGE_HV_RW);
    }
}

static void map_frame_table(const struct memmap *m)
{
    uint64_t bytes = (memmap_ram_end(m) >> PAGE_SHIFT) * sizeof(struct page_info);
    paddr_t pa;

    bytes = ROUNDUP(bytes, PAGE_SIZE);
    pa = early_alloc(bytes);
    map_or_die(FRAMETABLE_VIRT_START, pa, bytes, PAGE_HV_RW);
    frame_table = (struct page_info *)FRAMETABLE_VIRT_START;
}

/* PV guests' L4 tables copy slots 256-271 when they are built (they share
 * the L3 tables below), so every one of those slots exists from boot on:
 * later mappings only add entries below L4. */
static void hv_slots_populate(void)
{
    uint64_t *l4 = hv_pt.phys_to_virt(NULL, hv_pt.root);

    for (unsigned int slot = HV_SLOT_FIRST; slot <= HV_SLOT_LAST; slot++) {
        paddr_t l3;

        if (l4[slot] & PTE_P)
            continue;
        l3 = hv_pt.alloc_table(NULL);
        if (!l3)
            panic("no memory for the hypervisor's L3 tables");
        l4[slot] = l3 | PTE_P | PTE_W;
    }
}

void paging_init(const struct memmap *m)
{
    struct cpuid_regs r = cpuid(0x80000001);

    hv_pt.alloc_table = pt_alloc_early;
    hv_pt.phys_to_virt = pt_p2v;
    hv_pt.allow_1g = r.edx & (1U << 26);
    hv_pt.root = early_alloc(PAGE_SIZE);
    if (hv_pt.root >= GiB(4))
        panic("page-table root above 4 GiB; APs could not load it");

    map_image_section(__text_start, __text_end, PAGE_HV_RX);
    map_image_section(__rodata_start, __rodata_end, PAGE_HV_RO);
    map_image_section(__data_start, __image_end, PAGE_HV_RW);
    map_frame_table(m);
    /* The M2P is per-frame metadata like the frame table, and comes from
     * the same early memory (mapped now, written after the switch). */
    if (m2p_init(&hv_pt, memmap_ram_end(m) >> PAGE_SHIFT))
        panic("no memory for the machine-to-phys table");
    map_direct(m);
    /* APs turn paging on while executing in the trampoline page, so it
     * must be mapped 1:1 (supervisor only, read-execute). */
    map_or_die(TRAMPOLINE_PADDR, TRAMPOLINE_PADDR, PAGE_SIZE, PAGE_HV_RX & ~PTE_G);
    hv_slots_populate();

    write_cr4(read_cr4() | CR4_PGE);
    write_cr3(hv_pt.root);
    paging_live = true;
    hv_pt.alloc_table = pt_alloc_buddy; /* valid once frames_init() ran */
}

void *ioremap(paddr_t pa, size_t len, uint64_t flags)
{
    paddr_t base = ROUNDDOWN(pa, PAGE_SIZE);
    uint64_t size = ROUNDUP(pa + len, PAGE_SIZE) - base;
    vaddr_t va;
    int rc;

    spin_lock(&map_lock);
    va = ioremap_next;
    if (len == 0 || IOREMAP_VIRT_END - va < size) {
        spin_unlock(&map_lock);
        return NULL;
    }
    rc = pt_map(&hv_pt, va, base, size, flags);
    if (!rc)
        ioremap_next += size + PAGE_SIZE; /* a guard page between mappings */
    spin_unlock(&map_lock);
    return rc ? NULL : (void *)(va + (pa - base));
}

static int percpu_map_range(vaddr_t va, uint64_t size)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        void *page = alloc_page_zeroed();

        if (!page || pt_map(&hv_pt, va + off, __pa(page), PAGE_SIZE, PAGE_HV_RW))
            return -1;
    }
    return 0;
}

int hv_map_pages(vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
    int rc;

    spin_lock(&map_lock);
    rc = pt_map(&hv_pt, va, pa, size, flags);
    spin_unlock(&map_lock);
    return rc;
}

vaddr_t percpu_area_create(unsigned int cpu)
{
    vaddr_t base = PERCPU_VIRT_START + (vaddr_t)cpu * PERCPU_STRIDE;
    int rc = 0;

    spin_lock(&map_lock);
    rc |= percpu_map_range(base + PERCPU_STACK_OFF, PERCPU_STACK_SIZE);
    for (unsigned int i = 0; i < 3; i++)
        rc |= percpu_map_range(base + PERCPU_IST_OFF + i * 2 * PERCPU_IST_SIZE,
                               PERCPU_IST_SIZE);
    rc |= percpu_map_range(base + PERCPU_DATA_OFF, PERCPU_DATA_SIZE);
    rc |= percpu_map_range(base + PERCPU_IST_DB_OFF, PERCPU_IST_SIZE);
    spin_unlock(&map_lock);
    return rc ? 0 : base;
}

static bool wx_expect(const char *what, const void *va, bool writable, bool exec)
{
    uint64_t flags;
    paddr_t pa;
    int level;

    if (pt_lookup(&hv_pt, (vaddr_t)va, &pa, &flags, &level))
        return false;
    if (!!(flags & PTE_W) == writable && !(flags & PTE_NX) == exec)
        return true;
    printk(LOG_ERR "W^X violation: %s at %p has flags 0x%lx\n", what, va, flags);
    return false;
}

bool paging_check_wx(void)
{
    return wx_expect("text", __text_start, false, true) &&
           wx_expect("rodata", __rodata_start, false, false) &&
           wx_expect("data", __data_start, true, false) &&
           wx_expect("direct map", __va(MiB(1)), true, false);
}
