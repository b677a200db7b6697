// SPDX-License-Identifier: MIT
/* Unit tests of PV bounce frames and event delivery (pv/pv_traps.c), with
 * the guest stack, the mode switch and domain_crash as fakes. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test_support.h"
#include <hv/errno.h>
#include <pv_internal.h>

#define KSTACK 0xffffffff80200000ULL /* guest kernel stack top */
#define USTACK 0x00007ffff0001238ULL
#define HANDLER 0xffffffff80101000ULL

static struct domain dom;
static struct xen_domain xdom;
static struct shared_info shinfo;
static struct xen_vcpu xv;
static struct pv_vcpu pv;
static struct vcpu vc;
static uint64_t written[16], written_at;
static size_t written_len;
static bool copy_fails;
static unsigned int toggles, crashes;

/* Fakes of what pv_traps.c calls outside itself. */
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    (void)v;
    if (copy_fails || len > sizeof(written))
        return -EFAULT;
    memcpy(written, src, len);
    written_at = gva, written_len = len;
    return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    (void)v, (void)dst, (void)gva, (void)len;
    return -EFAULT;
}

void pv_toggle_mode(struct vcpu *v)
{
    pv_vcpu(v)->kernel_mode = !pv_vcpu(v)->kernel_mode;
    toggles++;
}

void domain_crash(struct domain *d, const char *why)
{
    (void)d, (void)why;
    crashes++;
}

bool pv_log_allowed(struct domain *d)
{
    (void)d;
    return true;
}

bool pv_emulate_ud(struct vcpu *v) { (void)v; return false; }
bool pv_emulate_gp(struct vcpu *v) { (void)v; return false; }
bool pv_emulate_ptwr(struct vcpu *v, uint64_t addr) { (void)v; (void)addr; return false; }

static int setup(void **state)
{
    (void)state;
    memset(&pv, 0, sizeof(pv));
    memset(&shinfo, 0, sizeof(shinfo));
    memset(written, 0, sizeof(written));
    written_len = 0;
    copy_fails = false;
    toggles = crashes = 0;
    dom.xen = &xdom;
    xdom.shinfo = &shinfo;
    xv.vinfo = &shinfo.vcpu_info[0];
    vc = (struct vcpu){ .domain = &dom, .xen = &xv, .arch = &pv };
    pv.kernel_mode = true;
    pv.kernel_sp = KSTACK;
    pv.regs = (struct cpu_regs){ .rcx = 0x1111, .r11 = 0x2222, .rip = 0xffffffff80100123,
                                 .cs = FLAT_KERNEL_CS, .rflags = 0x10246,
                                 .rsp = KSTACK - 0x108, .ss = FLAT_KERNEL_SS };
    return 0;
}

/* Kernel mode, #PF with its error code: on the current stack, 16-aligned,
 * RCX, R11, error, RIP, CS with RPL 0 and the saved mask, RFLAGS with IF
 * from the mask, RSP, SS; the handler runs with events masked. */
static void test_kernel_fault(void **state)
{
    (void)state;
    pv.trap[14] = (struct trap_info){ 14, TI_MASK_EVENTS, FLAT_KERNEL_CS, 0, HANDLER };
    pv.cr2 = 0xdead000;
    assert_true(pv_inject_exception(&vc, 14, 0x7));
    assert_int_equal(written_len, 8 * 8);
    assert_int_equal(written_at, ((KSTACK - 0x108) & ~15ULL) - 64);
    assert_int_equal(written[0], 0x1111);
    assert_int_equal(written[1], 0x2222);
    assert_int_equal(written[2], 0x3);                 /* U cleared: kernel mode */
    assert_int_equal(written[3], 0xffffffff80100123);
    assert_int_equal(written[4], FLAT_KERNEL_CS & ~3); /* mask 0 in 39:32 */
    assert_int_equal(written[5], 0x10246 | 0x200);     /* IF: events were on */
    assert_int_equal(written[6], KSTACK - 0x108);
    assert_int_equal(written[7], FLAT_KERNEL_SS);
    assert_int_equal(shinfo.vcpu_info[0].arch.cr2, 0xdead000);
    assert_int_equal(shinfo.vcpu_info[0].evtchn_upcall_mask, 1);
    assert_int_equal(pv.regs.rip, HANDLER);
    assert_int_equal(pv.regs.rsp, written_at);
    assert_int_equal(pv.regs.rflags & 0x10100, 0);     /* RF and TF cleared */
    assert_int_equal(toggles, 0);
}

