// SPDX-License-Identifier: MIT
/* The one exit dispatch of generic HVM: each case is one call. */
#include <hv/hvm/vcpu.h>
#include <hv/printk.h>

static void hvm_handle_shutdown(struct vcpu *v)
{
    printk(LOG_ERR "Domain %u vCPU%u: triple fault at rip 0x%lx\n", v->domain->id,
           v->id, hvm_ops->get_reg(v, HVM_RIP));
    domain_crash(v->domain, "triple fault");
}

static void hvm_handle_fail(struct vcpu *v, const struct hvm_exit *e)
{
    printk(LOG_ERR "Domain %u vCPU%u: unhandled exit 0x%lx at rip 0x%lx\n",
           v->domain->id, v->id, e->vendor_code, hvm_ops->get_reg(v, HVM_RIP));
    domain_crash(v->domain, "unhandled exit");
}

void hvm_handle_exit(struct vcpu *v, const struct hvm_exit *e)
{
    switch (e->reason) {
    case HVM_EXIT_NONE: break;
    case HVM_EXIT_INTR: break;
    case HVM_EXIT_IRQ_WINDOW: hvm_ops->enable_irq_window(v, false); break;
    case HVM_EXIT_CPUID: hvm_handle_cpuid(v, e); break;
    case HVM_EXIT_MSR_READ: hvm_handle_msr(v, e, false); break;
    case HVM_EXIT_MSR_WRITE: hvm_handle_msr(v, e, true); break;
    case HVM_EXIT_IO: hvm_handle_io(v, e); break;
    case HVM_EXIT_NPF: hvm_handle_npf(v, e); break;
    case HVM_EXIT_HLT: hvm_handle_hlt(v, e); break;
    case HVM_EXIT_HYPERCALL: hvm_handle_hypercall(v, e); break;
    case HVM_EXIT_UD: hvm_inject_ud(v); break;
    case HVM_EXIT_GP: hvm_handle_gp(v, e); break;
    case HVM_EXIT_SHUTDOWN: hvm_handle_shutdown(v); break;
    case HVM_EXIT_FAIL: hvm_handle_fail(v, e); break;
    }
}

void hvm_handle_hlt(struct vcpu *v, const struct hvm_exit *e)
{
    hvm_advance_rip(v, hvm_insn_length(v, e, 1));
    v->halted = true;
}
