// SPDX-License-Identifier: MIT
/*
 * An HVM/PVH domain for the 'v' debug key (domain_ops.dump): what every
 * vCPU waits for and what its platform has pending — halt and block
 * flags, the wake timer, LAPIC IRR/ISR and timer, PIC and IOAPIC lines,
 * the UART. For a guest that stopped making progress (the boot runner
 * presses it on a timeout): a lost interrupt shows as a raised line or IRR
 * bit beside a halted vCPU.
 *
 * Locking: the device state is copied under the platform lock and printed
 * after it; the vCPU flags are read without a lock (debug output). The
 * key prints under the domain list's lock (domain_for_each), so a domain
 * created or destroyed meanwhile waits for a few lines of output.
 */
#include <hv/domain.h>
#include <hv/hvm/platform_internal.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/xen.h>

/* Highest set bit of a 256-bit LAPIC vector register, as text. */
static const char *highest_vector(const uint32_t reg[8], char buf[8])
{
    for (int i = 7; i >= 0; i--)
        if (reg[i]) {
            hv_snprintf(buf, 8, "0x%x", i * 32 + 31 - __builtin_clz(reg[i]));
            return buf;
        }
    return "none";
}

static void dump_vcpu(struct vcpu *v, const struct vlapic *l, uint64_t guest_now)
{
    char irr[8], isr[8];

    printk("  vCPU%u: %s%s, sched %s, exits %lu, wake timer %s %ld us\n", v->id,
           v->halted ? "halted" : "running", v->wait_for_sipi ? " wait-for-SIPI" : "",
           sched_state_name(v->sched.unit.state), v->nr_exits,
           v->wake_timer.armed ? "in" : "off",
           v->wake_timer.armed ? time_us_until(v->wake_timer.expires, now_ns()) : 0L);
    printk("    LAPIC: IRR top %s, ISR top %s, TPR 0x%x, SVR 0x%x, LVT timer 0x%x, "
           "timer in %ld us, TSC deadline %s\n",
           highest_vector(l->irr, irr), highest_vector(l->isr, isr), l->tpr, l->svr, l->lvt[0],
           l->timer_deadline_ns == HVM_NO_DEADLINE ? 0L
                                                   : time_us_until(l->timer_deadline_ns, guest_now),
           l->tsc_deadline_ns ? "armed" : "off");
    xen_vcpu_dump(v);
}

/* Copied under the platform lock, printed after it. */
struct platform_snap {
    struct vpic pic;
    uint32_t ioapic_line, remote_irr;
    struct vuart uart;
    unsigned int con_len, rx_count;
    struct vlapic lapic[MAX_VCPUS];
};

static void snap_platform(struct hvm_platform *p, struct platform_snap *s)
{
    spin_lock(&p->lock);
    s->pic = p->pic;
    s->ioapic_line = p->ioapic.line;
    s->remote_irr = 0;
    for (unsigned int i = 0; i < VIOAPIC_NR_PINS; i++)
        if (p->ioapic.rte[i] & (1ULL << 14)) /* Remote IRR */
            s->remote_irr |= 1U << i;
    s->uart = p->uart;
    s->con_len = p->con_len;
    s->rx_count = p->rx_count;
    for (unsigned int i = 0; i < p->d->nr_vcpus && i < MAX_VCPUS; i++)
        s->lapic[i] = p->lapic[i];
    spin_unlock(&p->lock);
}

static struct platform_snap snap; /* one key press at a time (console poller) */

void hvm_domain_dump(struct domain *d)
{
    struct hvm_platform *p = d->platform;
    const struct vpic_chip *m = &snap.pic.chip[0], *sl = &snap.pic.chip[1];
    uint64_t guest_now;

    if (!p)
        return;
    snap_platform(p, &snap);
    guest_now = hvm_guest_now(d);
    printk("d%u %s: guest time %lu ms\n", d->id, domain_type_name(d->type),
           guest_now / 1000000);
    for (unsigned int i = 0; i < d->nr_vcpus && i < MAX_VCPUS; i++)
        if (d->vcpu[i])
            dump_vcpu(d->vcpu[i], &snap.lapic[i], guest_now);
    printk("  PIC: IRR %02x/%02x ISR %02x/%02x IMR %02x/%02x INTR %u; IOAPIC lines 0x%x, "
           "remote IRR 0x%x\n", m->irr, sl->irr, m->isr, sl->isr, m->imr, sl->imr,
           snap.pic.intr, snap.ioapic_line, snap.remote_irr);
    printk("  UART: IER 0x%x LSR 0x%x THRE-irq %u line %u, RX FIFO %u, typed %u, "
           "console line %u bytes\n", snap.uart.ier, snap.uart.lsr, snap.uart.thre_pending,
           snap.uart.irq_level, snap.uart.rx_count, snap.rx_count, snap.con_len);
}
