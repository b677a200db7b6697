// SPDX-License-Identifier: MIT
/* Per-CPU GDT and TSS with IST stacks for NMI, #DF and #MC. */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/paging.h>
#include <hv/pv.h>
#include <hv/traps.h>
#include <hv/x86.h>

/* 64-bit TSS (SDM Vol. 3, "Task Management in 64-bit Mode"). */
struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "TSS layout");

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

#define GDT_CODE64 0x00af9b000000ffffULL /* present, DPL0, L=1, accessed */
#define GDT_DATA 0x00cf93000000ffffULL
/* Ring-3 descriptors of the reserved page, accessed bits preset: the page
 * is mapped read-only and the CPU must never need to write it. */
#define GDT_RING3_CODE32 0x00cffb000000ffffULL
#define GDT_RING3_DATA 0x00cff3000000ffffULL
#define GDT_RING3_CODE64 0x00affb000000ffffULL

/* Frames every CPU's GDT shares, read-only: the empty middle and the
 * reserved page. */
static paddr_t gdt_empty_frame, gdt_reserved_frame;

static vaddr_t ist_top(const struct percpu *pc, unsigned int ist)
{
    /* IST stacks are 4 KiB each, separated by guard pages. */
    return pc->area + PERCPU_IST_OFF + (ist - 1) * 2 * PERCPU_IST_SIZE +
           PERCPU_IST_SIZE;
}

static void gdt_set_tss(uint64_t *gdt, const struct tss64 *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

    gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                       (0x89ULL << 40) /* present, available 64-bit TSS */ |
                       (((limit >> 16) & 0xf) << 48) |
                       (((base >> 24) & 0xff) << 56);
    gdt[SEL_TSS / 8 + 1] = base >> 32;
}

_Static_assert(PERCPU_GDT_PAGES * PAGE_SIZE == FIRST_RESERVED_GDT_BYTE + PAGE_SIZE &&
               GDT_ENTRIES * 8 <= PERCPU_GDT_PAGES * PAGE_SIZE &&
               PERCPU_GDT_OFF + PERCPU_GDT_PAGES * PAGE_SIZE <= PERCPU_STRIDE,
               "the GDT pages end with the reserved page, inside the per-CPU area");
_Static_assert(!(PERCPU_VIRT_START & (PERCPU_STRIDE - 1)) && PERCPU_IST_DB_OFF < PERCPU_STRIDE,
               "IST stacks find their per-CPU area by aligning RSP (hv/x86/entry.asm)");

/* Made by the boot CPU before it brings up the others. */
static int gdt_shared_frames(void)
{
    uint64_t *rsv;
    void *empty;

    if (gdt_reserved_frame)
        return 0;
    rsv = alloc_page_zeroed();
    empty = alloc_page_zeroed();
    if (!rsv || !empty)
        return -ENOMEM;
    gdt_empty_frame = __pa(empty);
    rsv[(FLAT_RING3_CS32 >> 3) - FIRST_RESERVED_GDT_ENTRY] = GDT_RING3_CODE32;
    rsv[(FLAT_RING3_DS32 >> 3) - FIRST_RESERVED_GDT_ENTRY] = GDT_RING3_DATA;
    rsv[(FLAT_RING3_CS64 >> 3) - FIRST_RESERVED_GDT_ENTRY] = GDT_RING3_CODE64;
    gdt_reserved_frame = __pa(rsv);
    return 0;
}

/* Page 0 is this CPU's own (LTR writes the TSS busy bit); the other 14
 * pages are shared frames, mapped read-only. */
static uint64_t *gdt_map(const struct percpu *pc)
{
    vaddr_t va = pc->area + PERCPU_GDT_OFF;
    uint64_t *page0 = alloc_page_zeroed();
    int rc;

    if (!page0 || gdt_shared_frames())
        return NULL;
    rc = hv_map_pages(va, __pa(page0), PAGE_SIZE, PAGE_HV_RW);
    for (unsigned int i = 1; i < PERCPU_GDT_PAGES - 1 && !rc; i++)
        rc = hv_map_pages(va + i * PAGE_SIZE, gdt_empty_frame, PAGE_SIZE, PAGE_HV_RO);
    if (!rc)
        rc = hv_map_pages(va + FIRST_RESERVED_GDT_BYTE, gdt_reserved_frame, PAGE_SIZE,
                          PAGE_HV_RO);
    return rc ? NULL : (uint64_t *)va;
}

int cpu_tables_alloc(struct percpu *pc)
{
    uint64_t *gdt = gdt_map(pc);
    struct tss64 *tss = (struct tss64 *)(pc->area + PERCPU_DATA_OFF + 0x2000);

    if (!gdt)
        return -ENOMEM;
    memset(tss, 0, sizeof(*tss));
    gdt[SEL_HV_CS / 8] = GDT_CODE64;
    gdt[SEL_HV_DS / 8] = GDT_DATA;
    tss->ist[IST_NMI - 1] = ist_top(pc, IST_NMI);
    tss->ist[IST_DF - 1] = ist_top(pc, IST_DF);
    tss->ist[IST_MC - 1] = ist_top(pc, IST_MC);
    tss->ist[IST_DB - 1] = pc->area + PERCPU_IST_DB_OFF + PERCPU_IST_SIZE;
    tss->iomap_base = sizeof(*tss); /* no I/O bitmap: ring 3 gets #GP */
    gdt_set_tss(gdt, tss);
    pc->gdt = gdt;
    pc->tss = tss;
    return 0;
}

void tss_set_rsp0(struct percpu *pc, uint64_t rsp0)
{
    ((struct tss64 *)pc->tss)->rsp[0] = rsp0;
}

void cpu_tables_load(struct percpu *pc)
{
    struct desc_ptr gdtr = { GDT_ENTRIES * 8 - 1, (uint64_t)pc->gdt };

    asm volatile("lgdt %0" : : "m"(gdtr));
    /* Reload CS through a far return, then the data segments. */
    asm volatile("pushq %0\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "mov %1, %%ds\n\t"
                 "mov %1, %%es\n\t"
                 "mov %1, %%ss\n\t"
                 : : "i"(SEL_HV_CS), "r"(SEL_HV_DS) : "rax", "memory");
    asm volatile("ltr %w0" : : "r"(SEL_TSS));
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
    idt_load();
    pv_cpu_init();
}
