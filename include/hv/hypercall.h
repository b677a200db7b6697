/* SPDX-License-Identifier: MIT */
/* The hypercall table: one list generating dispatch and prototypes. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/types.h>

struct vcpu;

/* Arguments as the guest passed them (RDI, RSI, RDX, R10, R8). A handler
 * that wants to be continued updates them and returns -ERESTART. */
struct hypercall_args {
    uint64_t a[5];
};

#define ERESTART 85 /* internal: re-execute the hypercall with the new args */

/*
 * X(name, number, pv, hvm): every hypercall Mica implements, by the Xen ABI
 * number (include/public/xen.h); `pv`/`hvm` say which guest kinds may call
 * it. Anything not listed returns -ENOSYS. Handlers are do_<name>().
 */
#define HYPERCALL_TABLE(X)                   \
    X(set_trap_table, 0, 1, 0)               \
    X(mmu_update, 1, 1, 0)                   \
    X(set_gdt, 2, 1, 0)                      \
    X(stack_switch, 3, 1, 0)                 \
    X(set_callbacks, 4, 1, 0)                \
    X(fpu_taskswitch, 5, 1, 0)               \
    X(set_debugreg, 8, 1, 0)                 \
    X(get_debugreg, 9, 1, 0)                 \
    X(update_descriptor, 10, 1, 0)           \
    X(memory_op, 12, 1, 1)                   \
    X(multicall, 13, 1, 0)                   \
    X(update_va_mapping, 14, 1, 0)           \
    X(set_timer_op, 15, 1, 1)                \
    X(xen_version, 17, 1, 1)                 \
    X(console_io, 18, 1, 1)                  \
    X(grant_table_op, 20, 1, 1)              \
    X(vm_assist, 21, 1, 1)                   \
    X(iret, 23, 1, 0)                        \
    X(vcpu_op, 24, 1, 1)                     \
    X(set_segment_base, 25, 1, 0)            \
    X(mmuext_op, 26, 1, 0)                   \
    X(sched_op, 29, 1, 1)                    \
    X(callback_op, 30, 1, 0)                 \
    X(event_channel_op, 32, 1, 1)            \
    X(physdev_op, 33, 1, 0)                  \
    X(hvm_op, 34, 0, 1)

#define HYPERCALL_PROTO(name, nr, pv, hvm) \
    long do_##name(struct vcpu *v, struct hypercall_args *args);
HYPERCALL_TABLE(HYPERCALL_PROTO)
#undef HYPERCALL_PROTO

#define NR_HYPERCALLS 64

/* Run hypercall `nr` for v; returns the value for RAX, or -ERESTART when
 * the guest must execute the call again (args updated in place). */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, struct hypercall_args *args);

/* Checked guest memory access for hypercall arguments: guest virtual
 * addresses through the guest's page tables, RAM only. 0 or -EFAULT,
 * never a fault injected into the guest. */
int __must_check copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int __must_check copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);

#endif /* HV_HYPERCALL_H */
