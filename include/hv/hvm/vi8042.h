/* SPDX-License-Identifier: MIT */
/* Emulated i8042 keyboard controller with nothing plugged in, plus system
 * control port A (0x92): reset lines and the A20 gate of HVM guests.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>). The I/O
 * functions take absolute ports (VI8042_DATA_PORT, VI8042_CMD_PORT,
 * VI8042_PORT_A), byte accesses only. The controller works; no keyboard
 * and no mouse are attached:
 *  - Commands complete at once, so IBF always reads 0; a command with a
 *    result puts it in the one-byte output buffer (OBF), replacing any
 *    unread byte.
 *  - A byte written to port 0x60 when no command waits for it, or after
 *    0xd4 (write to aux device), goes to a device that never answers. As an
 *    AT controller does after its transmit timeout, the model sets the
 *    status TIMEOUT bit and returns 0xfe (for 0xd4 with AUXDATA set).
 *    Linux's atkbd/psmouse drivers see a timed-out NAK and abort the probe
 *    at once instead of waiting for replies. TIMEOUT clears on the next
 *    write to port 0x60 or 0x64.
 *  - 0xa9 (test aux port) answers 0x00 and 0xd3 (write aux output buffer)
 *    works, so Linux registers an aux port whose mouse probe then fails as
 *    above; with i8042.noaux it is skipped.
 *  - Interrupts as on a PC: IRQ 1 is high while OBF holds keyboard-side
 *    data (command results included) and the command byte enables KBDINT;
 *    IRQ 12 likewise for aux data and AUXINT. Levels follow OBF, so the
 *    lines drop when the guest reads port 0x60.
 *  - Reset: 0xfe and any 0xf0-0xff pulse command with bit 0 clear, an
 *    output-port write (0xd1) with bit 0 clear, and a 0 -> 1 transition of
 *    port 0x92 bit 0 call `reset` once. The model's state is updated before
 *    the call, so the callback may reset the model.
 *  - A20: guest memory is never masked at bit 20. The output-port bit
 *    (0xd1, 0xdd/0xdf) and port 0x92 bit 1 only read back; both start set,
 *    as PC firmware leaves them.
 *  - State at reset is that of a controller before the OS sets it up:
 *    command byte 0x70 (translation on, both interfaces disabled, no
 *    interrupts, system flag clear). The system flag (status and command
 *    byte bit 2) is set by a self-test (0xaa) or a command-byte write.
 *
 * Locking: none inside; the caller serializes accesses (one per-domain
 * device lock). Callbacks run with that lock held.
 */
#ifndef HV_HVM_VI8042_H
#define HV_HVM_VI8042_H

#include <hv/hvm/devmodel.h>
#include <hv/types.h>

#define VI8042_DATA_PORT 0x60
#define VI8042_CMD_PORT 0x64 /* read: status; write: command */
#define VI8042_PORT_A 0x92   /* system control port A */
#define VI8042_KBD_IRQ 1
#define VI8042_AUX_IRQ 12

/* Status register. */
#define VI8042_STR_OBF 0x01
#define VI8042_STR_IBF 0x02
#define VI8042_STR_SYS 0x04
#define VI8042_STR_CMD 0x08     /* A2: last write went to port 0x64 */
#define VI8042_STR_KEYLOCK 0x10 /* 1: keyboard not inhibited */
#define VI8042_STR_AUXDATA 0x20 /* output buffer holds aux data */
#define VI8042_STR_TIMEOUT 0x40
#define VI8042_STR_PARITY 0x80

/* Command byte (controller RAM byte 0). */
#define VI8042_CTR_KBDINT 0x01
#define VI8042_CTR_AUXINT 0x02
#define VI8042_CTR_SYS 0x04
#define VI8042_CTR_KBDDIS 0x10
#define VI8042_CTR_AUXDIS 0x20
#define VI8042_CTR_XLATE 0x40
#define VI8042_CTR_RESET 0x70

/* Output port (0xd0/0xd1). */
#define VI8042_OUT_RESET 0x01 /* 0 asserts the system reset line */
#define VI8042_OUT_A20 0x02

/* Port 0x92. */
#define VI8042_PORTA_FAST_RESET 0x01
#define VI8042_PORTA_A20 0x02

/* Controller commands written to port 0x64. */
#define VI8042_CMD_READ_CTR 0x20  /* 0x20-0x3f: read RAM byte n */
#define VI8042_CMD_WRITE_CTR 0x60 /* 0x60-0x7f: write RAM byte n */
#define VI8042_CMD_AUX_DISABLE 0xa7
#define VI8042_CMD_AUX_ENABLE 0xa8
#define VI8042_CMD_AUX_TEST 0xa9
#define VI8042_CMD_SELF_TEST 0xaa
#define VI8042_CMD_KBD_TEST 0xab
#define VI8042_CMD_KBD_DISABLE 0xad
#define VI8042_CMD_KBD_ENABLE 0xae
#define VI8042_CMD_READ_OUTPORT 0xd0
#define VI8042_CMD_WRITE_OUTPORT 0xd1
#define VI8042_CMD_WRITE_KBD_OBUF 0xd2
#define VI8042_CMD_WRITE_AUX_OBUF 0xd3
#define VI8042_CMD_WRITE_AUX 0xd4
#define VI8042_CMD_A20_OFF 0xdd
#define VI8042_CMD_A20_ON 0xdf
#define VI8042_CMD_PULSE 0xf0 /* 0xf0-0xff: pulse output bits that are 0 */
#define VI8042_CMD_RESET 0xfe

#define VI8042_SELF_TEST_OK 0x55
#define VI8042_NO_DEVICE 0xfe /* what a timed-out device transfer returns */

struct vi8042 {
    /* Configuration, kept across vi8042_reset(). */
    struct irq_line kbd_irq, aux_irq;
    void (*reset)(void *opaque); /* may be NULL */
    void *opaque;

    uint8_t ram[32];     /* controller RAM; ram[0] is the command byte */
    uint8_t status;      /* OBF, CMD, AUXDATA, TIMEOUT; the rest derived */
    uint8_t obuf;        /* output buffer (keeps the last byte once read) */
    uint8_t pending_cmd; /* command waiting for its data byte; 0: none */
    uint8_t outport;
    uint8_t port_a;
    bool kbd_level, aux_level; /* what the IRQ lines were last set to */
};

/* Set up `k` and reset it. The irq_line structs are copied; either may be
 * NULL (that interrupt is then not wired). */
void vi8042_init(struct vi8042 *k, const struct irq_line *kbd_irq,
                 const struct irq_line *aux_irq, void (*reset)(void *opaque),
                 void *opaque);

/* Back to the state at reset (see above); lowers the IRQ lines. */
void vi8042_reset(struct vi8042 *k);

/* Guest access to ports 0x60, 0x64 and 0x92 (absolute port numbers);
 * -EINVAL for any other port or a size other than 1. */
int __must_check vi8042_io_read(void *dev, uint64_t port, unsigned int size,
                                uint64_t *val);
int __must_check vi8042_io_write(void *dev, uint64_t port, unsigned int size,
                                 uint64_t val);

/* Whether either A20 gate (output port bit 1, port 0x92 bit 1) is on. */
bool vi8042_a20_enabled(const struct vi8042 *k);

#endif /* HV_HVM_VI8042_H */
