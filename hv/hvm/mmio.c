// SPDX-License-Identifier: MIT
/* Nested page faults: accesses to guest-physical addresses that are not
 * RAM are emulated one instruction at a time, through the I/O bus. */
#include <hv/errno.h>
#include <hv/hvm/platform.h>
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/x86_emulate.h>

struct mmio_env {
    struct vcpu *v;
    struct x86_emul_ctxt *c;
};

static int env_raise(struct mmio_env *env, const struct guest_fault *f)
{
    if (f->vector == 14)
        return x86_emul_raise_pf(env->c, f->error, f->cr2);
    return x86_emul_raise(env->c, f->vector, true, f->error);
}

static int mmio_fetch(void *opaque, uint64_t linear, void *buf, unsigned int len)
{
    struct mmio_env *env = opaque;
    struct guest_fault f;

    if (hvm_copy_from_linear(env->v, buf, linear, len, PFEC_FETCH, &f))
        return env_raise(env, &f);
    return X86EMUL_OK;
}

static void mmio_log_unclaimed(struct vcpu *v, uint64_t gpa, bool write)
{
    static unsigned int logged;

    if (logged < 32) {
        logged++;
        printk(LOG_WARN "d%u: %s of unbacked guest-physical 0x%lx ignored%s\n",
               v->domain->id, write ? "write" : "read", gpa,
               logged == 32 ? " (no more such messages)" : "");
    }
}

/* One access within a page: RAM is copied, anything else is device I/O. */
static int mmio_access_page(struct mmio_env *env, uint64_t linear, void *buf,
                            unsigned int size, bool write)
{
    struct guest_fault f;
    uint64_t gpa, val = 0;
    paddr_t pa;

    if (hvm_translate(env->v, linear, write ? PFEC_WRITE : 0, &gpa, &f))
        return env_raise(env, &f);
    if (!p2m_translate(&env->v->domain->p2m, gpa, &pa)) {
        int rc = write ? copy_to_gpa(env->v->domain, gpa, buf, size)
                       : copy_from_gpa(env->v->domain, buf, gpa, size);
        return rc ? X86EMUL_UNHANDLEABLE : X86EMUL_OK;
    }
    if (write)
        memcpy(&val, buf, size);
    if (hvm_io_access(env->v->domain, IO_MMIO, gpa, size, write, &val) == -ENOENT)
        mmio_log_unclaimed(env->v, gpa, write);
    if (!write)
        memcpy(buf, &val, size);
    return X86EMUL_OK;
}

/* Split an access that crosses a page boundary into bytes. */
static int mmio_access(void *opaque, uint64_t linear, void *buf, unsigned int size,
                       bool write)
{
    int rc = X86EMUL_OK;

    if ((linear & (PAGE_SIZE - 1)) + size <= PAGE_SIZE)
        return mmio_access_page(opaque, linear, buf, size, write);
    for (unsigned int i = 0; i < size && rc == X86EMUL_OK; i++)
        rc = mmio_access_page(opaque, linear + i, (uint8_t *)buf + i, 1, write);
    return rc;
}

static int mmio_read(void *opaque, uint64_t linear, void *buf, unsigned int size)
{
    return mmio_access(opaque, linear, buf, size, false);
}

static int mmio_write(void *opaque, uint64_t linear, const void *buf, unsigned int size)
{
    return mmio_access(opaque, linear, (void *)buf, size, true);
}

static const struct x86_emul_ops mmio_ops = {
    .fetch = mmio_fetch,
    .read = mmio_read,
    .write = mmio_write,
};

