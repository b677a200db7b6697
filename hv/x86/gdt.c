// SPDX-License-Identifier: MIT
/* Per-CPU GDT and TSS with IST stacks for NMI, #DF and #MC. */
#include <hv/lib.h>
#include <hv/mm.h>
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

int cpu_tables_alloc(struct percpu *pc)
{
    uint64_t *gdt = (uint64_t *)(pc->area + PERCPU_DATA_OFF + 0x1000);
    struct tss64 *tss = (struct tss64 *)(pc->area + PERCPU_DATA_OFF + 0x2000);

    memset(gdt, 0, GDT_ENTRIES * sizeof(*gdt));
    memset(tss, 0, sizeof(*tss));
    gdt[SEL_HV_CS / 8] = GDT_CODE64;
    gdt[SEL_HV_DS / 8] = GDT_DATA;
    tss->ist[IST_NMI - 1] = ist_top(pc, IST_NMI);
    tss->ist[IST_DF - 1] = ist_top(pc, IST_DF);
    tss->ist[IST_MC - 1] = ist_top(pc, IST_MC);
    tss->iomap_base = sizeof(*tss); /* no I/O bitmap: ring 3 gets #GP */
    gdt_set_tss(gdt, tss);
    pc->gdt = gdt;
    pc->tss = tss;
    return 0;
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
}
