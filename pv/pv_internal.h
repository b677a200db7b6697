/* SPDX-License-Identifier: MIT */
/* Shared inside pv/: the running vCPU's frame, bounces, mode changes. */
#ifndef PV_INTERNAL_H
#define PV_INTERNAL_H

#include <hv/domain.h>
#include <hv/printk.h>
#include <hv/pv.h>
#include <hv/xen.h>

#include "pv_guest_va.h"

static inline struct pv_vcpu *pv_vcpu(struct vcpu *v)
{
    return v->arch;
}

/* Guest-caused trouble worth a line, named by domain and vCPU; at most a
 * burst per second per domain (pv_domain.c), so a guest cannot flood the
 * console. */
bool pv_log_allowed(struct domain *d);
#define pv_log(v, fmt, ...)                                                            \
    do {                                                                               \
        if (pv_log_allowed((v)->domain))                                               \
            printk(LOG_WARN "d%u vCPU%u: " fmt "\n", (v)->domain->id, (v)->id,        \
                   ##__VA_ARGS__);                                                     \
    } while (0)

/* pv_entry.asm */
void pv_enter(struct cpu_regs *frame);
size_t pv_copy_raw(void *dst, const void *src, size_t len);

/* pv_traps.c: deliver to a guest handler through a bounce frame on the
 * guest kernel stack, switching to kernel mode first. False when the
 * domain was crashed instead (no handler, unwritable stack). */
bool pv_bounce(struct vcpu *v, uint64_t handler, bool mask_events, bool has_error,
               uint32_t error);
/* Exception `vector` of the current frame, to the guest's trap table. */
bool pv_inject_exception(struct vcpu *v, unsigned int vector, uint32_t error);
void pv_deliver_failsafe(struct vcpu *v);
/* An event upcall, if one is pending and not masked. */
void pv_deliver_events(struct vcpu *v);
void pv_deliver_nmi(struct vcpu *v);
void pv_domain_dump(struct domain *d); /* domain_ops.dump (pv_dump.c) */
/* Run v until its pCPU is wanted back, it blocks or its domain dies. */
void pv_vcpu_run(struct vcpu *v);
/* The exit of the last pv_enter(), by vector (pv_run.c). */
void pv_handle_exception(struct vcpu *v, unsigned int vector);

/* pv_domain.c: switch guest kernel <-> user mode (page tables, GS base). */
void pv_toggle_mode(struct vcpu *v);
/* Load CR3 for v's current mode. */
void pv_load_cr3(struct vcpu *v);
/* v is running: its FS base and active GS base from the CPU into its
 * pv_vcpu (a selector load by the guest changes them), and back. */
void pv_bases_save(struct vcpu *v);
void pv_bases_load(struct vcpu *v);
/* Load a selector into %gs for guest user mode: the user GS base becomes
 * 0. False when the CPU refused it (null loaded instead). */
bool pv_gs_selector_load(struct vcpu *v, uint16_t sel);

/* pv_emul.c: instructions the guest kernel may not run in ring 3. True
 * when emulated (frame advanced), false to bounce the fault. */
bool pv_emulate_ud(struct vcpu *v);
bool pv_emulate_gp(struct vcpu *v);
/* pv_ptwr.c: a guest kernel's write to its own L1 table, through the PV
 * MMU; true when done (frame advanced). */
bool pv_emulate_ptwr(struct vcpu *v, uint64_t addr);
/* pv_ioport.c: IN/OUT, CLI/STI under the virtual IOPL; length or 0. */
unsigned int pv_emulate_io(struct vcpu *v, const uint8_t *insn, unsigned int n);

/* pv_domain.c: a writable reference on a frame of d that Mica writes
 * itself (the console ring, a registered vcpu_info), so that the guest
 * can never make it a page table; 0 or the PV MMU's -errno. */
int __must_check pv_frame_hold(struct domain *d, mfn_t mfn);
void pv_frame_release(struct domain *d, mfn_t mfn);

/* pv_mm_glue.c: hand the PV MMU core its runtime services. */
void pv_mm_ops_install(void);

/* pv_gdt.c: descriptor tables. */
bool pv_desc_check(uint64_t *desc);
/* A general and a PGT_SEG_DESC reference on a frame of the domain whose
 * descriptors all pass (fixed up in place); 0 or -errno, nothing held
 * then. Caller holds m->lock, as for the put. */
int __must_check pv_desc_frame_get(struct pv_mm_domain *m, mfn_t mfn);
void pv_desc_frames_put(struct pv_mm_domain *m, const mfn_t *frames, unsigned int nr);
/* v's GDT from now on: `ents` descriptors in the frames of list (checked,
 * referenced); 0 or -EINVAL. Not mapped here (pv_gdt_load). */
int __must_check pv_gdt_set(struct vcpu *v, const uint64_t *list, uint64_t ents);
void pv_gdt_release(struct vcpu *v);
void pv_gdt_load(struct vcpu *v);
void pv_gdt_unload(void);
bool pv_gdt_cs_ok(struct vcpu *v, uint16_t cs, uint64_t rip);

/* pv_ldt.c: v's LDT from now on (pv_mm's ldt_changed hook, base and ents
 * already checked); 0 or -EINVAL. Loaded at once if v runs here. */
int __must_check pv_ldt_set(struct vcpu *v, uint64_t base, unsigned int ents);
void pv_ldt_release(struct vcpu *v);
void pv_ldt_load(struct vcpu *v);
void pv_ldt_unload(void);

/* pv_debugreg.c: a guest value for debug register reg (pv_dr.h rules),
 * in the hardware at once if v runs here; 0 or -errno. */
int __must_check pv_dr_set(struct vcpu *v, uint64_t reg, uint64_t value);
void pv_dr_load(struct vcpu *v);
void pv_dr_unload(struct vcpu *v);
void pv_dr6_capture(struct vcpu *v);

/* pv_vcpu_ctx.c: VCPUOP_initialise / VCPUOP_up. */
int pv_vcpu_initialise(struct vcpu *caller, struct vcpu *v, uint64_t arg);
int pv_vcpu_up(struct vcpu *v);
int pv_vcpu_down(struct vcpu *caller, struct vcpu *v);

/* pv_build.c */
int pv_domain_build(struct domain *d, const struct domain_config *cfg);

#endif /* PV_INTERNAL_H */
