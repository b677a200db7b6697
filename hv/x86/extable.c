// SPDX-License-Identifier: MIT
/* The exception table: hypervisor instructions that may fault on a
 * guest's behalf (reading a PV guest's memory through a pointer it gave)
 * and where each resumes instead of the fault being fatal. */
#include <hv/traps.h>

/* One entry per faulting instruction, emitted by assembly into .ex_table
 * (dq insn, fixup) and gathered by hv/mica.ld. */
struct extable_entry {
    uint64_t insn;
    uint64_t fixup;
};

extern const struct extable_entry __extable_start[], __extable_end[];

bool extable_fixup(struct cpu_regs *regs)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
        if (e->insn == regs->rip) {
            regs->rip = e->fixup;
            return true;
        }
    }
    return false;
}
