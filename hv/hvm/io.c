// SPDX-License-Identifier: MIT
/* The I/O bus of an HVM domain: port and MMIO ranges claimed by devices.
 *
 * Locking: ranges are registered before any vCPU runs and never change
 * afterwards; device state is protected by the platform lock (platform.c).
 */
#include <hv/errno.h>
#include <hv/hvm/platform.h>
#include <hv/hvm/platform_internal.h>
#include <hv/lib.h>
#include <hv/printk.h>

int hvm_io_register(struct domain *d, enum io_space space, uint64_t base, uint64_t len,
                    const struct hvm_io_ops *ops, void *dev, bool absolute)
{
    struct hvm_platform *p = d->platform;

    if (p->nr_ranges == IO_BUS_MAX || !len)
        return -ENOSPC;
    p->ranges[p->nr_ranges++] = (struct io_range){ space, base, len, ops, dev, absolute };
    return 0;
}

static const struct io_range *io_find(const struct hvm_platform *p, enum io_space space,
                                      uint64_t addr, unsigned int size)
{
    for (unsigned int i = 0; i < p->nr_ranges; i++) {
        const struct io_range *r = &p->ranges[i];

        if (r->space == space && addr >= r->base && addr - r->base < r->len &&
            addr - r->base + size <= r->len)
            return r;
    }
    return NULL;
}

int hvm_io_access(struct domain *d, enum io_space space, uint64_t addr,
                  unsigned int size, bool write, uint64_t *val)
{
    struct hvm_platform *p = d->platform;
    const struct io_range *r = io_find(p, space, addr, size);
    uint64_t off;
    int rc;

    if (!r) {
        if (!write)
            *val = size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
        return -ENOENT;
    }
    off = r->absolute ? addr : addr - r->base;
    spin_lock(&p->lock);
    rc = write ? r->ops->write(r->dev, off, size, *val) : r->ops->read(r->dev, off, size, val);
    spin_unlock(&p->lock);
    if (rc && !write)
        *val = size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
    return rc;
}
