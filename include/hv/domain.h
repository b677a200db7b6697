/* SPDX-License-Identifier: MIT */
/* Domains and their virtual CPUs. */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/p2m.h>
#include <hv/sched.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include <hv/types.h>

#define MAX_DOMAINS 80
#define MAX_VCPUS 8

struct domain_config;
struct hvm_platform;
struct pv_domain;
struct xen_domain;
struct xen_vcpu;

enum domain_type { DOMAIN_HVM, DOMAIN_PVH, DOMAIN_PV };

enum shutdown_reason {
    SHUTDOWN_NONE,
    SHUTDOWN_POWEROFF,
    SHUTDOWN_REBOOT,
    SHUTDOWN_CRASH,        /* triple fault or a broken contract */
};

/* Guest general-purpose registers in x86 encoding order. */
enum { GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
       GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
       NR_GPRS };

/*
 * A virtual CPU, run by the scheduler (sched/) on whichever pCPU it picks.
 *
 * Locking: only the pCPU that runs the vCPU touches its state; other CPUs
 * post work through the vlapic (under the domain's platform lock) and call
 * vcpu_kick(). The scheduler's fields are under its lock.
 */
struct vcpu {
    struct domain *domain;
    unsigned int id;
    struct sched_vcpu_state sched;
    /* x87/SSE state while another vCPU owns the FPU (FXSAVE image);
     * guests cannot enable XSAVE (XSETBV is intercepted), so this is all
     * of their extended state. */
    uint8_t fpu[512] __attribute__((aligned(16)));
    uint64_t gpr[NR_GPRS];      /* synced with the backend around each run */
    void *arch;                 /* backend state (struct svm_vcpu, pv_vcpu) */
    struct vlapic *vlapic;
    bool halted;                /* in HLT, waiting for an interrupt */
    /* Application processors wait for INIT and SIPI from another vCPU's
     * LAPIC, as on a PC; sipi_vector is set (with sipi_pending) by the
     * sender under the platform lock and consumed by the vCPU itself. */
    bool wait_for_sipi;
    volatile bool sipi_pending;
    uint8_t sipi_vector;
    bool nmi_pending;
    struct timer wake_timer;    /* next device deadline */
    uint64_t nr_exits;
    uint64_t mtrr[32];          /* MTRR MSRs: stored, no effect under NPT */
    uint64_t mtrr_def_type;
    int64_t tsc_offset;         /* guest TSC = host TSC + offset */
    uint32_t tsc_aux;
    uint64_t tsc_deadline;      /* IA32_TSC_DEADLINE as written */
    struct xen_vcpu *xen;       /* Xen-ABI per-vCPU state, if xen_abi */
};

/*
 * What differs between kinds of domain: HVM and PVH run on the vendor
 * backend (hvm_domain_ops, hv/domain/domain_hvm.c), PV in ring 3
 * (pv_domain_ops, pv/). Hooks marked optional may be NULL.
 */
struct domain_ops {
    const char *name;                               /* "HVM", "PVH", "PV" */
    /* Guest RAM and per-domain state, before the vCPUs exist. */
    int (*domain_init)(struct domain *d);
    void (*domain_destroy)(struct domain *d);      /* after the vCPUs' */
    int (*vcpu_init)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    /* Load the kernel and set vCPU 0's first state. */
    int (*build)(struct domain *d, const struct domain_config *cfg);
    /* Run v until its pCPU is wanted back, v blocks or d dies. */
    void (*vcpu_run)(struct vcpu *v);
    void (*switch_in)(struct vcpu *v);              /* v now owns this pCPU */
    void (*switch_out)(struct vcpu *v);             /* optional: v leaves it */
    /* Hypercall arguments at guest virtual addresses, checked: 0 or
     * -EFAULT, never a fault for the guest or the hypervisor. */
    int (*copy_from_guest)(struct vcpu *v, void *dst, uint64_t gva, size_t len);
    int (*copy_to_guest)(struct vcpu *v, uint64_t gva, const void *src, size_t len);
    /* A write through `via`'s kernel view (the runstate area), while via
     * runs here or is the caller; -EAGAIN when that view is not available
     * now (HVM: not yet in long mode; PV: in user mode), -EFAULT. */
    int (*copy_to_guest_kernel)(struct vcpu *via, uint64_t gva, const void *src, size_t len);
    /* A frame number from the guest (PV: an MFN, else a gfn) that Mica
     * will write, e.g. a vcpu_info: its machine address, and the frame
     * held so the guest cannot make it a page table meanwhile (PV) until
     * guest_frame_put (optional). -EINVAL when it is not the domain's RAM. */
    int (*guest_frame_get)(struct domain *d, uint64_t frame, paddr_t *pa);
    /* VCPUOP_initialise from `caller` for v (a guest context at arg) and
     * VCPUOP_up; optional (PV only): -ENOSYS without. */
    int (*vcpu_initialise)(struct vcpu *caller, struct vcpu *v, uint64_t arg);
    int (*vcpu_up)(struct vcpu *v);
    /* VCPUOP_down from `caller` for v (itself or another of its domain);
     * optional (PV only): -ENOSYS without. */
    int (*vcpu_down)(struct vcpu *caller, struct vcpu *v);
    void (*guest_frame_put)(struct domain *d, uint64_t frame);
    /* A hypervisor page the guest maps by its machine frame (shared_info,
     * grant-table frames): PV hands it to the domain's PV MMU until the
     * domain is destroyed; optional (translated guests map it through
     * their p2m instead). 0 or -errno. */
    int (*frame_share)(struct domain *d, paddr_t pa);
    /* The 'v' debug key: the domain's vCPUs and devices (optional). */
    void (*dump)(struct domain *d);
};

