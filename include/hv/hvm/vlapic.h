/* SPDX-License-Identifier: MIT */
/* Virtual local APIC (xAPIC mode) of one HVM vCPU: registers, interrupt
 * acceptance and priority, EOI, LINT pins, IPIs and the APIC timer.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>). The model never
 * touches hardware and never injects anything by itself: the HVM run loop
 * asks it what is pending before each VM entry:
 *   1. vlapic_take_nmi()        -> inject NMI;
 *   2. vlapic_extint_pending()  -> ask the vPIC for a vector (the 8259 is
 *                                  wired to LINT0, programmed ExtINT);
 *   3. vlapic_pending_vector()  -> inject that vector when the guest can take
 *                                  it, then vlapic_ack() it (IRR -> ISR).
 * If vlapic_ack() returns false (the vector stopped being deliverable, e.g.
 * the TPR was raised in between) and the caller had already committed to an
 * interrupt, it delivers vlapic_spurious_vector() instead, without touching
 * ISR: that is the spurious-interrupt rule of the SDM ("Spurious
 * Interrupt").
 *
 * Outgoing IPIs are decoded into a struct vlapic_ipi and handed to the
 * `ipi` callback; the domain layer walks its vCPUs, filters them with
 * vlapic_match_dest() and then calls vlapic_set_irq() (fixed, lowest
 * priority), sets `nmi_pending` (NMI), or performs INIT (vlapic_init_reset()
 * plus the vCPU's wait-for-SIPI state) / SIPI. Lowest-priority arbitration is
 * not modelled: the domain layer delivers such a request as fixed to the
 * first matching vCPU only.
 *
 * Locking: none inside. One vlapic is driven by its vCPU but receives
 * interrupts from other vCPUs and from the vIOAPIC, and its callbacks run
 * with the caller's lock held and call back into other models (ipi ->
 * another vlapic, eoi_level -> vioapic -> deliver -> vlapic). The simplest
 * correct scheme, and the one assumed here, is one per-domain interrupt
 * lock that covers every vlapic and the vioapic of the domain; with finer
 * locks, callbacks must not take a second vlapic lock while one is held.
 *
 * Time: guest nanoseconds. The timer runs on a modelled 1 GHz bus clock
 * (VLAPIC_BUS_HZ), so one count at divide-by-1 lasts 1 ns. MMIO reads of the
 * current count ask `now_ns`; vlapic_poll() raises due timer interrupts.
 */
#ifndef HV_HVM_VLAPIC_H
#define HV_HVM_VLAPIC_H

#include <hv/types.h>
#include <hv/hvm/devmodel.h>

#define VLAPIC_DEFAULT_BASE 0xfee00000ULL
#define VLAPIC_MMIO_SIZE 0x1000
/* Modelled APIC bus (timer input) clock: 1 GHz, i.e. 1 ns per count before
 * the divider. Guests calibrate the timer, so any value works; this one
 * makes counts and nanoseconds coincide. */
#define VLAPIC_BUS_HZ 1000000000ULL

/* IA32_APIC_BASE (MSR 0x1b), SDM "Local APIC Status and Location". */
#define VLAPIC_MSR_APIC_BASE 0x1b
#define VLAPIC_BASE_BSP (1ULL << 8)
#define VLAPIC_BASE_EXTD (1ULL << 10) /* x2APIC: hidden, writing it faults */
#define VLAPIC_BASE_ENABLE (1ULL << 11)

/* Register offsets, SDM "Local APIC Register Address Map". */
#define VLAPIC_REG_ID 0x020
#define VLAPIC_REG_VERSION 0x030
#define VLAPIC_REG_TPR 0x080
#define VLAPIC_REG_APR 0x090
#define VLAPIC_REG_PPR 0x0a0
#define VLAPIC_REG_EOI 0x0b0
#define VLAPIC_REG_RRD 0x0c0
#define VLAPIC_REG_LDR 0x0d0
#define VLAPIC_REG_DFR 0x0e0
#define VLAPIC_REG_SVR 0x0f0
#define VLAPIC_REG_ISR 0x100 /* 8 registers, 0x10 apart */
#define VLAPIC_REG_TMR 0x180
#define VLAPIC_REG_IRR 0x200
#define VLAPIC_REG_ESR 0x280
#define VLAPIC_REG_ICR_LO 0x300
#define VLAPIC_REG_ICR_HI 0x310
#define VLAPIC_REG_LVT_TIMER 0x320
#define VLAPIC_REG_LVT_THERMAL 0x330
#define VLAPIC_REG_LVT_PMC 0x340
#define VLAPIC_REG_LVT_LINT0 0x350
#define VLAPIC_REG_LVT_LINT1 0x360
#define VLAPIC_REG_LVT_ERROR 0x370
#define VLAPIC_REG_TMICT 0x380
#define VLAPIC_REG_TMCCT 0x390
#define VLAPIC_REG_TDCR 0x3e0

