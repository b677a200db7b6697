// SPDX-License-Identifier: MIT
/* Emulated ACPI PM timer and PM1a event/control registers of HVM guests.
 *
 * Design and Locking: see <hv/hvm/vpmtimer.h>.
 */
#include <hv/errno.h>
#include <hv/hvm/vpmtimer.h>
#include <hv/lib.h>

#define NS_PER_SEC 1000000000ull
#define TMR_STS_BIT 23 /* "TMR_STS ... set any time bit 23 of the counter changes" */
#define SCI_EVENTS                                                                       \
    (VPMTIMER_TMR_STS | VPMTIMER_GBL_STS | VPMTIMER_PWRBTN_STS | VPMTIMER_SLPBTN_STS |   \
     VPMTIMER_RTC_STS)
#define EN_WRITABLE                                                                      \
    (VPMTIMER_TMR_EN | VPMTIMER_GBL_EN | VPMTIMER_PWRBTN_EN | VPMTIMER_SLPBTN_EN |       \
     VPMTIMER_RTC_EN)
#define CNT_STORED (VPMTIMER_BM_RLD | VPMTIMER_SLP_TYP)

/* Counter clocks since guest time 0, before truncation to 24 bits. */
static uint64_t pm_ticks(uint64_t ns)
{
    return ns / NS_PER_SEC * VPMTIMER_HZ + ns % NS_PER_SEC * VPMTIMER_HZ / NS_PER_SEC;
}

/* The first nanosecond at which pm_ticks() reaches t. */
static uint64_t pm_ticks_ns(uint64_t t)
{
    uint64_t rem = t % VPMTIMER_HZ;

    return t / VPMTIMER_HZ * NS_PER_SEC +
           (rem * NS_PER_SEC + VPMTIMER_HZ - 1) / VPMTIMER_HZ;
}

static void pm_update_sci(struct vpmtimer *pm)
{
    /* SCI_EN is hardwired to 1 here. */
    bool level = pm->sts & pm->en & SCI_EVENTS;

    if (level != pm->sci_level) {
        pm->sci_level = level;
        irq_line_set(&pm->sci, level);
    }
}

static void pm_catch_up(struct vpmtimer *pm, uint64_t now)
{
    if (now <= pm->last_ns)
        return;
    if (pm_ticks(now) >> TMR_STS_BIT != pm_ticks(pm->last_ns) >> TMR_STS_BIT) {
        pm->sts |= VPMTIMER_TMR_STS;
        pm_update_sci(pm);
    }
    pm->last_ns = now;
}

uint64_t vpmtimer_poll(struct vpmtimer *pm, uint64_t now_ns)
{
    pm_catch_up(pm, now_ns);
    if (!(pm->en & VPMTIMER_TMR_EN) || (pm->sts & VPMTIMER_TMR_STS))
        return HVM_NO_DEADLINE;
    return pm_ticks_ns(((pm_ticks(now_ns) >> TMR_STS_BIT) + 1) << TMR_STS_BIT);
}

/* Byte `off` (0-11) of the register block; 6 and 7 are not decoded. */
static uint8_t pm_read_byte(const struct vpmtimer *pm, uint64_t now, unsigned int off)
{
    uint32_t v;

    switch (off & ~1u) {
    case 0:
        v = pm->sts;
        break;
    case 2:
        v = pm->en;
        break;
    case 4:
        v = pm->cnt | VPMTIMER_SCI_EN;
        break;
    default:
        v = (uint32_t)(pm_ticks(now) & 0xffffff);
        return (uint8_t)(v >> (8 * (off - 8)));
    }
    return (uint8_t)(v >> (8 * (off & 1)));
}

static void pm_write_byte(struct vpmtimer *pm, unsigned int off, uint8_t b)
{
    unsigned int shift = 8 * (off & 1);
    uint16_t v = (uint16_t)(b << shift), mask = (uint16_t)(0xff << shift);

    switch (off & ~1u) {
    case 0: /* write 1 to clear */
        pm->sts &= ~v;
        break;
    case 2:
        pm->en = (pm->en & ~mask) | (v & EN_WRITABLE);
        break;
    case 4:
        pm->cnt = (pm->cnt & ~mask) | (v & CNT_STORED);
        /* SLP_TYP shares SLP_EN's byte, so it is already the one written
         * with it ("Sleeping/Wake Control"). */
        if ((v & VPMTIMER_SLP_EN) && pm->sleep)
            pm->sleep(pm->sleep_opaque,
                      (pm->cnt & VPMTIMER_SLP_TYP) >> VPMTIMER_SLP_TYP_SHIFT);
        break;
    default: /* PM_TMR is read-only */
        break;
    }
}

static bool pm_access_ok(uint16_t port, unsigned int size)
{
    if (size != 1 && size != 2 && size != 4)
        return false;
    if (port < VPMTIMER_PM1A_EVT || port + size > VPMTIMER_PM1A_EVT + VPMTIMER_NR_PORTS)
        return false;
    for (unsigned int i = 0; i < size; i++) {
        unsigned int off = port - VPMTIMER_PM1A_EVT + i;

        if (off == 6 || off == 7)
            return false;
    }
    return true;
}

int vpmtimer_io_read(struct vpmtimer *pm, uint64_t now_ns, uint16_t port,
                     unsigned int size, uint32_t *val)
{
    if (!pm_access_ok(port, size))
        return -EINVAL;
    pm_catch_up(pm, now_ns);
    *val = 0;
    for (unsigned int i = 0; i < size; i++)
        *val |= (uint32_t)pm_read_byte(pm, now_ns, port - VPMTIMER_PM1A_EVT + i)
                << (8 * i);
    return 0;
}

int vpmtimer_io_write(struct vpmtimer *pm, uint64_t now_ns, uint16_t port,
                      unsigned int size, uint32_t val)
{
    if (!pm_access_ok(port, size))
        return -EINVAL;
    pm_catch_up(pm, now_ns);
    for (unsigned int i = 0; i < size; i++)
        pm_write_byte(pm, port - VPMTIMER_PM1A_EVT + i, (uint8_t)(val >> (8 * i)));
    pm_update_sci(pm);
    return 0;
}

void vpmtimer_power_button(struct vpmtimer *pm, uint64_t now_ns)
{
    pm_catch_up(pm, now_ns);
    pm->sts |= VPMTIMER_PWRBTN_STS;
    pm_update_sci(pm);
}

void vpmtimer_reset(struct vpmtimer *pm)
{
    pm->sts = 0;
    pm->en = 0;
    pm->cnt = 0;
    pm->last_ns = 0;
    pm_update_sci(pm);
}

void vpmtimer_init(struct vpmtimer *pm, struct irq_line sci,
                   void (*sleep)(void *opaque, unsigned int slp_typ), void *opaque)
{
    memset(pm, 0, sizeof(*pm));
    pm->sci = sci;
    pm->sleep = sleep;
    pm->sleep_opaque = opaque;
    vpmtimer_reset(pm);
}
