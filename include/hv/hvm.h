/* SPDX-License-Identifier: MIT */
/* Generic HVM: the vendor ops table and the normalized exit record. */
#ifndef HV_HVM_H
#define HV_HVM_H

#include <hv/types.h>

struct domain;
struct vcpu;

/* Why the guest stopped, vendor-neutral. Backends decode their own exit
 * codes into one of these; everything vendor-only stays in the backend. */
enum hvm_exit_reason {
    HVM_EXIT_NONE,          /* handled inside the backend; just re-enter */
    HVM_EXIT_INTR,          /* a physical interrupt for the host */
    HVM_EXIT_IRQ_WINDOW,    /* the guest can take an interrupt now */
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR_READ,
    HVM_EXIT_MSR_WRITE,
    HVM_EXIT_IO,            /* port I/O */
    HVM_EXIT_NPF,           /* nested page fault: MMIO or unbacked memory */
    HVM_EXIT_HLT,
    HVM_EXIT_HYPERCALL,     /* VMMCALL / VMCALL */
    HVM_EXIT_UD,            /* an instruction the guest may not use: #UD */
    HVM_EXIT_GP,            /* the guest raised #GP (intercepted to vet it) */
    HVM_EXIT_SHUTDOWN,      /* triple fault */
    HVM_EXIT_FAIL,          /* VM entry failed: invalid guest state */
};

struct hvm_exit {
    enum hvm_exit_reason reason;
    unsigned int insn_len;  /* length of the exiting instruction, 0 if unknown */
    uint64_t vendor_code;   /* raw vendor exit code, for logs */
    union {
        struct {            /* HVM_EXIT_IO */
            uint16_t port;
            uint8_t size;   /* 1, 2 or 4 */
            bool in;
            bool string;
            bool rep;
            uint8_t addr_size; /* 2, 4 or 8, for string forms */
            uint8_t seg;    /* segment of the source for outs (x86 encoding) */
            uint64_t next_rip;
        } io;
        struct {            /* HVM_EXIT_GP */
            uint32_t error;
        } gp;
        struct {            /* HVM_EXIT_NPF */
            uint64_t gpa;
            bool write;
            bool fetch;
            bool present;   /* a translation existed (permission fault) */
        } npf;
    };
};

/* Segment registers in x86 encoding order. */
enum x86_segment { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS,
                   SEG_GDTR, SEG_LDTR, SEG_IDTR, SEG_TR, NR_SEGMENTS };

struct segment {
    uint16_t sel;
    uint16_t attr;  /* AMD's compressed form: type/S/DPL/P, AVL/L/D/G at 8-11 */
    uint32_t limit;
    uint64_t base;
};

/* Control state the generic code reads and (for set-up) writes. */
enum hvm_ctrl_reg { HVM_CR0, HVM_CR2, HVM_CR3, HVM_CR4, HVM_EFER, HVM_PAT,
                    HVM_RFLAGS, HVM_RIP, HVM_RSP, HVM_RAX, HVM_DR7 };

/* Event types for injection (as in the AMD EVENTINJ / Intel entry field). */
enum hvm_event_type { HVM_EVENT_EXTINT = 0, HVM_EVENT_NMI = 2,
                      HVM_EVENT_EXCEPTION = 3, HVM_EVENT_SOFTINT = 4 };

struct p2m_view_ops;

struct hvm_ops {
    const char *name;
    const struct p2m_view_ops *p2m_view;        /* NPT or EPT */
    int (*cpu_enable)(void);                    /* on every pCPU */
    int (*vcpu_init)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    void (*vcpu_run)(struct vcpu *v, struct hvm_exit *exit);
    uint64_t (*get_reg)(struct vcpu *v, enum hvm_ctrl_reg reg);
    void (*set_reg)(struct vcpu *v, enum hvm_ctrl_reg reg, uint64_t val);
    void (*get_seg)(struct vcpu *v, enum x86_segment seg, struct segment *s);
    void (*set_seg)(struct vcpu *v, enum x86_segment seg, const struct segment *s);
    /* Queue one event for the next entry. False if one is already queued. */
    bool (*inject_event)(struct vcpu *v, enum hvm_event_type type,
                         uint8_t vector, bool has_error, uint32_t error);
    bool (*event_pending)(struct vcpu *v);      /* an injection is queued */
    /* The queued event's type and vector; false if none. Drop it. */
    bool (*queued_event)(struct vcpu *v, enum hvm_event_type *type, uint8_t *vector);
    void (*cancel_event)(struct vcpu *v);
    bool (*interruptible)(struct vcpu *v);      /* IF=1 and no STI/MOV SS shadow */
    void (*enable_irq_window)(struct vcpu *v, bool on);
    unsigned int (*cpl)(struct vcpu *v);
    void (*set_tsc_offset)(struct vcpu *v, int64_t offset);
    void (*set_npt_root)(struct vcpu *v, paddr_t root);
    /* Optional (NULL: nothing to do). Called on the pCPU v last ran on
     * before v runs on another one; VMX flushes its VMCS there. */
    void (*vcpu_unload)(struct vcpu *v);
};

extern const struct hvm_ops *hvm_ops;
extern const struct hvm_ops svm_ops;
extern const struct hvm_ops vmx_ops;

/* Choose and enable the backend for this CPU; false if HVM is unavailable. */
bool hvm_cpu_enable(void);
bool hvm_available(void);

#endif /* HV_HVM_H */
