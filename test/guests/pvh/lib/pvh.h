/* SPDX-License-Identifier: MIT */
/* PVH test-guest runtime: boot information, Xen detection, events, time, checks. */
#ifndef PVH_H
#define PVH_H

/*
 * A PVH guest links the shared test-guest runtime of ../../lib (long-mode
 * entry, IDT and expect_fault(), identity paging helpers, printf formatting,
 * ACPI power-off as a last resort) with this one, which replaces the
 * multiboot start, the COM1 console and the ACPI verdict path by their Xen
 * equivalents. guest.h's API (test_main, info, CHECK, test_pass/test_fail)
 * is unchanged; output goes through console_io and the verdict ends with
 * SCHEDOP_shutdown.
 */

#include "guest.h"
#include "hypercall.h"
#include "paging.h"
#include "traps.h"

#define PAGE_SHIFT 12
#define MS(n) ((uint64_t)(n) * 1000000ULL)
#define US(n) ((uint64_t)(n) * 1000ULL)
#define EVTCHN_UPCALL_VECTOR 0xf3 /* Linux's HYPERVISOR_CALLBACK_VECTOR */
/* Memory the hypervisor or an interrupt handler changes behind our back. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* --- Boot information (pvh_start.c) --- */
extern const struct hvm_start_info *pvh_start_info;
const char *pvh_cmdline(void);
/* "key=<decimal>" from the command line, else def. */
unsigned long pvh_cmdline_ulong(const char *key, unsigned long def);
/* First character of "key=<c>...", else def. */
char pvh_cmdline_char(const char *key, char def);
unsigned int pvh_memmap_count(void);
const struct hvm_memmap_table_entry *pvh_memmap(unsigned int i);
/* End of the RAM entry holding 1 MiB (the image), extended over touching
 * RAM entries. */
uint64_t pvh_ram_end(void);

/* --- CPUID leaves (pvh_start.c): base of "XenVMMXenVMM" / "MicaMicaMica"
 * among 0x40000000 + n * 0x100, 0 if absent. --- */
uint32_t xen_cpuid_base(void);
uint32_t mica_cpuid_base(void);
/* Own domain id from CPUID base+4 (DOMID_PRESENT), else DOMID_SELF. */
uint16_t xen_own_domid(void);

/* --- Output and verdict (pvh_output.c) --- */
/* Runtime-internal: chooses VMMCALL or VMCALL and installs the #UD handler
 * that recognises it. */
void pvh_output_init(void);
/* SCHEDOP_shutdown(reason); returns only if the hypercall fails. */
long xen_shutdown(unsigned int reason);

/* --- Checks (pvh_check.c) --- */
const char *xen_errno_name(long rc);
/* FAIL unless rc is one of want[0..n-1]; want[0] is what Xen returns, the
 * others are documented alternatives, reported when seen. */
void expect_rc_(const char *what, long rc, const long *want, size_t n);
#define EXPECT_RC(what, rc, ...)                                                        \
    expect_rc_((what), (rc), (const long[]){__VA_ARGS__},                               \
               sizeof((const long[]){__VA_ARGS__}) / sizeof(long))

/* Pointers a hypercall must refuse with -EFAULT: each names a guest virtual
 * address that is not mapped (or not backed by guest RAM). */
struct bad_ptr {
    const char *name;
    uintptr_t addr;
};
size_t pvh_bad_ptrs(const struct bad_ptr **list);
/* An address n bytes below a page the runtime unmapped (n <= 4096). */
void *pvh_guard_edge(size_t n);
/* Guest-physical address not covered by the memory map and below 4 GiB,
 * or 0 if there is none: a frame the guest does not own. */
uint64_t pvh_unbacked_gpa(void);

/* --- Shared info, events, time (pvh_events.c, pvh_time.c) --- */
/* Map shared_info at the runtime's page (XENMEM_add_to_physmap);
 * 0 or the hypercall's error. */
long xen_map_shared_info(void);
/* The mapped page and its gfn (FAIL if not mapped yet). */
struct shared_info *xen_shared_info(void);
uint64_t xen_shared_info_gfn(void);
struct vcpu_info *xen_vcpu_info(void);
/* Switch to a vcpu_info registered elsewhere (VCPUOP_register_vcpu_info). */
void xen_set_vcpu_info(struct vcpu_info *vi);
/* shared_info + IDT vector 0xf3 + HVM_PARAM_CALLBACK_IRQ (vector type);
 * FAIL on error. */
void xen_events_init(void);
/* Upcalls seen for a port (pending and unmasked when scanned), total. */
uint32_t evtchn_count(unsigned int port);
uint32_t upcall_count(void);
/* System time at which the upcall last found the port pending. */
uint64_t evtchn_last_ns(unsigned int port);
bool evtchn_test_pending(unsigned int port);
void evtchn_clear_pending(unsigned int port);
void evtchn_set_mask(unsigned int port);
bool evtchn_test_mask(unsigned int port);
/* With interrupts enabled, wait until evtchn_count(port) != before or the
 * timeout passes; true if it changed. */
bool evtchn_wait(unsigned int port, uint32_t before, uint64_t timeout_ns);
/* Let pending upcalls in (interrupts on for about 1 ms). */
void events_drain(void);

/* Thin EVTCHNOP wrappers returning the hypercall's result. */
long evtchn_alloc_unbound(uint16_t remote, uint32_t *port);
long evtchn_bind_ipi(uint32_t vcpu, uint32_t *port);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port);
long evtchn_bind_interdomain(uint16_t remote, uint32_t rport, uint32_t *port);
long evtchn_send(uint32_t port);
long evtchn_close(uint32_t port);
long evtchn_unmask(uint32_t port);
long evtchn_status(uint16_t dom, uint32_t port, struct evtchn_status *st);
long hvm_get_param(uint16_t domid, uint32_t index, uint64_t *value);
long hvm_set_param(uint16_t domid, uint32_t index, uint64_t value);
long vcpu_set_singleshot(uint64_t abs_ns, uint32_t flags);

/* PV console ring frontend (pvh_ring.c): map it from the HVM params (FAIL
 * if absent), write with flow control, wait for the backend to consume. */
struct xencons_interface *console_ring_setup(uint32_t *port);
void console_ring_write(const char *s, size_t n, uint64_t timeout_ns);
bool console_ring_drained(uint64_t timeout_ns);

/* pvclock (xen-abi.md §4.2): system time in ns from the current vcpu_info;
 * FAIL if the record is unusable (multiplier 0). */
uint64_t xen_now_ns(void);
/* Same, from a given record; false if its version never settles. */
bool pvclock_read(const volatile struct vcpu_time_info *t, uint64_t *ns);
/* Spin (interrupts as they are) for ns of system time. */
void xen_delay_ns(uint64_t ns);

#endif /* PVH_H */
