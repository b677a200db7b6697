// SPDX-License-Identifier: MIT
/* Virtual local APIC: registers, priorities, EOI, LINT pins and IPIs.
 *
 * Design and Locking: see <hv/hvm/vlapic.h>. The timer lives in
 * vlapic_timer.c.
 */
#include <hv/errno.h>
#include <hv/hvm/vlapic.h>
#include <hv/lib.h>

/* Writable bits of each LVT, SDM "Local Vector Table" (figure "Local Vector
 * Table (LVT)"): timer has vector, mask and mode; thermal and PMC add a
 * delivery mode; LINT0/1 add polarity and trigger; error has vector and
 * mask only. Delivery status and Remote IRR are read-only. */
static const uint32_t lvt_writable[VLAPIC_NR_LVT] = {
    [VLAPIC_LVT_TIMER] = 0x000700ffU,
    [VLAPIC_LVT_THERMAL] = 0x000107ffU,
    [VLAPIC_LVT_PMC] = 0x000107ffU,
    [VLAPIC_LVT_LINT0] = 0x0001a7ffU,
    [VLAPIC_LVT_LINT1] = 0x0001a7ffU,
    [VLAPIC_LVT_ERROR] = 0x000100ffU,
};

#define ICR_LO_WRITABLE 0x000ccfffU /* vector..dest mode, level, trigger,
                                       shorthand; delivery status reads 0 */
#define SVR_WRITABLE 0x000003ffU    /* vector, enable, focus */
#define DFR_MODEL_FLAT 0xfU
#define DFR_RESERVED_ONES 0x0fffffffU

static bool vec_test(const uint32_t *bm, unsigned int vec)
{
    return bm[vec / 32] & (1U << (vec % 32));
}

static void vec_set(uint32_t *bm, unsigned int vec)
{
    bm[vec / 32] |= 1U << (vec % 32);
}

static void vec_clear(uint32_t *bm, unsigned int vec)
{
    bm[vec / 32] &= ~(1U << (vec % 32));
}

/* Highest set vector, or -1. */
static int vec_highest(const uint32_t *bm)
{
    for (int i = 7; i >= 0; i--)
        if (bm[i])
            return i * 32 + 31 - __builtin_clz(bm[i]);
    return -1;
}

bool vlapic_hw_enabled(const struct vlapic *v)
{
    return v->base_msr & VLAPIC_BASE_ENABLE;
}

bool vlapic_sw_enabled(const struct vlapic *v)
{
    return v->svr & VLAPIC_SVR_ENABLE;
}

/* Register state shared by power-up and INIT (SDM "Local APIC State After
 * Power-Up or Reset"): everything zero except DFR (all ones), SVR (0xff)
 * and the LVT mask bits. ID and base MSR are the callers' business. */
static void vlapic_regs_reset(struct vlapic *v)
{
    v->tpr = 0;
    v->ldr = 0;
    v->dfr = 0xffffffffU;
    v->svr = 0xff;
    v->esr = 0;
    v->esr_pending = 0;
    v->icr_lo = 0;
    v->icr_hi = 0;
    for (int i = 0; i < VLAPIC_NR_LVT; i++)
        v->lvt[i] = VLAPIC_LVT_MASKED;
    memset(v->isr, 0, sizeof(v->isr));
    memset(v->tmr, 0, sizeof(v->tmr));
    memset(v->irr, 0, sizeof(v->irr));
    v->nmi_pending = false;
    vlapic_timer_reset(v);
}

void vlapic_reset(struct vlapic *v)
{
    v->id = v->vcpu_id << 24;
    v->base_msr = VLAPIC_DEFAULT_BASE | VLAPIC_BASE_ENABLE;
    if (v->bsp)
        v->base_msr |= VLAPIC_BASE_BSP;
    /* lint_level is kept: the pins belong to whatever drives them. */
    vlapic_regs_reset(v);
}

void vlapic_init_reset(struct vlapic *v)
{
    vlapic_regs_reset(v);
}

