// SPDX-License-Identifier: MIT
/* Guest #GP faults, intercepted so that two hardware behaviours do not
 * leak into the guest:
 *  - VMRUN, VMLOAD and VMSAVE check rAX (and raise #GP) before their
 *    intercept is taken, yet the guest must see them as absent: #UD.
 *  - QEMU's emulated SVM reports a wrong error code for INT n through a
 *    gate the caller may not use; the architectural one names the gate.
 * Everything else is re-injected unchanged. */
#include <hv/hvm/vcpu.h>
#include <hv/x86_emulate.h>

#define ERR_IDT (1U << 1) /* selector error code: the index is an IDT vector */

#define OPC_SVM_GROUP (X86_OPC_0F | 0x01) /* 0F 01: VMRUN 0F 01 D8, ... */
#define MODRM_VMRUN 0xd8
#define MODRM_VMLOAD 0xda
#define MODRM_VMSAVE 0xdb
#define OPC_INT_N 0xcd

static bool is_vmrun_vmload_vmsave(const struct x86_insn *insn)
{
    return insn->opcode == OPC_SVM_GROUP && insn->has_modrm &&
           (insn->modrm == MODRM_VMRUN || insn->modrm == MODRM_VMLOAD ||
            insn->modrm == MODRM_VMSAVE);
}

void hvm_handle_gp(struct vcpu *v, const struct hvm_exit *e)
{
    struct x86_insn insn;

    /* An instruction that cannot be fetched or decoded gets its #GP back. */
    if (hvm_decode_at_rip(v, &insn)) {
        hvm_inject_exception(v, 13, true, e->gp.error);
        return;
    }
    if (is_vmrun_vmload_vmsave(&insn)) {
        hvm_inject_ud(v);
        return;
    }
    if (insn.opcode == OPC_INT_N) {
        hvm_inject_exception(v, 13, true, ((uint32_t)(uint8_t)insn.imm << 3) | ERR_IDT);
        return;
    }
    hvm_inject_exception(v, 13, true, e->gp.error);
}
