// SPDX-License-Identifier: MIT
/* Assembling an HVM domain's platform (docs/hvm-platform.md): the device
 * models, their I/O ranges and the interrupt wiring between them. */
#include <hv/errno.h>
#include <hv/sched.h>
#include <hv/hvm/platform_internal.h>
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/xen.h>

uint64_t hvm_guest_now(const struct domain *d)
{
    return now_ns() - d->created_ns;
}

/* ISA IRQ n drives PIC input n and IOAPIC pin n, except IRQ 0 -> pin 2
 * (the MADT's override). */
static void isa_irq_set(void *opaque, unsigned int irq, bool level)
{
    struct hvm_platform *p = opaque;

    vpic_set_irq(&p->pic, irq, level);
    vioapic_set_irq(&p->ioapic, irq == 0 ? 2 : irq, level);
}

static struct irq_line isa_line(struct hvm_platform *p, unsigned int irq)
{
    return (struct irq_line){ isa_irq_set, p, irq };
}

/* The 8259's INTR output is wired to LINT0 of vCPU 0's local APIC. */
static void pic_intr_set(void *opaque, unsigned int line, bool level)
{
    struct hvm_platform *p = opaque;

    (void)line;
    vlapic_set_lint(&p->lapic[0], 0, level);
    vcpu_kick(p->d->vcpu[0]);
}

static void deliver_to(struct hvm_platform *p, unsigned int i, uint8_t mode,
                       uint8_t vector, bool level)
{
    struct vcpu *v = p->d->vcpu[i];

    if (mode == VLAPIC_DM_FIXED || mode == VLAPIC_DM_LOWEST)
        vlapic_set_irq(&p->lapic[i], vector, level);
    else if (mode == VLAPIC_DM_NMI)
        v->nmi_pending = true;
    else if (mode == VLAPIC_DM_INIT && i != 0)
        vlapic_init_reset(&p->lapic[i]); /* the AP keeps waiting for SIPI */
    else if (mode == VLAPIC_DM_STARTUP && v->wait_for_sipi && !v->sipi_pending) {
        v->sipi_vector = vector;
        __atomic_store_n(&v->sipi_pending, true, __ATOMIC_RELEASE);
    } else
        return; /* ExtINT messages, INIT to the BSP: ignored */
    vcpu_kick(v);
}

static void ioapic_deliver(void *opaque, uint8_t dest, bool logical, uint8_t mode,
                           uint8_t vector, bool level)
{
    struct hvm_platform *p = opaque;

    for (unsigned int i = 0; i < p->d->nr_vcpus; i++) {
        if (!vlapic_match_dest(&p->lapic[i], dest, logical, VLAPIC_SH_NONE, NULL))
            continue;
        deliver_to(p, i, mode, vector, level);
        if (mode == VLAPIC_DM_LOWEST)
            break; /* lowest priority: the first match takes it */
    }
}

static void lapic_ipi(void *opaque, const struct vlapic_ipi *ipi)
{
    struct hvm_platform *p = opaque;

    for (unsigned int i = 0; i < p->d->nr_vcpus; i++)
        if (vlapic_match_dest(&p->lapic[i], ipi->dest, ipi->dest_logical,
                              ipi->shorthand, ipi->source))
            deliver_to(p, i, ipi->delivery_mode, ipi->vector, ipi->level_triggered);
}

static void lapic_eoi_level(void *opaque, uint8_t vector)
{
    struct hvm_platform *p = opaque;

    vioapic_eoi(&p->ioapic, vector);
}

static uint64_t lapic_now(void *opaque)
{
    return hvm_guest_now(((struct hvm_platform *)opaque)->d);
}

static const struct vlapic_ops lapic_ops = {
    .now_ns = lapic_now,
    .ipi = lapic_ipi,
    .eoi_level = lapic_eoi_level,
};

static const struct vioapic_ops ioapic_ops = { .deliver = ioapic_deliver };

/* Firmware hand-off state of the boot vCPU's APIC: enabled, with LINT0 in
 * ExtINT (virtual wire) and LINT1 as NMI, as a PC BIOS leaves it; without
 * it a guest that only programs the 8259 would never see an interrupt. */
