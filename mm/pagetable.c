// SPDX-License-Identifier: MIT
/* x86-64 4-level page-table builder: map, unmap and translate ranges. */
#include <hv/errno.h>
#include <hv/pagetable.h>
#include <hv/types.h>

/*
 * Design: levels are numbered as in the walk, 4 = PML4 down to 1 = PT. A
 * range is handled one table at a time (pt_map_range/pt_unmap_range), each
 * entry either becoming a leaf or being descended into, so recursion depth
 * is at most four frames.
 *
 * Not done here: TLB invalidation (the caller knows which CPUs use the tree)
 * and freeing tables that become empty. An existing lower-level table is
 * reused rather than replaced by a large leaf, because pt_ctx has no hook to
 * free the table that would be orphaned. On -ENOMEM the part of the range
 * mapped before the failure stays mapped; a large page whose split failed is
 * left untouched.
 *
 * Locking: none; callers serialise updates to one tree.
 */

#define PT_ENTRIES 512
#define PT_LEVELS 4
/* Paging "4-level paging": physical addresses are at most 52 bits wide. */
#define PT_PA_LIMIT (1ULL << 52)
/* Attributes of a leaf that survive a split. */
#define PT_LEAF_ATTRS (PTE_P | PTE_FLAGS_MASK | PTE_A | PTE_D)

static unsigned int pt_shift(int level)
{
    return PAGE_SHIFT + 9 * (unsigned int)(level - 1);
}

static uint64_t pt_span(int level)
{
    return 1ULL << pt_shift(level);
}

static unsigned int pt_index(vaddr_t va, int level)
{
    return (unsigned int)(va >> pt_shift(level)) & (PT_ENTRIES - 1);
}

static uint64_t *pt_table(const struct pt_ctx *pt, paddr_t table)
{
    return pt->phys_to_virt(pt->opaque, table & PTE_ADDR_MASK);
}

static uint64_t *pt_entry_ptr(const struct pt_ctx *pt, paddr_t table,
                              vaddr_t va, int level)
{
    return &pt_table(pt, table)[pt_index(va, level)];
}

/* PS means "maps a page" only in PDPTE and PDE formats; in a PML4E it is
 * reserved and in a PTE bit 7 is PAT. */
static bool pt_is_leaf(uint64_t e, int level)
{
    return level == 1 || ((level == 2 || level == 3) && (e & PTE_PS));
}

/* Bit 12 of a large-page entry is PAT, not address: mask to the page. */
static paddr_t pt_leaf_addr(uint64_t e, int level)
{
    return e & PTE_ADDR_MASK & ~(pt_span(level) - 1);
}

static uint64_t pt_make_leaf(paddr_t pa, uint64_t attrs, int level)
{
    return pa | attrs | (level > 1 ? PTE_PS : 0);
}

/* Bytes of [va, va+size) that fall inside va's entry at this level. */
static uint64_t pt_chunk(vaddr_t va, uint64_t size, int level)
{
    uint64_t left = pt_span(level) - (va & (pt_span(level) - 1));

    return MIN(size, left);
}

/* Replace a large leaf by a table of next-level leaves mapping the same
 * frames with the same attributes. The table is filled before it is
 * installed so a concurrent walker sees either the old or the new form. */
static int pt_split(struct pt_ctx *pt, uint64_t *e, int level)
{
    uint64_t attrs = *e & PT_LEAF_ATTRS;
    paddr_t base = pt_leaf_addr(*e, level);
    paddr_t table = pt->alloc_table(pt->opaque);
    uint64_t *child;
    unsigned int i;

    if (!table)
        return -ENOMEM;
    child = pt_table(pt, table);
    for (i = 0; i < PT_ENTRIES; i++)
        child[i] = pt_make_leaf(base + i * pt_span(level - 1), attrs,
                                level - 1);
    *e = table | PTE_P | PTE_W | (attrs & PTE_U);
    return 0;
}

/* Make *e point to a next-level table, allocating or splitting as needed.
 * Non-leaf entries only ever grant (P|W, and U on demand) so that the
 * leaf alone decides access; NX is never set on them. */
static int pt_next_table(struct pt_ctx *pt, uint64_t *e, int level,
                         uint64_t user)
{
    paddr_t table;

    if (*e & PTE_P) {
        if (pt_is_leaf(*e, level) && pt_split(pt, e, level))
            return -ENOMEM;
        *e |= user;
        return 0;
    }
    table = pt->alloc_table(pt->opaque);
    if (!table)
        return -ENOMEM;
    *e = table | PTE_P | PTE_W | user;
    return 0;
}

/* Can [pa, pa+chunk) become one leaf at this level? */
static bool pt_leaf_fits(const struct pt_ctx *pt, uint64_t e, int level,
                         paddr_t pa, uint64_t chunk)
{
    if (level == 1)
        return true;
    if (level == PT_LEVELS || (level == 3 && !pt->allow_1g))
        return false;
    if (chunk != pt_span(level) || (pa & (pt_span(level) - 1)))
        return false;
    return !(e & PTE_P) || pt_is_leaf(e, level);
}

