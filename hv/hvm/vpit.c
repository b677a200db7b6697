// SPDX-License-Identifier: MIT
/* Emulated 8254 interval timer and port 0x61 of HVM guests.
 *
 * Design and Locking: see <hv/hvm/vpit.h>. Mode behaviour follows the 8254
 * data sheet, "Modes of Operation" and "Gate" table.
 */
#include <hv/errno.h>
#include <hv/hvm/vpit.h>
#include <hv/lib.h>

#define NS_PER_SEC 1000000000ull
#define TICK_NONE UINT64_MAX
#define REFRESH_NS 15085 /* counter 1 as a BIOS programs it: count 18 */

/* Control word RW field ("Control Word Format"). */
enum { RW_LATCH, RW_LSB, RW_MSB, RW_WORD };

#define RB_NO_COUNT 0x20  /* read-back: COUNT# */
#define RB_NO_STATUS 0x10 /* read-back: STATUS# */
#define STATUS_OUT 0x80
#define STATUS_NULL 0x40

/* PIT clock at guest time ns, without overflow for centuries of uptime. */
static uint64_t pit_tick(uint64_t ns)
{
    return ns / NS_PER_SEC * VPIT_HZ + ns % NS_PER_SEC * VPIT_HZ / NS_PER_SEC;
}

/* The first nanosecond at which pit_tick() reaches tick. */
static uint64_t pit_tick_ns(uint64_t tick)
{
    uint64_t rem = tick % VPIT_HZ;

    return tick / VPIT_HZ * NS_PER_SEC + (rem * NS_PER_SEC + VPIT_HZ - 1) / VPIT_HZ;
}

static uint32_t bcd_to_bin(uint16_t v)
{
    return (v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15);
}

static uint16_t bin_to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 |
                      v % 10);
}

static bool ch_periodic(const struct vpit_channel *c)
{
    return c->mode == 2 || c->mode == 3;
}

static uint32_t ch_modulus(const struct vpit_channel *c)
{
    return c->bcd ? 10000 : 65536;
}

static uint64_t ch_elapsed(const struct vpit_channel *c, uint64_t tick)
{
    if (!c->running)
        return c->paused;
    return tick > c->start_tick ? tick - c->start_tick : 0;
}

/* The count register as read `e` clocks after the load. Mode 3 counts down
 * by two through each half period ("Mode 3: Square Wave Mode"). */
static uint16_t ch_count_at(const struct vpit_channel *c, uint64_t e)
{
    uint32_t n = c->reload, mod = ch_modulus(c), v;
    uint64_t p;

    switch (c->mode) {
    case 2:
        v = n - (uint32_t)(e % n);
        break;
    case 3:
        p = e % n;
        if (p >= (n + 1) / 2)
            p -= (n + 1) / 2;
        v = (n & ~1u) - 2 * (uint32_t)p;
        break;
    default:
        v = (uint32_t)((n + mod - e % mod) % mod);
        break;
    }
    v %= mod;
    return c->bcd ? bin_to_bcd(v) : (uint16_t)v;
}

static uint16_t ch_count(const struct vpit_channel *c, uint64_t tick)
{
    return c->running ? ch_count_at(c, ch_elapsed(c, tick)) : c->held;
}

static bool ch_out(const struct vpit_channel *c, uint64_t tick)
{
    uint64_t e = ch_elapsed(c, tick);
    uint32_t n = c->reload;

    switch (c->mode) {
    case 0: /* low from the control word until terminal count */
        return c->loaded && e >= n;
    case 1: /* low from the trigger until terminal count */
        return !c->running || e >= n;
    case 2: /* low for the clock before each reload */
        return !c->running || e % n != n - 1;
    case 3: /* high for the first (larger) half of each period */
        return !c->running || e % n < (n + 1) / 2;
    default: /* 4, 5: low for one clock at terminal count */
        return !c->loaded || e != n;
    }
}

/* PIT clock of OUT's first rising edge strictly after `after`. */
static uint64_t ch_next_edge(const struct vpit_channel *c, uint64_t after)
{
    uint64_t n = c->reload, first, e;

    if (!c->running)
        return TICK_NONE;
    switch (c->mode) {
    case 0:
    case 1:
        first = c->start_tick + n;
        break;
    case 4:
    case 5:
        first = c->start_tick + n + 1;
        break;
    default: /* 2, 3: OUT rises at every reload */
        e = after > c->start_tick ? after - c->start_tick : 0;
        return c->start_tick + (e / n + 1) * n;
    }
    return first > after ? first : TICK_NONE;
}

static void ch_take_pending(struct vpit_channel *c)
{
    if (c->reload_pending)
        c->reload = c->next_reload;
    c->reload_pending = false;
    c->switch_tick = TICK_NONE;
}

/* Modes 2/3: a count written while running starts at the end of the
 * period that was under way. */
