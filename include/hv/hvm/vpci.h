/* SPDX-License-Identifier: MIT */
/* PCI configuration mechanism #1 (ports 0xcf8/0xcfc) of HVM guests: bus 0
 * with a host bridge at 00:00.0 and a registry of emulated functions.
 *
 * Design: a plain state machine (see <hv/hvm/devmodel.h>). vpci_io_read()
 * and vpci_io_write() take absolute ports 0xcf8-0xcff:
 *  - CONFIG_ADDRESS (0xcf8) is a dword register: bit 31 enable, bits 23-16
 *    bus, 15-11 device, 10-8 function, 7-2 dword register. Bits 30-24 and
 *    1-0 read as 0. Byte and word accesses to 0xcf8-0xcfb are not decoded
 *    (-EINVAL): chipsets pass them on to the ISA/LPC side, where port 0xcf9
 *    is the reset control register, so the I/O bus must let them reach
 *    other handlers or treat them as unclaimed.
 *  - CONFIG_DATA (0xcfc-0xcff) takes byte, word and dword accesses; the
 *    config offset is the address register plus (port - 0xcfc). An access
 *    that would run past 0xcff is not decoded (-EINVAL).
 *  - With the enable bit clear, on any bus but 0 (there are no bridges),
 *    or at a function nobody registered, reads return all-ones and writes
 *    are dropped: a master abort.
 * The host bridge is an Intel 82441FX PMC (8086:1237, rev 02, the i440FX
 * host bridge most PC firmware and OSes know; Xen's HVM guests show the
 * same). It is a header-type-0, single-function device with class 060000,
 * no BARs, no interrupt and no capabilities; status reads 0x0280 (fast
 * back-to-back capable, medium DEVSEL timing). Command reads with memory
 * space and bus master set; only parity error response and SERR# enable
 * are writable. Cache line size, latency timer and interrupt line are
 * plain read/write bytes. The chipset registers above 0x40 (PAM, SMRAM,
 * DRAM rows) read as 0 and ignore writes: guest memory is fixed by the
 * p2m, not by the bridge.
 *
 * Locking: none inside; the caller serializes accesses (one per-domain
 * device lock). Device callbacks run with that lock held.
 */
#ifndef HV_HVM_VPCI_H
#define HV_HVM_VPCI_H

#include <hv/hvm/devmodel.h>
#include <hv/types.h>

#define VPCI_CONFIG_ADDRESS 0xcf8
#define VPCI_CONFIG_DATA 0xcfc
#define VPCI_NR_PORTS 8 /* 0xcf8-0xcff */
#define VPCI_NR_DEVS 32
#define VPCI_NR_FNS 8
#define VPCI_CONFIG_SIZE 256

#define VPCI_ADDR_ENABLE 0x80000000U
#define VPCI_ADDR_MASK 0x80fffffcU /* bits that hold what is written */

/* Standard header offsets (PCI Local Bus spec, "Configuration Space
 * Header"). */
#define VPCI_VENDOR_ID 0x00
#define VPCI_DEVICE_ID 0x02
#define VPCI_COMMAND 0x04
#define VPCI_STATUS 0x06
#define VPCI_REVISION 0x08
#define VPCI_CLASS_PROG 0x09
#define VPCI_CACHE_LINE 0x0c
#define VPCI_LATENCY 0x0d
#define VPCI_HEADER_TYPE 0x0e
#define VPCI_BAR0 0x10
#define VPCI_INTERRUPT_LINE 0x3c

#define VPCI_HOST_VENDOR 0x8086
#define VPCI_HOST_DEVICE 0x1237
#define VPCI_HOST_REVISION 0x02
#define VPCI_HOST_CLASS 0x060000 /* bridge, host */

/* An emulated function's configuration space. `reg` is the byte offset
 * (0-255) and size is 1, 2 or 4; an access never crosses a dword boundary
 * but need not be naturally aligned (a word at reg 1 is legal: PCI byte
 * enables). Read results are masked to `size` bytes by the caller. */
struct vpci_device_ops {
    uint32_t (*read)(void *opaque, unsigned int reg, unsigned int size);
    void (*write)(void *opaque, unsigned int reg, unsigned int size, uint32_t val);
};

struct vpci_slot {
    const struct vpci_device_ops *ops; /* NULL: no function here */
    void *opaque;
};

/* About 4.5 KiB: embed it in the domain or allocate it, never on the
 * stack. */
struct vpci {
    uint32_t addr; /* CONFIG_ADDRESS as last written (masked) */
    struct vpci_slot slot[VPCI_NR_DEVS][VPCI_NR_FNS];
    uint8_t host_config[VPCI_CONFIG_SIZE]; /* the host bridge's space */
};

/* Empty bus 0 plus the host bridge at 00:00.0; CONFIG_ADDRESS 0. */
void vpci_init(struct vpci *p);

/* Put a function at 00:dev.fn. -EINVAL for dev > 31, fn > 7 or ops without
 * both callbacks; -EEXIST if the slot is taken (00:00.0 always is). The
 * device provides its own header, including the multi-function bit of
 * function 0 when it registers other functions. */
int __must_check vpci_add_device(struct vpci *p, uint8_t dev, uint8_t fn,
                                 const struct vpci_device_ops *ops, void *opaque);

/* Guest access to ports 0xcf8-0xcff (absolute); see above. */
int __must_check vpci_io_read(void *dev, uint64_t port, unsigned int size, uint64_t *val);
int __must_check vpci_io_write(void *dev, uint64_t port, unsigned int size, uint64_t val);

#endif /* HV_HVM_VPCI_H */
