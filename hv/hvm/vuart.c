// SPDX-License-Identifier: MIT
/* Emulated 16550A UART: register semantics, interrupt priority, loopback. */
#include <hv/errno.h>
#include <hv/hvm/vuart.h>

/* Modem inputs of the always-ready peer outside loopback mode. */
#define VUART_MSR_PEER (VUART_MSR_CTS | VUART_MSR_DSR | VUART_MSR_DCD)
#define VUART_MSR_DELTAS 0x0f
#define VUART_LSR_ERRORS (VUART_LSR_OE | VUART_LSR_PE | VUART_LSR_FE | VUART_LSR_BI)
#define VUART_IER_MASK 0x0f /* bits 4-7 read as 0 on a 16550A */
#define VUART_MCR_MASK 0x1f /* bits 5-7 read as 0 */
/* Divisor at reset: 115200 baud from the 1.8432 MHz clock. The data sheet
 * leaves it undefined; drivers that derive the baud rate from it (Linux's
 * earlycon without a baud option) must never find 0. */
#define VUART_RESET_DIVISOR 1

static unsigned int vuart_rx_capacity(const struct vuart *u)
{
    /* In 16450 mode (FIFOs off) only the receiver buffer register holds
     * data. */
    return (u->fcr & VUART_FCR_FIFOE) ? VUART_FIFO_SIZE : 1;
}

static unsigned int vuart_rx_trigger(const struct vuart *u)
{
    static const uint8_t level[4] = {1, 4, 8, 14};

    if (!(u->fcr & VUART_FCR_FIFOE))
        return 1;
    return level[(u->fcr & VUART_FCR_TRIGGER) >> 6];
}

/* The interrupt IIR reports now, highest priority first, as in the data
 * sheet's "Interrupt Control Functions" table. */
static uint8_t vuart_pending(const struct vuart *u)
{
    if ((u->ier & VUART_IER_ELSI) && (u->lsr & VUART_LSR_ERRORS))
        return VUART_IIR_RLSI;
    if ((u->ier & VUART_IER_ERBFI) && u->rx_count)
        return u->rx_count >= vuart_rx_trigger(u) ? VUART_IIR_RDI : VUART_IIR_CTI;
    if ((u->ier & VUART_IER_ETBEI) && u->thre_pending)
        return VUART_IIR_THRI;
    if ((u->ier & VUART_IER_EDSSI) && (u->msr & VUART_MSR_DELTAS))
        return VUART_IIR_MSI;
    return VUART_IIR_NO_INT;
}

/* INTR reaches the ISA line only through the OUT2# buffer gate of a PC;
 * loopback mode forces OUT2# inactive. */
static void vuart_update_irq(struct vuart *u)
{
    bool level = vuart_pending(u) != VUART_IIR_NO_INT &&
                 (u->mcr & (VUART_MCR_OUT2 | VUART_MCR_LOOP)) == VUART_MCR_OUT2;

    if (level != u->irq_level) {
        u->irq_level = level;
        irq_line_set(&u->irq, level);
    }
}

/* MSR bits 4-7 as wired now: the peer, or the MCR outputs in loop mode. */
static uint8_t vuart_modem_inputs(const struct vuart *u)
{
    uint8_t m = u->mcr;

    if (!(m & VUART_MCR_LOOP))
        return VUART_MSR_PEER;
    return (m & VUART_MCR_DTR ? VUART_MSR_DSR : 0) |
           (m & VUART_MCR_RTS ? VUART_MSR_CTS : 0) |
           (m & VUART_MCR_OUT1 ? VUART_MSR_RI : 0) |
           (m & VUART_MCR_OUT2 ? VUART_MSR_DCD : 0);
}

/* Latch the inputs into MSR. Each delta bit sits 4 below its line; RI
 * reports only its trailing (1 -> 0) edge. */
static void vuart_msr_update(struct vuart *u)
{
    uint8_t old = u->msr & 0xf0;
    uint8_t now = vuart_modem_inputs(u);
    uint8_t delta = (uint8_t)((old ^ now) & ~VUART_MSR_RI) >> 4;

    if ((old & VUART_MSR_RI) && !(now & VUART_MSR_RI))
        delta |= VUART_MSR_TERI;
    u->msr = now | (u->msr & VUART_MSR_DELTAS) | delta;
}

static void vuart_rx_clear(struct vuart *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
    u->lsr &= (uint8_t)~VUART_LSR_DR;
}

static int vuart_rx_put(struct vuart *u, uint8_t byte)
{
    if (u->rx_count >= vuart_rx_capacity(u)) {
        u->lsr |= VUART_LSR_OE;
        return -ENOSPC;
    }
    u->rx_fifo[(u->rx_head + u->rx_count) % VUART_FIFO_SIZE] = byte;
    u->rx_count++;
    u->lsr |= VUART_LSR_DR;
    return 0;
}

static uint8_t vuart_rx_get(struct vuart *u)
{
    uint8_t byte;

    if (!u->rx_count)
        return 0;
    byte = u->rx_fifo[u->rx_head];
    u->rx_head = (u->rx_head + 1) % VUART_FIFO_SIZE;
    if (--u->rx_count == 0)
        u->lsr &= (uint8_t)~VUART_LSR_DR;
    return byte;
}

void vuart_reset(struct vuart *u)
{
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->lsr = VUART_LSR_THRE | VUART_LSR_TEMT;
    u->scr = 0;
    u->fcr = 0;
    u->divisor = VUART_RESET_DIVISOR;
    u->thre_pending = false;
    vuart_rx_clear(u);
    u->msr = vuart_modem_inputs(u);
    vuart_update_irq(u);
}

