// SPDX-License-Identifier: MIT
/*
 * Port I/O of PV guests: physdev_op (33) with PHYSDEVOP_set_iopl, and the
 * IN/OUT a guest with a high enough virtual IOPL executes, emulated as Xen
 * does for a domain that owns no I/O ports (every domain here): reads
 * return all ones, writes go nowhere, except that the PCI configuration
 * address (0xcf8, 32 bits) reads back what was written. Linux asks for
 * IOPL 1 at boot and then probes PCI and legacy devices with plain IN and
 * OUT; on Mica the devices are simply absent. The hardware IOPL stays 0,
 * so every IN/OUT arrives here as #GP. CLI and STI under that IOPL do
 * nothing, as on Xen (a guest masks events through its vcpu_info; Linux's
 * cmpxchg16b emulation wraps itself in pushf/cli/popf).
 */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <public/physdev.h>

#include "pv_internal.h"

#define PCI_CONF1_ADDRESS 0xcf8

long do_physdev_op(struct vcpu *v, struct hypercall_args *args)
{
    struct physdev_set_iopl s;

    switch (args->a[0]) {
    case PHYSDEVOP_set_iopl:
        if (copy_from_guest(v, &s, args->a[1], sizeof(s)))
            return -EFAULT;
        if (s.iopl > 3)
            return -EINVAL;
        pv_vcpu(v)->iopl = (uint8_t)s.iopl;
        return 0;
    default:
        return -ENOSYS; /* no physical devices or interrupts to manage */
    }
}

/* Xen's iopl_ok: the guest kernel counts as CPL 1, user mode as 3. */
static bool iopl_ok(const struct pv_vcpu *p)
{
    return (p->kernel_mode ? 1 : 3) <= p->iopl;
}

static void io_read(struct pv_vcpu *p, uint16_t port, unsigned int size)
{
    uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;
    uint64_t val = mask;

    if (port == PCI_CONF1_ADDRESS && size == 4)
        val = p->pci_cf8;
    if (size == 4)
        p->regs.rax = val; /* a 32-bit result zero-extends */
    else
        p->regs.rax = (p->regs.rax & ~mask) | val;
}

static void io_write(struct pv_vcpu *p, uint16_t port, unsigned int size)
{
    if (port == PCI_CONF1_ADDRESS && size == 4)
        p->pci_cf8 = (uint32_t)p->regs.rax;
}

/* IN/OUT with an immediate or DX port (E4-E7, EC-EF), an optional 0x66
 * prefix, or CLI/STI: their length, 0 when insn is not one or IOPL
 * forbids it. */
unsigned int pv_emulate_io(struct vcpu *v, const uint8_t *insn, unsigned int n)
{
    struct pv_vcpu *p = pv_vcpu(v);
    unsigned int pfx = n > 0 && insn[0] == 0x66, len = pfx + 1, size;
    uint8_t op = n > pfx ? insn[pfx] : 0;
    uint16_t port;

    if (!iopl_ok(p))
        return 0;
    if (op == 0xfa || op == 0xfb)
        return len; /* CLI, STI */
    if ((op & 0xf4) != 0xe4)
        return 0;
    if (!(op & 8)) {           /* the imm8 forms */
        if (n < len + 1)
            return 0;
        port = insn[len++];
    } else {
        port = (uint16_t)p->regs.rdx;
    }
    size = !(op & 1) ? 1 : pfx ? 2 : 4;
    if (op & 2)
        io_write(p, port, size);
    else
        io_read(p, port, size);
    return len;
}
