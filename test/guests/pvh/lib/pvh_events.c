// SPDX-License-Identifier: MIT
// PVH test guests: shared_info, the event-channel upcall (2-level ABI) and EVTCHNOP wrappers.
#include "pvh.h"

/*
 * Design: one vCPU. shared_info replaces the RAM page shinfo_page (Xen's
 * XENMEM_add_to_physmap drops the RAM frame at that gfn, as XTF's and
 * Linux's PVH start do). Events arrive as IDT vector 0xf3, injected while
 * vcpu_info.evtchn_upcall_pending is set and RFLAGS.IF=1 (HVM_PARAM_CALLBACK_IRQ
 * type 2, xen-abi.md §3.6): no LAPIC, no EOI. The handler clears the flag,
 * takes the selector word and clears the pending bit of every pending,
 * unmasked port it finds (Xen never clears them), counting each one and
 * the system time it was seen at; tests compare those counts.
 */

static uint8_t shinfo_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static bool shinfo_mapped;
static struct vcpu_info *vcpu;
static uint32_t port_count[EVTCHN_2L_NR_CHANNELS];
static uint64_t port_last_ns[EVTCHN_2L_NR_CHANNELS];
static uint32_t upcalls;

long xen_map_shared_info(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (uintptr_t)shinfo_page >> PAGE_SHIFT,
    };
    long rc = hc_memory_op(XENMEM_add_to_physmap, &xatp);

    if (rc == 0) {
        shinfo_mapped = true;
        if (!vcpu)
            vcpu = &((struct shared_info *)shinfo_page)->vcpu_info[0];
    }
    return rc;
}

struct shared_info *xen_shared_info(void)
{
    long rc;

    if (!shinfo_mapped && (rc = xen_map_shared_info()) != 0)
        test_fail("XENMEM_add_to_physmap(shared_info, gpfn %#lx): %ld (%s)",
                  (unsigned long)((uintptr_t)shinfo_page >> PAGE_SHIFT), rc,
                  xen_errno_name(rc));
    return (struct shared_info *)shinfo_page;
}

uint64_t xen_shared_info_gfn(void)
{
    return (uintptr_t)shinfo_page >> PAGE_SHIFT;
}

struct vcpu_info *xen_vcpu_info(void)
{
    if (!vcpu)
        xen_shared_info();
    return vcpu;
}

void xen_set_vcpu_info(struct vcpu_info *vi)
{
    vcpu = vi;
}

static void upcall_scan_word(struct shared_info *s, unsigned int w)
{
    uint64_t bits = READ_ONCE(s->evtchn_pending[w]) & ~READ_ONCE(s->evtchn_mask[w]);

    while (bits) {
        unsigned int b = (unsigned int)__builtin_ctzll(bits);
        unsigned int port = w * 64 + b;

        bits &= bits - 1;
        __atomic_fetch_and(&s->evtchn_pending[w], ~(1ULL << b), __ATOMIC_SEQ_CST);
        port_last_ns[port] = xen_now_ns();
        port_count[port]++;
    }
}

static void upcall(struct trap_frame *f)
{
    struct shared_info *s = (struct shared_info *)shinfo_page;
    struct vcpu_info *vi = vcpu;

    (void)f;
    upcalls++;
    while (READ_ONCE(vi->evtchn_upcall_pending)) {
        uint64_t sel;

        WRITE_ONCE(vi->evtchn_upcall_pending, 0);
        sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned int w = (unsigned int)__builtin_ctzll(sel);

            sel &= sel - 1;
            upcall_scan_word(s, w);
        }
    }
}

void xen_events_init(void)
{
    long rc;

    xen_shared_info();
    (void)xen_now_ns(); /* FAILs now if the pvclock record is unusable */
    trap_set_handler(EVTCHN_UPCALL_VECTOR, upcall);
    rc = hvm_set_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ,
                       HVM_CALLBACK_VECTOR(EVTCHN_UPCALL_VECTOR));
    if (rc)
        test_fail("HVMOP_set_param(CALLBACK_IRQ, vector %#x): %ld (%s)",
                  EVTCHN_UPCALL_VECTOR, rc, xen_errno_name(rc));
}

