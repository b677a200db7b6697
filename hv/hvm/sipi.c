// SPDX-License-Identifier: MIT
/* The register state of an application processor after INIT and a
 * Startup IPI (SDM Vol. 3, "Initial Processor State" and "MP
 * Initialization Protocol"): real mode, CS = vector << 8, IP = 0. */
#include <hv/hvm/vcpu.h>

#define ATTR_CODE16 0x9b  /* present, code, read, accessed; 16-bit */
#define ATTR_DATA16 0x93  /* present, data, write, accessed */

void hvm_vcpu_set_sipi_state(struct vcpu *v, uint8_t vector)
{
    struct segment cs = { (uint16_t)(vector << 8), ATTR_CODE16, 0xffff,
                          (uint64_t)vector << 12 };
    struct segment data = { 0, ATTR_DATA16, 0xffff, 0 };
    struct segment table = { 0, 0, 0xffff, 0 };
    struct segment ldtr = { 0, 0x82, 0xffff, 0 };
    struct segment tr = { 0, 0x8b, 0xffff, 0 };

    for (unsigned int i = 0; i < NR_GPRS; i++)
        v->gpr[i] = 0;
    hvm_ops->set_seg(v, SEG_CS, &cs);
    hvm_ops->set_seg(v, SEG_DS, &data);
    hvm_ops->set_seg(v, SEG_ES, &data);
    hvm_ops->set_seg(v, SEG_FS, &data);
    hvm_ops->set_seg(v, SEG_GS, &data);
    hvm_ops->set_seg(v, SEG_SS, &data);
    hvm_ops->set_seg(v, SEG_GDTR, &table);
    hvm_ops->set_seg(v, SEG_IDTR, &table);
    hvm_ops->set_seg(v, SEG_LDTR, &ldtr);
    hvm_ops->set_seg(v, SEG_TR, &tr);
    hvm_ops->set_reg(v, HVM_CR0, 0x10);   /* ET; caching left enabled */
    hvm_ops->set_reg(v, HVM_CR4, 0);
    hvm_ops->set_reg(v, HVM_EFER, 0);
    hvm_ops->set_reg(v, HVM_RFLAGS, 0x2);
    hvm_ops->set_reg(v, HVM_RIP, 0);
    hvm_ops->set_reg(v, HVM_DR7, 0x400);
}
