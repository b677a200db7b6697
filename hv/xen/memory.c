// SPDX-License-Identifier: MIT
/* memory_op for translated (HVM/PVH) guests: the memory map, mapping the
 * shared_info page and grant-table frames, reservation queries; for PV
 * guests the queries only. */
#include <hv/errno.h>
#include <hv/sched.h>
#include <hv/hvm.h>
#include <hv/hvm/vcpu.h>
#include <hv/hypercall.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/loader.h>
#include <hv/printk.h>
#include <hv/xen.h>
#include <public/memory.h>

static long memory_map(struct vcpu *v, uint64_t arg)
{
    struct e820_entry e820[GUEST_E820_MAX];
    struct xen_memory_map map;
    int n = guest_e820_build(v->domain->ram_bytes, e820, GUEST_E820_MAX);

    if (copy_from_guest(v, &map, arg, sizeof(map)))
        return -EFAULT;
    if (n < 0)
        return n;
    map.nr_entries = MIN(map.nr_entries, (uint32_t)n);
    if (copy_to_guest(v, map.buffer, e820, map.nr_entries * sizeof(e820[0])) ||
        copy_to_guest(v, arg, &map, sizeof(map)))
        return -EFAULT;
    return 0;
}

/* Every vCPU must forget translations of a page whose mapping changed. */
static void memory_flush_guest_tlbs(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        hvm_ops->set_npt_root(d->vcpu[i], p2m_root(&d->p2m));
        vcpu_kick(d->vcpu[i]);
    }
}

/* The last gfn a guest may place a page at: its RAM and the 4 GiB hole. */
static uint64_t memory_max_gpfn(const struct domain *d)
{
    return (guest_ram_gpa_end(d->ram_bytes) >> PAGE_SHIFT) - 1;
}

/*
 * Where grant frames may go: RAM, or the 1 GiB above both RAM and 4 GiB.
 * Linux PVH puts them in unpopulated address space (the first free 128 MiB
 * section of its iomem map, e.g. 4 GiB with 256 MiB of RAM). The window is
 * bounded because every mapping outside RAM may cost page-table pages that
 * live as long as the domain; this caps them near 2 MiB.
 */
static bool memory_grant_gpfn_ok(const struct domain *d, uint64_t gpfn)
{
    uint64_t base = MAX(guest_ram_gpa_end(d->ram_bytes), GiB(4)) >> PAGE_SHIFT;

    return gpfn <= memory_max_gpfn(d) ||
           (gpfn >= base && gpfn - base < (GiB(1) >> PAGE_SHIFT));
}

/*
 * A grant-table frame (hv/xen/gnttab.c), the table grown to hold idx. As
 * with shared_info, a frame moved to a new gpfn stays visible at the old
 * one too: the p2m cannot unmap a page yet (Xen leaves a hole there).
 */
static long add_to_physmap_grant(struct vcpu *v, const struct xen_add_to_physmap *xatp)
{
    int rc;

    if (!memory_grant_gpfn_ok(v->domain, xatp->gpfn))
        return -EINVAL;
    rc = xen_gnttab_map_frame(v->domain, xatp->idx, xatp->gpfn);
    if (!rc)
        memory_flush_guest_tlbs(v->domain);
    return rc;
}

static long add_to_physmap(struct vcpu *v, uint64_t arg)
{
    struct xen_add_to_physmap xatp;
    struct xen_domain *x = v->domain->xen;
    int rc;

    if (copy_from_guest(v, &xatp, arg, sizeof(xatp)))
        return -EFAULT;
    if ((rc = xen_domid_check(v, xatp.domid)))
        return rc;
    if (xatp.space == XENMAPSPACE_grant_table)
        return add_to_physmap_grant(v, &xatp);
    if (xatp.space != XENMAPSPACE_shared_info)
        return -EINVAL; /* page moves: not offered yet */
    if (xatp.idx != 0 || xatp.gpfn > memory_max_gpfn(v->domain))
        return -EINVAL;
    rc = p2m_map_page(&v->domain->p2m, xatp.gpfn << PAGE_SHIFT, __pa(x->shinfo));
    if (rc)
        return rc;
    x->shinfo_gpfn = xatp.gpfn;
    memory_flush_guest_tlbs(v->domain);
    return 0;
}

