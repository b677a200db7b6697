/* SPDX-License-Identifier: MIT */
/* PV test-guest runtime: start_info, traps and events in guest kernel
 * mode (ring 3), output and verdict through hypercalls. */
#ifndef PV_H
#define PV_H

/*
 * A PV guest links the printf formatting and string functions of ../../lib
 * and ../../pvh/lib's result checks with this runtime, which replaces the
 * multiboot start, IDT and COM1 console: guest.h's API (test_main, info,
 * CHECK, test_pass/test_fail) is unchanged; output goes through console_io
 * (by the hypercall page) and the verdict ends with SCHEDOP_shutdown.
 */

#include "guest.h"
#include "pv_hypercall.h"

#define PV_VIRT_BASE 0xffffffff80000000UL
#define PAGE_SIZE 4096UL
#define VEC_EVENT 0x100   /* the event callback (lib/pv_head.asm) */
#define VEC_SYSCALL 0x101 /* the syscall callback */
#define VEC_FAILSAFE 0x102 /* the failsafe callback (pv_entry_failsafe) */
#define NR_HANDLERS 0x103
/* The selector a segment register holds ("ds", "fs", ...). */
#define pv_read_sel(seg)                                                                \
    ({                                                                                 \
        uint16_t sel_;                                                                 \
        asm volatile("mov %%" seg ", %0" : "=r"(sel_));                                \
        sel_;                                                                          \
    })
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* What a bounce left, as lib/pv_head.asm saves it. cs has RPL 0 when the
 * guest kernel was interrupted, 3 for guest user mode; bits 39:32 hold the
 * upcall mask of the time. */
struct pv_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*pv_handler_fn)(struct pv_frame *f);

extern const struct start_info *pv_start_info;

/* Route a vector (0..255, VEC_EVENT, VEC_SYSCALL) to fn; NULL: unexpected. */
void pv_set_handler(unsigned int vec, pv_handler_fn fn);
/* set_trap_table for the vectors lib/pv_head.asm has entries for; INT
 * 0x80 allowed from user mode (DPL 3). Returns the hypercall's result. */
long pv_install_traps(void);
/* The event and syscall callbacks (CALLBACKOP_register). */
long pv_install_callbacks(void);
/* The failsafe callback's entry, and the DS, ES, FS, GS its last frame
 * carried (lib/pv_head.asm). */
extern char pv_entry_failsafe[];
/* The NMI callback's entry (vector 2); register it to take virtual NMIs. */
extern char pv_entry_nmi[];
extern uint64_t pv_failsafe_sels[4];
/* Machine frame of one of the guest's addresses in the boot region. */
uint64_t pv_mfn_of(const void *va);
/* pvclock from a vcpu_info's time record (0 if unusable). */
uint64_t pv_now_ns(const volatile struct vcpu_info *vi);

/* Leave for the context {rip, cs, rflags, rsp, ss} by the iret hypercall. */
struct pv_iret_frame {
    uint64_t rip, cs, rflags, rsp, ss;
};
void pv_iret_to(const struct pv_iret_frame *f) __noreturn;

struct pv_jmp {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
int pv_setjmp(struct pv_jmp *j) __attribute__((returns_twice));
void pv_longjmp(struct pv_jmp *j) __noreturn;

/* ../../pvh/lib/pvh_check.c */
const char *xen_errno_name(long rc);
void expect_rc_(const char *what, long rc, const long *want, size_t n);
#define EXPECT_RC(what, rc, ...)                                                        \
    expect_rc_((what), (rc), (const long[]){__VA_ARGS__},                               \
               sizeof((const long[]){__VA_ARGS__}) / sizeof(long))

#endif /* PV_H */
