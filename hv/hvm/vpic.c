// SPDX-License-Identifier: MIT
/* Emulated 8259A interrupt controller pair and ELCR of HVM guests.
 *
 * Design and Locking: see <hv/hvm/vpic.h>.
 */
#include <hv/errno.h>
#include <hv/hvm/vpic.h>
#include <hv/lib.h>
#include <hv/printk.h>

#define PIC_NONE 8 /* "no IR" result of the priority resolver */

/* ICW1/OCW2/OCW3 bits, 8259A data sheet "Initialization Command Words" and
 * "Operation Command Words". */
#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_INIT 0x10
#define ICW4_UPM 0x01
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10
#define OCW3_SELECT 0x08
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40

enum { STEP_READY, STEP_ICW2, STEP_ICW3, STEP_ICW4 };

/* Rank of an IR under the current rotation: 0 is served first. The IR
 * after `lowest` has the highest priority ("Rotation"). */
static unsigned int chip_rank(const struct vpic_chip *c, unsigned int ir)
{
    return (ir - c->lowest - 1) & 7;
}

/* The highest-priority IR whose bit is set in mask, or PIC_NONE. */
static unsigned int chip_first(const struct vpic_chip *c, uint8_t mask)
{
    for (unsigned int i = 1; i <= 8; i++) {
        unsigned int ir = (c->lowest + i) & 7;

        if (mask & (1u << ir))
            return ir;
    }
    return PIC_NONE;
}

/*
 * Priority resolution: the best unmasked request, if it beats the best
 * in-service level. In special mask mode a masked in-service level does not
 * block anything; in special fully nested mode the master accepts a new
 * request from a cascade input whose level is already in service.
 */
static unsigned int chip_pending(const struct vpic_chip *c, bool master)
{
    uint8_t blocking = c->isr;
    unsigned int ir, busy;

    if (c->init_step != STEP_READY)
        return PIC_NONE;
    ir = chip_first(c, c->irr & ~c->imr);
    if (ir == PIC_NONE)
        return PIC_NONE;
    if (c->special_mask)
        blocking &= ~c->imr;
    busy = chip_first(c, blocking);
    if (busy == PIC_NONE || chip_rank(c, ir) < chip_rank(c, busy))
        return ir;
    if (master && c->sfnm && ir == busy && !c->single && (c->icw3 & (1u << ir)))
        return ir;
    return PIC_NONE;
}

/* A new level on input `ir` ("Edge and Level Triggered Modes"). */
static void chip_set_line(struct vpic_chip *c, unsigned int ir, bool level)
{
    uint8_t bit = 1u << ir;

    if (c->elcr & bit) {
        if (level)
            c->irr |= bit;
        else
            c->irr &= ~bit;
    } else if (level && !(c->line & bit)) {
        c->irr |= bit;
    }
    if (level)
        c->line |= bit;
    else
        c->line &= ~bit;
}

/* The chip's part of an INTA cycle (or a poll) for the winning IR. */
static void chip_ack(struct vpic_chip *c, unsigned int ir)
{
    uint8_t bit = 1u << ir;

    if (!(c->elcr & bit))
        c->irr &= ~bit;
    if (!c->auto_eoi)
        c->isr |= bit;
    else if (c->rotate_aeoi)
        c->lowest = ir;
}

static void chip_eoi(struct vpic_chip *c, unsigned int ir, bool rotate)
{
    if (ir == PIC_NONE)
        return;
    c->isr &= ~(1u << ir);
    if (rotate)
        c->lowest = ir;
}

/* Recompute the slave's INT (master IR2) and the master's INTR output. */
static void vpic_update(struct vpic *pic)
{
    struct vpic_chip *m = &pic->chip[0];
    bool slave_int = chip_pending(&pic->chip[1], false) != PIC_NONE;
    bool intr;

    chip_set_line(m, VPIC_CASCADE_IR, slave_int);
    intr = chip_pending(m, true) != PIC_NONE;
    if (intr != pic->intr) {
        pic->intr = intr;
        irq_line_set(&pic->intr_out, intr);
    }
}

static bool chip_cascades(const struct vpic_chip *m, unsigned int ir)
{
    return !m->single && (m->icw3 & (1u << ir));
}

