/* SPDX-License-Identifier: MIT */
/* PV console ring page shared between a guest and its console backend. */
#ifndef PUBLIC_IO_CONSOLE_H
#define PUBLIC_IO_CONSOLE_H

#include <public/xen-types.h>

/*
 * One 4 KiB page (PV: start_info.console.domU.mfn; HVM/PVH:
 * HVM_PARAM_CONSOLE_PFN) plus an event channel. Indices are free-running
 * u32; byte i lives at ring[i & (size - 1)]. The producer writes bytes,
 * issues a write barrier, advances *_prod, and notifies with
 * EVTCHNOP_send; prod - cons never exceeds the ring size. The backend is
 * the hypervisor (until dom0 runs a console daemon) and must drain out[]:
 * guests spin (SCHEDOP_yield) while it is full.
 */
typedef uint32_t XENCONS_RING_IDX;

#define XENCONS_IN_SIZE 1024  /* Mica name: sizeof(in) */
#define XENCONS_OUT_SIZE 2048 /* Mica name: sizeof(out) */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

/* connection values */
#define XENCONSOLE_CONNECTED 0
#define XENCONSOLE_DISCONNECTED 1

struct xencons_interface {
    char in[XENCONS_IN_SIZE];   /* backend -> guest (keyboard input) */
    char out[XENCONS_OUT_SIZE]; /* guest -> backend (output) */
    XENCONS_RING_IDX in_cons;   /* [guest] bytes of in[] consumed */
    XENCONS_RING_IDX in_prod;   /* [backend] bytes of in[] produced */
    XENCONS_RING_IDX out_cons;  /* [backend] bytes of out[] consumed */
    XENCONS_RING_IDX out_prod;  /* [guest] bytes of out[] produced */
    /*
     * [builder]/[backend] XENCONSOLE_*: newer Xen builders start with
     * DISCONNECTED; Linux 6.1's copy of the struct ends before it.
     */
    uint8_t connection;
};
XEN_ABI_OFFSET(struct xencons_interface, out, 1024);
XEN_ABI_OFFSET(struct xencons_interface, in_cons, 3072);
XEN_ABI_OFFSET(struct xencons_interface, in_prod, 3076);
XEN_ABI_OFFSET(struct xencons_interface, out_cons, 3080);
XEN_ABI_OFFSET(struct xencons_interface, out_prod, 3084);
XEN_ABI_OFFSET(struct xencons_interface, connection, 3088);
XEN_ABI_SIZE(struct xencons_interface, 3092);

#endif /* PUBLIC_IO_CONSOLE_H */