/* Version register: integrated APIC 0x14, max LVT entry 5 (six LVTs). */
#define VLAPIC_VERSION 0x00050014U

#define VLAPIC_SVR_ENABLE (1U << 8)
#define VLAPIC_SVR_FOCUS_DISABLE (1U << 9)

/* ESR bits, SDM "Error Handling". */
#define VLAPIC_ESR_SEND_ILLEGAL_VECTOR (1U << 5)
#define VLAPIC_ESR_RECV_ILLEGAL_VECTOR (1U << 6)
#define VLAPIC_ESR_ILLEGAL_REG (1U << 7)

/* LVT fields, SDM "Local Vector Table". */
#define VLAPIC_LVT_VECTOR 0xffU
#define VLAPIC_LVT_DM_SHIFT 8
#define VLAPIC_LVT_DM_MASK (7U << 8)
#define VLAPIC_LVT_DELIV_STATUS (1U << 12)
#define VLAPIC_LVT_POLARITY_LOW (1U << 13)
#define VLAPIC_LVT_REMOTE_IRR (1U << 14)
#define VLAPIC_LVT_LEVEL (1U << 15)
#define VLAPIC_LVT_MASKED (1U << 16)
#define VLAPIC_TIMER_MODE_SHIFT 17
#define VLAPIC_TIMER_MODE_MASK (3U << 17)
#define VLAPIC_TIMER_ONESHOT 0U
#define VLAPIC_TIMER_PERIODIC 1U
#define VLAPIC_TIMER_TSC_DEADLINE 2U

/* ICR fields, SDM "Interrupt Command Register (ICR)". */
#define VLAPIC_ICR_DM_SHIFT 8
#define VLAPIC_ICR_DEST_LOGICAL (1U << 11)
#define VLAPIC_ICR_DELIV_STATUS (1U << 12)
#define VLAPIC_ICR_LEVEL_ASSERT (1U << 14)
#define VLAPIC_ICR_TRIGGER_LEVEL (1U << 15)
#define VLAPIC_ICR_SHORTHAND_SHIFT 18
#define VLAPIC_ICR_DEST_SHIFT 24 /* in ICR high */

/* Delivery modes (LVT, ICR and IOAPIC redirection entries share them). */
enum vlapic_delivery_mode {
    VLAPIC_DM_FIXED = 0,
    VLAPIC_DM_LOWEST = 1,
    VLAPIC_DM_SMI = 2,
    VLAPIC_DM_NMI = 4,
    VLAPIC_DM_INIT = 5,
    VLAPIC_DM_STARTUP = 6,
    VLAPIC_DM_EXTINT = 7,
};

enum vlapic_shorthand {
    VLAPIC_SH_NONE = 0,
    VLAPIC_SH_SELF = 1,
    VLAPIC_SH_ALL_INCL = 2,
    VLAPIC_SH_ALL_EXCL = 3,
};

/* Indices into struct vlapic.lvt, in register order. */
enum vlapic_lvt {
    VLAPIC_LVT_TIMER,
    VLAPIC_LVT_THERMAL,
    VLAPIC_LVT_PMC,
    VLAPIC_LVT_LINT0,
    VLAPIC_LVT_LINT1,
    VLAPIC_LVT_ERROR,
    VLAPIC_NR_LVT,
};

struct vlapic;

/* One decoded ICR write. SMI, INIT level de-assert and reserved delivery
 * modes never reach the callback; neither do fixed/lowest-priority requests
 * with an illegal vector (0-15: the sender logs "send illegal vector"). */