extern const struct domain_ops hvm_domain_ops;

struct domain {
    unsigned int id;
    char name[32];
    enum domain_type type;
    const struct domain_ops *ops;
    uint64_t ram_bytes;
    unsigned int nr_vcpus;
    struct vcpu *vcpu[MAX_VCPUS];
    struct p2m p2m;
    struct hvm_platform *platform;
    bool testdev;                /* RAM-like MMIO test device at 0xfe000000 */
    bool xen_abi;                /* offers Xen's CPUID leaves and hypercalls */
    struct xen_domain *xen;      /* Xen-ABI state (hv/xen/), if xen_abi */
    struct pv_domain *pv;        /* PV state (pv/), if type == DOMAIN_PV */
    volatile bool dying;
    bool destroying;             /* unlisted for domain_for_each (domlist lock) */
    bool hcstats_at_end;         /* print the hypercall counts when destroyed */
    struct sched_dom_state sched;
    enum shutdown_reason shutdown;
    uint64_t created_ns;
    spinlock_t lock;             /* shutdown state */
};

/* Domain parameters from the boot configuration. */
struct domain_config {
    char name[32];
    enum domain_type type;
    uint64_t mem;                /* bytes of RAM */
    unsigned int vcpus;
    bool testdev;
    const void *kernel;          /* kernel image (in the hypervisor's view) */
    size_t kernel_len;
    const void *ramdisk;
    size_t ramdisk_len;
    const char *cmdline;         /* the guest kernel's command line */
    unsigned int weight;         /* scheduler weight (default 256) */
    unsigned int cap;            /* % of one pCPU, 0 = none */
    uint64_t affinity;           /* pCPUs its vCPUs may run on */
    bool hcstats;                /* `stats`: hypercall counts at its end */
};

extern struct domain *domains[MAX_DOMAINS];

int __must_check domain_create(const struct domain_config *cfg, struct domain **out);
void domain_destroy(struct domain *d);
/* fn for each domain not being destroyed, under the domain list's lock:
 * fn must neither block nor create or destroy a domain. */
void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg);
/* Load firmware tables, kernel and devices into a created domain. */
int __must_check domain_build(struct domain *d, const struct domain_config *cfg);
/* Record why the domain ends and stop its vCPUs; safe from any vCPU. */
void domain_shutdown(struct domain *d, enum shutdown_reason why);
/* Crash a domain for a guest-caused fault, with a logged reason. */
void domain_crash(struct domain *d, const char *why);
unsigned int domains_alive(void);
/* Hand the domain to the scheduler (hv/domain/domain_run.c). */
void domain_start(struct domain *d, const struct domain_config *cfg);
/* The last vCPU of a dying domain left its pCPU: destroy it. */
void domain_vcpus_gone(struct domain *d);
/* Build and start the domains the boot modules describe; returns how many
 * still run once all are built (domains_boot_done() called). */
unsigned int boot_domains_create(void);
/* From now on the last domain to end means an empty machine. */
void domains_boot_done(void);
const char *shutdown_reason_name(enum shutdown_reason r);
const char *domain_type_name(enum domain_type type); /* "HVM", "PVH", "PV" */

/* CPUID as v's guest sees it (hv/hvm/cpuid.c). */
struct cpuid_regs;
void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r);

/* Guest-physical copies through the p2m: -EFAULT outside guest RAM. */
int __must_check copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len);
int __must_check copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, size_t len);

#endif /* HV_DOMAIN_H */