/* User mode: to the kernel stack from stack_switch, through the mode
 * switch; the frame keeps the user's RPL 3, and with events masked the
 * saved mask shows in CS and IF is clear; no error code for #BP. */
static void test_user_trap(void **state)
{
    (void)state;
    pv.kernel_mode = false;
    pv.regs.cs = FLAT_USER_CS64;
    pv.regs.rsp = USTACK;
    shinfo.vcpu_info[0].evtchn_upcall_mask = 1;
    pv.trap[3] = (struct trap_info){ 3, 3, FLAT_KERNEL_CS, 0, HANDLER };
    assert_true(pv_inject_exception(&vc, 3, 0));
    assert_int_equal(toggles, 1);
    assert_true(pv.kernel_mode);
    assert_int_equal(written_len, 7 * 8);
    assert_int_equal(written_at, KSTACK - 56);
    assert_int_equal(written[3], FLAT_USER_CS64 | (1ULL << 32));
    assert_int_equal(written[4] & 0x200, 0);
    assert_int_equal(written[5], USTACK);
    assert_int_equal(pv.regs.cs, FLAT_KERNEL_CS);
}

static void test_user_pf_sets_u(void **state)
{
    (void)state;
    pv.kernel_mode = false;
    pv.trap[14] = (struct trap_info){ 14, 0, FLAT_KERNEL_CS, 0, HANDLER };
    assert_true(pv_inject_exception(&vc, 14, 0x2));
    assert_int_equal(written[2], 0x6);
    assert_int_equal(shinfo.vcpu_info[0].evtchn_upcall_mask, 0); /* not an interrupt gate */
}

static void test_no_handler_or_bad_stack_crashes(void **state)
{
    (void)state;
    assert_false(pv_inject_exception(&vc, 13, 0));
    assert_int_equal(crashes, 1);
    pv.trap[13] = (struct trap_info){ 13, 0, FLAT_KERNEL_CS, 0, HANDLER };
    copy_fails = true;
    assert_false(pv_inject_exception(&vc, 13, 0));
    assert_int_equal(crashes, 2);
    assert_int_not_equal(pv.regs.rip, HANDLER);
}

/* Events: only when pending, not masked and a callback exists. */
static void test_event_delivery(void **state)
{
    struct vcpu_info *vi = &shinfo.vcpu_info[0];

    (void)state;
    vi->evtchn_upcall_pending = 1;
    pv_deliver_events(&vc); /* no callback */
    assert_int_equal(written_len, 0);
    pv.event_cb = HANDLER;
    vi->evtchn_upcall_mask = 1;
    pv_deliver_events(&vc);
    assert_int_equal(written_len, 0);
    vi->evtchn_upcall_mask = 0;
    pv_deliver_events(&vc);
    assert_int_equal(written_len, 7 * 8);
    assert_int_equal(pv.regs.rip, HANDLER);
    assert_int_equal(vi->evtchn_upcall_mask, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_kernel_fault, setup),
        cmocka_unit_test_setup(test_user_trap, setup),
        cmocka_unit_test_setup(test_user_pf_sets_u, setup),
        cmocka_unit_test_setup(test_no_handler_or_bad_stack_crashes, setup),
        cmocka_unit_test_setup(test_event_delivery, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
