/* SPDX-License-Identifier: MIT */
/* Local APIC (xAPIC or x2APIC), IOAPIC and legacy PIC control. */
#ifndef HV_APIC_H
#define HV_APIC_H

#include <hv/types.h>

/* xAPIC register offsets (SDM Vol. 3, "Local APIC Register Address Map");
 * the x2APIC MSR is 0x800 + offset / 16. */
#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_SVR 0xf0
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_THERMAL 0x330
#define APIC_LVT_PMC 0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define APIC_LVT_MASKED (1U << 16)
#define APIC_TIMER_ONESHOT (0U << 17)
#define APIC_TIMER_PERIODIC (1U << 17)
#define APIC_TIMER_TSC_DEADLINE (2U << 17)
#define APIC_DM_FIXED 0x000
#define APIC_DM_NMI 0x400
#define APIC_DM_INIT 0x500
#define APIC_DM_STARTUP 0x600
#define APIC_ICR_LEVEL_ASSERT (1U << 14)
#define APIC_ICR_BUSY (1U << 12)
#define APIC_DEST_ALLBUT (3U << 18)

/* Access to the local APIC of the running CPU: MMIO or MSRs. */
struct apic_ops {
    const char *name;
    uint32_t (*read)(unsigned int reg);
    void (*write)(unsigned int reg, uint32_t v);
    void (*send_ipi)(uint32_t dest, uint32_t icr_low);
    uint32_t (*id)(void);
};

extern const struct apic_ops *apic;
extern bool apic_tsc_deadline;

void apic_early_init(paddr_t lapic_base); /* choose xAPIC / x2APIC */
void lapic_init(void);                    /* per CPU */
void lapic_eoi(void);
uint32_t lapic_id(void);
void apic_send_ipi(uint32_t apic_id, unsigned int vector);
void apic_send_nmi_allbutself(void);
int apic_wait_icr_idle(void);

void pic_disable(void);
void ioapic_init(void);
/* Route ISA IRQ `irq` (after source overrides) to `vector` on `apic_id`. */
int ioapic_route_isa_irq(unsigned int irq, unsigned int vector, uint32_t apic_id);

#endif /* HV_APIC_H */