int vlapic_init(struct vlapic *v, const struct vlapic_config *cfg)
{
    unsigned int bits = cfg->phys_addr_bits ? cfg->phys_addr_bits : 52;

    if (!cfg->ops || !cfg->ops->now_ns || cfg->vcpu_id >= 0xff ||
        bits < 32 || bits > 52)
        return -EINVAL;
    memset(v, 0, sizeof(*v));
    v->ops = cfg->ops;
    v->opaque = cfg->opaque;
    v->vcpu_id = cfg->vcpu_id;
    v->bsp = cfg->bsp;
    /* Bits 0-7, 9, EXTD (x2APIC is hidden) and those above MAXPHYADDR. */
    v->base_reserved = 0xffULL | (1ULL << 9) | VLAPIC_BASE_EXTD |
                       ~((1ULL << bits) - 1);
    vlapic_reset(v);
    return 0;
}

int vlapic_set_base_msr(struct vlapic *v, uint64_t val)
{
    bool was_enabled = vlapic_hw_enabled(v);

    if (val & v->base_reserved)
        return -EINVAL;
    v->base_msr = (val & ~VLAPIC_BASE_BSP) | (v->bsp ? VLAPIC_BASE_BSP : 0);
    if (was_enabled && !vlapic_hw_enabled(v)) {
        v->id = v->vcpu_id << 24;
        vlapic_regs_reset(v);
    }
    return 0;
}

uint64_t vlapic_get_base_msr(const struct vlapic *v)
{
    return v->base_msr;
}

paddr_t vlapic_base_addr(const struct vlapic *v)
{
    return v->base_msr & ~(uint64_t)(PAGE_SIZE - 1) & ~v->base_reserved;
}

/* An internal error: log it for the next ESR write and raise the error LVT
 * (SDM "Error Handling"). An illegal error vector is not delivered, which
 * would only report the same error again. */
static void vlapic_error(struct vlapic *v, uint32_t esr_bits)
{
    uint32_t lvt = v->lvt[VLAPIC_LVT_ERROR];

    v->esr_pending |= esr_bits;
    if (!(lvt & VLAPIC_LVT_MASKED) && (lvt & VLAPIC_LVT_VECTOR) >= 16)
        vlapic_set_irq(v, lvt & VLAPIC_LVT_VECTOR, false);
}

