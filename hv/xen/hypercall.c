// SPDX-License-Identifier: MIT
/* Hypercall dispatch for Xen-ABI guests: the table, and the VMMCALL/VMCALL
 * exits of HVM/PVH (PV guests' SYSCALLs arrive through pv/). */
#include <hv/errno.h>
#include <hv/hcstats.h>
#include <hv/hvm/vcpu.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/printk.h>

struct hypercall_entry {
    long (*fn)(struct vcpu *v, struct hypercall_args *args);
    bool pv, hvm;
};

#define HYPERCALL_ENTRY(name, nr, pv_ok, hvm_ok) \
    [nr] = { do_##name, pv_ok, hvm_ok },
static const struct hypercall_entry hypercalls[NR_HYPERCALLS] = {
    HYPERCALL_TABLE(HYPERCALL_ENTRY)
};
#undef HYPERCALL_ENTRY

long hypercall_dispatch(struct vcpu *v, uint64_t nr, struct hypercall_args *args)
{
    bool pv = v->domain->type == DOMAIN_PV;

    hcstats_call(v, nr);
    if (nr >= NR_HYPERCALLS || !hypercalls[nr].fn ||
        !(pv ? hypercalls[nr].pv : hypercalls[nr].hvm))
        return -ENOSYS;
    return hypercalls[nr].fn(v, args);
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    return v->domain->ops->copy_from_guest(v, dst, gva, len);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    return v->domain->ops->copy_to_guest(v, gva, src, len);
}

/*
 * A hypercall exit (VMMCALL on AMD, VMCALL on Intel): number in RAX, 64-bit
 * arguments in RDI, RSI, RDX, R10, R8; result in RAX. From CPL > 0 the
 * answer is -EPERM without dispatch, as Xen does. -ERESTART re-executes the
 * instruction (continuation) with the updated arguments.
 */
void hvm_handle_hypercall(struct vcpu *v, const struct hvm_exit *e)
{
    static const int regs[5] = { GPR_RDI, GPR_RSI, GPR_RDX, GPR_R10, GPR_R8 };
    struct hypercall_args args;
    long rc;

    if (!v->domain->xen_abi) {
        hvm_inject_ud(v);  /* no hypercall ABI offered: VMMCALL is invalid */
        return;
    }
    if (!hvm_long_mode(v)) {
        rc = -ENOSYS;      /* 32-bit callers are not supported */
    } else if (hvm_ops->cpl(v) != 0) {
        rc = -EPERM;
    } else {
        for (int i = 0; i < 5; i++)
            args.a[i] = v->gpr[regs[i]];
        rc = hypercall_dispatch(v, v->gpr[GPR_RAX], &args);
        if (rc == -ERESTART) {
            for (int i = 0; i < 5; i++)
                v->gpr[regs[i]] = args.a[i];
            return;        /* RIP stays on the instruction */
        }
    }
    v->gpr[GPR_RAX] = (uint64_t)rc;
    hvm_advance_rip(v, hvm_insn_length(v, e, 3));
}