struct vlapic_ipi {
    uint8_t vector;        /* fixed/lowest: vector; startup: SIPI page */
    uint8_t delivery_mode; /* enum vlapic_delivery_mode */
    uint8_t shorthand;     /* enum vlapic_shorthand */
    uint8_t dest;          /* ICR bits 56-63; ignored with a shorthand */
    bool dest_logical;     /* ICR bit 11 */
    bool level_triggered;  /* ICR bit 15 (trigger mode) */
    struct vlapic *source; /* the sender, for SELF / ALL_EXCL */
};

struct vlapic_ops {
    /* Guest time now, in ns; needed by timer register accesses. */
    uint64_t (*now_ns)(void *opaque);
    /* An IPI was sent; may be NULL (IPIs are then dropped). */
    void (*ipi)(void *opaque, const struct vlapic_ipi *ipi);
    /* EOI of a level-triggered vector (TMR set): the vIOAPIC clears Remote
     * IRR of the entries using it. May be NULL. */
    void (*eoi_level)(void *opaque, uint8_t vector);
};

struct vlapic_config {
    uint32_t vcpu_id;             /* APIC ID = vcpu_id; must be < 255 */
    bool bsp;                     /* sets IA32_APIC_BASE.BSP */
    unsigned int phys_addr_bits;  /* guest MAXPHYADDR; 0 means 52 */
    const struct vlapic_ops *ops; /* required, with now_ns */
    void *opaque;                 /* passed to every callback */
};

struct vlapic {
    const struct vlapic_ops *ops;
    void *opaque;
    uint32_t vcpu_id;
    bool bsp;
    uint64_t base_reserved; /* IA32_APIC_BASE bits that must stay 0 */
    uint64_t base_msr;

    uint32_t id, tpr, ldr, dfr, svr;
    uint32_t esr;         /* value the guest reads */
    uint32_t esr_pending; /* errors since the last ESR write */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[VLAPIC_NR_LVT];
    uint32_t isr[8], tmr[8], irr[8]; /* 256-bit vectors as registers */

    /* Timer: `timer_deadline_ns` is the next expiry in one-shot/periodic
     * mode (HVM_NO_DEADLINE when stopped); periodic reloads advance it by
     * exactly one period, so it never drifts. */
    uint32_t tmict, tdcr;
    uint64_t timer_deadline_ns;
    uint64_t tsc_deadline_ns; /* TSC-deadline mode; 0 = disarmed */

    bool lint_level[2]; /* raw pin levels as last set */
    bool nmi_pending;   /* set by LINT/IPI NMI; cleared by the caller */
};

/* Set up from cfg and apply the power-up state. -EINVAL on a bad config. */
int __must_check vlapic_init(struct vlapic *v, const struct vlapic_config *cfg);
/* Power-up / RESET state (SDM "Local APIC State After Power-Up or Reset"),
 * including IA32_APIC_BASE = 0xfee00000 | enable | BSP. */
void vlapic_reset(struct vlapic *v);
/* INIT (SDM "Local APIC State After an INIT Reset"): as reset, but the APIC
 * ID and IA32_APIC_BASE are kept. */
void vlapic_init_reset(struct vlapic *v);

/* IA32_APIC_BASE. Setting reserved bits or EXTD returns -EINVAL (the caller
 * injects #GP). Clearing the enable bit returns the registers to their
 * power-up values (the SDM allows this); while clear, MMIO is not decoded,
 * no interrupt is accepted, and LINT0/LINT1 act as the CPU's INTR and NMI
 * pins, as on a processor without an APIC. The BSP bit is read-only. */
int __must_check vlapic_set_base_msr(struct vlapic *v, uint64_t val);
uint64_t vlapic_get_base_msr(const struct vlapic *v);
/* Guest-physical base of the register page (IA32_APIC_BASE bits 12+). */
paddr_t vlapic_base_addr(const struct vlapic *v);
bool vlapic_hw_enabled(const struct vlapic *v);
bool vlapic_sw_enabled(const struct vlapic *v);