void vuart_init(struct vuart *u, const struct irq_line *irq,
                void (*tx)(void *opaque, uint8_t byte), void *opaque)
{
    u->irq = *irq;
    u->tx = tx;
    u->opaque = opaque;
    u->irq_level = false;
    vuart_reset(u);
}

/* Reading IIR acknowledges a THR-empty interrupt if that is what it
 * reports (data sheet: "THRE ... reset by reading the IIR (if source of
 * interrupt)"). */
static uint8_t vuart_iir_read(struct vuart *u)
{
    uint8_t id = vuart_pending(u);

    if (id == VUART_IIR_THRI)
        u->thre_pending = false;
    return id | ((u->fcr & VUART_FCR_FIFOE) ? VUART_IIR_FIFO : 0);
}

static uint8_t vuart_reg_read(struct vuart *u, unsigned int reg)
{
    bool dlab = u->lcr & VUART_LCR_DLAB;
    uint8_t v;

    switch (reg) {
    case VUART_RBR:
        return dlab ? (uint8_t)u->divisor : vuart_rx_get(u);
    case VUART_IER:
        return dlab ? (uint8_t)(u->divisor >> 8) : u->ier;
    case VUART_IIR:
        return vuart_iir_read(u);
    case VUART_LCR:
        return u->lcr;
    case VUART_MCR:
        return u->mcr;
    case VUART_LSR:
        v = u->lsr;
        u->lsr &= (uint8_t)~VUART_LSR_ERRORS;
        return v;
    case VUART_MSR:
        v = u->msr;
        u->msr &= (uint8_t)~VUART_MSR_DELTAS;
        return v;
    default:
        return u->scr;
    }
}

/* The byte leaves at once, so THR is empty again right away: drop the THRE
 * interrupt for the write and raise it again, giving an edge per byte. */
static void vuart_thr_write(struct vuart *u, uint8_t byte)
{
    u->thre_pending = false;
    vuart_update_irq(u);
    if (u->mcr & VUART_MCR_LOOP)
        (void)vuart_rx_put(u, byte); /* overflow only sets LSR.OE */
    else if (u->tx)
        u->tx(u->opaque, byte);
    u->thre_pending = true;
}

static void vuart_ier_write(struct vuart *u, uint8_t v)
{
    uint8_t old = u->ier;

    u->ier = v & VUART_IER_MASK;
    /* Enabling ETBEI while THR is empty (always, here) raises the THRE
     * interrupt at once; Linux checks this to detect UART_BUG_THRE. */
    if ((u->ier & VUART_IER_ETBEI) && !(old & VUART_IER_ETBEI))
        u->thre_pending = true;
}

static void vuart_fcr_write(struct vuart *u, uint8_t v)
{
    /* Switching between 16450 and FIFO mode empties both FIFOs; other bits
     * are programmed only while FIFOE is written as 1. */
    if ((v ^ u->fcr) & VUART_FCR_FIFOE)
        vuart_rx_clear(u);
    if (!(v & VUART_FCR_FIFOE)) {
        u->fcr = 0;
        return;
    }
    if (v & VUART_FCR_RX_CLEAR)
        vuart_rx_clear(u);
    /* TX clear: the transmitter is always empty already. */
    u->fcr = v & (VUART_FCR_FIFOE | VUART_FCR_DMA | VUART_FCR_TRIGGER);
}

static void vuart_reg_write(struct vuart *u, unsigned int reg, uint8_t v)
{
    bool dlab = u->lcr & VUART_LCR_DLAB;

    switch (reg) {
    case VUART_THR:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0xff00) | v);
        else
            vuart_thr_write(u, v);
        break;
    case VUART_IER:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
        else
            vuart_ier_write(u, v);
        break;
    case VUART_FCR:
        vuart_fcr_write(u, v);
        break;
    case VUART_LCR:
        u->lcr = v;
        break;
    case VUART_MCR:
        u->mcr = v & VUART_MCR_MASK;
        vuart_msr_update(u);
        break;
    case VUART_SCR:
        u->scr = v;
        break;
    default:
        break; /* LSR, MSR: writes have no defined effect */
    }
}

static bool vuart_access_ok(uint64_t offset, unsigned int size)
{
    return (size == 1 || size == 2 || size == 4) && offset < VUART_NR_PORTS &&
           offset + size <= VUART_NR_PORTS;
}

int vuart_io_read(void *dev, uint64_t offset, unsigned int size, uint64_t *val)
{
    struct vuart *u = dev;
    uint64_t v = 0;

    if (!vuart_access_ok(offset, size))
        return -EINVAL;
    for (unsigned int i = 0; i < size; i++) {
        v |= (uint64_t)vuart_reg_read(u, (unsigned int)offset + i) << (8 * i);
        vuart_update_irq(u);
    }
    *val = v;
    return 0;
}

int vuart_io_write(void *dev, uint64_t offset, unsigned int size, uint64_t val)
{
    struct vuart *u = dev;

    if (!vuart_access_ok(offset, size))
        return -EINVAL;
    for (unsigned int i = 0; i < size; i++) {
        vuart_reg_write(u, (unsigned int)offset + i, (uint8_t)(val >> (8 * i)));
        vuart_update_irq(u);
    }
    return 0;
}

int vuart_rx_push(struct vuart *u, uint8_t byte)
{
    int rc;

    if (u->mcr & VUART_MCR_LOOP)
        return -EAGAIN;
    rc = vuart_rx_put(u, byte);
    vuart_update_irq(u);
    return rc;
}

unsigned int vuart_rx_room(const struct vuart *u)
{
    if (u->mcr & VUART_MCR_LOOP)
        return 0;
    return vuart_rx_capacity(u) - u->rx_count;
}
