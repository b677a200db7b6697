// SPDX-License-Identifier: MIT
/* grant_table_op: grant table v1 frames (PV guests map them by machine frame),
 * their size and version, and XENMAPSPACE_grant_table (xen-abi.md §7). */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/xen.h>
#include <public/grant_table.h>

/*
 * Design: a domain's table is up to XEN_GNTTAB_MAX_FRAMES (64, Xen's
 * default max_grant_frames) zeroed hypervisor pages, starting with one as
 * in Xen (INITIAL_NR_GRANT_FRAMES). The table grows when setup_table asks
 * for more frames or add_to_physmap names a frame past the end, and never
 * shrinks. Only version 1 exists: set_version(2) answers as Xen does with
 * v2 disabled (gnttab=max-ver:1). A translated guest learns where a frame
 * is through setup_table, which reports the gfn the frame was last mapped
 * at, or ~0 (Xen's INVALID_M2P_ENTRY) when it is not mapped there now.
 *
 * Nothing reads the entries yet: map_grant_ref, unmap_grant_ref and copy
 * need a backend domain (dom0 or a Mica device backend), and none exists,
 * so they are -ENOSYS. swap_grant_ref only touches the caller's own table
 * and is offered.
 *
 * The argument layout follows Xen's C prototype `(unsigned int cmd, void
 * *uop, unsigned int count)`: the high halves of cmd and count are dropped.
 *
 * Locking: xen_gnttab.lock guards the frame arrays; p2m.lock, the frame
 * allocator's lock and a PV domain's PV MMU lock (frame_share) nest
 * inside it. Guest copies run without it: frames are
 * never removed, so an index below nr_frames stays valid.
 */

#define GNTTAB_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNTTAB_NO_GFN (~0ULL)
/* swap_grant_ref entries handled per hypercall entry; the rest continue
 * through -ERESTART, so a count of 2^31 never holds a CPU for long. */
#define GNTTAB_SWAP_BATCH 64

/* The same answer as a per-operation status. */
static int16_t gnttab_target_status(int rc)
{
    if (rc == -ESRCH)
        return GNTST_bad_domain;
    return rc ? GNTST_permission_denied : GNTST_okay;
}

/* Allocate frames up to nr (<= max). A PV guest maps them by machine
 * frame, so its PV MMU is told they are the domain's (shared, never page
 * tables, freed only with the domain). Called with the lock held. */
static int gnttab_grow(struct domain *d, unsigned int nr)
{
    struct xen_gnttab *gt = &d->xen->gnttab;

    while (gt->nr_frames < nr) {
        void *page = alloc_page_zeroed();
        int rc;

        if (!page)
            return -ENOMEM;
        rc = d->ops->frame_share ? d->ops->frame_share(d, __pa(page)) : 0;
        if (rc) {
            free_page(page);
            return rc;
        }
        gt->frame[gt->nr_frames] = page;
        gt->gpfn[gt->nr_frames] = GNTTAB_NO_GFN;
        gt->nr_frames++;
    }
    return 0;
}

/* Where frame i is mapped now. The p2m is asked rather than trusted from
 * gpfn[]: another add_to_physmap may have put a page over it since. A PV
 * guest gets the machine frame, which it maps itself. */
static uint64_t gnttab_frame_gfn(struct domain *d, unsigned int i)
{
    struct xen_gnttab *gt = &d->xen->gnttab;
    uint64_t gfn;
    paddr_t pa;

    if (d->type == DOMAIN_PV)
        return __pa(gt->frame[i]) >> PAGE_SHIFT;

    spin_lock(&gt->lock);
    gfn = gt->gpfn[i];
    if (gfn != GNTTAB_NO_GFN &&
        (p2m_translate(&d->p2m, gfn << PAGE_SHIFT, &pa) || pa != __pa(gt->frame[i])))
        gfn = GNTTAB_NO_GFN;
    spin_unlock(&gt->lock);
    return gfn;
}

static long gnttab_query_size(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct xen_gnttab *gt = &v->domain->xen->gnttab;
    struct gnttab_query_size op;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    op.status = gnttab_target_status(xen_domid_check(v, op.dom));
    if (op.status == GNTST_okay) {
        spin_lock(&gt->lock);
        op.nr_frames = gt->nr_frames;
        spin_unlock(&gt->lock);
        op.max_nr_frames = XEN_GNTTAB_MAX_FRAMES;
    }
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/* Size the table to at least nr frames: a status. */
static int16_t gnttab_setup_size(struct domain *d, uint32_t nr)
{
    struct xen_gnttab *gt = &d->xen->gnttab;
    int rc;

    if (nr > XEN_GNTTAB_MAX_FRAMES)
        return GNTST_general_error;
    spin_lock(&gt->lock);
    rc = gnttab_grow(d, nr);
    spin_unlock(&gt->lock);
    return rc ? GNTST_general_error : GNTST_okay;
}

/* Problems with the request come back in the status with rc 0; only an
 * unreadable argument or unwritable status is -EFAULT. */
static long gnttab_setup_table(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct gnttab_setup_table op;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    op.status = gnttab_target_status(xen_domid_check(v, op.dom));
    if (op.status == GNTST_okay)
        op.status = gnttab_setup_size(v->domain, op.nr_frames);
    for (uint32_t i = 0; op.status == GNTST_okay && i < op.nr_frames; i++) {
        uint64_t gfn = gnttab_frame_gfn(v->domain, i);

        if (copy_to_guest(v, op.frame_list + i * sizeof(gfn), &gfn, sizeof(gfn)))
            op.status = GNTST_bad_virt_addr;
    }
    if (copy_to_guest(v, uop + offsetof(struct gnttab_setup_table, status),
                      &op.status, sizeof(op.status)))
        return -EFAULT;
    return 0;
}

/* The version in force is written back whatever the answer, as in Xen. */
static long gnttab_set_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_set_version op;
    long rc = 0;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    if (op.version != 1 && op.version != 2)
        rc = -EINVAL;
    else if (op.version == 2)
        rc = -ENOSYS; /* what Xen says when v2 is disabled */
    op.version = 1;
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long gnttab_get_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_get_version op;
    int rc;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    if ((rc = xen_domid_check(v, op.dom)))
        return rc;
    op.version = 1;
    if (copy_to_guest(v, uop + offsetof(struct gnttab_get_version, version),
                      &op.version, sizeof(op.version)))
        return -EFAULT;
    return 0;
}

