/* SPDX-License-Identifier: MIT */
/* physdev_op(cmd, arg) (hypercall 33): the sub-ops PV guests issue at boot. */
#ifndef PUBLIC_PHYSDEV_H
#define PUBLIC_PHYSDEV_H

#include <public/xen-types.h>

/* Only the commands a domU touches; the rest serve dom0's PCI/IRQ control. */
#define PHYSDEVOP_irq_status_query 5
#define PHYSDEVOP_set_iopl 6          /* struct physdev_set_iopl */
#define PHYSDEVOP_set_iobitmap 7      /* struct physdev_set_iobitmap */
#define PHYSDEVOP_eoi 12
#define PHYSDEVOP_map_pirq 13
#define PHYSDEVOP_unmap_pirq 14
#define PHYSDEVOP_pirq_eoi_gmfn_v1 17
#define PHYSDEVOP_get_free_pirq 23
#define PHYSDEVOP_pirq_eoi_gmfn_v2 28 /* struct physdev_pirq_eoi_gmfn */

/* Virtual IOPL of a PV vCPU (Linux asks for 1; failure is only logged). */
struct physdev_set_iopl {
    uint32_t iopl; /* IN: 0..3 */
};
XEN_ABI_SIZE(struct physdev_set_iopl, 4);

/* Per-vCPU I/O permission bitmap in TSS format (2 bytes read at a time). */
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8_t) bitmap; /* IN: bit n set = port n denied */
    uint32_t nr_ports;                /* IN: ports covered; ports beyond are denied */
    uint32_t pad0;
};
XEN_ABI_SIZE(struct physdev_set_iobitmap, 16);
XEN_ABI_OFFSET(struct physdev_set_iobitmap, nr_ports, 8);

/* A guest frame where the hypervisor keeps a "PIRQ needs EOI" bitmap. */
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn; /* IN */
};
XEN_ABI_SIZE(struct physdev_pirq_eoi_gmfn, 8);

#endif /* PUBLIC_PHYSDEV_H */
