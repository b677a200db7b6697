/* SPDX-License-Identifier: MIT */
/* Emulated 8259A interrupt controller pair (master + slave) and the ELCR.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>) following the
 * Intel 8259A data sheet ("Programming the 8259A", "Interrupt Sequence",
 * "Edge and Level Triggered Modes") wired as on every PC: the master at
 * ports 0x20/0x21, the slave at 0xa0/0xa1, the slave's INT output on master
 * IR2. The per-line edge/level control registers (ELCR) at 0x4d0/0x4d1 come
 * from the PIIX/ICH south bridges; as there, ICW1.LTIM is ignored and lines
 * 0, 1, 2, 8 and 13 are always edge-triggered.
 *  - Inputs: vpic_set_irq() sets the level of ISA line 0-15. An edge line
 *    latches its IRR bit on a rising edge and keeps it until the INTA cycle
 *    (so a source may pulse, see irq_line_pulse()); a level line's IRR bit
 *    follows the wire. IRR records requests of masked lines too; the IMR
 *    only hides them from priority resolution. Line 2 is the cascade and
 *    cannot be driven from outside (ISA IRQ 2 is IRQ 9 on a PC).
 *  - Output: `intr_out` (the INTR wire to the boot vCPU's LINT0, ExtINT) is
 *    set whenever its level changes: high while the master has a request
 *    that beats everything in service. The vCPU takes it with vpic_ack(),
 *    which plays the two INTA pulses and returns the vector.
 *  - Spurious interrupts as on the chip: an INTA with no request left (a
 *    level line dropped first) returns the master's IR7 vector and sets no
 *    ISR bit; if the master's cascade request outlived the slave's, the
 *    master's ISR bit 2 is set and the slave answers its IR7 vector (IRQ15),
 *    so the guest must EOI the master only.
 *  - Implemented: ICW1-ICW4 (single or cascade mode, ICW4 optional, vector
 *    base, auto-EOI, special fully nested mode), OCW1, every OCW2 command
 *    (EOI, specific EOI, the rotations, set priority), OCW3 (IRR/ISR read,
 *    poll, special mask mode). Not modelled: 8080 mode and ICW1.ADI (x86
 *    only; a guest choosing 8080 mode still gets x86 vectors and a warning),
 *    buffered mode, and the slave ID check (the slave answers every INTA
 *    the master cascades to it). Requests are not delivered while a chip is
 *    between ICW1 and its last ICW.
 *  - After reset the chips are initialised as a PC BIOS leaves them (vector
 *    bases 0x08 and 0x70, cascade on IR2, 8086 mode) with every line masked
 *    and edge-triggered; the wires' levels survive a reset.
 *
 * Locking: none inside. One struct vpic is shared by all vCPUs of a domain;
 * the caller serialises every call on it with the domain's platform lock,
 * which is held while `intr_out` runs.
 */
#ifndef HV_HVM_VPIC_H
#define HV_HVM_VPIC_H

#include <hv/hvm/devmodel.h>
#include <hv/types.h>

#define VPIC_MASTER_CMD 0x20
#define VPIC_MASTER_DATA 0x21
#define VPIC_SLAVE_CMD 0xa0
#define VPIC_SLAVE_DATA 0xa1
#define VPIC_ELCR_MASTER 0x4d0
#define VPIC_ELCR_SLAVE 0x4d1
#define VPIC_CASCADE_IR 2
#define VPIC_NR_IRQS 16

/* One 8259A. Bit n of each mask is input IRn. */
struct vpic_chip {
    uint8_t irr, isr, imr;
    uint8_t line;        /* level on each input wire (edge detection) */
    uint8_t elcr;        /* 1 = level-triggered */
    uint8_t elcr_mask;   /* ELCR bits that may be set */
    uint8_t vector_base; /* ICW2, bits 7-3 */
    uint8_t icw3;        /* master: IRs with a slave; slave: its ID */
    uint8_t lowest;      /* IR with the lowest priority (rotation) */
    uint8_t init_step;   /* 0 = ready, else the ICW expected next */
    bool single, need_icw4;
    bool auto_eoi, rotate_aeoi, sfnm;
    bool read_isr, poll, special_mask;
};

struct vpic {
    struct vpic_chip chip[2]; /* [0] master, [1] slave */
    struct irq_line intr_out;
    bool intr; /* level last driven on intr_out */
};

/* Power-on: every wire low, then vpic_reset(). */
void vpic_init(struct vpic *pic, struct irq_line intr_out);
/* Reset both chips to the BIOS-like state above; lowers intr_out if high. */
void vpic_reset(struct vpic *pic, struct irq_line intr_out);
/* Drive ISA line `irq` (0-15, 2 excluded) to `level`. */
void vpic_set_irq(struct vpic *pic, unsigned int irq, bool level);
/* Is INTR asserted (a vector would be delivered by vpic_ack())? */
bool vpic_has_interrupt(const struct vpic *pic);
/* The INTA cycle: returns the vector the CPU receives (0-255). */
int vpic_ack(struct vpic *pic);
/* hvm_io_ops handlers; `port` is absolute (0x20, 0x21, 0xa0, 0xa1, 0x4d0,
 * 0x4d1). A wider access covers consecutive ports, as on the ISA bus.
 * -EINVAL when a byte falls outside those ports. */
int __must_check vpic_io_read(void *dev, uint64_t port, unsigned int size, uint64_t *val);
int __must_check vpic_io_write(void *dev, uint64_t port, unsigned int size, uint64_t val);

#endif /* HV_HVM_VPIC_H */
