// SPDX-License-Identifier: MIT
/* PCI configuration mechanism #1 for HVM guests: address decoding, the
 * device registry of bus 0 and the built-in host bridge. */
#include <hv/errno.h>
#include <hv/hvm/vpci.h>
#include <hv/lib.h>

/* Host bridge bits the guest may change; all others are read-only. */
static const uint8_t vpci_host_wmask[VPCI_CONFIG_SIZE] = {
    [VPCI_COMMAND] = 0x40,     /* parity error response */
    [VPCI_COMMAND + 1] = 0x01, /* SERR# enable */
    [VPCI_CACHE_LINE] = 0xff,  [VPCI_LATENCY] = 0xff, [VPCI_INTERRUPT_LINE] = 0xff,
};

static uint32_t vpci_host_read(void *opaque, unsigned int reg, unsigned int size)
{
    const uint8_t *cfg = opaque;
    uint32_t v = 0;

    for (unsigned int i = 0; i < size; i++)
        v |= (uint32_t)cfg[reg + i] << (8 * i);
    return v;
}

static void vpci_host_write(void *opaque, unsigned int reg, unsigned int size,
                            uint32_t val)
{
    uint8_t *cfg = opaque;

    for (unsigned int i = 0; i < size; i++) {
        uint8_t m = vpci_host_wmask[reg + i];
        uint8_t b = (uint8_t)(val >> (8 * i));

        cfg[reg + i] = (uint8_t)((cfg[reg + i] & ~m) | (b & m));
    }
}

static const struct vpci_device_ops vpci_host_ops = {
    .read = vpci_host_read,
    .write = vpci_host_write,
};

static void vpci_put16(uint8_t *cfg, unsigned int reg, uint16_t v)
{
    cfg[reg] = (uint8_t)v;
    cfg[reg + 1] = (uint8_t)(v >> 8);
}

static void vpci_host_init(uint8_t *cfg)
{
    memset(cfg, 0, VPCI_CONFIG_SIZE);
    vpci_put16(cfg, VPCI_VENDOR_ID, VPCI_HOST_VENDOR);
    vpci_put16(cfg, VPCI_DEVICE_ID, VPCI_HOST_DEVICE);
    /* A host bridge always forwards CPU cycles: memory space and bus
     * master read as set. */
    vpci_put16(cfg, VPCI_COMMAND, 0x0006);
    vpci_put16(cfg, VPCI_STATUS, 0x0280);
    cfg[VPCI_REVISION] = VPCI_HOST_REVISION;
    cfg[VPCI_CLASS_PROG] = VPCI_HOST_CLASS & 0xff;
    vpci_put16(cfg, VPCI_CLASS_PROG + 1, VPCI_HOST_CLASS >> 8);
    cfg[VPCI_HEADER_TYPE] = 0x00; /* type 0, single function */
}

void vpci_init(struct vpci *p)
{
    p->addr = 0;
    memset(p->slot, 0, sizeof(p->slot));
    vpci_host_init(p->host_config);
    p->slot[0][0].ops = &vpci_host_ops;
    p->slot[0][0].opaque = p->host_config;
}

int vpci_add_device(struct vpci *p, uint8_t dev, uint8_t fn,
                    const struct vpci_device_ops *ops, void *opaque)
{
    struct vpci_slot *s;

    if (dev >= VPCI_NR_DEVS || fn >= VPCI_NR_FNS || !ops || !ops->read || !ops->write)
        return -EINVAL;
    s = &p->slot[dev][fn];
    if (s->ops)
        return -EEXIST;
    s->ops = ops;
    s->opaque = opaque;
    return 0;
}

/* The function CONFIG_ADDRESS selects, or NULL for a master abort. */
static const struct vpci_slot *vpci_target(const struct vpci *p)
{
    uint32_t a = p->addr;
    const struct vpci_slot *s;

    if (!(a & VPCI_ADDR_ENABLE) || ((a >> 16) & 0xff) != 0)
        return NULL;
    s = &p->slot[(a >> 11) & 0x1f][(a >> 8) & 0x7];
    return s->ops ? s : NULL;
}

/* Decode a CONFIG_DATA access: 0 and the config offset, or -EINVAL. */
static int vpci_data_reg(const struct vpci *p, uint64_t port, unsigned int size,
                         unsigned int *reg)
{
    uint64_t lane = port - VPCI_CONFIG_DATA;

    if (port < VPCI_CONFIG_DATA || lane >= 4)
        return -EINVAL;
    if ((size != 1 && size != 2 && size != 4) || lane + size > 4)
        return -EINVAL;
    *reg = (p->addr & 0xfc) + (unsigned int)lane;
    return 0;
}

static bool vpci_is_address(uint64_t port, unsigned int size, int *rc)
{
    if (port < VPCI_CONFIG_ADDRESS || port >= VPCI_CONFIG_DATA)
        return false;
    /* Only dword accesses at 0xcf8 reach CONFIG_ADDRESS. */
    *rc = (port == VPCI_CONFIG_ADDRESS && size == 4) ? 0 : -EINVAL;
    return true;
}

static uint32_t vpci_size_mask(unsigned int size)
{
    return size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1;
}

int vpci_io_read(void *dev, uint64_t port, unsigned int size, uint64_t *val)
{
    struct vpci *p = dev;
    const struct vpci_slot *s;
    unsigned int reg;
    int rc;

    if (vpci_is_address(port, size, &rc)) {
        if (!rc)
            *val = p->addr;
        return rc;
    }
    rc = vpci_data_reg(p, port, size, &reg);
    if (rc)
        return rc;
    s = vpci_target(p);
    *val = vpci_size_mask(size);
    if (s)
        *val &= s->ops->read(s->opaque, reg, size);
    return 0;
}

int vpci_io_write(void *dev, uint64_t port, unsigned int size, uint64_t val)
{
    struct vpci *p = dev;
    const struct vpci_slot *s;
    unsigned int reg;
    int rc;

    if (vpci_is_address(port, size, &rc)) {
        if (!rc)
            p->addr = (uint32_t)val & VPCI_ADDR_MASK;
        return rc;
    }
    rc = vpci_data_reg(p, port, size, &reg);
    if (rc)
        return rc;
    s = vpci_target(p);
    if (s)
        s->ops->write(s->opaque, reg, size, (uint32_t)val & vpci_size_mask(size));
    return 0;
}
