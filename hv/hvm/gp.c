// SPDX-License-Identifier: MIT
/* Guest #GP faults, intercepted so that two hardware behaviours do not
 * leak into the guest:
 *  - VMRUN, VMLOAD and VMSAVE check rAX (and raise #GP) before their
 *    intercept is taken, yet the guest must see them as absent: #UD.
 *  - QEMU's emulated SVM reports a wrong error code for INT n through a
 *    gate the caller may not use; the architectural one names the gate.
 * Everything else is re-injected unchanged. */
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>

#define ERR_IDT (1U << 1) /* selector error code: the index is an IDT vector */

static bool is_legacy_prefix(uint8_t b)
{
    return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
           b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/* Fetch what can be fetched of the instruction (it may end a page early). */
static unsigned int gp_fetch(struct vcpu *v, uint8_t *buf, unsigned int max)
{
    struct segment cs;
    struct guest_fault f;
    uint64_t lin;
    unsigned int n;

    hvm_ops->get_seg(v, SEG_CS, &cs);
    lin = (hvm_long_mode(v) ? 0 : cs.base) + hvm_ops->get_reg(v, HVM_RIP);
    n = MIN(max, (unsigned int)(PAGE_SIZE - (lin & (PAGE_SIZE - 1))));
    if (hvm_copy_from_linear(v, buf, lin, n, PFEC_FETCH, &f))
        return 0;
    if (n < max && !hvm_copy_from_linear(v, buf + n, lin + n, max - n, PFEC_FETCH, &f))
        n = max;
    return n;
}

void hvm_handle_gp(struct vcpu *v, const struct hvm_exit *e)
{
    uint8_t b[15];
    unsigned int n = gp_fetch(v, b, sizeof(b)), i = 0;
    bool lm = hvm_long_mode(v);

    while (i < n && (is_legacy_prefix(b[i]) || (lm && (b[i] & 0xf0) == 0x40)))
        i++;
    if (i + 2 < n && b[i] == 0x0f && b[i + 1] == 0x01 &&
        (b[i + 2] == 0xd8 || b[i + 2] == 0xda || b[i + 2] == 0xdb)) {
        hvm_inject_ud(v);
        return;
    }
    if (i + 1 < n && b[i] == 0xcd) {
        hvm_inject_exception(v, 13, true, ((uint32_t)b[i + 1] << 3) | ERR_IDT);
        return;
    }
    hvm_inject_exception(v, 13, true, e->gp.error);
}