static void lapic_virtual_wire(struct vlapic *l)
{
    int rc = vlapic_mmio_write(l, VLAPIC_REG_SVR, 4, VLAPIC_SVR_ENABLE | 0xff);

    rc |= vlapic_mmio_write(l, 0x350, 4, VLAPIC_DM_EXTINT << VLAPIC_LVT_DM_SHIFT);
    rc |= vlapic_mmio_write(l, 0x360, 4, VLAPIC_DM_NMI << VLAPIC_LVT_DM_SHIFT);
    (void)rc;
}

static int platform_lapics_init(struct hvm_platform *p)
{
    for (unsigned int i = 0; i < p->d->nr_vcpus; i++) {
        struct vlapic_config cfg = { i, i == 0, 48, &lapic_ops, p };
        int rc = vlapic_init(&p->lapic[i], &cfg);

        if (rc)
            return rc;
    }
    lapic_virtual_wire(&p->lapic[0]);
    return 0;
}

static int platform_models_init(struct hvm_platform *p)
{
    struct irq_line intr = { pic_intr_set, p, 0 };
    struct irq_line irq1 = isa_line(p, 1), irq4 = isa_line(p, 4), irq12 = isa_line(p, 12);
    int rc = platform_lapics_init(p);

    vpic_init(&p->pic, intr);
    if (!rc)
        rc = vioapic_init(&p->ioapic, (uint8_t)p->d->nr_vcpus, &ioapic_ops, p);
    vpit_init(&p->pit, isa_line(p, 0));
    vrtc_init(&p->rtc, isa_line(p, 8), hvm_wallclock_seconds());
    vrtc_nvram_set_memory(&p->rtc, MIN(p->d->ram_bytes, GiB(3)),
                          p->d->ram_bytes > GiB(3) ? p->d->ram_bytes - GiB(3) : 0);
    vpmtimer_init(&p->pm, isa_line(p, 9), hvm_platform_sleep, p);
    vuart_init(&p->uart, &irq4, hvm_console_tx, p);
    vi8042_init(&p->kbd, &irq1, &irq12, hvm_platform_reset, p);
    vpci_init(&p->pci);
    return rc;
}

int hvm_platform_init(struct domain *d)
{
    struct hvm_platform *p = xzalloc(sizeof(*p));
    int rc;

    if (!p)
        return -ENOMEM;
    d->platform = p;
    p->d = d;
    spin_lock_init(&p->lock);
    rc = platform_models_init(p);
    if (!rc)
        rc = hvm_platform_register_io(d);
    return rc;
}

void hvm_platform_destroy(struct domain *d)
{
    if (d->platform)
        xfree(d->platform);
    d->platform = NULL;
}

uint64_t hvm_platform_poll(struct vcpu *v)
{
    struct hvm_platform *p = v->domain->platform;
    uint64_t now = hvm_guest_now(v->domain), next;

    spin_lock(&p->lock);
    next = vlapic_poll(&p->lapic[v->id], now);
    if (v->id == 0) {
        next = MIN(next, vpit_poll(&p->pit, now));
        next = MIN(next, vrtc_poll(&p->rtc, now));
        next = MIN(next, vpmtimer_poll(&p->pm, now));
        next = MIN(next, hvm_console_poll(p, now));
        next = MIN(next, hvm_console_rx_poll(p, now));
    }
    spin_unlock(&p->lock);
    return next;
}

/* Pick the interrupt to inject: the local APIC's highest, else the
 * 8259's through LINT0 ExtINT. -1 if none. */
static int platform_take_vector(struct hvm_platform *p, struct vcpu *v)
{
    struct vlapic *l = &p->lapic[v->id];
    int vec = vlapic_pending_vector(l);

    if (vec >= 0)
        return vlapic_ack(l, (uint8_t)vec) ? vec : vlapic_spurious_vector(l);
    if (vlapic_extint_pending(l) && vpic_has_interrupt(&p->pic))
        return vpic_ack(&p->pic);
    return -1;
}

