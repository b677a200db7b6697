/* SPDX-License-Identifier: MIT */
/* Emulated MC146818 real-time clock and CMOS NVRAM of HVM guests.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>) following the
 * Motorola MC146818A data sheet, at ports 0x70 (index; bit 7 = NMI disable)
 * and 0x71 (data), IRQ 8.
 *  - Time: the clock is a count of seconds, wall-clock seconds (Unix epoch)
 *    at guest time 0 plus the second boundaries passed since; the calendar
 *    registers are computed from it when read (own civil-date arithmetic,
 *    proleptic Gregorian, any year from 1970 on). Setting the clock (time
 *    registers written with SET held, then SET cleared; or a time register
 *    written while the clock runs) moves the count and keeps the phase of
 *    the second boundaries. Leaving divider reset (register A DV = 11x)
 *    starts the first second 500 ms later, as on the chip. While SET or
 *    divider reset holds, the time registers are plain bytes that read back
 *    what was written.
 *  - Registers 0-9 and the century byte 0x32 in the data mode of register
 *    B (BCD or binary, 24 h or 12 h with bit 7 = PM). The day of week is
 *    derived from the date (1 = Sunday); a written one is not kept. Years
 *    set before 1970 become 1970; a century byte outside 19-99 is ignored
 *    and the year pivots at 70.
 *  - Register A: UIP reads 1 in the last 244 us before each second boundary
 *    (the registers change at the boundary itself); DV 11x holds the
 *    divider in reset, any other DV runs it on the PC's 32.768 kHz crystal;
 *    RS selects the periodic rate (RS 1-2: 256/128 Hz, RS 3-15: 8192 Hz
 *    down to 2 Hz, 0: off). Register B: DSE is stored but ignored. SQWE has
 *    no pin to drive. Register C: PF, AF, UF set as the events happen
 *    whatever the enables; IRQF = PF.PIE + AF.AIE + UF.UIE; reading C
 *    clears all. Register D: VRT always set.
 *  - IRQ 8: `irq` is high while IRQF is set (the chip's IRQ# pin), so the
 *    edge-triggered ISA line sees one edge per C read; like the real part,
 *    the guest must read C to get another interrupt. Events are computed
 *    from guest time when needed (I/O or poll), never counted per tick.
 *    vrtc_poll() returns a deadline only while an enabled event could
 *    raise the line (and IRQF is still clear).
 *  - The periodic interrupt and alarm flags follow the guest-time grid
 *    from reset; the alarm honours don't-care values (0xc0-0xff).
 *  - NVRAM: bytes 0x0e-0x7f (except 0x32) hold what the guest wrote and
 *    survive vrtc_reset(). vrtc_nvram_set_memory() writes the PC BIOS
 *    memory-size bytes (layout at the function below).
 *
 * Locking: none inside; the caller serialises every call on one struct vrtc
 * with the domain's platform lock, which is held while `irq` runs.
 */
#ifndef HV_HVM_VRTC_H
#define HV_HVM_VRTC_H

#include <hv/hvm/devmodel.h>
#include <hv/types.h>

#define VRTC_PORT_INDEX 0x70
#define VRTC_PORT_DATA 0x71
#define VRTC_IRQ 8
#define VRTC_NVRAM_SIZE 128
#define VRTC_INDEX_NMI_DISABLE 0x80

/* Register indexes (data sheet "Address Map"; 0x32 is the PC century). */
#define VRTC_SEC 0x00
#define VRTC_SEC_ALARM 0x01
#define VRTC_MIN 0x02
#define VRTC_MIN_ALARM 0x03
#define VRTC_HOUR 0x04
#define VRTC_HOUR_ALARM 0x05
#define VRTC_WDAY 0x06
#define VRTC_MDAY 0x07
#define VRTC_MONTH 0x08
#define VRTC_YEAR 0x09
#define VRTC_REG_A 0x0a
#define VRTC_REG_B 0x0b
#define VRTC_REG_C 0x0c
#define VRTC_REG_D 0x0d
#define VRTC_CENTURY 0x32

#define VRTC_A_UIP 0x80
#define VRTC_A_DV 0x70
#define VRTC_A_DV_RESET 0x60 /* DV = 11x */
#define VRTC_A_RS 0x0f
#define VRTC_B_SET 0x80
#define VRTC_B_PIE 0x40
#define VRTC_B_AIE 0x20
#define VRTC_B_UIE 0x10
#define VRTC_B_SQWE 0x08
#define VRTC_B_DM_BINARY 0x04
#define VRTC_B_24H 0x02
#define VRTC_B_DSE 0x01
#define VRTC_C_IRQF 0x80
#define VRTC_C_PF 0x40
#define VRTC_C_AF 0x20
#define VRTC_C_UF 0x10
#define VRTC_D_VRT 0x80

struct vrtc {
    struct irq_line irq;
    uint8_t cmos[VRTC_NVRAM_SIZE]; /* time bytes valid only while frozen */
    uint8_t index;                 /* last byte written to port 0x70 */
    uint8_t reg_a, reg_b, reg_c;
    int64_t base;      /* clock seconds = base + boundaries passed */
    uint64_t phase_ns; /* second boundaries at phase_ns + k * 1e9, < 1e9 */
    uint64_t last_ns;  /* register C is up to date at this guest time */
    bool irq_level;
};

/* Power-on: NVRAM zeroed, then vrtc_reset(). */
void vrtc_init(struct vrtc *rtc, struct irq_line irq8, uint64_t wall_secs);
/* Registers A-D to their BIOS values (A = 0x26, B = 0x02: BCD, 24 h), the
 * clock to wall_secs at guest time 0; NVRAM kept. Lowers IRQ 8 if high. */
void vrtc_reset(struct vrtc *rtc, uint64_t wall_secs);
/* Update register C for events due by now_ns; next deadline or
 * HVM_NO_DEADLINE. */
uint64_t vrtc_poll(struct vrtc *rtc, uint64_t now_ns);
/* Byte accesses to ports 0x70/0x71; -EINVAL otherwise. Reading 0x70
 * returns the last index byte written. */
int __must_check vrtc_io_read(struct vrtc *rtc, uint64_t now_ns, uint16_t port,
                              unsigned int size, uint32_t *val);
int __must_check vrtc_io_write(struct vrtc *rtc, uint64_t now_ns, uint16_t port,
                               unsigned int size, uint32_t val);
/* Store an NVRAM byte (0x0e-0x7f except the century 0x32); -EINVAL else. */
int __must_check vrtc_nvram_set(struct vrtc *rtc, unsigned int index, uint8_t value);
/* The memory sizes a PC BIOS keeps in CMOS: `low` = bytes of RAM from 0 up
 * to its top below 4 GiB, `high` = bytes of RAM above 4 GiB. */
void vrtc_nvram_set_memory(struct vrtc *rtc, uint64_t low, uint64_t high);
/* Did the guest set the NMI-disable bit with its last index write? */
bool vrtc_nmi_disabled(const struct vrtc *rtc);

#endif /* HV_HVM_VRTC_H */
