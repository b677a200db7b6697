// SPDX-License-Identifier: MIT
/* Virtual I/O APIC (Intel 82093AA model): registers, pins and EOI.
 *
 * Design and Locking: see <hv/hvm/vioapic.h>.
 */
#include <hv/errno.h>
#include <hv/hvm/vioapic.h>
#include <hv/hvm/vlapic.h>

/* Writable bits of an entry's low dword: vector, delivery mode, destination
 * mode, polarity, trigger mode and mask (82093AA "I/O Redirection Table
 * Registers"); delivery status and Remote IRR are read-only. */
#define RTE_LO_WRITABLE 0x0001afffULL
#define RTE_HI_WRITABLE 0xff000000ULL /* destination, bits 56-63 */
#define ID_WRITABLE 0x0f000000U       /* 4-bit APIC ID, bits 24-27 */

static unsigned int rte_dm(uint64_t rte)
{
    return (rte >> VIOAPIC_RTE_DM_SHIFT) & 7;
}

/* Level semantics (Remote IRR, redelivery) only make sense for messages a
 * local APIC acknowledges with an EOI. */
static bool rte_level(uint64_t rte)
{
    unsigned int dm = rte_dm(rte);

    return (rte & VIOAPIC_RTE_LEVEL) &&
           (dm == VLAPIC_DM_FIXED || dm == VLAPIC_DM_LOWEST);
}

/* Pin `pin` as the entry sees it: an active-low entry inverts the line. */
static bool pin_asserted(const struct vioapic *io, unsigned int pin)
{
    bool line = (io->line >> pin) & 1;

    return line != !!(io->rte[pin] & VIOAPIC_RTE_POLARITY_LOW);
}

static void pin_send(struct vioapic *io, unsigned int pin)
{
    uint64_t rte = io->rte[pin];

    io->ops->deliver(io->opaque, (uint8_t)(rte >> VIOAPIC_RTE_DEST_SHIFT),
                     rte & VIOAPIC_RTE_DEST_LOGICAL, (uint8_t)rte_dm(rte),
                     (uint8_t)(rte & VIOAPIC_RTE_VECTOR), rte_level(rte));
}

/* A level entry delivers while its pin is asserted, unmasked and not
 * already in service. Remote IRR is set before the message leaves, so an
 * EOI arriving from inside the callback cannot cause a second delivery. */
static void pin_service_level(struct vioapic *io, unsigned int pin)
{
    uint64_t *rte = &io->rte[pin];

    if (!rte_level(*rte) || (*rte & (VIOAPIC_RTE_MASKED |
                                     VIOAPIC_RTE_REMOTE_IRR)) ||
        !pin_asserted(io, pin))
        return;
    *rte |= VIOAPIC_RTE_REMOTE_IRR;
    pin_send(io, pin);
}

void vioapic_reset(struct vioapic *io)
{
    io->id = (uint32_t)io->reset_id << 24;
    io->regsel = 0;
    for (unsigned int pin = 0; pin < VIOAPIC_NR_PINS; pin++)
        io->rte[pin] = VIOAPIC_RTE_MASKED;
}

int vioapic_init(struct vioapic *io, uint8_t id,
                 const struct vioapic_ops *ops, void *opaque)
{
    if (id > 0xf || !ops || !ops->deliver)
        return -EINVAL;
    io->ops = ops;
    io->opaque = opaque;
    io->reset_id = id;
    io->line = 0;
    vioapic_reset(io);
    return 0;
}

void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level)
{
    bool was;

    if (pin >= VIOAPIC_NR_PINS)
        return;
    was = pin_asserted(io, pin);
    if (level)
        io->line |= 1U << pin;
    else
        io->line &= ~(1U << pin);
    if (rte_level(io->rte[pin])) {
        pin_service_level(io, pin);
        return;
    }
    if (!was && pin_asserted(io, pin) &&
        !(io->rte[pin] & VIOAPIC_RTE_MASKED))
        pin_send(io, pin);
}

