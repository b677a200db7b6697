// SPDX-License-Identifier: MIT
/* The I/O ranges of the HVM platform, the adapters between the bus and
 * the device models, and the console, reset and power-off plumbing. */
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/sched.h>
#include <hv/hvm/platform_internal.h>
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/xen.h>

#define PORT_RESET_CONTROL 0xcf9
#define RESET_CONTROL_RST (1U << 2)

static struct hvm_platform *dev_platform(void *dev)
{
    return dev;
}

/* Models that need the time get it here, as guest time. */
#define TIMED_PORT_OPS(name, model, field)                                          \
    static int name##_read(void *dev, uint64_t port, unsigned int size, uint64_t *val) \
    {                                                                               \
        struct hvm_platform *p = dev_platform(dev);                                 \
        uint32_t v32 = 0;                                                           \
        int rc = model##_io_read(&p->field, hvm_guest_now(p->d), (uint16_t)port,    \
                                 size, &v32);                                       \
        *val = v32;                                                                 \
        return rc;                                                                  \
    }                                                                               \
    static int name##_write(void *dev, uint64_t port, unsigned int size, uint64_t val) \
    {                                                                               \
        struct hvm_platform *p = dev_platform(dev);                                 \
        return model##_io_write(&p->field, hvm_guest_now(p->d), (uint16_t)port,     \
                                size, (uint32_t)val);                               \
    }                                                                               \
    static const struct hvm_io_ops name##_ops = { name##_read, name##_write };

TIMED_PORT_OPS(pit, vpit, pit)
TIMED_PORT_OPS(rtc, vrtc, rtc)
TIMED_PORT_OPS(pm, vpmtimer, pm)

static const struct hvm_io_ops pic_ops = { vpic_io_read, vpic_io_write };
static const struct hvm_io_ops uart_ops = { vuart_io_read, vuart_io_write };
static const struct hvm_io_ops kbd_ops = { vi8042_io_read, vi8042_io_write };
static const struct hvm_io_ops pci_ops = { vpci_io_read, vpci_io_write };

/* The LAPIC page is per vCPU: accesses go to the one that made them. */
static int lapic_read(void *dev, uint64_t off, unsigned int size, uint64_t *val)
{
    struct hvm_platform *p = dev;

    return vlapic_mmio_read(&p->lapic[hvm_current_vcpu()->id], off, size, val);
}

static int lapic_write(void *dev, uint64_t off, unsigned int size, uint64_t val)
{
    struct hvm_platform *p = dev;

    return vlapic_mmio_write(&p->lapic[hvm_current_vcpu()->id], off, size, val);
}

static const struct hvm_io_ops lapic_ops_io = { lapic_read, lapic_write };

/* Port 0xcf9 (reset control): setting RST resets the domain. */
static int cf9_read(void *dev, uint64_t off, unsigned int size, uint64_t *val)
{
    (void)dev, (void)off, (void)size;
    *val = 0;
    return 0;
}

static int cf9_write(void *dev, uint64_t off, unsigned int size, uint64_t val)
{
    (void)off, (void)size;
    if (val & RESET_CONTROL_RST)
        hvm_platform_reset(dev);
    return 0;
}

static const struct hvm_io_ops cf9_ops = { cf9_read, cf9_write };

/* The test device: 4 KiB that behave like RAM but are emulated MMIO. */
static int testdev_read(void *dev, uint64_t off, unsigned int size, uint64_t *val)
{
    struct hvm_platform *p = dev;

    *val = 0;
    memcpy(val, &p->testdev[off], size);
    return 0;
}

static int testdev_write(void *dev, uint64_t off, unsigned int size, uint64_t val)
{
    struct hvm_platform *p = dev;

    memcpy(&p->testdev[off], &val, size);
    return 0;
}

static const struct hvm_io_ops testdev_ops = { testdev_read, testdev_write };

int hvm_platform_register_io(struct domain *d)
{
    struct hvm_platform *p = d->platform;
    int rc = 0;

    rc |= hvm_io_register(d, IO_PORT, 0x20, 2, &pic_ops, &p->pic, true);
    rc |= hvm_io_register(d, IO_PORT, 0xa0, 2, &pic_ops, &p->pic, true);
    rc |= hvm_io_register(d, IO_PORT, 0x4d0, 2, &pic_ops, &p->pic, true);
    rc |= hvm_io_register(d, IO_PORT, 0x40, 4, &pit_ops, p, true);
    rc |= hvm_io_register(d, IO_PORT, 0x61, 1, &pit_ops, p, true);
    rc |= hvm_io_register(d, IO_PORT, 0x70, 2, &rtc_ops, p, true);
    rc |= hvm_io_register(d, IO_PORT, 0xb000, 12, &pm_ops, p, true);
    rc |= hvm_io_register(d, IO_PORT, 0x3f8, 8, &uart_ops, &p->uart, false);
    rc |= hvm_io_register(d, IO_PORT, 0x60, 1, &kbd_ops, &p->kbd, true);
    rc |= hvm_io_register(d, IO_PORT, 0x64, 1, &kbd_ops, &p->kbd, true);
    rc |= hvm_io_register(d, IO_PORT, 0x92, 1, &kbd_ops, &p->kbd, true);
    /* 0xcf9 before the PCI range that contains it: first match wins. */
    rc |= hvm_io_register(d, IO_PORT, PORT_RESET_CONTROL, 1, &cf9_ops, p, true);
    rc |= hvm_io_register(d, IO_PORT, 0xcf8, 8, &pci_ops, &p->pci, true);
    rc |= hvm_io_register(d, IO_MMIO, VLAPIC_DEFAULT_BASE, VLAPIC_MMIO_SIZE,
                          &lapic_ops_io, p, false);
    rc |= hvm_io_register(d, IO_MMIO, VIOAPIC_DEFAULT_BASE, VIOAPIC_MMIO_SIZE,
                          &vioapic_io_ops, &p->ioapic, false);
    if (d->testdev)
        rc |= hvm_io_register(d, IO_MMIO, TESTDEV_BASE, TESTDEV_SIZE, &testdev_ops, p,
                              false);
    return rc ? -ENOSPC : 0;
}

