// SPDX-License-Identifier: MIT
// PV guest kernel with hardware breakpoints (set_debugreg, get_debugreg):
// a data breakpoint on its own variable fires, #DB bounced to its trap
// table with the breakpoint visible in DR6; the hypervisor writing that
// variable (a hypercall's output) neither fails nor bounces; switched
// off, it fires no more. Refused: breakpoints in the hypervisor or
// non-canonical, DR7's general detect and I/O breakpoints, reserved
// upper halves, registers that do not exist.
#include "pv.h"

const char test_name[] = "pv_debugreg";

#define HV_TEXT 0xffff82d080000000ULL
#define DR6_DEFAULT 0xffff0ff0UL
#define DR7_L0_RW8 0x000f0001UL /* L0; R/W0 = 11 (read or write), LEN0 = 8 bytes */

static volatile uint64_t watched[2] __attribute__((aligned(16)));
static volatile unsigned int dbs;
static volatile uint64_t db_rip;

static void on_db(struct pv_frame *f)
{
    dbs++;
    db_rip = f->rip;
}

static long set_dr(unsigned int reg, uint64_t val)
{
    return hypercall2(__HYPERVISOR_set_debugreg, reg, val);
}

static long get_dr(unsigned int reg)
{
    return hypercall1(__HYPERVISOR_get_debugreg, reg);
}

static void check_refused(void)
{
    EXPECT_RC("DR0 in the hypervisor", set_dr(0, HV_TEXT), -XEN_EPERM);
    EXPECT_RC("DR1 at the M2P", set_dr(1, 0xffff800000000000ULL), -XEN_EPERM);
    EXPECT_RC("DR2 non-canonical", set_dr(2, 0x0000800000000000ULL), -XEN_EPERM);
    EXPECT_RC("DR7 general detect", set_dr(7, 0x2000), -XEN_EPERM);
    EXPECT_RC("DR7 I/O breakpoint", set_dr(7, 0x00020001), -XEN_EPERM);
    EXPECT_RC("DR7 upper half", set_dr(7, 1UL << 32), -XEN_EINVAL);
    EXPECT_RC("DR6 upper half", set_dr(6, 1UL << 40), -XEN_EINVAL);
    EXPECT_RC("DR8", set_dr(8, 0), -XEN_ENODEV);
    EXPECT_RC("get DR9", get_dr(9), -XEN_ENODEV);
    CHECK_EQ("DR0 unchanged", get_dr(0), 0);
    CHECK_EQ("DR7 unchanged", (unsigned long)get_dr(7), 0x400);
    info("breakpoints in the hypervisor, GD, I/O breakpoints, reserved bits refused");
}

static void check_watchpoint(void)
{
    uint64_t after;

    EXPECT_RC("DR0 = &watched", set_dr(0, (uint64_t)&watched[0]), 0);
    EXPECT_RC("DR7 on", set_dr(7, DR7_L0_RW8), 0);
    CHECK_EQ("DR0 read back", (uint64_t)get_dr(0), (uint64_t)&watched[0]);
    CHECK_EQ("DR7 read back", (unsigned long)get_dr(7), DR7_L0_RW8 | 0x400);
    watched[1] = 1; /* the neighbour: no #DB */
    CHECK_EQ("no #DB for the next word", dbs, 0);
    watched[0] = 42;
    CHECK_EQ("#DB bounced for the watched write", dbs, 1);
    CHECK((unsigned long)get_dr(6) & 1, "DR6.B0 set: %#lx", get_dr(6));
    EXPECT_RC("DR6 cleared", set_dr(6, 0), 0);
    CHECK_EQ("DR6 read back", (unsigned long)get_dr(6), DR6_DEFAULT);
    hc_sched_op(SCHEDOP_yield, NULL);
    (void)watched[0];
    CHECK_EQ("#DB for a read after a hypercall", dbs, 2);
    /* the hypervisor writes the watched word: its own #DB is dropped */
    EXPECT_RC("xen_version into the watched word",
              hc_xen_version(XENVER_extraversion, (void *)&watched[0]), 0);
    after = watched[0];
    CHECK(after != 42, "the hypervisor wrote the word: %#lx", after);
    CHECK_EQ("only the guest's own read bounced", dbs, 3);
    EXPECT_RC("DR7 off", set_dr(7, 0), 0);
    watched[0] = 7;
    CHECK_EQ("no #DB once off", dbs, 3);
    info("data breakpoint fired %u times, DR6.B0 seen, hypervisor access ignored", dbs);
}

void test_main(void)
{
    pv_set_handler(1, on_db);
    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    check_refused();
    check_watchpoint();
}
