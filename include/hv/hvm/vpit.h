/* SPDX-License-Identifier: MIT */
/* Emulated 8254 programmable interval timer and port 0x61 of HVM guests.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>) following the
 * Intel 8254 data sheet. Three counters at 1.193182 MHz behind ports
 * 0x40-0x42, the control word at 0x43, and port 0x61 (NMI status and
 * control): bit 0 = counter 2 GATE, bit 1 = speaker data enable, bits 2-3
 * stored, bit 4 = refresh toggle (flips every 15.085 us), bit 5 = counter 2
 * OUT. Counters 0 and 1 have GATE tied high; counter 0's OUT drives ISA
 * IRQ 0, counter 1's OUT goes nowhere.
 *  - Time: nothing ticks. A counter remembers the PIT clock at which its
 *    count was loaded; its count and OUT are computed from guest time
 *    (clock = floor(now_ns * 1193182 / 1e9)) whenever they are read. The
 *    load happens at the write that completes the count (the data sheet's
 *    extra load clock is not modelled).
 *  - Modes 0-5 as in the data sheet, GATE included: modes 0 and 4 pause
 *    while GATE is low; modes 2 and 3 stop with OUT high and reload on the
 *    GATE rising edge; modes 1 and 5 (re)start on the GATE rising edge, so
 *    they only ever run on counter 2. A count written while mode 2 or 3 is
 *    running takes effect at the end of the current period; in modes 1 and
 *    5, at the next trigger. Counts of 1 in modes 2 and 3 (illegal) act
 *    as 2.
 *  - Access modes LSB, MSB and LSB-then-MSB; counter latch command; read-back
 *    command (count and/or status, several counters at once). BCD counting
 *    is implemented (counts 0-9999, 0 meaning 10000).
 *  - IRQ 0: each rising edge of counter 0's OUT is sent as a pulse on `irq0`
 *    (irq_line_pulse). vpit_poll() sends the edges due by `now`; the I/O
 *    functions do it too before touching any state, so an edge is never
 *    lost to reprogramming.
 *  - Missed ticks: edges are a wire, and edges the guest has not yet
 *    serviced merge in the PIC's or IOAPIC's latch, as on hardware whose CPU
 *    runs with interrupts off. So when a poll finds several periodic edges
 *    due (the vCPU was descheduled) it sends one pulse, counts the others
 *    in `missed_ticks`, and the next deadline stays on the grid anchored at
 *    the programming time: late ticks are merged, never replayed, and the
 *    rate never drifts. (Xen's default instead delays them; guests here
 *    keep time with a clocksource -- TSC or PM timer -- and Linux uses the
 *    PIT only for calibration and its first ticks.)
 *  - After reset every counter is in mode 3 with no count loaded: OUT high,
 *    no edges until the guest programs a counter (a BIOS would have started
 *    counter 0 at 18.2 Hz; guests that care reprogram it anyway).
 *
 * Locking: none inside; the caller serialises every call on one struct vpit
 * with the domain's platform lock, which is held while `irq0` runs.
 */
#ifndef HV_HVM_VPIT_H
#define HV_HVM_VPIT_H

#include <hv/hvm/devmodel.h>
#include <hv/types.h>

#define VPIT_HZ 1193182u
#define VPIT_PORT_COUNTER0 0x40
#define VPIT_PORT_CONTROL 0x43
#define VPIT_PORT_NMI_SC 0x61
#define VPIT_IRQ 0

/* Port 0x61 bits. */
#define VPIT_61_GATE2 0x01
#define VPIT_61_SPEAKER 0x02
#define VPIT_61_REFRESH 0x10
#define VPIT_61_OUT2 0x20

struct vpit_channel {
    uint32_t reload;      /* count in the counting element's cycle, >= 1 */
    uint32_t next_reload; /* count waiting for the next period or trigger */
    uint64_t start_tick;  /* PIT clock at which counting (re)started */
    uint64_t switch_tick; /* modes 2/3: when next_reload applies */
    uint64_t paused;      /* elapsed clocks while not running */
    uint16_t held;        /* count shown while not running */
    uint16_t latch;       /* latched count */
    uint8_t latch_bytes;  /* latched count bytes still to read */
    uint8_t status;       /* latched status byte */
    uint8_t ctrl;         /* RW, mode and BCD bits of the control word */
    uint8_t mode, rw;
    uint8_t write_lsb; /* first byte of an LSB-then-MSB count */
    bool status_latched;
    bool write_msb_next, read_msb_next;
    bool loaded;         /* a count is in effect (else OUT per mode) */
    bool running;        /* counting since start_tick */
    bool reload_pending; /* next_reload is waiting */
    bool gate, bcd;
};

struct vpit {
    struct vpit_channel ch[3];
    struct irq_line irq0;
    uint64_t irq_next_tick; /* PIT clock of counter 0's next OUT rising edge */
    uint64_t missed_ticks;  /* periodic edges merged into an earlier pulse */
    uint8_t port61;         /* bits 0-3 as written */
};

void vpit_init(struct vpit *pit, struct irq_line irq0);
void vpit_reset(struct vpit *pit);
/* Send the IRQ 0 edges due by now_ns; returns the next edge time or
 * HVM_NO_DEADLINE. */
uint64_t vpit_poll(struct vpit *pit, uint64_t now_ns);
/* Byte accesses to ports 0x40-0x43 and 0x61; -EINVAL otherwise. */
int __must_check vpit_io_read(struct vpit *pit, uint64_t now_ns, uint16_t port,
                              unsigned int size, uint32_t *val);
int __must_check vpit_io_write(struct vpit *pit, uint64_t now_ns, uint16_t port,
                               unsigned int size, uint32_t val);

#endif /* HV_HVM_VPIT_H */
