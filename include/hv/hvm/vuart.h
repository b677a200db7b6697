/* SPDX-License-Identifier: MIT */
/* Emulated 16550A UART (COM1 of HVM guests): registers, RX FIFO and IRQ.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>) for the guest's
 * COM1 at VUART_PORT, IRQ VUART_IRQ. The I/O functions take the register
 * offset 0-7 (port - VUART_PORT). What the model simplifies, on purpose:
 *  - No baud-rate timing. A byte written to THR goes to the `tx` callback at
 *    once and THR/TSR are empty again immediately (LSR.THRE and LSR.TEMT are
 *    always set). Writing THR still clears the THRE interrupt and the
 *    completed transmission raises it again, so the IRQ line drops and rises
 *    and an edge-triggered PIC sees one interrupt per byte, as on hardware.
 *  - Receive: vuart_rx_push() feeds the RX FIFO (16 bytes, or the single
 *    holding register in 16450 mode when FCR.FIFOE is clear). A full FIFO
 *    refuses the byte with -ENOSPC and sets LSR.OE, which is what the guest
 *    would see had the byte arrived on a wire. Callers that want no loss
 *    push only vuart_rx_room() bytes. The receive interrupt is pending as
 *    soon as there is data: IIR reports "received data available" when the
 *    FIFO holds at least the trigger level and "character timeout" below
 *    it, as a real 16550A does once its four-character timeout has run out
 *    (with no timing, it is always out). Both clear when the FIFO empties.
 *  - The modem inputs are those of an always-ready peer: CTS, DSR and DCD
 *    asserted, RI not. Loopback mode (MCR.LOOP) wires DTR->DSR, RTS->CTS,
 *    OUT1->RI, OUT2->DCD and THR->RX as in the 16550 data sheet ("Modem
 *    Control Register", bit 4); break, parity and framing are not modelled.
 *  - IRQ: level-style on `irq`, high while an enabled interrupt is pending
 *    (the condition IIR reports) and the OUT2 pin is asserted: on a PC the
 *    OUT2# output enables the buffer between INTR and the ISA IRQ line, and
 *    Linux's 8250 driver depends on that gate. Loopback mode forces the
 *    modem-control output pins inactive, so the IRQ is gated off there too.
 *    The line is set only when its level changes.
 *
 * Locking: none inside; the caller serializes guest I/O and rx pushes (one
 * per-domain device lock). The tx callback runs with that lock held.
 */
#ifndef HV_HVM_VUART_H
#define HV_HVM_VUART_H

#include <hv/hvm/devmodel.h>
#include <hv/types.h>

#define VUART_PORT 0x3f8
#define VUART_NR_PORTS 8
#define VUART_IRQ 4
#define VUART_FIFO_SIZE 16

/* Register offsets, 16550 data sheet "Register Summary". With LCR.DLAB set,
 * offsets 0 and 1 are the divisor latch (DLL, DLM). */
#define VUART_RBR 0 /* read: receiver buffer */
#define VUART_THR 0 /* write: transmitter holding */
#define VUART_IER 1
#define VUART_IIR 2 /* read */
#define VUART_FCR 2 /* write */
#define VUART_LCR 3
#define VUART_MCR 4
#define VUART_LSR 5
#define VUART_MSR 6
#define VUART_SCR 7
#define VUART_DLL 0
#define VUART_DLM 1

#define VUART_IER_ERBFI 0x01 /* received data available */
#define VUART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define VUART_IER_ELSI 0x04  /* receiver line status */
#define VUART_IER_EDSSI 0x08 /* modem status */

#define VUART_IIR_NO_INT 0x01
#define VUART_IIR_MSI 0x00  /* modem status */
#define VUART_IIR_THRI 0x02 /* THR empty */
#define VUART_IIR_RDI 0x04  /* received data available */
#define VUART_IIR_RLSI 0x06 /* receiver line status */
#define VUART_IIR_CTI 0x0c  /* character timeout */
#define VUART_IIR_FIFO 0xc0 /* FIFOs enabled */

#define VUART_FCR_FIFOE 0x01
#define VUART_FCR_RX_CLEAR 0x02
#define VUART_FCR_TX_CLEAR 0x04
#define VUART_FCR_DMA 0x08
#define VUART_FCR_TRIGGER 0xc0 /* RX trigger: 1, 4, 8, 14 bytes */

#define VUART_LCR_DLAB 0x80

#define VUART_MCR_DTR 0x01
#define VUART_MCR_RTS 0x02
#define VUART_MCR_OUT1 0x04
#define VUART_MCR_OUT2 0x08
#define VUART_MCR_LOOP 0x10

#define VUART_LSR_DR 0x01
#define VUART_LSR_OE 0x02
#define VUART_LSR_PE 0x04
#define VUART_LSR_FE 0x08
#define VUART_LSR_BI 0x10
#define VUART_LSR_THRE 0x20
#define VUART_LSR_TEMT 0x40

#define VUART_MSR_DCTS 0x01
#define VUART_MSR_DDSR 0x02
#define VUART_MSR_TERI 0x04
#define VUART_MSR_DDCD 0x08
#define VUART_MSR_CTS 0x10
#define VUART_MSR_DSR 0x20
#define VUART_MSR_RI 0x40
#define VUART_MSR_DCD 0x80

struct vuart {
    /* Configuration, kept across vuart_reset(). */
    struct irq_line irq;
    void (*tx)(void *opaque, uint8_t byte); /* may be NULL: output dropped */
    void *opaque;

    uint8_t ier, lcr, mcr, lsr, msr, scr;
    uint8_t fcr;       /* FIFOE, DMA and trigger bits as last programmed */
    uint16_t divisor;  /* DLM:DLL */
    bool thre_pending; /* THR-empty interrupt latched, cleared by IIR/THR */
    bool irq_level;    /* what `irq` was last set to */

    uint8_t rx_fifo[VUART_FIFO_SIZE];
    uint8_t rx_head; /* index of the oldest byte */
    uint8_t rx_count;
};

/* Set up `u` (struct and callbacks) and reset it; `irq` is copied. */
void vuart_init(struct vuart *u, const struct irq_line *irq,
                void (*tx)(void *opaque, uint8_t byte), void *opaque);

/* Hardware reset (MR pin): registers to their reset values, FIFO empty,
 * IRQ lowered. */
void vuart_reset(struct vuart *u);

/* Guest register access at offset 0-7; sizes 2 and 4 act as that many byte
 * accesses to consecutive registers (an ISA bus splits them). -EINVAL for
 * an access reaching past offset 7 or of another size. */
int __must_check vuart_io_read(void *dev, uint64_t offset, unsigned int size,
                               uint64_t *val);
int __must_check vuart_io_write(void *dev, uint64_t offset, unsigned int size,
                                uint64_t val);

/* One byte from the console into the RX FIFO: 0, or -ENOSPC (and LSR.OE
 * set) when the FIFO is full; the byte is then lost. -EAGAIN, with nothing
 * changed, in loopback mode: the receiver is disconnected from the line. */
int __must_check vuart_rx_push(struct vuart *u, uint8_t byte);

/* How many bytes vuart_rx_push() would accept now (0 in loopback mode,
 * where the receiver is disconnected from the line). */
unsigned int vuart_rx_room(const struct vuart *u);

#endif /* HV_HVM_VUART_H */