/* MMIO at offset from vlapic_base_addr() (struct hvm_io_ops signature).
 * Only aligned 32-bit accesses at 16-byte register offsets reach
 * registers; other sizes and misaligned offsets read 0 and ignore writes.
 * Unimplemented offsets read 0, ignore writes and log "illegal register
 * address" in the ESR. Returns -EINVAL when the APIC is hardware-disabled
 * or offset is outside the page (the bus then treats it as unclaimed). */
int vlapic_mmio_read(void *dev, uint64_t offset, unsigned int size,
                     uint64_t *val);
int vlapic_mmio_write(void *dev, uint64_t offset, unsigned int size,
                      uint64_t val);
extern const struct hvm_io_ops vlapic_io_ops;

/* Accept a fixed interrupt: IRR (and TMR for level). Illegal vectors
 * (0-15) are dropped with "received illegal vector" logged; interrupts
 * arriving while the APIC is software-disabled are dropped (SDM "Local APIC
 * State After It Has Been Software Disabled": held IRR bits stay). */
void vlapic_set_irq(struct vlapic *v, uint8_t vector, bool level_triggered);
/* Highest IRR vector whose priority class beats the PPR, or -1. */
int vlapic_pending_vector(const struct vlapic *v);
/* The CPU took `vector`: IRR -> ISR. Returns false, changing nothing, when
 * `vector` is not vlapic_pending_vector() (then see "spurious" above). */
bool vlapic_ack(struct vlapic *v, uint8_t vector);
uint8_t vlapic_spurious_vector(const struct vlapic *v);
/* Processor priority (SDM "Processor Priority Register (PPR)"). */
uint32_t vlapic_get_ppr(const struct vlapic *v);
/* TPR, for CR8 accesses (CR8[3:0] = TPR[7:4]). */
uint8_t vlapic_get_tpr(const struct vlapic *v);
void vlapic_set_tpr(struct vlapic *v, uint8_t tpr);

/* Level of LINT0 (pin 0) or LINT1 (pin 1) as driven by the platform; the
 * LVT entry decides what it does: ExtINT (LINT0) is sampled by
 * vlapic_extint_pending(), NMI sets nmi_pending on the asserting edge,
 * fixed raises the LVT vector (edge, or level with Remote IRR); SMI and
 * INIT are not modelled and ignored. */
void vlapic_set_lint(struct vlapic *v, int pin, bool level);
/* The caller should ask the vPIC for a vector (INTA) and inject it. */
bool vlapic_extint_pending(const struct vlapic *v);
/* Returns and clears nmi_pending. */
bool vlapic_take_nmi(struct vlapic *v);

/* Does `target` accept a message with this destination? `source` is the
 * sending vlapic (NULL for IOAPIC messages, which use no shorthand).
 * 0xff is the broadcast destination in physical and logical modes. */
bool vlapic_match_dest(const struct vlapic *target, uint8_t dest,
                       bool dest_logical, unsigned int shorthand,
                       const struct vlapic *source);

/* Timer: raise what is due at now_ns; returns the next deadline or
 * HVM_NO_DEADLINE. A masked timer keeps counting (and reloading) silently. */
uint64_t vlapic_poll(struct vlapic *v, uint64_t now_ns);
/* IA32_TSC_DEADLINE, converted to guest ns by the caller; 0 disarms.
 * Ignored unless the LVT timer is in TSC-deadline mode (SDM "TSC-Deadline
 * Mode"); reads 0 once fired. */
void vlapic_set_tsc_deadline_ns(struct vlapic *v, uint64_t deadline_ns);
uint64_t vlapic_get_tsc_deadline_ns(const struct vlapic *v);

/* Internal to hv/hvm/vlapic.c and hv/hvm/vlapic_timer.c. */
void vlapic_timer_reset(struct vlapic *v);
uint32_t vlapic_timer_read_tmcct(const struct vlapic *v, uint64_t now_ns);
void vlapic_timer_write_tmict(struct vlapic *v, uint32_t val, uint64_t now_ns);
void vlapic_timer_write_tdcr(struct vlapic *v, uint32_t val, uint64_t now_ns);
void vlapic_timer_write_lvt(struct vlapic *v, uint32_t val);

#endif /* HV_HVM_VLAPIC_H */