void vlapic_set_irq(struct vlapic *v, uint8_t vector, bool level_triggered)
{
    if (!vlapic_hw_enabled(v))
        return;
    if (vector < 16) {
        vlapic_error(v, VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    if (!vlapic_sw_enabled(v))
        return;
    vec_set(v->irr, vector);
    if (level_triggered)
        vec_set(v->tmr, vector);
    else
        vec_clear(v->tmr, vector);
}

uint32_t vlapic_get_ppr(const struct vlapic *v)
{
    int isrv = vec_highest(v->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

    if ((v->tpr & 0xf0) >= isr_class)
        return v->tpr & 0xff;
    return isr_class;
}

int vlapic_pending_vector(const struct vlapic *v)
{
    int irrv;

    if (!vlapic_hw_enabled(v))
        return -1;
    irrv = vec_highest(v->irr);
    if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (vlapic_get_ppr(v) & 0xf0))
        return -1;
    return irrv;
}

bool vlapic_ack(struct vlapic *v, uint8_t vector)
{
    if (vlapic_pending_vector(v) != vector)
        return false;
    vec_clear(v->irr, vector);
    vec_set(v->isr, vector);
    return true;
}

uint8_t vlapic_spurious_vector(const struct vlapic *v)
{
    return v->svr & 0xff;
}

uint8_t vlapic_get_tpr(const struct vlapic *v)
{
    return v->tpr & 0xff;
}

void vlapic_set_tpr(struct vlapic *v, uint8_t tpr)
{
    v->tpr = tpr;
}

bool vlapic_take_nmi(struct vlapic *v)
{
    bool pending = v->nmi_pending;

    v->nmi_pending = false;
    return pending;
}

/* ---- LINT0 / LINT1 ---------------------------------------------------- */

static bool lint_asserted(uint32_t lvt, bool level)
{
    return level != !!(lvt & VLAPIC_LVT_POLARITY_LOW);
}

static unsigned int lvt_dm(uint32_t lvt)
{
    return (lvt & VLAPIC_LVT_DM_MASK) >> VLAPIC_LVT_DM_SHIFT;
}

/* Act on the pin after a level change (old_level -> current) or an LVT
 * write (old_level == current). SDM "Local Vector Table": NMI is always
 * edge-sensitive, fixed honours the trigger bit (level uses Remote IRR until
 * the EOI), ExtINT is level and sampled by vlapic_extint_pending(). */
static void lint_update(struct vlapic *v, int pin, bool old_level)
{
    uint32_t *lvt = &v->lvt[VLAPIC_LVT_LINT0 + pin];
    bool now = lint_asserted(*lvt, v->lint_level[pin]);
    bool rising = now && !lint_asserted(*lvt, old_level);

    if (*lvt & VLAPIC_LVT_MASKED)
        return;
    switch (lvt_dm(*lvt)) {
    case VLAPIC_DM_FIXED:
        if (!(*lvt & VLAPIC_LVT_LEVEL)) {
            if (rising)
                vlapic_set_irq(v, *lvt & VLAPIC_LVT_VECTOR, false);
        } else if (now && !(*lvt & VLAPIC_LVT_REMOTE_IRR)) {
            *lvt |= VLAPIC_LVT_REMOTE_IRR;
            vlapic_set_irq(v, *lvt & VLAPIC_LVT_VECTOR, true);
        }
        break;
    case VLAPIC_DM_NMI:
        if (rising)
            v->nmi_pending = true;
        break;
    default:
        break;
    }
}

void vlapic_set_lint(struct vlapic *v, int pin, bool level)
{
    bool old;

    if (pin < 0 || pin > 1)
        return;
    old = v->lint_level[pin];
    v->lint_level[pin] = level;
    if (vlapic_hw_enabled(v)) {
        lint_update(v, pin, old);
        return;
    }
    /* No APIC: LINT1 is the NMI pin (edge), LINT0 is INTR (sampled). */
    if (pin == 1 && level && !old)
        v->nmi_pending = true;
}

bool vlapic_extint_pending(const struct vlapic *v)
{
    uint32_t lvt = v->lvt[VLAPIC_LVT_LINT0];

    if (!vlapic_hw_enabled(v))
        return v->lint_level[0];
    return !(lvt & VLAPIC_LVT_MASKED) && lvt_dm(lvt) == VLAPIC_DM_EXTINT &&
           lint_asserted(lvt, v->lint_level[0]);
}

/* EOI of a level-triggered vector also ends a level LINT interrupt. */
static void lint_eoi(struct vlapic *v, uint8_t vector)
{
    for (int pin = 0; pin < 2; pin++) {
        uint32_t *lvt = &v->lvt[VLAPIC_LVT_LINT0 + pin];

        if ((*lvt & VLAPIC_LVT_REMOTE_IRR) &&
            (*lvt & VLAPIC_LVT_VECTOR) == vector) {
            *lvt &= ~VLAPIC_LVT_REMOTE_IRR;
            lint_update(v, pin, v->lint_level[pin]);
        }
    }
}

/* SDM "Signaling Interrupt Servicing Completion": the EOI retires the
 * highest in-service vector; a level-triggered one is broadcast to the
 * IOAPIC (EOI-broadcast suppression is not offered in the version). */
static void vlapic_eoi(struct vlapic *v)
{
    int isrv = vec_highest(v->isr);

    if (isrv < 0)
        return;
    vec_clear(v->isr, (unsigned int)isrv);
    if (!vec_test(v->tmr, (unsigned int)isrv))
        return;
    lint_eoi(v, (uint8_t)isrv);
    if (v->ops->eoi_level)
        v->ops->eoi_level(v->opaque, (uint8_t)isrv);
}

/* ---- Destinations and IPIs -------------------------------------------- */

/* SDM "Logical Destination Mode": flat compares the 8-bit LDR bitmap;
 * cluster compares the cluster (bits 7:4) and the member bitmap (3:0). */
static bool match_logical(const struct vlapic *t, uint8_t dest)
{
    uint8_t ldr = t->ldr >> 24;

    if (dest == 0xff)
        return true;
    if ((t->dfr >> 28) == DFR_MODEL_FLAT)
        return (ldr & dest) != 0;
    return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf) != 0;
}

bool vlapic_match_dest(const struct vlapic *target, uint8_t dest,
                       bool dest_logical, unsigned int shorthand,
                       const struct vlapic *source)
{
    if (!vlapic_hw_enabled(target))
        return false;
    switch (shorthand) {
    case VLAPIC_SH_SELF:
        return target == source;
    case VLAPIC_SH_ALL_INCL:
        return true;
    case VLAPIC_SH_ALL_EXCL:
        return target != source;
    default:
        break;
    }
    if (dest_logical)
        return match_logical(target, dest);
    return dest == 0xff || dest == (target->id >> 24);
}

/* SDM "Interrupt Command Register (ICR)": a write to the low half sends.
 * The send is instantaneous, so delivery status always reads idle. */
static void vlapic_send_ipi(struct vlapic *v)
{
    uint32_t lo = v->icr_lo;
    struct vlapic_ipi ipi = {
        .vector = lo & 0xff,
        .delivery_mode = (lo >> VLAPIC_ICR_DM_SHIFT) & 7,
        .shorthand = (lo >> VLAPIC_ICR_SHORTHAND_SHIFT) & 3,
        .dest = v->icr_hi >> VLAPIC_ICR_DEST_SHIFT,
        .dest_logical = lo & VLAPIC_ICR_DEST_LOGICAL,
        .level_triggered = lo & VLAPIC_ICR_TRIGGER_LEVEL,
        .source = v,
    };

    switch (ipi.delivery_mode) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
        if (ipi.vector < 16) {
            vlapic_error(v, VLAPIC_ESR_SEND_ILLEGAL_VECTOR);
            return;
        }
        break;
    case VLAPIC_DM_INIT:
        /* INIT level de-assert: only resynchronises arbitration IDs. */
        if (!(lo & VLAPIC_ICR_LEVEL_ASSERT) && ipi.level_triggered)
            return;
        break;
    case VLAPIC_DM_NMI:
    case VLAPIC_DM_STARTUP:
        break;
    default: /* SMI (no SMM in guests), ExtINT and reserved modes */
        return;
    }
    if (v->ops->ipi)
        v->ops->ipi(v->opaque, &ipi);
}

