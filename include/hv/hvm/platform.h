/* SPDX-License-Identifier: MIT */
/* An HVM domain's emulated platform: the I/O bus and its devices. */
#ifndef HV_HVM_PLATFORM_H
#define HV_HVM_PLATFORM_H

#include <hv/domain.h>
#include <hv/hvm/devmodel.h>

enum io_space { IO_PORT, IO_MMIO };

#define IO_BUS_MAX 24

/* A claimed range: accesses inside it go to the device's handler with the
 * offset from `base`... unless `absolute`, then with the address itself. */
struct io_range {
    enum io_space space;
    uint64_t base, len;
    const struct hvm_io_ops *ops;
    void *dev;
    bool absolute;
};

/* Register a range at platform set-up (before the vCPUs run). */
int __must_check hvm_io_register(struct domain *d, enum io_space space, uint64_t base,
                                 uint64_t len, const struct hvm_io_ops *ops, void *dev,
                                 bool absolute);
/* Dispatch one access. Unclaimed: reads give all-ones, writes are dropped,
 * and the return is -ENOENT so the caller can log (rate-limited). */
int hvm_io_access(struct domain *d, enum io_space space, uint64_t addr,
                  unsigned int size, bool write, uint64_t *val);

int __must_check hvm_platform_init(struct domain *d);
void hvm_platform_destroy(struct domain *d);
/* Run device timers due by now; returns the next deadline (guest ns). */
uint64_t hvm_platform_poll(struct vcpu *v);
/* Deliver a pending interrupt if the vCPU can take one, else ask for an
 * interrupt window. Returns true if HLT should end (something pending). */
bool hvm_platform_inject(struct vcpu *v);
/* domain_ops.dump of HVM/PVH domains: vCPUs and devices (hvm_dump.c). */
void hvm_domain_dump(struct domain *d);
/* Guest time of a domain: nanoseconds since it was created. */
uint64_t hvm_guest_now(const struct domain *d);
/* The APIC base MSR (0x1b) of a vCPU: 0, or -1 for #GP. */
int hvm_platform_apic_base_msr(struct vcpu *v, bool write, uint64_t *val);
/* IA32_TSC_DEADLINE of a vCPU: writes arm the vLAPIC for guest time
 * deadline_ns (0 disarms); reads give the value written while armed. */
int hvm_platform_tsc_deadline(struct vcpu *v, bool write, uint64_t *val,
                              uint64_t deadline_ns);
/* Console input from the console switch. */
void hvm_platform_console_input(struct domain *d, uint8_t c);

#endif /* HV_HVM_PLATFORM_H */