/* UART output: whole lines go to the hypervisor console as "(dN) ...". */
void hvm_console_tx(void *opaque, uint8_t c)
{
    struct hvm_platform *p = opaque;
    struct vcpu *w = hvm_current_vcpu();

    if (c == '\r')
        return;
    /* The writer, not vCPU 0: in an SMP guest vCPU 0 may sit halted while
     * another vCPU, preempted mid-line, still owes the rest of it. */
    if (!w || w->domain != p->d)
        w = p->d->vcpu[0];
    p->con_last_tx = hvm_guest_now(p->d);
    p->con_tx_vcpu = w;
    p->con_tx_exits = w->nr_exits;
    if (c != '\n' && p->con_len < CONSOLE_LINE_MAX - 1) {
        p->con_line[p->con_len++] = (char)c;
        if (p->con_len < CONSOLE_LINE_MAX - 1)
            return;
    }
    hvm_console_flush(p);
}

void hvm_console_flush(struct hvm_platform *p)
{
    console_guest_line(p->d->id, p->con_line, p->con_len);
    p->con_len = 0;
}

/* A partial line (a shell prompt) is shown once the guest has gone quiet:
 * no output for CONSOLE_FLUSH_NS while the writing vCPU halted or went on
 * exiting for other reasons, its UART's transmit interrupt off (nothing
 * more queued). Time alone does not tell: a guest preempted in the middle
 * of a line (16 vCPUs per pCPU wait ~450 ms for their turn), or whose QEMU
 * thread the host stalls, resumes with the line's next byte, and its lines
 * were cut in two. */
uint64_t hvm_console_poll(struct hvm_platform *p, uint64_t now)
{
    const struct vcpu *w = p->con_tx_vcpu ? p->con_tx_vcpu : p->d->vcpu[0];
    /* An interrupt-driven driver (Linux's 8250) keeps the transmit
     * interrupt enabled while it has bytes left and halts in between: on
     * a slow host (Bochs) it can sit 200 ms halted in mid-line. */
    bool more = p->uart.ier & VUART_IER_ETBEI;
    uint64_t max = more ? CONSOLE_FLUSH_MORE_MAX_NS : CONSOLE_FLUSH_MAX_NS;

    if (!p->con_len)
        return HVM_NO_DEADLINE;
    if (now - p->con_last_tx < CONSOLE_FLUSH_NS)
        return p->con_last_tx + CONSOLE_FLUSH_NS;
    if ((!more && (w->halted || w->nr_exits - p->con_tx_exits >= CONSOLE_FLUSH_EXITS)) ||
        now - p->con_last_tx >= max) {
        hvm_console_flush(p);
        return HVM_NO_DEADLINE;
    }
    /* Looked at again at vCPU 0's next poll, and at the latest then: a
     * vCPU that blocked with its prompt unflushed (seen once in CI, a
     * shell prompt never shown) must not wait for an exit that never
     * comes. */
    return p->con_last_tx + max;
}

void hvm_platform_console_input(struct domain *d, uint8_t c)
{
    struct hvm_platform *p = d->platform;

    /* Xen-ABI guests read their PV console ring (hvc0), others the UART. */
    if (d->xen_abi && xen_console_input(d, c))
        return;
    if (!p)
        return; /* a PV domain before its console exists */

    spin_lock(&p->lock);
    if (p->rx_count < CONSOLE_RX_RING)
        p->rx_ring[(p->rx_head + p->rx_count++) % CONSOLE_RX_RING] = c;
    else
        p->rx_dropped++;
    spin_unlock(&p->lock);
    vcpu_kick(d->vcpu[0]);
}

/* Typed input waits in the ring until the 16-byte UART FIFO has room, so a
 * pasted line is not cut off by a guest that drains the FIFO slowly. */
uint64_t hvm_console_rx_poll(struct hvm_platform *p, uint64_t now)
{
    while (p->rx_count && vuart_rx_room(&p->uart)) {
        if (vuart_rx_push(&p->uart, p->rx_ring[p->rx_head]))
            break; /* loopback mode: keep the byte for later */
        p->rx_head = (p->rx_head + 1) % CONSOLE_RX_RING;
        p->rx_count--;
    }
    return p->rx_count ? now + CONSOLE_RX_RETRY_NS : HVM_NO_DEADLINE;
}

/* ACPI SLP_EN: S5 (SLP_TYP 0) powers the domain off; other sleep states
 * are not offered by the DSDT. Runs under the platform lock. */
void hvm_platform_sleep(void *opaque, unsigned int slp_typ)
{
    struct hvm_platform *p = opaque;

    if (slp_typ == 0)
        domain_shutdown(p->d, SHUTDOWN_POWEROFF);
}

void hvm_platform_reset(void *opaque)
{
    struct hvm_platform *p = opaque;

    domain_shutdown(p->d, SHUTDOWN_REBOOT);
}

struct vcpu *hvm_current_vcpu(void)
{
    return this_cpu()->current_vcpu;
}