int vpic_ack(struct vpic *pic)
{
    struct vpic_chip *m = &pic->chip[0], *s = &pic->chip[1];
    unsigned int ir = chip_pending(m, true), sir;
    int vector;

    /* No request left: the chip answers IR7 without setting ISR. */
    if (ir == PIC_NONE)
        return m->vector_base | 7;
    chip_ack(m, ir);
    if (chip_cascades(m, ir)) {
        sir = chip_pending(s, false);
        if (sir == PIC_NONE) {
            vector = s->vector_base | 7;
        } else {
            chip_ack(s, sir);
            vector = s->vector_base | sir;
        }
        /* INTA drops the slave's INT; a request it still has raises it
         * again, which the master must see as a new edge. */
        m->line &= ~(1u << ir);
    } else {
        vector = m->vector_base | ir;
    }
    vpic_update(pic);
    return vector;
}

bool vpic_has_interrupt(const struct vpic *pic)
{
    return chip_pending(&pic->chip[0], true) != PIC_NONE;
}

void vpic_set_irq(struct vpic *pic, unsigned int irq, bool level)
{
    if (irq >= VPIC_NR_IRQS || irq == VPIC_CASCADE_IR)
        return;
    chip_set_line(&pic->chip[irq >> 3], irq & 7, level);
    vpic_update(pic);
}

/* ICW1 ("Initialization Command Words"): edge sense reset, IMR and ISR
 * cleared, IR7 lowest, special mask mode off, IRR selected for reads, and
 * the ICW4 functions cleared. Edge latches restart: a line already high
 * must go low and high again to request. */
static void chip_write_icw1(struct vpic_chip *c, uint8_t val)
{
    c->irr = c->line & c->elcr;
    c->isr = 0;
    c->imr = 0;
    c->lowest = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->auto_eoi = false;
    c->rotate_aeoi = false;
    c->sfnm = false;
    c->single = val & ICW1_SNGL;
    c->need_icw4 = val & ICW1_IC4;
    c->init_step = STEP_ICW2;
}

static void chip_write_ocw2(struct vpic_chip *c, uint8_t val)
{
    unsigned int level = val & 7;

    switch (val >> 5) {
    case 0: /* clear rotate in automatic EOI mode */
        c->rotate_aeoi = false;
        break;
    case 1: /* non-specific EOI */
        chip_eoi(c, chip_first(c, c->isr), false);
        break;
    case 3: /* specific EOI */
        chip_eoi(c, level, false);
        break;
    case 4: /* set rotate in automatic EOI mode */
        c->rotate_aeoi = true;
        break;
    case 5: /* rotate on non-specific EOI */
        chip_eoi(c, chip_first(c, c->isr), true);
        break;
    case 6: /* set priority: `level` becomes the lowest */
        c->lowest = level;
        break;
    case 7: /* rotate on specific EOI */
        chip_eoi(c, level, true);
        break;
    default: /* 2: no operation */
        break;
    }
}

static void chip_write_ocw3(struct vpic_chip *c, uint8_t val)
{
    if (val & OCW3_ESMM)
        c->special_mask = val & OCW3_SMM;
    if (val & OCW3_POLL)
        c->poll = true;
    if (val & OCW3_RR)
        c->read_isr = val & OCW3_RIS;
}

static void chip_write_icw4(struct vpic_chip *c, uint8_t val)
{
    if (!(val & ICW4_UPM))
        printk_ratelimited(LOG_WARN "vpic: 8080 mode not supported, using 8086 mode\n");
    c->auto_eoi = val & ICW4_AEOI;
    c->sfnm = val & ICW4_SFNM;
    c->init_step = STEP_READY;
}

/* Odd address: the ICW the init sequence expects next, else OCW1. */
static void chip_write_data(struct vpic_chip *c, uint8_t val)
{
    switch (c->init_step) {
    case STEP_ICW2:
        c->vector_base = val & 0xf8;
        if (!c->single)
            c->init_step = STEP_ICW3;
        else
            c->init_step = c->need_icw4 ? STEP_ICW4 : STEP_READY;
        break;
    case STEP_ICW3:
        c->icw3 = val;
        c->init_step = c->need_icw4 ? STEP_ICW4 : STEP_READY;
        break;
    case STEP_ICW4:
        chip_write_icw4(c, val);
        break;
    default:
        c->imr = val;
        break;
    }
}

static void chip_write_cmd(struct vpic_chip *c, uint8_t val)
{
    if (val & ICW1_INIT)
        chip_write_icw1(c, val);
    else if (val & OCW3_SELECT)
        chip_write_ocw3(c, val);
    else
        chip_write_ocw2(c, val);
}