static long memory_reservation_query(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    uint16_t domid;
    int rc;

    if (copy_from_guest(v, &domid, arg, sizeof(domid)))
        return -EFAULT;
    if ((rc = xen_domid_check(v, domid)))
        return rc;
    if (cmd == XENMEM_maximum_gpfn)
        return (long)memory_max_gpfn(v->domain);
    if (cmd == XENMEM_current_reservation)
        return (long)v->domain->p2m.nr_pages;
    return (long)(v->domain->ram_bytes >> PAGE_SHIFT);
}

#define MEMOP_EXTENT_SHIFT 6   /* cmd bits above it: continuation progress */
#define MEMOP_CMD_MASK ((1U << MEMOP_EXTENT_SHIFT) - 1)
#define MEMOP_BATCH 256        /* extents per hypercall before continuing */

/*
 * Ballooning (decrease_reservation / populate_physmap) of order-0 extents.
 * Returns the number of extents done, as Xen does; a long list is handled
 * MEMOP_BATCH extents at a time, the guest re-executing the hypercall with
 * the progress encoded in cmd (-ERESTART).
 */
static long memory_reservation(struct vcpu *v, struct hypercall_args *args, bool populate)
{
    struct domain *d = v->domain;
    struct xen_memory_reservation r;
    uint64_t start = args->a[0] >> MEMOP_EXTENT_SHIFT, i, gpfn;
    int rc;

    if (copy_from_guest(v, &r, args->a[1], sizeof(r)))
        return -EFAULT;
    if ((rc = xen_domid_check(v, r.domid)))
        return rc;
    if (r.extent_order != 0 || start > r.nr_extents)
        return -EINVAL; /* larger extents: not offered */
    for (i = start; i < r.nr_extents; i++) {
        if (i - start == MEMOP_BATCH) {
            args->a[0] = (args->a[0] & MEMOP_CMD_MASK) | (i << MEMOP_EXTENT_SHIFT);
            return -ERESTART;
        }
        if (copy_from_guest(v, &gpfn, r.extent_start + i * sizeof(gpfn), sizeof(gpfn)))
            return i ? (long)i : -EFAULT;
        if (gpfn > memory_max_gpfn(d))
            break;
        rc = populate ? p2m_populate_page(&d->p2m, gpfn << PAGE_SHIFT, (uint16_t)d->id,
                                          d->ram_bytes >> PAGE_SHIFT)
                      : p2m_remove_page(&d->p2m, gpfn << PAGE_SHIFT);
        if (rc)
            break;
    }
    if (!populate && i > start)
        memory_flush_guest_tlbs(d);
    return (long)i;
}

/* A PV domU's memory map is one RAM block from 0 (as xl gives it), so
 * Linux has nothing to remap. */
static long memory_map_pv(struct vcpu *v, uint64_t arg)
{
    struct e820_entry ram = { 0, v->domain->ram_bytes, MEMMAP_RAM };
    struct xen_memory_map map;

    if (copy_from_guest(v, &map, arg, sizeof(map)))
        return -EFAULT;
    map.nr_entries = MIN(map.nr_entries, 1U);
    if (copy_to_guest(v, map.buffer, &ram, map.nr_entries * sizeof(ram)) ||
        copy_to_guest(v, arg, &map, sizeof(map)))
        return -EFAULT;
    return 0;
}

/* The operations that change the p2m are for translated guests: a PV
 * guest names machine frames and maps them through its own page tables,
 * which nothing here would update. */
static long memory_op_pv(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    switch (cmd) {
    case XENMEM_memory_map:
        return memory_map_pv(v, arg);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return memory_reservation_query(v, cmd, arg);
    default:
        return -ENOSYS;
    }
}

long do_memory_op(struct vcpu *v, struct hypercall_args *args)
{
    uint64_t cmd = args->a[0] & MEMOP_CMD_MASK; /* the rest is continuation state */

    if (v->domain->type == DOMAIN_PV)
        return memory_op_pv(v, cmd, args->a[1]);
    switch (cmd) {
    case XENMEM_memory_map:
        return memory_map(v, args->a[1]);
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, args->a[1]);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return memory_reservation_query(v, cmd, args->a[1]);
    case XENMEM_decrease_reservation:
        return memory_reservation(v, args, false);
    case XENMEM_populate_physmap:
        return memory_reservation(v, args, true);
    default:
        /* increase_reservation (PV only), exchange, ...: not offered. */
        return -ENOSYS;
    }
}
