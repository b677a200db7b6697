/* SPDX-License-Identifier: MIT */
/* Generic HVM services used across hv/hvm/: guest memory by linear
 * address, event injection helpers, the run loop. */
#ifndef HV_HVM_VCPU_H
#define HV_HVM_VCPU_H

#include <hv/domain.h>
#include <hv/hvm.h>
#include <hv/x86.h>

/* Result of a guest page walk that failed: the #PF to inject. */
struct guest_fault {
    uint8_t vector;     /* 14 (#PF) or 13 (#GP) */
    uint32_t error;
    uint64_t cr2;
};

#define PFEC_PRESENT (1U << 0)
#define PFEC_WRITE (1U << 1)
#define PFEC_USER (1U << 2)
#define PFEC_FETCH (1U << 4)
/* Not an error-code bit: an access the hypervisor makes on the guest
 * kernel's behalf (runstate area), checked as supervisor whatever the CPL. */
#define HVM_ACCESS_KERNEL (1U << 31)

/* Translate a linear address with the guest's paging mode (none, 32-bit,
 * PAE, 4-level). `access` is PFEC_WRITE/PFEC_FETCH; user mode is taken
 * from the current CPL unless HVM_ACCESS_KERNEL is set. 0, or -EFAULT with *fault filled. */
int hvm_translate(struct vcpu *v, uint64_t linear, uint32_t access, uint64_t *gpa,
                  struct guest_fault *fault);
/* Copy to/from guest linear memory (RAM only), page by page. */
int hvm_copy_from_linear(struct vcpu *v, void *dst, uint64_t linear, size_t len,
                         uint32_t access, struct guest_fault *fault);
int hvm_copy_to_linear(struct vcpu *v, uint64_t linear, const void *src, size_t len,
                       struct guest_fault *fault);
int hvm_copy_to_linear_kernel(struct vcpu *v, uint64_t linear, const void *src, size_t len,
                              struct guest_fault *fault);

void hvm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
void hvm_inject_fault(struct vcpu *v, const struct guest_fault *f);
static inline void hvm_inject_ud(struct vcpu *v) { hvm_inject_exception(v, 6, false, 0); }
static inline void hvm_inject_gp(struct vcpu *v) { hvm_inject_exception(v, 13, true, 0); }
void hvm_advance_rip(struct vcpu *v, unsigned int len);

/* 64-bit mode: EFER.LMA and CS.L. */
static inline bool hvm_long_mode(struct vcpu *v)
{
    struct segment cs;

    hvm_ops->get_seg(v, SEG_CS, &cs);
    return (hvm_ops->get_reg(v, HVM_EFER) & EFER_LMA) && (cs.attr & (1U << 9));
}

static inline bool seg_is_flat64(unsigned int seg)
{
    return seg != SEG_FS && seg != SEG_GS;
}

/* Exit handlers (hv/hvm/). */
void hvm_handle_cpuid(struct vcpu *v, const struct hvm_exit *e);
void hvm_handle_msr(struct vcpu *v, const struct hvm_exit *e, bool write);
void hvm_handle_io(struct vcpu *v, const struct hvm_exit *e);
void hvm_handle_npf(struct vcpu *v, const struct hvm_exit *e);
void hvm_handle_hlt(struct vcpu *v, const struct hvm_exit *e);
void hvm_handle_gp(struct vcpu *v, const struct hvm_exit *e);
void hvm_handle_hypercall(struct vcpu *v, const struct hvm_exit *e);
void hvm_handle_exit(struct vcpu *v, const struct hvm_exit *e);

/* Decode the guest instruction at RIP (hv/hvm/emulate); 0 or -1 when it
 * cannot be fetched or decoded. */
struct x86_insn;
int hvm_decode_at_rip(struct vcpu *v, struct x86_insn *insn);
/* Fill io.addr_size and io.seg of a string I/O exit by decoding it. */
int hvm_decode_string_io(struct vcpu *v, struct hvm_exit *e);
/* Length of the instruction at RIP, from the exit or by decoding it. */
unsigned int hvm_insn_length(struct vcpu *v, const struct hvm_exit *e, unsigned int fallback);

/* Real-mode start at vector:0000 after a Startup IPI. */
void hvm_vcpu_set_sipi_state(struct vcpu *v, uint8_t vector);

/* Run v on this pCPU until the scheduler wants the pCPU back, v blocks
 * or its domain dies (called by sched/switch.c). */
void hvm_vcpu_run(struct vcpu *v);
/* v was just switched in on this pCPU. */
void hvm_vcpu_switched_in(struct vcpu *v);
/* Set up v's device wake-up timer (at creation). */
void hvm_vcpu_timers_init(struct vcpu *v);
/* Firmware tables, kernel, devices and vCPU 0 of a new HVM or PVH domain
 * (hv/domain/domain_build.c). */
int __must_check hvm_domain_build(struct domain *d, const struct domain_config *cfg);

#endif /* HV_HVM_VCPU_H */