static void ch_sync(struct vpit_channel *c, uint64_t tick)
{
    if (c->running && c->switch_tick != TICK_NONE && tick >= c->switch_tick) {
        c->start_tick = c->switch_tick;
        ch_take_pending(c);
    }
}

static void ch_start(struct vpit_channel *c, uint64_t tick, uint64_t elapsed)
{
    c->start_tick = tick - MIN(elapsed, tick);
    c->running = true;
}

static void ch_pause(struct vpit_channel *c, uint64_t tick)
{
    if (!c->running)
        return;
    c->paused = ch_elapsed(c, tick);
    c->held = ch_count_at(c, c->paused);
    c->running = false;
}

static void ch_set_gate(struct vpit_channel *c, uint64_t tick, bool gate)
{
    if (gate == c->gate)
        return;
    c->gate = gate;
    if (!c->loaded)
        return;
    switch (c->mode) {
    case 0:
    case 4: /* GATE low suspends counting */
        if (gate)
            ch_start(c, tick, c->paused);
        else
            ch_pause(c, tick);
        break;
    case 2:
    case 3: /* GATE low stops counting (OUT high); rising edge reloads */
        if (!gate) {
            ch_pause(c, tick);
            break;
        }
        ch_take_pending(c);
        ch_start(c, tick, 0);
        break;
    default: /* 1, 5: the rising edge triggers */
        if (gate) {
            ch_take_pending(c);
            ch_start(c, tick, 0);
        }
        break;
    }
}

/* A complete count was written: "Counter Loading" per mode. */
static void ch_load(struct vpit_channel *c, uint64_t tick, uint16_t raw)
{
    uint32_t n = c->bcd ? bcd_to_bin(raw) : raw;

    if (n == 0)
        n = ch_modulus(c);
    if (ch_periodic(c) && n < 2)
        n = 2;
    if (c->loaded && c->running && (ch_periodic(c) || c->mode == 1 || c->mode == 5)) {
        c->next_reload = n;
        c->reload_pending = true;
        if (ch_periodic(c))
            c->switch_tick = ch_next_edge(c, tick);
        return;
    }
    c->reload_pending = false;
    c->switch_tick = TICK_NONE;
    c->reload = n;
    c->loaded = true;
    c->running = false;
    c->paused = 0;
    c->held = ch_count_at(c, 0);
    if (c->gate && c->mode != 1 && c->mode != 5)
        ch_start(c, tick, 0);
}

static void ch_write(struct vpit_channel *c, uint64_t tick, uint8_t val)
{
    switch (c->rw) {
    case RW_LSB:
        ch_load(c, tick, val);
        break;
    case RW_MSB:
        ch_load(c, tick, (uint16_t)(val << 8));
        break;
    default:
        if (c->write_msb_next) {
            c->write_msb_next = false;
            ch_load(c, tick, (uint16_t)(c->write_lsb | val << 8));
            break;
        }
        c->write_lsb = val;
        c->write_msb_next = true;
        /* Mode 0: the first byte stops counting and sets OUT low. */
        if (c->mode == 0) {
            ch_pause(c, tick);
            c->loaded = false;
        }
        break;
    }
}

static bool ch_null_count(const struct vpit_channel *c)
{
    return !c->loaded || c->reload_pending ||
           ((c->mode == 1 || c->mode == 5) && !c->running);
}

/* A second latch before the first was read is ignored ("Counter Latch
 * Command", "Read-Back Command"). */
static void ch_latch_count(struct vpit_channel *c, uint64_t tick)
{
    if (c->latch_bytes)
        return;
    c->latch = ch_count(c, tick);
    c->latch_bytes = c->rw == RW_WORD ? 2 : 1;
}

static void ch_latch_status(struct vpit_channel *c, uint64_t tick)
{
    if (c->status_latched)
        return;
    c->status = (ch_out(c, tick) ? STATUS_OUT : 0) |
                (ch_null_count(c) ? STATUS_NULL : 0) | c->ctrl;
    c->status_latched = true;
}

static void ch_control(struct vpit_channel *c, uint64_t tick, uint8_t val)
{
    unsigned int rw = (val >> 4) & 3, mode = (val >> 1) & 7;

    if (rw == RW_LATCH) {
        ch_latch_count(c, tick);
        return;
    }
    c->held = ch_count(c, tick);
    c->mode = mode > 5 ? mode - 4 : mode; /* 6, 7 are 2, 3 */
    c->rw = rw;
    c->bcd = val & 1;
    c->ctrl = val & 0x3f;
    c->loaded = false;
    c->running = false;
    c->reload_pending = false;
    c->switch_tick = TICK_NONE;
    c->paused = 0;
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->latch_bytes = 0;
    c->status_latched = false;
}

static uint8_t ch_read(struct vpit_channel *c, uint64_t tick)
{
    uint16_t v;
    bool msb;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latch_bytes) {
        v = c->latch;
        msb = c->rw == RW_MSB || (c->rw == RW_WORD && c->latch_bytes == 1);
        c->latch_bytes--;
    } else {
        v = ch_count(c, tick);
        msb = c->rw == RW_MSB;
        if (c->rw == RW_WORD) {
            msb = c->read_msb_next;
            c->read_msb_next = !msb;
        }
    }
    return msb ? v >> 8 : v & 0xff;
}