static void emul_ctxt_load(struct vcpu *v, struct x86_emul_ctxt *c)
{
    struct segment cs, s;

    memset(c, 0, sizeof(*c));
    memcpy(c->regs.gpr, v->gpr, sizeof(c->regs.gpr));
    c->regs.rip = hvm_ops->get_reg(v, HVM_RIP);
    c->regs.rflags = hvm_ops->get_reg(v, HVM_RFLAGS);
    hvm_ops->get_seg(v, SEG_CS, &cs);
    if (hvm_long_mode(v))
        c->mode = X86EMUL_MODE_64;
    else if ((hvm_ops->get_reg(v, HVM_CR0) & 1) && (cs.attr & (1U << 10)))
        c->mode = X86EMUL_MODE_32;
    else
        c->mode = X86EMUL_MODE_16;
    for (unsigned int i = SEG_ES; i <= SEG_GS; i++) {
        hvm_ops->get_seg(v, (enum x86_segment)i, &s);
        c->seg_base[i] = s.base;
    }
}

static void emul_ctxt_store(struct vcpu *v, const struct x86_emul_ctxt *c)
{
    memcpy(v->gpr, c->regs.gpr, sizeof(v->gpr));
    hvm_ops->set_reg(v, HVM_RFLAGS, c->regs.rflags);
    hvm_ops->set_reg(v, HVM_RIP, c->regs.rip);
}

static void emul_fault(struct vcpu *v, const struct x86_emul_fault *f)
{
    struct guest_fault g = { f->vector, f->error_code, f->cr2 };

    if (f->vector == 14 || f->has_error_code)
        hvm_inject_fault(v, &g);
    else
        hvm_inject_exception(v, f->vector, false, 0);
}

/* Emulate the instruction at RIP against guest memory and devices. */
static void hvm_emulate_one(struct vcpu *v)
{
    struct x86_emul_ctxt ctxt, *c = &ctxt; /* a few hundred bytes */
    struct mmio_env env = { v, c };
    int rc;

    emul_ctxt_load(v, c);
    rc = x86_emulate(c, &mmio_ops, &env);
    if (rc == X86EMUL_OK) {
        emul_ctxt_store(v, c);
    } else if (rc == X86EMUL_EXCEPTION) {
        emul_fault(v, &c->fault);
    } else {
        printk(LOG_ERR "d%u: cannot emulate the instruction at 0x%lx\n",
               v->domain->id, c->regs.rip);
        domain_crash(v->domain, "unsupported instruction touching MMIO");
    }
}

void hvm_handle_npf(struct vcpu *v, const struct hvm_exit *e)
{
    paddr_t pa;

    if (e->npf.fetch) {
        printk(LOG_ERR "d%u: instruction fetch from non-RAM 0x%lx\n", v->domain->id,
               e->npf.gpa);
        domain_crash(v->domain, "executing outside RAM");
        return;
    }
    if (!p2m_translate(&v->domain->p2m, e->npf.gpa, &pa))
        return; /* became RAM meanwhile: just retry */
    hvm_emulate_one(v);
}

unsigned int hvm_insn_length(struct vcpu *v, const struct hvm_exit *e, unsigned int fallback)
{
    struct x86_emul_ctxt ctxt, *c = &ctxt;
    struct mmio_env env = { v, c };
    unsigned int len;

    if (e->insn_len)
        return e->insn_len;
    emul_ctxt_load(v, c);
    return x86_insn_length(c, &mmio_ops, &env, &len) == X86EMUL_OK ? len : fallback;
}

int hvm_decode_at_rip(struct vcpu *v, struct x86_insn *insn)
{
    struct x86_emul_ctxt ctxt, *c = &ctxt;
    struct mmio_env env = { v, c };

    emul_ctxt_load(v, c);
    return x86_decode(c, &mmio_ops, &env, insn) == X86EMUL_OK ? 0 : -1;
}

/* Address size and source segment of an INS/OUTS at RIP. */
int hvm_decode_string_io(struct vcpu *v, struct hvm_exit *e)
{
    struct x86_insn insn;

    if (hvm_decode_at_rip(v, &insn))
        return -1;
    e->io.addr_size = insn.addr_bytes;
    e->io.seg = insn.seg_override == X86_SEG_NONE ? SEG_DS : insn.seg_override;
    return 0;
}
