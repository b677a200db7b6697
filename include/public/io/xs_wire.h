/* SPDX-License-Identifier: MIT */
/* Xenstore wire protocol: message header, message types and the ring page. */
#ifndef PUBLIC_IO_XS_WIRE_H
#define PUBLIC_IO_XS_WIRE_H

#include <public/xen-types.h>

/* xsd_sockmsg.type */
#define XS_CONTROL 0
#define XS_DIRECTORY 1
#define XS_READ 2
#define XS_GET_PERMS 3
#define XS_WATCH 4
#define XS_UNWATCH 5
#define XS_TRANSACTION_START 6
#define XS_TRANSACTION_END 7
#define XS_INTRODUCE 8
#define XS_RELEASE 9
#define XS_GET_DOMAIN_PATH 10
#define XS_WRITE 11
#define XS_MKDIR 12
#define XS_RM 13
#define XS_SET_PERMS 14
#define XS_WATCH_EVENT 15
#define XS_ERROR 16
#define XS_IS_DOMAIN_INTRODUCED 17
#define XS_RESUME 18
#define XS_SET_TARGET 19
#define XS_RESET_WATCHES 21 /* 20 (XS_RESTRICT) was removed */
#define XS_DIRECTORY_PART 22
#define XS_GET_FEATURE 23
#define XS_SET_FEATURE 24
#define XS_GET_QUOTA 25
#define XS_SET_QUOTA 26
#define XS_TYPE_COUNT 27
#define XS_INVALID 0xffff

/* Watch event payload: the path, then the token. */
#define XS_WATCH_PATH 0
#define XS_WATCH_TOKEN 1

/* Every request and reply starts with this header, then len payload bytes. */
struct xsd_sockmsg {
    uint32_t type;   /* XS_* */
    uint32_t req_id; /* chosen by the requester, echoed in the reply */
    uint32_t tx_id;  /* transaction id, 0 = none */
    uint32_t len;    /* payload bytes (usually NUL-separated strings) */
};
XEN_ABI_SIZE(struct xsd_sockmsg, 16);

#define XENSTORE_PAYLOAD_MAX 4096
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* server_features bits */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR 2
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH 4
#define XENSTORE_SERVER_FEATURE_DOMID_ANY 8

/* connection values */
#define XENSTORE_CONNECTED 0 /* steady state (also what a zeroed page says) */
#define XENSTORE_RECONNECT 1 /* server is resetting the ring */

/* error values */
#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1    /* communication problem */
#define XENSTORE_ERROR_RINGIDX 2 /* invalid ring index */
#define XENSTORE_ERROR_PROTO 3   /* protocol violation (payload too long) */

/*
 * The xenstore ring page (PV: start_info.store_mfn; HVM/PVH:
 * HVM_PARAM_STORE_PFN), indices as in the console ring.
 */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE]; /* [guest] requests to the server */
    char rsp[XENSTORE_RING_SIZE]; /* [server] replies and watch events */
    XENSTORE_RING_IDX req_cons;   /* [server] */
    XENSTORE_RING_IDX req_prod;   /* [guest] */
    XENSTORE_RING_IDX rsp_cons;   /* [guest] */
    XENSTORE_RING_IDX rsp_prod;   /* [server] */
    uint32_t server_features;     /* [server] XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;          /* [server]/[guest] XENSTORE_CONNECTED / RECONNECT */
    uint32_t error;               /* [server] XENSTORE_ERROR_* */
    /* [hv] event channel for the server to signal; 0 = the one from XS_INTRODUCE */
    uint32_t evtchn_port;
};
XEN_ABI_SIZE(struct xenstore_domain_interface, 2080);
XEN_ABI_OFFSET(struct xenstore_domain_interface, rsp, 1024);
XEN_ABI_OFFSET(struct xenstore_domain_interface, req_cons, 2048);
XEN_ABI_OFFSET(struct xenstore_domain_interface, server_features, 2064);
XEN_ABI_OFFSET(struct xenstore_domain_interface, connection, 2068);
XEN_ABI_OFFSET(struct xenstore_domain_interface, evtchn_port, 2076);

#endif /* PUBLIC_IO_XS_WIRE_H */