static int pt_map_range(struct pt_ctx *pt, paddr_t table, int level,
                        vaddr_t va, paddr_t pa, uint64_t size, uint64_t attrs);

static int pt_map_entry(struct pt_ctx *pt, uint64_t *e, int level, vaddr_t va,
                        paddr_t pa, uint64_t chunk, uint64_t attrs)
{
    if (pt_leaf_fits(pt, *e, level, pa, chunk)) {
        *e = pt_make_leaf(pa, attrs, level);
        return 0;
    }
    if (pt_next_table(pt, e, level, attrs & PTE_U))
        return -ENOMEM;
    return pt_map_range(pt, *e, level - 1, va, pa, chunk, attrs);
}

static int pt_map_range(struct pt_ctx *pt, paddr_t table, int level,
                        vaddr_t va, paddr_t pa, uint64_t size, uint64_t attrs)
{
    while (size) {
        uint64_t chunk = pt_chunk(va, size, level);
        uint64_t *e = pt_entry_ptr(pt, table, va, level);
        int rc = pt_map_entry(pt, e, level, va, pa, chunk, attrs);

        if (rc)
            return rc;
        va += chunk;
        pa += chunk;
        size -= chunk;
    }
    return 0;
}

static int pt_unmap_range(struct pt_ctx *pt, paddr_t table, int level,
                          vaddr_t va, uint64_t size);

/* Tables under a fully unmapped entry are emptied, not dropped, so they are
 * not leaked (there is no free hook) and can be reused by a later map. */
static int pt_unmap_entry(struct pt_ctx *pt, uint64_t *e, int level,
                          vaddr_t va, uint64_t chunk)
{
    if (!(*e & PTE_P))
        return 0;
    if (pt_is_leaf(*e, level)) {
        if (chunk == pt_span(level)) {
            *e = 0;
            return 0;
        }
        if (pt_split(pt, e, level))
            return -ENOMEM;
    }
    return pt_unmap_range(pt, *e, level - 1, va, chunk);
}

static int pt_unmap_range(struct pt_ctx *pt, paddr_t table, int level,
                          vaddr_t va, uint64_t size)
{
    while (size) {
        uint64_t chunk = pt_chunk(va, size, level);
        uint64_t *e = pt_entry_ptr(pt, table, va, level);
        int rc = pt_unmap_entry(pt, e, level, va, chunk);

        if (rc)
            return rc;
        va += chunk;
        size -= chunk;
    }
    return 0;
}

/* "Canonical Addressing": with 48-bit linear addresses bits 63:47 are
 * copies of one another. */
static bool pt_canonical(vaddr_t va)
{
    uint64_t top = va >> 47;

    return top == 0 || top == 0x1ffff;
}

/* Page aligned, canonical, and not wrapping or crossing the canonical
 * hole: both ends in the same half means every byte between is canonical. */
static bool pt_range_ok(vaddr_t va, uint64_t size)
{
    if ((va | size) & (PAGE_SIZE - 1) || !pt_canonical(va))
        return false;
    if (size == 0)
        return true;
    if (size - 1 > ~va)
        return false;
    return (va >> 47) == ((va + size - 1) >> 47);
}

int pt_map(struct pt_ctx *pt, vaddr_t va, paddr_t pa, uint64_t size,
           uint64_t flags)
{
    if (!pt_range_ok(va, size) || (pa & (PAGE_SIZE - 1)))
        return -EINVAL;
    if (pa > PT_PA_LIMIT || size > PT_PA_LIMIT - pa)
        return -EINVAL;
    return pt_map_range(pt, pt->root, PT_LEVELS, va, pa, size,
                        PTE_P | (flags & PTE_FLAGS_MASK) | pt->leaf_attrs);
}

int pt_unmap(struct pt_ctx *pt, vaddr_t va, uint64_t size)
{
    if (!pt_range_ok(va, size))
        return -EINVAL;
    return pt_unmap_range(pt, pt->root, PT_LEVELS, va, size);
}

/* Any of pa, flags and level may be NULL. *flags is the leaf entry with
 * the address bits removed (so it includes PTE_P, and PTE_PS for large
 * pages). A non-canonical va is never mapped: -ENOENT. */
int pt_lookup(const struct pt_ctx *pt, vaddr_t va, paddr_t *pa,
              uint64_t *flags, int *level)
{
    paddr_t table = pt->root;
    int l;

    if (!pt_canonical(va))
        return -ENOENT;
    for (l = PT_LEVELS; l >= 1; l--) {
        uint64_t e = *pt_entry_ptr(pt, table, va, l);

        if (!(e & PTE_P))
            return -ENOENT;
        if (pt_is_leaf(e, l)) {
            if (pa)
                *pa = pt_leaf_addr(e, l) | (va & (pt_span(l) - 1));
            if (flags)
                *flags = e & ~PTE_ADDR_MASK;
            if (level)
                *level = l;
            return 0;
        }
        table = e;
    }
    return -ENOENT; /* unreachable: level 1 entries are always leaves */
}
