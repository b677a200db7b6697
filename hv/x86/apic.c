// SPDX-License-Identifier: MIT
/* Local APIC access through an ops table: xAPIC (MMIO) or x2APIC (MSRs),
 * chosen once at boot. */
#include <hv/apic.h>
#include <hv/ioremap.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/traps.h>
#include <hv/x86.h>

#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_SVR_ENABLE (1U << 8)
#define MSR_X2APIC_BASE 0x800

const struct apic_ops *apic;
bool apic_tsc_deadline;
static volatile uint32_t *xapic_mmio;

static uint32_t xapic_read(unsigned int reg)
{
    return xapic_mmio[reg / 4];
}

static void xapic_write(unsigned int reg, uint32_t v)
{
    xapic_mmio[reg / 4] = v;
}

static void xapic_send_ipi(uint32_t dest, uint32_t icr_low)
{
    apic_wait_icr_idle();
    xapic_write(APIC_ICR2, dest << 24);
    xapic_write(APIC_ICR, icr_low);
}

static uint32_t xapic_id(void)
{
    return xapic_read(APIC_ID) >> 24;
}

static const struct apic_ops xapic_ops = {
    .name = "xAPIC",
    .read = xapic_read,
    .write = xapic_write,
    .send_ipi = xapic_send_ipi,
    .id = xapic_id,
};

static uint32_t x2apic_read(unsigned int reg)
{
    return (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / 16);
}

static void x2apic_write(unsigned int reg, uint32_t v)
{
    wrmsr(MSR_X2APIC_BASE + reg / 16, v);
}

/* In x2APIC mode the ICR is one 64-bit MSR and has no busy bit. */
static void x2apic_send_ipi(uint32_t dest, uint32_t icr_low)
{
    wrmsr(MSR_X2APIC_BASE + APIC_ICR / 16, ((uint64_t)dest << 32) | icr_low);
}

static uint32_t x2apic_id(void)
{
    return x2apic_read(APIC_ID);
}

static const struct apic_ops x2apic_ops = {
    .name = "x2APIC",
    .read = x2apic_read,
    .write = x2apic_write,
    .send_ipi = x2apic_send_ipi,
    .id = x2apic_id,
};

void apic_early_init(paddr_t lapic_base)
{
    struct cpuid_regs r = cpuid(1);

    apic_tsc_deadline = r.ecx & (1U << 24);
    if (r.ecx & (1U << 21)) {
        /* The x2APIC MSRs #GP until x2APIC mode is on, and the boot CPU
         * reads its APIC id before lapic_init(). Enabling both bits at
         * once is a legal transition from any state ("x2APIC State
         * Transitions"). */
        wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
        apic = &x2apic_ops;
    } else {
        xapic_mmio = ioremap(lapic_base, PAGE_SIZE, PAGE_HV_UC);
        BUG_ON(!xapic_mmio);
        apic = &xapic_ops;
    }
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

    if (apic == &x2apic_ops)
        base |= APIC_BASE_X2APIC;
    wrmsr(MSR_APIC_BASE, base);
    apic->write(APIC_TPR, 0);
    apic->write(APIC_LVT_TIMER, APIC_LVT_MASKED);
    apic->write(APIC_LVT_THERMAL, APIC_LVT_MASKED);
    apic->write(APIC_LVT_PMC, APIC_DM_NMI);
    apic->write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    /* LINT1 carries the platform NMI on PC-compatible boards. */
    apic->write(APIC_LVT_LINT1, APIC_DM_NMI);
    apic->write(APIC_LVT_ERROR, APIC_LVT_MASKED);
    apic->write(APIC_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
    apic->write(APIC_ESR, 0);
    lapic_eoi();
}

void lapic_eoi(void)
{
    apic->write(APIC_EOI, 0);
}

uint32_t lapic_id(void)
{
    return apic->id();
}

int apic_wait_icr_idle(void)
{
    if (apic != &xapic_ops)
        return 0;
    for (unsigned int i = 0; i < 1000000; i++) {
        if (!(xapic_read(APIC_ICR) & APIC_ICR_BUSY))
            return 0;
        cpu_relax();
    }
    return -1;
}

void apic_send_ipi(uint32_t apic_id, unsigned int vector)
{
    apic->send_ipi(apic_id, APIC_DM_FIXED | vector);
}

void apic_send_nmi_allbutself(void)
{
    apic->send_ipi(0, APIC_DM_NMI | APIC_DEST_ALLBUT);
}