/* A read after a poll command is an interrupt acknowledge local to this
 * chip ("Poll Command"): bit 7 = request present, bits 2-0 = its level. */
static uint8_t chip_read(struct vpic_chip *c, bool master, bool a0)
{
    unsigned int ir;

    if (c->poll) {
        c->poll = false;
        ir = chip_pending(c, master);
        if (ir == PIC_NONE)
            return 0;
        chip_ack(c, ir);
        return 0x80 | ir;
    }
    if (a0)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static void chip_write_elcr(struct vpic_chip *c, uint8_t val)
{
    c->elcr = val & c->elcr_mask;
    /* Lines now level-triggered report their wire at once. */
    c->irr = (c->irr & ~c->elcr) | (c->line & c->elcr);
}

static bool vpic_decodes(uint64_t port)
{
    return port == VPIC_MASTER_CMD || port == VPIC_MASTER_DATA ||
           port == VPIC_SLAVE_CMD || port == VPIC_SLAVE_DATA ||
           port == VPIC_ELCR_MASTER || port == VPIC_ELCR_SLAVE;
}

static bool vpic_access_ok(uint64_t port, unsigned int size)
{
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return false;
    for (unsigned int i = 0; i < size; i++)
        if (!vpic_decodes(port + i))
            return false;
    return true;
}

static struct vpic_chip *vpic_chip_of(struct vpic *pic, uint64_t port)
{
    if (port >= VPIC_ELCR_MASTER)
        return &pic->chip[port - VPIC_ELCR_MASTER];
    return &pic->chip[port >= VPIC_SLAVE_CMD];
}

static uint8_t vpic_read_byte(struct vpic *pic, uint64_t port)
{
    struct vpic_chip *c = vpic_chip_of(pic, port);

    if (port >= VPIC_ELCR_MASTER)
        return c->elcr;
    return chip_read(c, c == &pic->chip[0], port & 1);
}

static void vpic_write_byte(struct vpic *pic, uint64_t port, uint8_t val)
{
    struct vpic_chip *c = vpic_chip_of(pic, port);

    if (port >= VPIC_ELCR_MASTER)
        chip_write_elcr(c, val);
    else if (port & 1)
        chip_write_data(c, val);
    else
        chip_write_cmd(c, val);
}

int vpic_io_read(void *dev, uint64_t port, unsigned int size, uint64_t *val)
{
    struct vpic *pic = dev;

    if (!vpic_access_ok(port, size))
        return -EINVAL;
    *val = 0;
    for (unsigned int i = 0; i < size; i++)
        *val |= (uint64_t)vpic_read_byte(pic, port + i) << (8 * i);
    vpic_update(pic);
    return 0;
}

int vpic_io_write(void *dev, uint64_t port, unsigned int size, uint64_t val)
{
    struct vpic *pic = dev;

    if (!vpic_access_ok(port, size))
        return -EINVAL;
    for (unsigned int i = 0; i < size; i++)
        vpic_write_byte(pic, port + i, (uint8_t)(val >> (8 * i)));
    vpic_update(pic);
    return 0;
}

static void chip_reset(struct vpic_chip *c, uint8_t base, uint8_t icw3, uint8_t elcr_mask)
{
    uint8_t line = c->line;

    memset(c, 0, sizeof(*c));
    c->line = line;
    c->vector_base = base;
    c->icw3 = icw3;
    c->imr = 0xff;
    c->lowest = 7;
    c->elcr_mask = elcr_mask;
}

void vpic_reset(struct vpic *pic, struct irq_line intr_out)
{
    bool was_high = pic->intr;

    /* ELCR: IRQ 0, 1, 2 (master) and 8, 13 (slave) are edge only. */
    chip_reset(&pic->chip[0], 0x08, 1u << VPIC_CASCADE_IR, 0xf8);
    chip_reset(&pic->chip[1], 0x70, VPIC_CASCADE_IR, 0xde);
    pic->intr_out = intr_out;
    pic->intr = false;
    if (was_high)
        irq_line_set(&pic->intr_out, false);
    vpic_update(pic);
}

void vpic_init(struct vpic *pic, struct irq_line intr_out)
{
    memset(pic, 0, sizeof(*pic));
    vpic_reset(pic, intr_out);
}
