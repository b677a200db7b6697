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
    size_t n = ((uintptr_t)__extable_end - (uintptr_t)__extable_start) /
               sizeof(struct extable_entry);

    for (size_t i = 0; i < n; i++) {
        if (__extable_start[i].insn == regs->rip) {
            regs->rip = __extable_start[i].fixup;
            return true;
        }
    }
    return false;
}