static bool platform_irq_pending(struct hvm_platform *p, struct vcpu *v)
{
    struct vlapic *l = &p->lapic[v->id];

    return vlapic_pending_vector(l) >= 0 ||
           (vlapic_extint_pending(l) && vpic_has_interrupt(&p->pic));
}

/*
 * Xen-ABI guests: a pending event upcall is delivered through the
 * callback vector, ahead of LAPIC interrupts and without an EOI; it keeps
 * firing while vcpu_info.evtchn_upcall_pending stays set (xen-abi.md §3.6).
 * Returns true if the vCPU has something to wake for.
 */
static bool platform_inject_upcall(struct vcpu *v, bool *done)
{
    int vec = xen_pending_upcall(v);

    *done = false;
    if (vec < 0)
        return false;
    if (hvm_ops->interruptible(v)) {
        hvm_ops->inject_event(v, HVM_EVENT_EXTINT, (uint8_t)vec, false, 0);
        hvm_ops->enable_irq_window(v, false);
        *done = true;
    } else {
        hvm_ops->enable_irq_window(v, true);
    }
    return true;
}

bool hvm_platform_inject(struct vcpu *v)
{
    struct hvm_platform *p = v->domain->platform;
    bool wake = false, done;

    if (hvm_ops->event_pending(v))
        return true;
    if (v->domain->xen_abi) {
        /* A block or poll that ended wakes the vCPU even when its upcall
         * waits for an interrupt window or never comes (masked port). */
        bool unblocked = xen_vcpu_unblock(v);

        if (platform_inject_upcall(v, &done) &&
            (done || (v->xen->vinfo && !v->xen->blocked)))
            return true;
        if (unblocked)
            return true;
    }
    if (v->xen && v->xen->blocked)
        return false; /* SCHEDOP_block: only an event ends it */
    spin_lock(&p->lock);
    /* v->nmi_pending may be set meanwhile (VCPUOP_send_nmi): take it whole. */
    if (vlapic_take_nmi(&p->lapic[v->id]) ||
        __atomic_exchange_n(&v->nmi_pending, false, __ATOMIC_ACQ_REL)) {
        hvm_ops->inject_event(v, HVM_EVENT_NMI, 2, false, 0);
        wake = true;
    } else if (platform_irq_pending(p, v)) {
        if (hvm_ops->interruptible(v)) {
            int vec = platform_take_vector(p, v);

            if (vec >= 0)
                hvm_ops->inject_event(v, HVM_EVENT_EXTINT, (uint8_t)vec, false, 0);
            hvm_ops->enable_irq_window(v, false);
        } else {
            hvm_ops->enable_irq_window(v, true);
        }
        /* HLT ends for a pending interrupt only if the guest has IF set. */
        wake = hvm_ops->get_reg(v, HVM_RFLAGS) & (1ULL << 9);
    }
    spin_unlock(&p->lock);
    return wake;
}

int hvm_platform_apic_base_msr(struct vcpu *v, bool write, uint64_t *val)
{
    struct hvm_platform *p = v->domain->platform;
    int rc = 0;

    spin_lock(&p->lock);
    if (write)
        rc = vlapic_set_base_msr(&p->lapic[v->id], *val) ? -1 : 0;
    else
        *val = vlapic_get_base_msr(&p->lapic[v->id]);
    spin_unlock(&p->lock);
    return rc;
}

int hvm_platform_tsc_deadline(struct vcpu *v, bool write, uint64_t *val,
                              uint64_t deadline_ns)
{
    struct hvm_platform *p = v->domain->platform;

    spin_lock(&p->lock);
    if (write) {
        vlapic_set_tsc_deadline_ns(&p->lapic[v->id], deadline_ns);
        v->tsc_deadline = *val;
    } else {
        /* The register reads 0 once the deadline has passed (SDM,
         * "TSC-Deadline Mode"). */
        *val = vlapic_get_tsc_deadline_ns(&p->lapic[v->id]) ? v->tsc_deadline : 0;
    }
    spin_unlock(&p->lock);
    return 0;
}
