// SPDX-License-Identifier: MIT
/* Port I/O exits: IN/OUT and the string forms INS/OUTS (with REP), through
 * the domain's I/O bus. */
#include <hv/errno.h>
#include <hv/hvm/platform.h>
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/printk.h>

#define EFLAGS_DF (1ULL << 10)
#define STRING_IO_BATCH 1024 /* iterations per exit; the rest re-executes */

static void io_log_unclaimed(struct vcpu *v, uint16_t port, bool in)
{
    static uint64_t logged;

    if (logged++ < 16)
        printk(LOG_DEBUG "d%u: %s unclaimed port 0x%x\n", v->domain->id,
               in ? "read from" : "write to", port);
}

static void io_single(struct vcpu *v, const struct hvm_exit *e)
{
    uint64_t mask = (1ULL << (e->io.size * 8)) - 1, val = v->gpr[GPR_RAX] & mask;

    if (hvm_io_access(v->domain, IO_PORT, e->io.port, e->io.size, !e->io.in, &val) ==
        -ENOENT)
        io_log_unclaimed(v, e->io.port, e->io.in);
    if (e->io.in) {
        if (e->io.size == 4)
            v->gpr[GPR_RAX] = (uint32_t)val; /* a 32-bit result zero-extends */
        else
            v->gpr[GPR_RAX] = (v->gpr[GPR_RAX] & ~mask) | (val & mask);
    }
}

static uint64_t addr_mask(uint8_t addr_size)
{
    return addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;
}

/* Update a register used as address or counter in the address size. */
static void reg_set_masked(uint64_t *reg, uint64_t val, uint8_t addr_size)
{
    uint64_t m = addr_mask(addr_size);

    *reg = addr_size == 4 ? (val & m) : ((*reg & ~m) | (val & m));
}

/* One element of INS/OUTS; false if the guest took a fault. */
static bool io_string_one(struct vcpu *v, const struct hvm_exit *e, uint64_t linear)
{
    struct guest_fault f;
    uint64_t val = 0;

    if (e->io.in) {
        hvm_io_access(v->domain, IO_PORT, e->io.port, e->io.size, false, &val);
        if (!hvm_copy_to_linear(v, linear, &val, e->io.size, &f))
            return true;
    } else if (!hvm_copy_from_linear(v, &val, linear, e->io.size, 0, &f)) {
        hvm_io_access(v->domain, IO_PORT, e->io.port, e->io.size, true, &val);
        return true;
    }
    hvm_inject_fault(v, &f);
    return false;
}

static void io_string(struct vcpu *v, const struct hvm_exit *e)
{
    int ireg = e->io.in ? GPR_RDI : GPR_RSI;
    struct segment seg;
    uint64_t mask = addr_mask(e->io.addr_size);
    uint64_t count = e->io.rep ? v->gpr[GPR_RCX] & mask : 1;
    int64_t step = (hvm_ops->get_reg(v, HVM_RFLAGS) & EFLAGS_DF) ? -(int64_t)e->io.size
                                                                 : e->io.size;
    uint64_t done = 0;

    hvm_ops->get_seg(v, e->io.in ? SEG_ES : e->io.seg, &seg);
    if (hvm_long_mode(v) && seg_is_flat64(e->io.in ? SEG_ES : e->io.seg))
        seg.base = 0; /* 64-bit mode ignores ES/CS/SS/DS bases */
    while (done < count && done < STRING_IO_BATCH) {
        uint64_t off = v->gpr[ireg] & mask;

        if (!io_string_one(v, e, seg.base + off))
            return; /* fault injected; registers show the progress made */
        reg_set_masked(&v->gpr[ireg], off + (uint64_t)step, e->io.addr_size);
        done++;
        if (e->io.rep)
            reg_set_masked(&v->gpr[GPR_RCX], (v->gpr[GPR_RCX] & mask) - 1, e->io.addr_size);
    }
    if (done == count)
        hvm_ops->set_reg(v, HVM_RIP, e->io.next_rip);
}

void hvm_handle_io(struct vcpu *v, const struct hvm_exit *e)
{
    if (e->io.string) {
        struct hvm_exit fixed = *e;

        /* QEMU's SVM leaves the address-size and segment fields of the
         * IOIO information zero: take them from the instruction. */
        if (!fixed.io.addr_size && hvm_decode_string_io(v, &fixed)) {
            domain_crash(v->domain, "undecodable string I/O instruction");
            return;
        }
        io_string(v, &fixed);
        return;
    }
    io_single(v, e);
    hvm_ops->set_reg(v, HVM_RIP, e->io.next_rip);
}