uint32_t evtchn_count(unsigned int port)
{
    return port < EVTCHN_2L_NR_CHANNELS ? READ_ONCE(port_count[port]) : 0;
}

uint64_t evtchn_last_ns(unsigned int port)
{
    return port < EVTCHN_2L_NR_CHANNELS ? READ_ONCE(port_last_ns[port]) : 0;
}

uint32_t upcall_count(void)
{
    return READ_ONCE(upcalls);
}

bool evtchn_test_pending(unsigned int port)
{
    return READ_ONCE(xen_shared_info()->evtchn_pending[port / 64]) >> (port % 64) & 1;
}

void evtchn_clear_pending(unsigned int port)
{
    __atomic_fetch_and(&xen_shared_info()->evtchn_pending[port / 64],
                       ~(1ULL << (port % 64)), __ATOMIC_SEQ_CST);
}

void evtchn_set_mask(unsigned int port)
{
    __atomic_fetch_or(&xen_shared_info()->evtchn_mask[port / 64], 1ULL << (port % 64),
                      __ATOMIC_SEQ_CST);
}

bool evtchn_test_mask(unsigned int port)
{
    return READ_ONCE(xen_shared_info()->evtchn_mask[port / 64]) >> (port % 64) & 1;
}

bool evtchn_wait(unsigned int port, uint32_t before, uint64_t timeout_ns)
{
    uint64_t end = xen_now_ns() + timeout_ns;

    sti();
    while (evtchn_count(port) == before && xen_now_ns() < end)
        cpu_relax();
    cli();
    return evtchn_count(port) != before;
}

void events_drain(void)
{
    sti();
    xen_delay_ns(MS(1));
    cli();
}

long evtchn_alloc_unbound(uint16_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
    long rc = hc_event_channel_op(EVTCHNOP_alloc_unbound, &op);

    *port = op.port;
    return rc;
}

long evtchn_bind_ipi(uint32_t vcpu_id, uint32_t *port)
{
    struct evtchn_bind_ipi op = {.vcpu = vcpu_id};
    long rc = hc_event_channel_op(EVTCHNOP_bind_ipi, &op);

    *port = op.port;
    return rc;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu_id, uint32_t *port)
{
    struct evtchn_bind_virq op = {.virq = virq, .vcpu = vcpu_id};
    long rc = hc_event_channel_op(EVTCHNOP_bind_virq, &op);

    *port = op.port;
    return rc;
}

long evtchn_bind_interdomain(uint16_t remote, uint32_t rport, uint32_t *port)
{
    struct evtchn_bind_interdomain op = {.remote_dom = remote, .remote_port = rport};
    long rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &op);

    *port = op.local_port;
    return rc;
}

long evtchn_send(uint32_t port)
{
    struct evtchn_port_op op = {.port = port};

    return hc_event_channel_op(EVTCHNOP_send, &op);
}

long evtchn_close(uint32_t port)
{
    struct evtchn_port_op op = {.port = port};

    return hc_event_channel_op(EVTCHNOP_close, &op);
}

long evtchn_unmask(uint32_t port)
{
    struct evtchn_port_op op = {.port = port};

    return hc_event_channel_op(EVTCHNOP_unmask, &op);
}

long evtchn_status(uint16_t dom, uint32_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){.dom = dom, .port = port};
    return hc_event_channel_op(EVTCHNOP_status, st);
}

long hvm_get_param(uint16_t domid, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = {.domid = domid, .index = index};
    long rc = hc_hvm_op(HVMOP_get_param, &p);

    *value = p.value;
    return rc;
}

long hvm_set_param(uint16_t domid, uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = {.domid = domid, .index = index, .value = value};

    return hc_hvm_op(HVMOP_set_param, &p);
}

long vcpu_set_singleshot(uint64_t abs_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = abs_ns, .flags = flags};

    return hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}
