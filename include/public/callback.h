/* SPDX-License-Identifier: MIT */
/* callback_op(cmd, arg) (hypercall 30): PV entry points for events and syscalls. */
#ifndef PUBLIC_CALLBACK_H
#define PUBLIC_CALLBACK_H

#include <public/xen-types.h>
#include <public/arch-x86/xen-x86_64.h>

#define CALLBACKTYPE_event 0               /* event upcall (events always masked) */
#define CALLBACKTYPE_failsafe 1            /* segment reload failed on return to guest */
#define CALLBACKTYPE_syscall 2             /* 64-bit SYSCALL from guest user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi 4                 /* virtual NMI (events always masked) */
#define CALLBACKTYPE_sysenter 5            /* SYSENTER from 32-bit user mode */
#define CALLBACKTYPE_syscall32 7           /* SYSCALL from 32-bit user mode */

#define CALLBACKF_mask_events (1U << 0) /* set evtchn_upcall_mask on entry */

#define CALLBACKOP_register 0   /* struct callback_register */
#define CALLBACKOP_unregister 1 /* struct callback_unregister */

struct callback_register {
    uint16_t type;          /* IN: CALLBACKTYPE_* (unknown: -ENOSYS) */
    uint16_t flags;         /* IN: CALLBACKF_* */
    uint32_t pad0;
    xen_callback_t address; /* IN: handler VA (non-canonical: -EINVAL) */
};
XEN_ABI_SIZE(struct callback_register, 16);
XEN_ABI_OFFSET(struct callback_register, address, 8);

struct callback_unregister {
    uint16_t type; /* IN: CALLBACKTYPE_* */
    uint16_t pad0;
};
XEN_ABI_SIZE(struct callback_unregister, 4);

#endif /* PUBLIC_CALLBACK_H */
