// SPDX-License-Identifier: MIT
// PV guests that break the ABI in ways only a domain crash can answer:
// the hypervisor must crash this domain, with a reason, and nothing else.
#include "pv.h"

const char test_name[] = "pv_crash";

static bool mode_is(const char *mode)
{
    const char *line = pv_start_info->cmd_line;
    size_t n = strlen(mode);

    for (const char *p = line; *p; p++)
        if (!memcmp(p, "mode=", 5) && !memcmp(p + 5, mode, n) && (!p[5 + n] || p[5 + n] == ' '))
            return true;
    return false;
}

void test_main(void)
{
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    if (mode_is("stack")) {
        /* An exception whose bounce frame would land in the hypervisor. */
        info("INT3 with RSP in the hypervisor's range: expect a domain crash");
        asm volatile("mov %0, %%rsp; int3" : : "r"(0xffff830000100000ULL) : "memory");
    } else if (mode_is("iret")) {
        /* The iret hypercall with its frame on an unmapped stack. */
        info("iret hypercall with an unreadable frame: expect a domain crash");
        asm volatile("mov %0, %%rsp; mov %1, %%eax; syscall"
                     : : "r"(0x1000ULL), "i"(__HYPERVISOR_iret) : "memory");
    } else if (mode_is("compat")) {
        /* An iret to 32-bit code above 4 GiB: IRETQ itself would fault. */
        struct pv_iret_frame f = {0x100000000ULL, 0xe023, 0x202, 0x1000, FLAT_RING3_SS64};
        struct mmuext_op user_base = {MMUEXT_NEW_USER_BASEPTR, 0,
                                      pv_mfn_of((void *)pv_start_info->pt_base), 0};

        EXPECT_RC("NEW_USER_BASEPTR", hc_mmuext_op(&user_base, 1), 0);
        info("iret to compatibility mode at 4 GiB: expect a domain crash");
        pv_iret_to(&f);
    } else if (mode_is("nouser")) {
        /* iret to user mode before any NEW_USER_BASEPTR. */
        struct pv_iret_frame f = {0x400000, FLAT_USER_CS, 0x202, 0x401000, FLAT_RING3_SS64};

        info("iret to user mode without user page tables: expect a domain crash");
        pv_iret_to(&f);
    } else if (mode_is("nohandler")) {
        info("#UD with no trap table: expect a domain crash");
        hc_set_trap_table(NULL);
        asm volatile("ud2");
    }
    test_fail("still running after the deliberate breakage (cmdline \"%s\")",
              pv_start_info->cmd_line);
}