static void pit_write_control(struct vpit *pit, uint64_t tick, uint8_t val)
{
    unsigned int sc = val >> 6;

    if (sc < 3) {
        ch_control(&pit->ch[sc], tick, val);
        return;
    }
    for (unsigned int i = 0; i < 3; i++) {
        if (!(val & (2u << i)))
            continue;
        if (!(val & RB_NO_COUNT))
            ch_latch_count(&pit->ch[i], tick);
        if (!(val & RB_NO_STATUS))
            ch_latch_status(&pit->ch[i], tick);
    }
}

/* Send counter 0's edges due by tick: one pulse however many (see the
 * missed-ticks policy in the header). */
static void pit_catch_up(struct vpit *pit, uint64_t tick)
{
    struct vpit_channel *c0 = &pit->ch[0];
    uint64_t due = pit->irq_next_tick;

    if (due != TICK_NONE && due <= tick) {
        if (ch_periodic(c0) && c0->running && !c0->reload_pending)
            pit->missed_ticks += (tick - due) / c0->reload;
        irq_line_pulse(&pit->irq0);
        ch_sync(c0, tick);
        pit->irq_next_tick = ch_next_edge(c0, tick);
    }
    for (unsigned int i = 0; i < 3; i++)
        ch_sync(&pit->ch[i], tick);
}

uint64_t vpit_poll(struct vpit *pit, uint64_t now_ns)
{
    pit_catch_up(pit, pit_tick(now_ns));
    if (pit->irq_next_tick == TICK_NONE)
        return HVM_NO_DEADLINE;
    return pit_tick_ns(pit->irq_next_tick);
}

static bool pit_decodes(uint16_t port, unsigned int size)
{
    return size == 1 && ((port >= VPIT_PORT_COUNTER0 && port <= VPIT_PORT_CONTROL) ||
                         port == VPIT_PORT_NMI_SC);
}

int vpit_io_read(struct vpit *pit, uint64_t now_ns, uint16_t port, unsigned int size,
                 uint32_t *val)
{
    uint64_t tick = pit_tick(now_ns);

    if (!pit_decodes(port, size))
        return -EINVAL;
    pit_catch_up(pit, tick);
    if (port == VPIT_PORT_NMI_SC) {
        *val = pit->port61;
        if ((now_ns / REFRESH_NS) & 1)
            *val |= VPIT_61_REFRESH;
        if (ch_out(&pit->ch[2], tick))
            *val |= VPIT_61_OUT2;
    } else if (port == VPIT_PORT_CONTROL) {
        *val = 0xff; /* write-only: the 8254 leaves the bus floating */
    } else {
        *val = ch_read(&pit->ch[port - VPIT_PORT_COUNTER0], tick);
    }
    return 0;
}

int vpit_io_write(struct vpit *pit, uint64_t now_ns, uint16_t port, unsigned int size,
                  uint32_t val)
{
    uint64_t tick = pit_tick(now_ns);
    struct vpit_channel *c0 = &pit->ch[0];
    bool out0;

    if (!pit_decodes(port, size))
        return -EINVAL;
    pit_catch_up(pit, tick);
    out0 = ch_out(c0, tick);
    if (port == VPIT_PORT_NMI_SC) {
        pit->port61 = val & 0x0f;
        ch_set_gate(&pit->ch[2], tick, val & VPIT_61_GATE2);
    } else if (port == VPIT_PORT_CONTROL) {
        pit_write_control(pit, tick, (uint8_t)val);
    } else {
        ch_write(&pit->ch[port - VPIT_PORT_COUNTER0], tick, (uint8_t)val);
    }
    /* Reprogramming may raise OUT at once (e.g. a mode 2 control word
     * after mode 0); that is an edge on IRQ 0 like any other. */
    if (!out0 && ch_out(c0, tick))
        irq_line_pulse(&pit->irq0);
    pit->irq_next_tick = ch_next_edge(c0, tick);
    return 0;
}

void vpit_reset(struct vpit *pit)
{
    for (unsigned int i = 0; i < 3; i++) {
        struct vpit_channel *c = &pit->ch[i];

        memset(c, 0, sizeof(*c));
        c->mode = 3;
        c->rw = RW_WORD;
        c->ctrl = 0x36;
        c->reload = 65536;
        c->switch_tick = TICK_NONE;
        c->gate = i != 2;
    }
    pit->port61 = 0;
    pit->irq_next_tick = TICK_NONE;
    pit->missed_ticks = 0;
}

void vpit_init(struct vpit *pit, struct irq_line irq0)
{
    memset(pit, 0, sizeof(*pit));
    pit->irq0 = irq0;
    vpit_reset(pit);
}
