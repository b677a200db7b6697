// SPDX-License-Identifier: MIT
// Guest that triple faults on purpose: the verdict is the hypervisor's
// report of the domain's shutdown (natively, QEMU's reset with -no-reboot).
#include "guest.h"
#include "traps.h"

const char test_name[] = "triple_fault";

/* With an IDT limit of 0, INT3 cannot be delivered (#GP), nor can the #GP
 * or the resulting #DF: a triple fault, i.e. shutdown (Intel SDM vol. 3,
 * "Interrupt 8—Double Fault Exception (#DF)"). */
void test_main(void)
{
    info("about to triple fault");
    load_idt(NULL, 0);
    asm volatile("int3");
    test_fail("int3 with an empty IDT returned");
}