/* ---- Register access --------------------------------------------------- */

/* Read register `reg`; *known is cleared for unimplemented offsets. */
static uint32_t vlapic_reg_read(struct vlapic *v, unsigned int reg,
                                bool *known)
{
    if (reg >= VLAPIC_REG_ISR && reg < VLAPIC_REG_ESR) {
        unsigned int i = (reg - VLAPIC_REG_ISR) / 0x10;

        return i < 8 ? v->isr[i] : i < 16 ? v->tmr[i - 8] : v->irr[i - 16];
    }
    if (reg >= VLAPIC_REG_LVT_TIMER && reg <= VLAPIC_REG_LVT_ERROR)
        return v->lvt[(reg - VLAPIC_REG_LVT_TIMER) / 0x10];
    switch (reg) {
    case VLAPIC_REG_ID:      return v->id;
    case VLAPIC_REG_VERSION: return VLAPIC_VERSION;
    case VLAPIC_REG_TPR:     return v->tpr;
    case VLAPIC_REG_PPR:     return vlapic_get_ppr(v);
    case VLAPIC_REG_LDR:     return v->ldr;
    case VLAPIC_REG_DFR:     return v->dfr;
    case VLAPIC_REG_SVR:     return v->svr;
    case VLAPIC_REG_ESR:     return v->esr;
    case VLAPIC_REG_ICR_LO:  return v->icr_lo;
    case VLAPIC_REG_ICR_HI:  return v->icr_hi;
    case VLAPIC_REG_TMICT:   return v->tmict;
    case VLAPIC_REG_TMCCT:
        return vlapic_timer_read_tmcct(v, v->ops->now_ns(v->opaque));
    case VLAPIC_REG_TDCR:    return v->tdcr;
    case VLAPIC_REG_APR:     /* arbitration priority: not modelled */
    case VLAPIC_REG_EOI:     /* write-only */
    case VLAPIC_REG_RRD:     /* remote read: not supported */
        return 0;
    default:
        *known = false;
        return 0;
    }
}

/* SDM "Local Vector Table": while software-disabled, mask bits stay set. */
static void vlapic_write_lvt(struct vlapic *v, unsigned int idx, uint32_t val)
{
    uint32_t keep = v->lvt[idx] & VLAPIC_LVT_REMOTE_IRR;

    val &= lvt_writable[idx];
    if (!vlapic_sw_enabled(v))
        val |= VLAPIC_LVT_MASKED;
    if (idx == VLAPIC_LVT_TIMER) {
        vlapic_timer_write_lvt(v, val);
        return;
    }
    if (idx != VLAPIC_LVT_LINT0 && idx != VLAPIC_LVT_LINT1) {
        v->lvt[idx] = val;
        return;
    }
    /* Remote IRR only survives while the entry stays fixed + level. */
    if (lvt_dm(val) != VLAPIC_DM_FIXED || !(val & VLAPIC_LVT_LEVEL))
        keep = 0;
    v->lvt[idx] = val | keep;
    lint_update(v, (int)(idx - VLAPIC_LVT_LINT0),
                v->lint_level[idx - VLAPIC_LVT_LINT0]);
}

