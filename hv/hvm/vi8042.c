// SPDX-License-Identifier: MIT
/* Emulated i8042 keyboard controller (no devices attached) and port 0x92. */
#include <hv/errno.h>
#include <hv/hvm/vi8042.h>

#define VI8042_RAM_CTR 0 /* index of the command byte in ram[] */
#define VI8042_RAM_MASK 0x1f

static void vi8042_update_irq(struct vi8042 *k)
{
    bool full = k->status & VI8042_STR_OBF;
    bool aux = k->status & VI8042_STR_AUXDATA;
    uint8_t ctr = k->ram[VI8042_RAM_CTR];
    bool kbd_level = full && !aux && (ctr & VI8042_CTR_KBDINT);
    bool aux_level = full && aux && (ctr & VI8042_CTR_AUXINT);

    if (kbd_level != k->kbd_level) {
        k->kbd_level = kbd_level;
        irq_line_set(&k->kbd_irq, kbd_level);
    }
    if (aux_level != k->aux_level) {
        k->aux_level = aux_level;
        irq_line_set(&k->aux_irq, aux_level);
    }
}

void vi8042_reset(struct vi8042 *k)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(k->ram); i++)
        k->ram[i] = 0;
    k->ram[VI8042_RAM_CTR] = VI8042_CTR_RESET;
    k->status = 0;
    k->obuf = 0;
    k->pending_cmd = 0;
    k->outport = VI8042_OUT_RESET | VI8042_OUT_A20;
    k->port_a = VI8042_PORTA_A20;
    vi8042_update_irq(k);
}

void vi8042_init(struct vi8042 *k, const struct irq_line *kbd_irq,
                 const struct irq_line *aux_irq, void (*reset)(void *opaque),
                 void *opaque)
{
    static const struct irq_line none = {.set = NULL};

    k->kbd_irq = kbd_irq ? *kbd_irq : none;
    k->aux_irq = aux_irq ? *aux_irq : none;
    k->reset = reset;
    k->opaque = opaque;
    k->kbd_level = false;
    k->aux_level = false;
    vi8042_reset(k);
}

static void vi8042_system_reset(struct vi8042 *k)
{
    if (k->reset)
        k->reset(k->opaque);
}

/* A byte for the guest to read at port 0x60. */
static void vi8042_put(struct vi8042 *k, uint8_t byte, bool aux)
{
    k->obuf = byte;
    k->status |= VI8042_STR_OBF;
    if (aux)
        k->status |= VI8042_STR_AUXDATA;
    else
        k->status &= (uint8_t)~VI8042_STR_AUXDATA;
}

/* A transfer to a device that is not there: the controller gives up after
 * its timeout and reports it with TIMEOUT and a 0xfe byte. */
static void vi8042_device_timeout(struct vi8042 *k, bool aux)
{
    vi8042_put(k, VI8042_NO_DEVICE, aux);
    k->status |= VI8042_STR_TIMEOUT;
}

static void vi8042_outport_write(struct vi8042 *k, uint8_t v)
{
    /* The reset line is a pulse: once the system resets it reads 1. */
    k->outport = v | VI8042_OUT_RESET;
    if (!(v & VI8042_OUT_RESET))
        vi8042_system_reset(k);
}

static void vi8042_data_write(struct vi8042 *k, uint8_t v)
{
    uint8_t cmd = k->pending_cmd;

    k->pending_cmd = 0;
    if (cmd >= VI8042_CMD_WRITE_CTR && cmd < VI8042_CMD_WRITE_CTR + 0x20) {
        k->ram[cmd & VI8042_RAM_MASK] = v;
        return;
    }
    switch (cmd) {
    case VI8042_CMD_WRITE_OUTPORT:
        vi8042_outport_write(k, v);
        break;
    case VI8042_CMD_WRITE_KBD_OBUF:
        vi8042_put(k, v, false);
        break;
    case VI8042_CMD_WRITE_AUX_OBUF:
        vi8042_put(k, v, true);
        break;
    case VI8042_CMD_WRITE_AUX:
        vi8042_device_timeout(k, true);
        break;
    default: /* no command waiting: the byte is for the keyboard */
        vi8042_device_timeout(k, false);
        break;
    }
}

