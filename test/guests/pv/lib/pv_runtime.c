// SPDX-License-Identifier: MIT
// PV test-guest runtime: start, traps, console output and the verdict.
#include "pv.h"
#include "xen_lines.h"

const struct start_info *pv_start_info;
static pv_handler_fn handlers[NR_HANDLERS];
static bool verdict_given;

/* Entries of lib/pv_head.asm. */
extern char pv_entry_de[], pv_entry_db[], pv_entry_bp[], pv_entry_ud[], pv_entry_nm[],
    pv_entry_gp[], pv_entry_pf[], pv_entry_int80[], pv_entry_event[], pv_entry_syscall[];

void pv_set_handler(unsigned int vec, pv_handler_fn fn)
{
    if (vec < NR_HANDLERS)
        handlers[vec] = fn;
}

void pv_trap_dispatch(struct pv_frame *f);
void pv_trap_dispatch(struct pv_frame *f)
{
    if (f->vector < NR_HANDLERS && handlers[f->vector]) {
        handlers[f->vector](f);
        return;
    }
    test_fail("unexpected vector %#lx at %#lx (error %#lx, cs %#lx)", f->vector, f->rip,
              f->error, f->cs);
}

/* Interrupt-gate semantics (flags bit 2) as Linux asks for its IDT; the
 * DPL lets INT3 through from both guest modes and INT 0x80 from user. */
long pv_install_traps(void)
{
    static const struct trap_info table[] = {
        {0, 0, FLAT_KERNEL_CS, 0, (uint64_t)pv_entry_de},
        {1, 4, FLAT_KERNEL_CS, 0, (uint64_t)pv_entry_db},
        {3, 4 | 3, FLAT_KERNEL_CS, 0, (uint64_t)pv_entry_bp},
        {6, 4, FLAT_KERNEL_CS, 0, (uint64_t)pv_entry_ud},
        {7, 4, FLAT_KERNEL_CS, 0, (uint64_t)pv_entry_nm},
        {13, 4, FLAT_KERNEL_CS, 0, (uint64_t)pv_entry_gp},
        {14, 4, FLAT_KERNEL_CS, 0, (uint64_t)pv_entry_pf},
        {0x80, 3, FLAT_KERNEL_CS, 0, (uint64_t)pv_entry_int80},
        {0, 0, 0, 0, 0},
    };

    return hc_set_trap_table(table);
}

long pv_install_callbacks(void)
{
    struct callback_register ev = {CALLBACKTYPE_event, 0, 0, (uint64_t)pv_entry_event};
    struct callback_register sc = {CALLBACKTYPE_syscall, CALLBACKF_mask_events, 0,
                                   (uint64_t)pv_entry_syscall};
    long rc = hc_callback_op(CALLBACKOP_register, &ev);

    return rc ? rc : hc_callback_op(CALLBACKOP_register, &sc);
}

uint64_t pv_mfn_of(const void *va)
{
    const uint64_t *p2m = (const uint64_t *)pv_start_info->mfn_list;

    return p2m[((uint64_t)va - PV_VIRT_BASE) / PAGE_SIZE];
}

/* ns = system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32. */
uint64_t pv_now_ns(const volatile struct vcpu_info *vi)
{
    const volatile struct vcpu_time_info *t = &vi->time;
    uint32_t version, lo, hi;
    uint64_t ns, delta;

    do {
        version = t->version;
        asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
        delta = (((uint64_t)hi << 32) | lo) - t->tsc_timestamp;
        delta = t->tsc_shift >= 0 ? delta << t->tsc_shift : delta >> -t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
    } while ((version & 1) || version != t->version);
    return t->tsc_to_system_mul ? ns : 0;
}

/* One CONSOLEIO_write per line, by the hypercall page (stub 18). */
void xen_line_write(const char *s, size_t n)
{
    hypercall_page3(__HYPERVISOR_console_io, CONSOLEIO_write, n, (unsigned long)s);
}

/* guest.h's power-off (also what ../../lib/console.c's, unused, calls). */
void poweroff(void)
{
    struct sched_shutdown s = {.reason = SHUTDOWN_poweroff};
    long rc = hc_sched_op(SCHEDOP_shutdown, &s);

    printf("%s: SCHEDOP_shutdown(poweroff) returned %ld\n", test_name, rc);
    for (;;)
        hc_sched_op(SCHEDOP_yield, NULL);
}

void test_pass(void)
{
    if (!verdict_given) {
        verdict_given = true;
        printf("Test result: SUCCESS\n");
    }
    poweroff();
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    if (!verdict_given) {
        verdict_given = true;
        va_start(ap, fmt);
        xen_vline("FAIL: ", fmt, ap, "\n");
        va_end(ap);
    }
    poweroff();
}

void pv_start(const struct start_info *si);
void pv_start(const struct start_info *si)
{
    pv_start_info = si;
    test_main();
    test_pass();
}
