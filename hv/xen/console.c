// SPDX-License-Identifier: MIT
/* Guest consoles of Xen-ABI domains: console_io and the PV console ring,
 * whose backend is Mica itself; output becomes "(dN)" lines. */
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/hvm/platform_internal.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/xen.h>
#include <public/io/console.h>

#define CONSOLE_IO_CHUNK 128

/* Tell the guest its ring moved. The port cannot be closed by the guest,
 * so a failure means the domain is being destroyed: nothing to do. */
static void console_notify(struct domain *d)
{
    if (evtchn_raise_xen_port(&d->xen->evtchn, d->xen->console_port))
        return;
}

/* A PV domain has no UART: its own line buffer, flushed at each newline,
 * when full, and when the domain goes away. */
static void pv_console_tx(struct domain *d, uint8_t c)
{
    struct xen_domain *x = d->xen;

    if (c == '\r')
        return;
    if (c != '\n' && x->con_len < sizeof(x->con_line)) {
        x->con_line[x->con_len++] = (char)c;
        if (x->con_len < sizeof(x->con_line))
            return;
    }
    console_guest_line(d->id, x->con_line, x->con_len);
    x->con_len = 0;
}

/* HVM and PVH share the domain's line buffer with the emulated UART. */
void xen_console_out(struct domain *d, const char *buf, size_t len)
{
    struct hvm_platform *p = d->platform;

    if (!p) {
        spin_lock(&d->xen->con_lock);
        for (size_t i = 0; i < len; i++)
            pv_console_tx(d, (uint8_t)buf[i]);
        spin_unlock(&d->xen->con_lock);
        return;
    }
    spin_lock(&p->lock);
    for (size_t i = 0; i < len; i++)
        hvm_console_tx(p, (uint8_t)buf[i]);
    spin_unlock(&p->lock);
}

void xen_console_flush(struct domain *d)
{
    if (!d->platform && d->xen->con_len)
        xen_console_out(d, "\n", 1);
}

long do_console_io(struct vcpu *v, struct hypercall_args *args)
{
    uint64_t buf = args->a[2], count = args->a[1];
    char chunk[CONSOLE_IO_CHUNK];

    if (args->a[0] == 1) /* CONSOLEIO_read: input goes to the ring or UART */
        return 0;
    if (args->a[0] != 0)
        return -ENOSYS;
    if (count > 1 << 20)
        return -EINVAL;
    while (count) {
        size_t n = MIN(count, sizeof(chunk));

        if (copy_from_guest(v, chunk, buf, n))
            return -EFAULT;
        xen_console_out(v->domain, chunk, n);
        buf += n;
        count -= n;
    }
    return 0;
}

/* The guest produced output: consume everything between out_cons and
 * out_prod (indices are free-running; masked into the ring). */
void xen_console_ring_poll(struct domain *d)
{
    struct xencons_interface *r = d->xen->console_ring;
    XENCONS_RING_IDX cons, prod;
    char c;

    if (!r)
        return;
    cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
    prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    if (prod - cons > XENCONS_OUT_SIZE) { /* a guest lying about its ring */
        domain_crash(d, "console ring indices out of range");
        return;
    }
    for (; cons != prod; cons++) {
        c = r->out[MASK_XENCONS_IDX(cons, r->out)];
        xen_console_out(d, &c, 1);
    }
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    console_notify(d);
}

/* Typed input for a Xen-ABI domain goes into its ring's in[] buffer. */
bool xen_console_input(struct domain *d, uint8_t c)
{
    struct xencons_interface *r = d->xen ? d->xen->console_ring : NULL;
    XENCONS_RING_IDX prod;

    if (!r)
        return false;
    prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);
    if (prod - __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE) >= XENCONS_IN_SIZE)
        return true; /* full: the byte is lost, as on a real line */
    r->in[MASK_XENCONS_IDX(prod, r->in)] = (char)c;
    __atomic_store_n(&r->in_prod, prod + 1, __ATOMIC_RELEASE);
    console_notify(d);
    return true;
}