/* Commands without a data byte that change state or return one. */
static void vi8042_simple_command(struct vi8042 *k, uint8_t cmd)
{
    uint8_t *ctr = &k->ram[VI8042_RAM_CTR];

    switch (cmd) {
    case VI8042_CMD_AUX_DISABLE:
        *ctr |= VI8042_CTR_AUXDIS;
        break;
    case VI8042_CMD_AUX_ENABLE:
        *ctr &= (uint8_t)~VI8042_CTR_AUXDIS;
        break;
    case VI8042_CMD_AUX_TEST:
    case VI8042_CMD_KBD_TEST:
        vi8042_put(k, 0x00, false); /* clock and data lines fine */
        break;
    case VI8042_CMD_SELF_TEST:
        *ctr |= VI8042_CTR_SYS;
        vi8042_put(k, VI8042_SELF_TEST_OK, false);
        break;
    case VI8042_CMD_KBD_DISABLE:
        *ctr |= VI8042_CTR_KBDDIS;
        break;
    case VI8042_CMD_KBD_ENABLE:
        *ctr &= (uint8_t)~VI8042_CTR_KBDDIS;
        break;
    case VI8042_CMD_READ_OUTPORT:
        vi8042_put(k, k->outport, false);
        break;
    case VI8042_CMD_A20_OFF:
        k->outport &= (uint8_t)~VI8042_OUT_A20;
        break;
    case VI8042_CMD_A20_ON:
        k->outport |= VI8042_OUT_A20;
        break;
    default:
        break; /* unknown or unsupported: ignored, as many controllers do */
    }
}

static void vi8042_command(struct vi8042 *k, uint8_t cmd)
{
    k->pending_cmd = 0;
    if (cmd >= VI8042_CMD_READ_CTR && cmd < VI8042_CMD_READ_CTR + 0x20) {
        vi8042_put(k, k->ram[cmd & VI8042_RAM_MASK], false);
    } else if ((cmd >= VI8042_CMD_WRITE_CTR && cmd < VI8042_CMD_WRITE_CTR + 0x20) ||
               (cmd >= VI8042_CMD_WRITE_OUTPORT && cmd <= VI8042_CMD_WRITE_AUX)) {
        k->pending_cmd = cmd; /* completes with the next port 0x60 byte */
    } else if (cmd >= VI8042_CMD_PULSE) {
        /* Bits 0-3 select output-port lines to pulse low; bit 0 is the
         * system reset line. */
        if (!(cmd & VI8042_OUT_RESET))
            vi8042_system_reset(k);
    } else {
        vi8042_simple_command(k, cmd);
    }
}

static void vi8042_port_a_write(struct vi8042 *k, uint8_t v)
{
    uint8_t old = k->port_a;

    k->port_a = v;
    /* Fast reset fires on the 0 -> 1 edge of bit 0. */
    if (!(old & VI8042_PORTA_FAST_RESET) && (v & VI8042_PORTA_FAST_RESET))
        vi8042_system_reset(k);
}

int vi8042_io_read(void *dev, uint64_t port, unsigned int size, uint64_t *val)
{
    struct vi8042 *k = dev;

    if (size != 1)
        return -EINVAL;
    switch (port) {
    case VI8042_DATA_PORT:
        *val = k->obuf;
        k->status &= (uint8_t) ~(VI8042_STR_OBF | VI8042_STR_AUXDATA);
        vi8042_update_irq(k);
        return 0;
    case VI8042_CMD_PORT:
        *val = k->status | VI8042_STR_KEYLOCK | (k->ram[VI8042_RAM_CTR] & VI8042_CTR_SYS);
        return 0;
    case VI8042_PORT_A:
        *val = k->port_a;
        return 0;
    default:
        return -EINVAL;
    }
}

int vi8042_io_write(void *dev, uint64_t port, unsigned int size, uint64_t val)
{
    struct vi8042 *k = dev;
    uint8_t v = (uint8_t)val;

    if (size != 1)
        return -EINVAL;
    switch (port) {
    case VI8042_DATA_PORT:
        k->status &= (uint8_t) ~(VI8042_STR_CMD | VI8042_STR_TIMEOUT);
        vi8042_data_write(k, v);
        break;
    case VI8042_CMD_PORT:
        k->status &= (uint8_t)~VI8042_STR_TIMEOUT;
        k->status |= VI8042_STR_CMD;
        vi8042_command(k, v);
        break;
    case VI8042_PORT_A:
        vi8042_port_a_write(k, v);
        return 0; /* no IRQ state involved */
    default:
        return -EINVAL;
    }
    vi8042_update_irq(k);
    return 0;
}

bool vi8042_a20_enabled(const struct vi8042 *k)
{
    return (k->outport & VI8042_OUT_A20) || (k->port_a & VI8042_PORTA_A20);
}