/* Exchange two entries of the caller's table. No entry is ever in use (no
 * mappings exist), so Xen's GNTST_eagain for a pinned entry cannot arise. */
static int16_t gnttab_swap_one(struct xen_gnttab *gt, grant_ref_t a, grant_ref_t b)
{
    uint64_t *ea, *eb, tmp;

    spin_lock(&gt->lock);
    if (a >= gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME ||
        b >= gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME) {
        spin_unlock(&gt->lock);
        return GNTST_bad_gntref;
    }
    /* Each entry as one 8-byte word: the guest may write it meanwhile. */
    ea = (uint64_t *)gt->frame[a / GNTTAB_ENTRIES_PER_FRAME] + a % GNTTAB_ENTRIES_PER_FRAME;
    eb = (uint64_t *)gt->frame[b / GNTTAB_ENTRIES_PER_FRAME] + b % GNTTAB_ENTRIES_PER_FRAME;
    tmp = __atomic_load_n(ea, __ATOMIC_RELAXED);
    __atomic_store_n(ea, __atomic_load_n(eb, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
    __atomic_store_n(eb, tmp, __ATOMIC_RELAXED);
    spin_unlock(&gt->lock);
    return GNTST_okay;
}

/* Every operation gets its status; a fault on the array ends the call with
 * -EFAULT, the operations before it done. */
static long gnttab_swap(struct vcpu *v, struct hypercall_args *args, uint32_t count)
{
    struct gnttab_swap_grant_ref op;
    uint64_t uop = args->a[1];
    uint32_t i;

    for (i = 0; i < count && i < GNTTAB_SWAP_BATCH; i++, uop += sizeof(op)) {
        if (copy_from_guest(v, &op, uop, sizeof(op)))
            return -EFAULT;
        op.status = gnttab_swap_one(&v->domain->xen->gnttab, op.ref_a, op.ref_b);
        if (copy_to_guest(v, uop + offsetof(struct gnttab_swap_grant_ref, status),
                          &op.status, sizeof(op.status)))
            return -EFAULT;
    }
    if (i == count)
        return 0;
    args->a[1] = uop;
    args->a[2] = count - i;
    return -ERESTART;
}

long do_grant_table_op(struct vcpu *v, struct hypercall_args *args)
{
    uint32_t cmd = (uint32_t)args->a[0], count = (uint32_t)args->a[2];

    /* Xen lets HVM guests use only these (hvm_grant_table_op); a command
     * with continuation bits (cmd >> 12) is not among them: -ENOSYS. */
    switch (cmd) {
    case GNTTABOP_query_size: case GNTTABOP_setup_table:
    case GNTTABOP_set_version: case GNTTABOP_get_version:
    case GNTTABOP_swap_grant_ref:
    case GNTTABOP_map_grant_ref: case GNTTABOP_unmap_grant_ref: case GNTTABOP_copy:
        break;
    default:
        return -ENOSYS;
    }
    if ((int32_t)count < 0)
        return -EINVAL;
    switch (cmd) {
    case GNTTABOP_query_size: return gnttab_query_size(v, args->a[1], count);
    case GNTTABOP_setup_table: return gnttab_setup_table(v, args->a[1], count);
    case GNTTABOP_set_version: return gnttab_set_version(v, args->a[1]);
    case GNTTABOP_get_version: return gnttab_get_version(v, args->a[1]);
    case GNTTABOP_swap_grant_ref: return gnttab_swap(v, args, count);
    default: return -ENOSYS; /* map/unmap/copy: no backend domain yet */
    }
}

int xen_gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpfn)
{
    struct xen_gnttab *gt = &d->xen->gnttab;
    int rc;

    /* A v1 table has no status frames: idx | XENMAPIDX_grant_table_status
     * is past the end like any other too-large index. The caller bounds
     * gpfn to the guest's layout; 52 bits is the most any p2m maps. */
    if (idx >= XEN_GNTTAB_MAX_FRAMES || gpfn >> (52 - PAGE_SHIFT))
        return -EINVAL;
    spin_lock(&gt->lock);
    rc = gnttab_grow(d, (unsigned int)idx + 1) ? -EINVAL : 0; /* Xen: -EINVAL */
    if (!rc)
        rc = p2m_map_page(&d->p2m, gpfn << PAGE_SHIFT, __pa(gt->frame[idx]));
    if (!rc)
        gt->gpfn[idx] = gpfn;
    spin_unlock(&gt->lock);
    return rc;
}

int xen_gnttab_init(struct domain *d)
{
    struct xen_gnttab *gt = &d->xen->gnttab;
    int rc;

    spin_lock_init(&gt->lock);
    spin_lock(&gt->lock);
    rc = gnttab_grow(d, 1);
    spin_unlock(&gt->lock);
    return rc;
}

void xen_gnttab_destroy(struct domain *d)
{
    struct xen_gnttab *gt = &d->xen->gnttab;

    for (unsigned int i = 0; i < gt->nr_frames; i++)
        free_page(gt->frame[i]);
    gt->nr_frames = 0;
}
