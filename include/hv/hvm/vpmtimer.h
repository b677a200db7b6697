/* SPDX-License-Identifier: MIT */
/* Emulated ACPI PM timer and PM1a event/control registers of HVM guests.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>) for the fixed
 * hardware of ACPI spec section "ACPI Hardware Specification" at the ports
 * the guest's FADT names (docs/hvm-platform.md):
 *  - PM_TMR at 0xb008: a 24-bit counter at 3.579545 MHz (FADT TMR_VAL_EXT =
 *    0), computed from guest time (counter = floor(now_ns * 3579545 / 1e9)
 *    mod 2^24, split so that 64 bits hold centuries of uptime). Writes are
 *    ignored.
 *  - PM1a_STS at 0xb000 (write 1 to clear) and PM1a_EN at 0xb002. TMR_STS
 *    is set whenever bit 23 of the counter changes (every 2.34 s), whether
 *    or not TMR_EN is set; PWRBTN_STS by vpmtimer_power_button().
 *  - PM1a_CNT at 0xb004: SCI_EN reads 1 and is read-only (the platform has
 *    no SMI_CMD, so it is always in ACPI mode); BM_RLD and SLP_TYP are
 *    stored; GBL_RLS and SLP_EN read 0. Writing SLP_EN = 1 calls `sleep`
 *    with the SLP_TYP written with it (S5 is SLP_TYP 0 on this platform).
 *  - SCI (IRQ 9): `sci` is a level, asserted while SCI_EN is set and some
 *    status bit is set together with its enable bit; ACPI's SCI is a
 *    shareable level-triggered interrupt (the MADT gives its polarity).
 *  - Any access of 1, 2 or 4 bytes inside the three registers is served
 *    byte by byte; 0xb006-0xb007 and everything else are not decoded.
 *
 * Locking: none inside; the caller serialises every call on one struct
 * vpmtimer with the domain's platform lock, held while `sci` and `sleep`
 * run (`sleep` should only record the request).
 */
#ifndef HV_HVM_VPMTIMER_H
#define HV_HVM_VPMTIMER_H

#include <hv/hvm/devmodel.h>
#include <hv/types.h>

#define VPMTIMER_HZ 3579545u
#define VPMTIMER_PM1A_EVT 0xb000 /* PM1a_STS; PM1a_EN at +2 */
#define VPMTIMER_PM1A_CNT 0xb004
#define VPMTIMER_PM_TMR 0xb008
#define VPMTIMER_NR_PORTS 12 /* 0xb000-0xb00b */
#define VPMTIMER_SCI_IRQ 9

/* PM1 status and enable bits ("PM1 Status Registers", "PM1 Enable
 * Registers"). */
#define VPMTIMER_TMR_STS 0x0001
#define VPMTIMER_BM_STS 0x0010
#define VPMTIMER_GBL_STS 0x0020
#define VPMTIMER_PWRBTN_STS 0x0100
#define VPMTIMER_SLPBTN_STS 0x0200
#define VPMTIMER_RTC_STS 0x0400
#define VPMTIMER_WAK_STS 0x8000
#define VPMTIMER_TMR_EN 0x0001
#define VPMTIMER_GBL_EN 0x0020
#define VPMTIMER_PWRBTN_EN 0x0100
#define VPMTIMER_SLPBTN_EN 0x0200
#define VPMTIMER_RTC_EN 0x0400

/* PM1 control bits ("PM1 Control Registers"). */
#define VPMTIMER_SCI_EN 0x0001
#define VPMTIMER_BM_RLD 0x0002
#define VPMTIMER_GBL_RLS 0x0004
#define VPMTIMER_SLP_TYP_SHIFT 10
#define VPMTIMER_SLP_TYP 0x1c00
#define VPMTIMER_SLP_EN 0x2000

struct vpmtimer {
    struct irq_line sci;
    void (*sleep)(void *opaque, unsigned int slp_typ);
    void *sleep_opaque;
    uint16_t sts, en, cnt;
    uint64_t last_ns; /* TMR_STS is up to date at this guest time */
    bool sci_level;
};

/* `sleep` may be NULL (SLP_EN then does nothing). */
void vpmtimer_init(struct vpmtimer *pm, struct irq_line sci,
                   void (*sleep)(void *opaque, unsigned int slp_typ), void *opaque);
/* Status, enables and SLP_TYP cleared; the counter restarts from guest
 * time 0. Lowers the SCI if high. */
void vpmtimer_reset(struct vpmtimer *pm);
/* Update TMR_STS for now_ns; returns when bit 23 next changes if that
 * could raise the SCI, else HVM_NO_DEADLINE. */
uint64_t vpmtimer_poll(struct vpmtimer *pm, uint64_t now_ns);
/* `port` is absolute (0xb000-0xb00b); size 1, 2 or 4; -EINVAL for an
 * access touching an undecoded byte. */
int __must_check vpmtimer_io_read(struct vpmtimer *pm, uint64_t now_ns, uint16_t port,
                                  unsigned int size, uint32_t *val);
int __must_check vpmtimer_io_write(struct vpmtimer *pm, uint64_t now_ns, uint16_t port,
                                   unsigned int size, uint32_t val);
/* A press of the fixed power button: PWRBTN_STS, SCI if PWRBTN_EN. */
void vpmtimer_power_button(struct vpmtimer *pm, uint64_t now_ns);

#endif /* HV_HVM_VPMTIMER_H */