static void vlapic_write_svr(struct vlapic *v, uint32_t val)
{
    v->svr = val & SVR_WRITABLE;
    if (vlapic_sw_enabled(v))
        return;
    for (int i = 0; i < VLAPIC_NR_LVT; i++)
        v->lvt[i] |= VLAPIC_LVT_MASKED;
}

/* Returns false for unimplemented offsets. Writes to read-only registers
 * are silently ignored. */
static bool vlapic_reg_write(struct vlapic *v, unsigned int reg, uint32_t val)
{
    if (reg >= VLAPIC_REG_ISR && reg < VLAPIC_REG_ESR)
        return true;
    if (reg >= VLAPIC_REG_LVT_TIMER && reg <= VLAPIC_REG_LVT_ERROR) {
        vlapic_write_lvt(v, (reg - VLAPIC_REG_LVT_TIMER) / 0x10, val);
        return true;
    }
    switch (reg) {
    case VLAPIC_REG_ID:     v->id = val & 0xff000000U; break;
    case VLAPIC_REG_TPR:    v->tpr = val & 0xff; break;
    case VLAPIC_REG_EOI:    vlapic_eoi(v); break;
    case VLAPIC_REG_LDR:    v->ldr = val & 0xff000000U; break;
    case VLAPIC_REG_DFR:    v->dfr = val | DFR_RESERVED_ONES; break;
    case VLAPIC_REG_SVR:    vlapic_write_svr(v, val); break;
    case VLAPIC_REG_ICR_HI: v->icr_hi = val & 0xff000000U; break;
    case VLAPIC_REG_ICR_LO:
        v->icr_lo = val & ICR_LO_WRITABLE;
        vlapic_send_ipi(v);
        break;
    case VLAPIC_REG_ESR:
        /* SDM "Error Handling": a write latches errors seen since the
         * previous write, so software writes before it reads. */
        v->esr = v->esr_pending;
        v->esr_pending = 0;
        break;
    case VLAPIC_REG_TMICT:
        vlapic_timer_write_tmict(v, val, v->ops->now_ns(v->opaque));
        break;
    case VLAPIC_REG_TDCR:
        vlapic_timer_write_tdcr(v, val, v->ops->now_ns(v->opaque));
        break;
    case VLAPIC_REG_VERSION:
    case VLAPIC_REG_APR:
    case VLAPIC_REG_PPR:
    case VLAPIC_REG_RRD:
    case VLAPIC_REG_TMCCT:
        break;
    default:
        return false;
    }
    return true;
}

/* True when the access can reach a register: aligned dword, 16-byte
 * register slot (SDM "Local APIC Register Address Map"). */
static bool vlapic_access_ok(uint64_t offset, unsigned int size)
{
    return size == 4 && (offset & 0xf) == 0;
}

int vlapic_mmio_read(void *dev, uint64_t offset, unsigned int size,
                     uint64_t *val)
{
    struct vlapic *v = dev;
    bool known = true;

    if (!vlapic_hw_enabled(v) || offset >= VLAPIC_MMIO_SIZE)
        return -EINVAL;
    *val = 0;
    if (!vlapic_access_ok(offset, size))
        return 0;
    *val = vlapic_reg_read(v, (unsigned int)offset, &known);
    if (!known)
        vlapic_error(v, VLAPIC_ESR_ILLEGAL_REG);
    return 0;
}

int vlapic_mmio_write(void *dev, uint64_t offset, unsigned int size,
                      uint64_t val)
{
    struct vlapic *v = dev;

    if (!vlapic_hw_enabled(v) || offset >= VLAPIC_MMIO_SIZE)
        return -EINVAL;
    if (!vlapic_access_ok(offset, size))
        return 0;
    if (!vlapic_reg_write(v, (unsigned int)offset, (uint32_t)val))
        vlapic_error(v, VLAPIC_ESR_ILLEGAL_REG);
    return 0;
}

const struct hvm_io_ops vlapic_io_ops = {
    .read = vlapic_mmio_read,
    .write = vlapic_mmio_write,
};
