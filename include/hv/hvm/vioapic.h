/* SPDX-License-Identifier: MIT */
/* Virtual I/O APIC of an HVM domain: 24 pins, modelled on the Intel 82093AA.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>). Version 0x11,
 * like the 82093AA: there is no EOI register (that came with version 0x20);
 * level-triggered entries are completed by the local APICs' EOI broadcast,
 * which the domain layer forwards to vioapic_eoi(). Software that needs to
 * clear a stale Remote IRR on such an IOAPIC switches the entry to edge and
 * back; writing edge trigger mode clears Remote IRR here too.
 *
 * Messages leave through the `deliver` callback; the domain layer matches
 * destinations with vlapic_match_dest() and raises the vector with
 * vlapic_set_irq() (or NMI/INIT/ExtINT handling). Delivery is
 * instantaneous, so Delivery Status always reads idle.
 *
 * Locking: none inside. The vIOAPIC is shared by all vCPUs of a domain;
 * the caller serialises every call with the domain's interrupt lock (see
 * <hv/hvm/vlapic.h>), which is held while `deliver` runs.
 */
#ifndef HV_HVM_VIOAPIC_H
#define HV_HVM_VIOAPIC_H

#include <hv/types.h>
#include <hv/hvm/devmodel.h>

#define VIOAPIC_DEFAULT_BASE 0xfec00000ULL
#define VIOAPIC_MMIO_SIZE 0x1000 /* only IOREGSEL and IOWIN decode */
#define VIOAPIC_NR_PINS 24
#define VIOAPIC_VERSION 0x11

/* Direct (memory-mapped) registers. */
#define VIOAPIC_IOREGSEL 0x00
#define VIOAPIC_IOWIN 0x10

/* Indirect registers, selected through IOREGSEL. */
#define VIOAPIC_REG_ID 0x00
#define VIOAPIC_REG_VERSION 0x01
#define VIOAPIC_REG_ARB 0x02
#define VIOAPIC_REG_REDIR 0x10 /* entry n: 0x10 + 2n (low), + 1 (high) */

/* Redirection table entry, 82093AA "I/O Redirection Table Registers". */
#define VIOAPIC_RTE_VECTOR 0xffULL
#define VIOAPIC_RTE_DM_SHIFT 8
#define VIOAPIC_RTE_DEST_LOGICAL (1ULL << 11)
#define VIOAPIC_RTE_DELIV_STATUS (1ULL << 12) /* read-only, always 0 */
#define VIOAPIC_RTE_POLARITY_LOW (1ULL << 13)
#define VIOAPIC_RTE_REMOTE_IRR (1ULL << 14)   /* read-only */
#define VIOAPIC_RTE_LEVEL (1ULL << 15)
#define VIOAPIC_RTE_MASKED (1ULL << 16)
#define VIOAPIC_RTE_DEST_SHIFT 56

struct vioapic_ops {
    /* A message to the local APICs. `delivery_mode` is the entry's 3-bit
     * field as programmed (enum vlapic_delivery_mode values; reserved ones
     * are passed through for the callback to drop). */
    void (*deliver)(void *opaque, uint8_t dest, bool dest_logical,
                    uint8_t delivery_mode, uint8_t vector,
                    bool level_triggered);
};

struct vioapic {
    const struct vioapic_ops *ops;
    void *opaque;
    uint8_t reset_id;
    uint32_t id;     /* ID register: bits 24-27 */
    uint32_t regsel; /* IOREGSEL: bits 0-7 */
    uint64_t rte[VIOAPIC_NR_PINS];
    uint32_t line;   /* raw input level of each pin, bit n = pin n */
};

/* id is the 4-bit IOAPIC ID (the platform uses the number of vCPUs);
 * -EINVAL if it does not fit or ops->deliver is NULL. Applies the reset
 * state with every pin low. */
int __must_check vioapic_init(struct vioapic *io, uint8_t id,
                              const struct vioapic_ops *ops, void *opaque);
/* 82093AA reset: every entry masked and otherwise zero, IOREGSEL 0; the ID
 * returns to the value given to vioapic_init. Pin levels are kept (they
 * belong to the devices driving them). */
void vioapic_reset(struct vioapic *io);

/* MMIO at offset from the base (struct hvm_io_ops signature). Only aligned
 * 32-bit accesses to IOREGSEL and IOWIN do anything; other sizes and
 * offsets inside the window read 0 and ignore writes. -EINVAL outside the
 * window. Unimplemented indirect registers read 0 and ignore writes. */
int vioapic_mmio_read(void *dev, uint64_t offset, unsigned int size,
                      uint64_t *val);
int vioapic_mmio_write(void *dev, uint64_t offset, unsigned int size,
                       uint64_t val);
extern const struct hvm_io_ops vioapic_io_ops;

/* The level at input `pin` (before polarity: an active-low entry treats a
 * low line as asserted). Edge entries deliver on the asserting edge when
 * unmasked (edges on a masked pin are lost); level entries deliver while
 * asserted, unmasked and Remote IRR is clear, setting Remote IRR. Remote
 * IRR only applies to fixed and lowest-priority entries (nothing EOIs an
 * NMI, SMI, INIT or ExtINT); those deliver on the asserting edge whatever
 * their trigger mode. Pins beyond 23 are ignored. */
void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level);
/* struct irq_line adapter: opaque is the vioapic, line the pin. */
void vioapic_irq_line_set(void *opaque, unsigned int pin, bool level);
/* A local APIC EOI of a level-triggered `vector`: clears Remote IRR of the
 * level entries with that vector and redelivers those still asserted. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

#endif /* HV_HVM_VIOAPIC_H */
