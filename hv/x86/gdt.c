// SPDX-License-Identifier: MIT
/* Per-CPU GDT and TSS with IST stacks for NMI, #DF and #MC. */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/panic.h>
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
/* Ring-3 descriptors of the reserved page, accessed bits preset so that
 * loading them never writes the GDT. */
#define GDT_RING3_CODE32 0x00cffb000000ffffULL
#define GDT_RING3_DATA 0x00cff3000000ffffULL
#define GDT_RING3_CODE64 0x00affb000000ffffULL

/* The frame every CPU maps where no guest descriptor page is: zeros,
 * read-only, so any selector below the reserved page is not present. */
static paddr_t gdt_empty_frame;

static vaddr_t ist_top(const struct percpu *pc, unsigned int ist)
{
    /* IST stacks are 4 KiB each, separated by guard pages. */
    return pc->area + PERCPU_IST_OFF + (ist - 1) * 2 * PERCPU_IST_SIZE +
           PERCPU_IST_SIZE;
}

/* A 16-byte system descriptor (SDM Vol. 3, "Segment Descriptor Tables":
 * 64-bit mode widens TSS and LDT descriptors to hold a 64-bit base). */
static void gdt_set_system(uint64_t *gdt, unsigned int sel, uint64_t base, uint64_t limit,
                           uint64_t type)
{
    gdt[sel / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (type << 40) |
                   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[sel / 8 + 1] = base >> 32;
}

static void gdt_set_tss(uint64_t *gdt, const struct tss64 *tss)
{
    /* present, available 64-bit TSS */
    gdt_set_system(gdt, SEL_TSS, (uint64_t)tss, sizeof(*tss) - 1, 0x89);
}

_Static_assert(PERCPU_GDT_PAGES * PAGE_SIZE == FIRST_RESERVED_GDT_BYTE + PAGE_SIZE &&
               GDT_ENTRIES * 8 <= PERCPU_GDT_PAGES * PAGE_SIZE &&
               PERCPU_GDT_OFF + PERCPU_GDT_PAGES * PAGE_SIZE <= PERCPU_STRIDE,
               "the GDT pages end with the reserved page, inside the per-CPU area");
_Static_assert(!(PERCPU_VIRT_START & (PERCPU_STRIDE - 1)) && PERCPU_IST_DB_OFF < PERCPU_STRIDE,
               "IST stacks find their per-CPU area by aligning RSP (hv/x86/entry.asm)");
_Static_assert(PERCPU_LDT_OFF >= PERCPU_IST_DB_OFF + PERCPU_IST_SIZE &&
               PERCPU_LDT_OFF + PERCPU_LDT_PAGES * PAGE_SIZE < PERCPU_STRIDE,
               "the LDT area lies in the per-CPU area, a guard page after it");
_Static_assert(SEL_HV_CS / 8 >= FIRST_RESERVED_GDT_ENTRY && SEL_TSS / 8 + 1 < GDT_ENTRIES &&
               SEL_LDT / 8 > SEL_TSS / 8 + 1 && SEL_LDT / 8 + 1 < GDT_ENTRIES,
               "the hypervisor's descriptors live in the reserved page");

/* The reserved page is this CPU's own and writable (LTR sets the TSS busy
 * bit); pages 0..13 start as the shared empty frame. */
static uint64_t *gdt_map(const struct percpu *pc)
{
    vaddr_t va = pc->area + PERCPU_GDT_OFF;
    uint64_t *rsv = alloc_page_zeroed();
    int rc;

    if (!gdt_empty_frame) {
        void *empty = alloc_page_zeroed(); /* boot CPU, before the others */

        if (!empty)
            return NULL;
        gdt_empty_frame = __pa(empty);
    }
    if (!rsv)
        return NULL;
    rc = hv_map_pages(va + FIRST_RESERVED_GDT_BYTE, __pa(rsv), PAGE_SIZE, PAGE_HV_RW);
    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE && !rc; i++)
        rc = hv_map_pages(va + i * PAGE_SIZE, gdt_empty_frame, PAGE_SIZE, PAGE_HV_RO);
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
    gdt[FLAT_RING3_CS32 >> 3] = GDT_RING3_CODE32;
    gdt[FLAT_RING3_DS32 >> 3] = GDT_RING3_DATA;
    gdt[FLAT_RING3_CS64 >> 3] = GDT_RING3_CODE64;
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

/*
 * Guest descriptor frames are mapped writable for the CPU's accessed-bit
 * updates, as Xen does; the guest itself cannot write them (PGT_SEG_DESC).
 * Pages from nr up to what was mapped before get the empty frame. Only
 * this CPU uses these addresses, so a local INVLPG suffices.
 */
static void desc_frames_map(vaddr_t va, const mfn_t *frames, unsigned int nr,
                            unsigned int *mapped)
{
    unsigned int top = nr > *mapped ? nr : *mapped;

    for (unsigned int i = 0; i < top; i++) {
        vaddr_t page = va + i * PAGE_SIZE;
        paddr_t pa = i < nr ? mfn_to_paddr(frames[i]) : gdt_empty_frame;

        BUG_ON(hv_map_pages(page, pa, PAGE_SIZE, i < nr ? PAGE_HV_RW : PAGE_HV_RO));
        asm volatile("invlpg (%0)" : : "r"(page) : "memory");
    }
    *mapped = nr;
}

void gdt_guest_map(const mfn_t *frames, unsigned int nr)
{
    BUG_ON(nr > FIRST_RESERVED_GDT_PAGE);
    desc_frames_map(this_cpu()->area + PERCPU_GDT_OFF, frames, nr,
                    &this_cpu()->gdt_guest_pages);
}

/* The null selector leaves LDTR unusable: no LDT page can be reached. */
void ldt_guest_map(const mfn_t *frames, unsigned int nr, unsigned int ents)
{
    struct percpu *pc = this_cpu();
    vaddr_t va = pc->area + PERCPU_LDT_OFF;

    BUG_ON(nr > PERCPU_LDT_PAGES || (uint64_t)ents * 8 > (uint64_t)nr * PAGE_SIZE);
    if (!ents) {
        asm volatile("lldt %w0" : : "r"(0));
        desc_frames_map(va, frames, 0, &pc->ldt_guest_pages);
        return;
    }
    desc_frames_map(va, frames, nr, &pc->ldt_guest_pages);
    gdt_set_system(pc->gdt, SEL_LDT, va, (uint64_t)ents * 8 - 1, 0x82 /* present LDT */);
    asm volatile("lldt %w0" : : "r"(SEL_LDT) : "memory");
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