void vioapic_irq_line_set(void *opaque, unsigned int pin, bool level)
{
    vioapic_set_irq(opaque, pin, level);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
    for (unsigned int pin = 0; pin < VIOAPIC_NR_PINS; pin++) {
        uint64_t *rte = &io->rte[pin];

        if (!rte_level(*rte) || !(*rte & VIOAPIC_RTE_REMOTE_IRR) ||
            (*rte & VIOAPIC_RTE_VECTOR) != vector)
            continue;
        *rte &= ~VIOAPIC_RTE_REMOTE_IRR;
        pin_service_level(io, pin);
    }
}

static uint32_t vioapic_reg_read(const struct vioapic *io, uint32_t idx)
{
    if (idx >= VIOAPIC_REG_REDIR &&
        idx < VIOAPIC_REG_REDIR + 2 * VIOAPIC_NR_PINS) {
        uint64_t rte = io->rte[(idx - VIOAPIC_REG_REDIR) / 2];

        return (idx & 1) ? (uint32_t)(rte >> 32) : (uint32_t)rte;
    }
    switch (idx) {
    case VIOAPIC_REG_ID:
        return io->id;
    case VIOAPIC_REG_VERSION:
        return ((VIOAPIC_NR_PINS - 1) << 16) | VIOAPIC_VERSION;
    case VIOAPIC_REG_ARB:
        /* 82093AA: the arbitration ID follows the APIC ID. */
        return io->id;
    default:
        return 0;
    }
}

/* Writing an entry may unmask an asserted level pin: deliver then. A
 * switch to edge (or to a non-EOI'd delivery mode) drops Remote IRR. */
static void vioapic_rte_write(struct vioapic *io, uint32_t idx, uint32_t val)
{
    unsigned int pin = (idx - VIOAPIC_REG_REDIR) / 2;
    uint64_t *rte = &io->rte[pin];
    uint64_t keep;

    if (idx & 1) {
        *rte = (*rte & 0xffffffffULL) | ((val & RTE_HI_WRITABLE) << 32);
        return;
    }
    keep = *rte & VIOAPIC_RTE_REMOTE_IRR;
    *rte = (*rte & ~0xffffffffULL) | (val & RTE_LO_WRITABLE);
    if (rte_level(*rte))
        *rte |= keep;
    pin_service_level(io, pin);
}

static void vioapic_reg_write(struct vioapic *io, uint32_t idx, uint32_t val)
{
    if (idx >= VIOAPIC_REG_REDIR &&
        idx < VIOAPIC_REG_REDIR + 2 * VIOAPIC_NR_PINS)
        vioapic_rte_write(io, idx, val);
    else if (idx == VIOAPIC_REG_ID)
        io->id = val & ID_WRITABLE;
    /* Version, arbitration and unimplemented registers: read-only. */
}

int vioapic_mmio_read(void *dev, uint64_t offset, unsigned int size,
                      uint64_t *val)
{
    struct vioapic *io = dev;

    if (offset >= VIOAPIC_MMIO_SIZE)
        return -EINVAL;
    *val = 0;
    if (size != 4)
        return 0;
    if (offset == VIOAPIC_IOREGSEL)
        *val = io->regsel;
    else if (offset == VIOAPIC_IOWIN)
        *val = vioapic_reg_read(io, io->regsel);
    return 0;
}

int vioapic_mmio_write(void *dev, uint64_t offset, unsigned int size,
                       uint64_t val)
{
    struct vioapic *io = dev;

    if (offset >= VIOAPIC_MMIO_SIZE)
        return -EINVAL;
    if (size != 4)
        return 0;
    if (offset == VIOAPIC_IOREGSEL)
        io->regsel = val & 0xff;
    else if (offset == VIOAPIC_IOWIN)
        vioapic_reg_write(io, io->regsel, (uint32_t)val);
    return 0;
}

const struct hvm_io_ops vioapic_io_ops = {
    .read = vioapic_mmio_read,
    .write = vioapic_mmio_write,
};
