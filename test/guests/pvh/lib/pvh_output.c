// SPDX-License-Identifier: MIT
// PVH test-guest output: console_io lines, verdict, SCHEDOP_shutdown; COM1 as fallback.
#include "acpi.h"
#include "pvh.h"
#include "xen_lines.h"

/*
 * A PVH guest has no device it can count on, so every line goes to Xen's
 * console with one CONSOLEIO_write (Xen buffers a domU's output up to the
 * newline and prints it as "(dN) ..."; one write per line keeps a
 * hypervisor that prints per write just as readable). Two fallbacks, both
 * to COM1 (vsnprintf and the UART driver come from ../../lib/console.c):
 * console_io returning an error, and VMMCALL raising #UD, which means no
 * hypervisor intercepts it at all, e.g. plain QEMU booting the PVH note.
 */

static bool use_uart, hypercalls_dead, verdict_given, in_verdict, in_console_io;
static const uint8_t vmmcall_insn[3] = {0x0f, 0x01, 0xd9};

static void switch_to_uart(void)
{
    if (!use_uart) {
        use_uart = true;
        serial_init();
    }
}

/* s may be xen_vline()'s buffer: notes are formatted elsewhere. */
void xen_line_write(const char *s, size_t n)
{
    char note[128];
    long rc;

    if (!use_uart && !hypercalls_dead) {
        in_console_io = true;
        rc = hc_console_io(CONSOLEIO_write, n, s);
        in_console_io = false;
        if (rc == 0)
            return;
        switch_to_uart();
        if (!hypercalls_dead) {
            snprintf(note, sizeof(note), "%s: console_io(CONSOLEIO_write) returned %ld "
                     "(%s); output continues on COM1\n", test_name, rc, xen_errno_name(rc));
            serial_write(note, strlen(note));
        }
    }
    serial_write(s, n);
    if (hypercalls_dead && !in_verdict)
        test_fail("hypercalls (VMMCALL) raise #UD: no Xen ABI here");
}

long xen_shutdown(unsigned int reason)
{
    struct sched_shutdown s = {.reason = reason};

    if (hypercalls_dead)
        return -XEN_ENOSYS;
    return hc_sched_op(SCHEDOP_shutdown, &s);
}

/* SCHEDOP_shutdown(poweroff); if that is impossible, ACPI S5 (plain QEMU). */
static void __noreturn finish(void)
{
    long rc = xen_shutdown(SHUTDOWN_poweroff);

    if (!hypercalls_dead)
        printf("%s: SCHEDOP_shutdown(poweroff) returned %ld (%s)\n", test_name, rc,
               xen_errno_name(rc));
    acpi_init();
    poweroff();
}

void test_pass(void)
{
    cli();
    if (!verdict_given) {
        verdict_given = in_verdict = true;
        printf("Test result: SUCCESS\n");
    }
    finish();
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    cli();
    if (!verdict_given) {
        verdict_given = in_verdict = true;
        va_start(ap, fmt);
        xen_vline("FAIL: ", fmt, ap, "\n");
        va_end(ap);
    }
    finish();
}

/*
 * #UD: a VMMCALL nobody intercepted is reported as such; the rest as the
 * shared runtime would report them. If it was console_io, the hypercall is
 * completed as -ENOSYS instead, so that the line being printed (a verdict
 * perhaps) still reaches COM1 before xen_line_write() fails the test.
 */
static void first_cpuid_signature(char sig[13])
{
    struct cpuid_regs r = cpuid(0x40000000, 0);

    memcpy(sig + 0, &r.ebx, 4);
    memcpy(sig + 4, &r.ecx, 4);
    memcpy(sig + 8, &r.edx, 4);
    sig[12] = '\0';
    for (unsigned int i = 0; i < 12; i++)
        if (sig[i] < 0x20 || sig[i] > 0x7e)
            sig[i] = '.';
}

static void ud_handler(struct trap_frame *f)
{
    char sig[13], line[256];

    if (memcmp((const void *)f->ip, vmmcall_insn, sizeof(vmmcall_insn)) != 0)
        test_fail("unexpected exception #UD (vector 6) at %#lx", f->ip);
    hypercalls_dead = true;
    switch_to_uart();
    first_cpuid_signature(sig);
    snprintf(line, sizeof(line),
             "%s: hypercall %lu raised #UD at %#lx: VMMCALL is not intercepted, this is "
             "not a Xen-ABI hypervisor (CPUID 0x40000000 signature \"%s\")\n",
             test_name, f->ax, f->ip, sig);
    serial_write(line, strlen(line));
    if (!in_console_io)
        test_fail("hypercall %lu (VMMCALL) raised #UD: no Xen ABI here", f->ax);
    f->ax = (ureg_t)-XEN_ENOSYS;
    f->ip += sizeof(vmmcall_insn);
}

void pvh_output_init(void)
{
    trap_set_handler(X86_EXC_UD, ud_handler);
}
